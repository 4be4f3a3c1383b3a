import { batched, type RequestScope } from '../../db/batch.js';
import { findUsersByIds, USER_SCALAR_FIELDS, type UserJson } from './queries.js';

/**
 * The user of `id`, loaded with every other user asked for at the same nested level of the request
 * in one statement (findUsersByIds): references such as Invite.createdBy or Session.user cost one
 * statement per level. The user's own columns; fields other modules add (User.roles) are loaded by
 * their resolvers, batched the same way, when a reference selects them.
 */
export function loadUser(ctx: RequestScope, id: bigint | string | null): Promise<UserJson | null> | null {
  if (id === null) return null;
  return batched(ctx, 'user', id.toString(), async (db, keys) => {
    const users = await findUsersByIds(
      db,
      keys.map((k) => BigInt(k)),
      { fields: USER_SCALAR_FIELDS },
    );
    return new Map(users.map((u) => [String(u.id), u]));
  });
}

/** The users of `ids` (missing ones left out), batched like loadUser. */
export async function loadUsers(ctx: RequestScope, ids: readonly (bigint | string)[]): Promise<UserJson[]> {
  const users = await Promise.all(ids.map((id) => loadUser(ctx, id)));
  return users.filter((u): u is UserJson => u !== null);
}
