import { decodeGlobalID } from '@pothos/plugin-relay';
import { decodeId } from '../../graphql/ids.js';
import { levelOf } from './levels.js';

export const COOKIE_USER_FIELDS = 'id username email verified roles { name }';
/** The one user's detail adds its skins, capes, selection and Discord link (modules/skins). */
export const COOKIE_DETAIL_FIELDS = `${COOKIE_USER_FIELDS} skins { uuid name slim hd cape { uuid } } capes { uuid name } selectedSkin { uuid cape { uuid } } discord { discordId username avatar }`;

export interface CookieSkinSource {
  uuid: string;
  name: string;
  slim: boolean;
  hd: boolean;
  cape: { uuid: string } | null;
}

export interface CookieUserSource {
  id: string;
  username: string;
  email: string | null;
  verified: boolean;
  roles: { name: string }[];
  skins?: CookieSkinSource[];
  capes?: { uuid: string; name: string }[];
  selectedSkin?: { uuid: string; cape: { uuid: string } | null } | null;
  discord?: { discordId: string; username: string; avatar: string | null } | null;
}

/**
 * A row of the users list, the fields the panels read. The original also listed password hashes
 * and session secrets (a known fault): never here. `mail` is always a string (the panels call
 * `.toLowerCase()` on it); Minecraft UUIDs, Discord ids and HWIDs are not kept by the gateway (null).
 */
export function presentListUser(user: CookieUserSource) {
  return {
    id: Number(decodeId(user.id, 'User')),
    username: user.username,
    dsid: null,
    mail: user.email ?? '',
    mail_verify: user.verified ? 1 : 0,
    uuid: null,
    perms: levelOf(user.roles),
    hwidId: null,
  };
}

/**
 * One user as GET /user/{identifier} and GET /home show it: `Skins` (with `cloak_id`, '0' for none,
 * and `slim`, which the panels read), `Capes`, `Selected_Skin` and `Selected_Cape` (the selected
 * skin's cape; 0 when none, as the original) and the target's own `Discord` link (the original
 * looked up the caller's, a fault; no link: empty strings, never null).
 */
export function presentUser(user: CookieUserSource) {
  return {
    Username: user.username,
    Uuid: null,
    Mail: user.email ?? '',
    Mail_verify: user.verified ? 1 : 0,
    Mail_verification: user.verified ? 1 : 0,
    PermLvl: levelOf(user.roles),
    Selected_Cape: user.selectedSkin?.cape?.uuid ?? 0,
    Selected_Skin: user.selectedSkin?.uuid ?? 0,
    Capes: (user.capes ?? []).map((c) => ({ Id: c.uuid, Name: c.name })),
    Skins: (user.skins ?? []).map((s) => ({ uuid: s.uuid, name: s.name, cloak_id: s.cape?.uuid ?? '0', slim: s.slim ? 1 : 0, hd: s.hd ? 1 : 0 })),
    Discord_integration: Boolean(user.discord),
    Discord: user.discord
      ? { userid: user.discord.discordId, username: user.discord.username, avatar: user.discord.avatar ?? '' }
      : { userid: '', username: '', avatar: '' },
  };
}

export const COOKIE_AUDIT_FIELDS = 'seq at actor { id } action targetType targetId diff';

export interface CookieAuditSource {
  seq: string;
  at: string;
  actor: { id: string } | null;
  action: string;
  targetType: string;
  targetId: string | null;
  diff: Record<string, unknown> | null;
}

/** A target's key: a User global ID decoded, a numeric key as a number, any other key as given. */
function keyOf(id: string | null): number | string {
  if (!id) return '';
  if (/^\d{1,15}$/.test(id)) return Number(id);
  try {
    const decoded = decodeGlobalID(id);
    if (/^\d{1,15}$/.test(decoded.id)) return Number(decoded.id);
  } catch {
    // not a global ID: the key as stored (a session UUID, an invite code)
  }
  return id;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value));

/** The `{field: {from, to}}` entries of an audit diff (secrets appear as `{changed: true}`: named, never valued). */
function changes(diff: Record<string, unknown> | null): [string, { from?: unknown; to?: unknown }][] {
  return Object.entries(diff ?? {}).filter((entry): entry is [string, { from?: unknown; to?: unknown }] => {
    const v = entry[1];
    return typeof v === 'object' && v !== null && !Array.isArray(v) && ('from' in v || 'to' in v || 'changed' in v);
  });
}

/**
 * One audit row as the cookiecms-js `audit_log` table has it. A gateway row covers every field one
 * change touched: `field_changed` names them (comma-separated), `old_value`/`new_value` hold the one
 * field's values as text, or a JSON object of them when several changed. `target_id` is never null
 * (the panels call `target_id.toString()`): '' for a change without a target. `for` (the published
 * document's name for it) carries the same value.
 */
export function presentAudit(event: CookieAuditSource) {
  const fields = changes(event.diff);
  const target = keyOf(event.targetId);
  const one = fields.length === 1 ? fields[0][1] : null;
  const side = (k: 'from' | 'to') =>
    one ? text(one[k]) : fields.length ? JSON.stringify(Object.fromEntries(fields.map(([f, v]) => [f, v[k] ?? null]))) : null;
  return {
    id: Number(event.seq),
    iss: event.actor ? String(keyOf(event.actor.id)) : 'system',
    action: event.action,
    target_id: target,
    for: target,
    field_changed: fields.length ? fields.map(([f]) => f).join(', ') : null,
    old_value: side('from'),
    new_value: side('to'),
    time: Math.floor(Date.parse(event.at) / 1000),
  };
}
