import { decodeGlobalID } from '@pothos/plugin-relay';
import { decodeId } from '../../graphql/ids.js';

/** The User fields Pleroma presents; keep in step with `presentUser`. */
export const PLEROMA_USER_FIELDS = 'id username domain displayName status tags roles { name }';

export interface PleromaUserSource {
  id: string;
  username: string;
  domain: string | null;
  displayName: string | null;
  status: string;
  tags: string[];
  roles: { name: string }[];
}

/** Pleroma's permission groups are the gateway's roles of the same name (superadmin counts as admin). */
export function groupsOf(user: PleromaUserSource) {
  const names = new Set(user.roles.map((r) => r.name));
  return { is_admin: names.has('admin') || names.has('superadmin'), is_moderator: names.has('moderator') };
}

/** `name` for a local account, `name@domain` for a remote one. */
export const nicknameOf = (user: PleromaUserSource) => (user.domain ? `${user.username}@${user.domain}` : user.username);

/**
 * A user as Pleroma's admin API shows it (AccountView show.json, the same object in lists, show and
 * toggle_activation); ids are strings, as the implementation sends them. `display_name` falls back
 * to the nickname as Pleroma's does; `avatar` is null, since the gateway serves no avatar images.
 */
export function presentUser(user: PleromaUserSource) {
  const groups = groupsOf(user);
  return {
    id: decodeId(user.id, 'User').toString(),
    avatar: null,
    nickname: nicknameOf(user),
    display_name: user.displayName ?? nicknameOf(user),
    deactivated: user.status !== 'ACTIVE',
    roles: { admin: groups.is_admin, moderator: groups.is_moderator },
    local: user.domain === null,
    tags: user.tags,
  };
}

export const PLEROMA_INVITE_FIELDS = 'id code type maxUses uses expiresAt valid';

export interface PleromaInviteSource {
  id: string;
  code: string;
  type: 'ONE_TIME' | 'REUSABLE' | 'DATE_LIMITED' | 'REUSABLE_DATE_LIMITED';
  maxUses: number | null;
  uses: number;
  expiresAt: string | null;
  valid: boolean;
}

const DAY_MS = 86_400_000;

/** Pleroma's `expires_at` is a date the invite is valid through; the gateway keeps the moment after it. */
export const expiryOfDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS);
const dateOfExpiry = (expiresAt: string) => new Date(Date.parse(expiresAt) - DAY_MS).toISOString().slice(0, 10);

/**
 * An invite as Pleroma shows it (invite.json): `used` once it can no longer register anyone (used
 * up, expired or revoked); `max_use` is the use limit (1 for a one-time invite, null for none).
 */
export function presentInvite(invite: PleromaInviteSource) {
  return {
    id: Number(decodeGlobalID(invite.id).id),
    token: invite.code,
    used: !invite.valid,
    expires_at: invite.expiresAt ? dateOfExpiry(invite.expiresAt) : null,
    uses: invite.uses,
    max_use: invite.maxUses,
    invite_type: invite.type.toLowerCase(),
  };
}
