import { sql, type Placeholder } from 'drizzle-orm';
import type { Tx } from './client.js';

/**
 * Values of one request, bound by name. Query builders call `add` where they would inline a value,
 * so the SQL they build depends only on the request's shape and can be prepared once.
 */
export class Params {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  add(value: unknown): Placeholder {
    const name = `p${this.n++}`;
    this.values[name] = value;
    return sql.placeholder(name);
  }
}

interface Executable<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}

const caches = new WeakMap<object, Map<string, Executable<unknown>>>();
const MAX_SHAPES = 500;

/**
 * Runs the statement prepared for `key` (building it with `build` the first time on this database
 * handle), with this request's values. Rendering SQL through Drizzle costs more than the round trip
 * on small reads, so hot paths build each shape once. Transactions are short-lived handles and
 * build every time.
 */
export function runPrepared<T>(db: Tx, key: string, params: Params, build: () => Executable<T>): Promise<T> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(key) as Executable<T> | undefined;
  if (!statement) {
    statement = build();
    if (cache.size >= MAX_SHAPES) cache.clear();
    cache.set(key, statement);
  }
  return statement.execute(params.values);
}

/** The shape of a filter-like value: its structure with every leaf value blanked (names of keys stay). */
export function shapeKey(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? 0 : v));
}
