import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Tx } from './client.js';

/**
 * Values of one request, bound by name. Query builders call `add` where they would inline a value,
 * so the SQL they build depends only on the request's shape and can be prepared once.
 */
export class Params {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  /** `inline`: values become ordinary bound parameters, for a statement run once (not prepared). */
  constructor(private readonly inline = false) {}

  /** A placeholder for `value` even in an inline set (where Drizzle's API takes only a placeholder or a literal). */
  placeholder(value: unknown): Placeholder {
    const name = `p${this.n++}`;
    this.values[name] = value;
    return sql.placeholder(name);
  }

  add(value: unknown): Placeholder | SQL {
    return this.inline ? sql`${value}` : this.placeholder(value);
  }
}

interface Executable<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}

/** A Drizzle query builder: `prepare` keeps a server-side statement, `execute` runs an unnamed one. */
interface Buildable<T> extends Executable<T> {
  prepare(name: string): Executable<T>;
}

const caches = new WeakMap<object, Map<string, Executable<unknown>>>();
const MAX_SHAPES = 500;

/**
 * Runs a statement for a request of shape `key` with this request's values.
 *
 * `plan: 'reuse'` builds the statement once per shape and database handle and keeps it prepared,
 * so neither Drizzle nor PostgreSQL redo parse and plan: right for reads whose best plan does not
 * depend on the values (pages, lookups by key). `plan: 'per-values'` sends an unnamed statement that
 * PostgreSQL plans for the actual values: right for filters, where a pattern that matches a quarter
 * of the table and one that matches ten rows need different plans. A transaction's handle is new
 * each time, so within transactions statements are in effect built per transaction.
 */
export function runPrepared<T>(
  db: Tx,
  key: string,
  params: Params,
  build: () => Buildable<T>,
  opts: { name: string; plan: 'reuse' | 'per-values' },
): Promise<T> {
  if (opts.plan === 'per-values') return build().execute(params.values);
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(key) as Executable<T> | undefined;
  if (!statement) {
    statement = build().prepare(opts.name);
    if (cache.size >= MAX_SHAPES) cache.clear();
    cache.set(key, statement);
  }
  return statement.execute(params.values);
}

/** The shape of a filter-like value: its structure with every leaf value blanked (names of keys stay). */
export function shapeKey(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? 0 : v));
}
