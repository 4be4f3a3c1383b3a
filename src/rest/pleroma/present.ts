import { decodeId } from '../../graphql/ids.js';

/** The User fields Pleroma presents; keep in step with `presentUser`. */
export const PLEROMA_USER_FIELDS = 'id username domain status tags roles { name }';

export interface PleromaUserSource {
  id: string;
  username: string;
  domain: string | null;
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

/** A user as Pleroma's admin API shows it; ids are strings, as the implementation sends them. */
export function presentUser(user: PleromaUserSource) {
  const groups = groupsOf(user);
  return {
    deactivated: user.status !== 'ACTIVE',
    id: decodeId(user.id, 'User').toString(),
    nickname: nicknameOf(user),
    roles: { admin: groups.is_admin, moderator: groups.is_moderator },
    local: user.domain === null,
    tags: user.tags,
  };
}
