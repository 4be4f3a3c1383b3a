import type { Tx } from '../../db/client.js';
import { findUsersByIds, type UserJson } from './queries.js';

interface Pending {
  resolve: (user: UserJson | null) => void;
  reject: (error: unknown) => void;
}

interface UserBatch {
  /** Every user asked for in this request, loaded or loading. */
  cache: Map<string, Promise<UserJson | null>>;
  /** Ids asked for since the last statement; loaded together once the current level has run. */
  pending: Map<string, Pending[]> | null;
}

/** A request's context: anything holding the request's database handle (the GraphQL context). */
type RequestScope = { database: { db: Tx } };

const batches = new WeakMap<object, UserBatch>();

/**
 * The user of `id`, loaded with every other user asked for at the same nested level of the request
 * in one statement (findUsersByIds): references such as Invite.createdBy or Session.user cost one
 * statement per level, however many objects the page has. Cached for the request.
 */
export function loadUser(ctx: RequestScope, id: bigint | string | null): Promise<UserJson | null> | null {
  if (id === null) return null;
  let batch = batches.get(ctx);
  if (!batch) {
    batch = { cache: new Map(), pending: null };
    batches.set(ctx, batch);
  }
  const key = id.toString();
  const cached = batch.cache.get(key);
  if (cached) return cached;
  if (!batch.pending) {
    const pending = new Map<string, Pending[]>();
    const owner = batch;
    owner.pending = pending;
    // setImmediate runs after every resolver of the current level has asked (they run in microtasks).
    setImmediate(() => {
      owner.pending = null;
      findUsersByIds(
        ctx.database.db,
        [...pending.keys()].map((k) => BigInt(k)),
      ).then(
        (users) => {
          const byId = new Map(users.map((u) => [String(u.id), u]));
          for (const [k, waiting] of pending) for (const w of waiting) w.resolve(byId.get(k) ?? null);
        },
        (error: unknown) => {
          for (const waiting of pending.values()) for (const w of waiting) w.reject(error);
        },
      );
    });
  }
  const pending = batch.pending!;
  const promise = new Promise<UserJson | null>((resolve, reject) => {
    const waiting = pending.get(key) ?? [];
    waiting.push({ resolve, reject });
    pending.set(key, waiting);
  });
  batch.cache.set(key, promise);
  return promise;
}

/** The users of `ids` (missing ones left out), batched like loadUser. */
export async function loadUsers(ctx: RequestScope, ids: readonly (bigint | string)[]): Promise<UserJson[]> {
  const users = await Promise.all(ids.map((id) => loadUser(ctx, id)));
  return users.filter((u): u is UserJson => u !== null);
}
