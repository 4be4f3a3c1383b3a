import type { Tx } from './client.js';

/** A request's context: anything holding the request's database handle (the GraphQL context). */
export type RequestScope = { database: { db: Tx } };

interface Pending<V> {
  resolve: (value: V | null) => void;
  reject: (error: unknown) => void;
}

interface Batch<V> {
  /** Every key asked for in this request, loaded or loading. */
  cache: Map<string, Promise<V | null>>;
  /** Keys asked for since the last statement; loaded together once the current level has run. */
  pending: Map<string, Pending<V>[]> | null;
}

const batches = new WeakMap<object, Map<string, Batch<unknown>>>();

/**
 * The value of `key` from the loader `name`, loaded with every other key asked for at the same
 * nested level of the request in one call of `loadAll` (one statement): references cost one
 * statement per level however many objects a page has. Cached for the request.
 */
export function batched<V>(ctx: RequestScope, name: string, key: string, loadAll: (db: Tx, keys: string[]) => Promise<Map<string, V>>): Promise<V | null> {
  let loaders = batches.get(ctx);
  if (!loaders) {
    loaders = new Map();
    batches.set(ctx, loaders);
  }
  let batch = loaders.get(name) as Batch<V> | undefined;
  if (!batch) {
    batch = { cache: new Map(), pending: null };
    loaders.set(name, batch as Batch<unknown>);
  }
  const cached = batch.cache.get(key);
  if (cached) return cached;
  if (!batch.pending) {
    const pending = new Map<string, Pending<V>[]>();
    const owner = batch;
    owner.pending = pending;
    // setImmediate runs after every resolver of the current level has asked (they run in microtasks).
    setImmediate(() => {
      owner.pending = null;
      loadAll(ctx.database.db, [...pending.keys()]).then(
        (values) => {
          for (const [k, waiting] of pending) for (const w of waiting) w.resolve(values.get(k) ?? null);
        },
        (error: unknown) => {
          for (const waiting of pending.values()) for (const w of waiting) w.reject(error);
        },
      );
    });
  }
  const pending = batch.pending!;
  const promise = new Promise<V | null>((resolve, reject) => {
    const waiting = pending.get(key) ?? [];
    waiting.push({ resolve, reject });
    pending.set(key, waiting);
  });
  batch.cache.set(key, promise);
  return promise;
}
