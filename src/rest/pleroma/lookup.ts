import type { GraphQLContext } from '../../graphql/context.js';
import { encodeId } from '../../graphql/ids.js';
import { parseBigintId } from '../../db/values.js';
import { run, ShimError } from '../shim.js';
import { PLEROMA_USER_FIELDS, type PleromaUserSource } from './present.js';

export const USER_FRAGMENT = `fragment PleromaUser on User { ${PLEROMA_USER_FIELDS} }`;

const BY_NAME = `query PleromaUser($username: String!, $domain: String) {
  userByUsername(username: $username, domain: $domain) { ...PleromaUser }
} ${USER_FRAGMENT}`;
const BY_ID = `query PleromaUserById($id: ID!) { user(id: $id) { ...PleromaUser } } ${USER_FRAGMENT}`;

/** `name@domain` names a remote account; a bare name a local one. */
export function splitNickname(value: string): { username: string; domain: string | null } {
  const at = value.indexOf('@');
  return at > 0 ? { username: value.slice(0, at), domain: value.slice(at + 1) } : { username: value, domain: null };
}

/** The account a nickname names (Pleroma's get_cached_by_nickname); unknown is NOT_FOUND. */
export async function userNamed(ctx: GraphQLContext, nickname: string): Promise<PleromaUserSource> {
  const data = await run<{ userByUsername: PleromaUserSource | null }>(ctx, BY_NAME, splitNickname(nickname));
  if (!data.userByUsername) throw new ShimError('NOT_FOUND', 'Not found');
  return data.userByUsername;
}

/**
 * The account an id or a nickname names, the id first (Pleroma's get_cached_by_nickname_or_id, which
 * user show and statuses use: admin-fe opens a profile by id). A caller who may not read accounts
 * is refused for another's id and a missing one alike, so the nickname is only tried for readers.
 */
export async function userByIdOrName(ctx: GraphQLContext, value: string): Promise<PleromaUserSource> {
  if (parseBigintId(value) === null) return userNamed(ctx, value);
  const data = await run<{ user: PleromaUserSource | null }>(ctx, BY_ID, { id: encodeId('User', value) });
  return data.user ?? userNamed(ctx, value);
}
