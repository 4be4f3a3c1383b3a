import { decodeGlobalID } from '@pothos/plugin-relay';
import { decodeId } from '../../graphql/ids.js';

/** CookieCMS role levels 1..3 are gateway roles: 1 is a plain account, 2 moderator, 3 admin. */
export const LEVEL_ROLES: Record<2 | 3, string> = { 2: 'moderator', 3: 'admin' };

export function levelOf(roles: { name: string }[]): 1 | 2 | 3 {
  const names = new Set(roles.map((r) => r.name));
  if (names.has('admin') || names.has('superadmin')) return 3;
  return names.has('moderator') ? 2 : 1;
}

export const COOKIE_USER_FIELDS = 'id username email verified roles { name }';

export interface CookieUserSource {
  id: string;
  username: string;
  email: string | null;
  verified: boolean;
  roles: { name: string }[];
}

/**
 * A row of the users list. The original also listed password hashes and session secrets (a known
 * fault): those fields are never filled here. Minecraft and Discord links are not kept by the gateway.
 */
export function presentListUser(user: CookieUserSource) {
  return {
    id: Number(decodeId(user.id, 'User')),
    username: user.username,
    dsid: null,
    mail: user.email,
    mail_verify: user.verified ? 1 : 0,
    uuid: null,
    perms: levelOf(user.roles),
    accessToken: null,
    serverID: null,
    hwidId: null,
  };
}

/** One user as GET /user/{identifier} shows it; skins and capes arrive with the community data. */
export function presentUser(user: CookieUserSource) {
  return {
    Username: user.username,
    Uuid: null,
    Mail: user.email,
    Mail_verify: user.verified ? 1 : 0,
    Selected_Cape: 0,
    Selected_Skin: null,
    PermLvl: levelOf(user.roles),
    Capes: [],
    Skins: [],
    Discord_integration: false,
    Discord: null,
    Mail_verification: user.verified ? 1 : 0,
  };
}

export interface CookieAuditSource {
  seq: string;
  at: string;
  actor: { id: string } | null;
  action: string;
  targetId: string | null;
}

const keyOf = (id: string | null) => {
  if (!id) return null;
  if (/^\d+$/.test(id)) return Number(id);
  try {
    const decoded = decodeGlobalID(id);
    return /^\d+$/.test(decoded.id) ? Number(decoded.id) : null;
  } catch {
    return null;
  }
};

export function presentAudit(event: CookieAuditSource) {
  return {
    id: Number(event.seq),
    iss: event.actor ? String(keyOf(event.actor.id)) : 'system',
    action: event.action,
    for: keyOf(event.targetId),
    time: Math.floor(Date.parse(event.at) / 1000),
  };
}
