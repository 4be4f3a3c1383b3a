import { and, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { BadInputError } from '../core/errors.js';
import { queryRows, type Tx } from './client.js';
import { compileFilter, type FilterOf, type FilterTable } from './filter.js';
import { Params, runPrepared } from './prepared.js';
import { isTimestampText, parseBigintId } from './values.js';

/**
 * THE connection engine: every list the API pages through (users, roles, invites, applications,
 * sessions, audit events, mail jobs) is a `ListSource` read with `findPage`. Keyset cursors in both
 * directions (first/after, last/before) with one codec, the order a list offers, its filter tree
 * (db/filter.ts), `totalCount` of the whole filtered set (only when selected: counted in the page's
 * own statement, or read from a kept count when the list keeps one and nothing narrows it; an empty
 * page after a cursor counts in a second statement), and the capped `offset` of legacy numbered pages.
 */

/** One page of a Relay connection (the relay plugin's connection shape). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Connections answer at most this many nodes per page. */
export const MAX_PAGE_SIZE = 100;

/** A page-size (or offset) argument must be a whole number from 0 to `max`; BAD_INPUT at `arg` otherwise. */
export function checkCount(value: number | null | undefined, arg: string, max = MAX_PAGE_SIZE): void {
  if (value == null) return;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new BadInputError(`${arg} must be between 0 and ${max}`, [{ path: [arg], message: `must be between 0 and ${max}` }]);
  }
}

/** The BAD_INPUT a cursor argument `arg` that this server did not make gets. */
export const invalidCursor = (arg = 'after') => new BadInputError(`${arg}: not a valid cursor`, [{ path: [arg], message: 'not a valid cursor' }]);

/** How a sort key is written in SQL and checked when it comes back in a cursor. */
export type KeyType = 'timestamptz' | 'bigint' | 'int' | 'text' | 'uuid';

export interface SortKey {
  sql: SQL;
  type: KeyType;
}

export interface OrderSpec {
  key: SortKey;
  direction: 'asc' | 'desc';
}

/** Every key of a list in both directions: `<NAME>_ASC` and `<NAME>_DESC` (ties broken by the list's id the same way). */
export function bothWays<K extends string>(keys: Record<K, SortKey>): Record<`${K}_ASC` | `${K}_DESC`, OrderSpec> {
  const orders = Object.entries<SortKey>(keys).flatMap(([name, key]) => [
    [`${name}_ASC`, { key, direction: 'asc' }],
    [`${name}_DESC`, { key, direction: 'desc' }],
  ]);
  // Object.fromEntries loses the template-literal keys the entries were made from.
  return Object.fromEntries(orders) as Record<`${K}_ASC` | `${K}_DESC`, OrderSpec>;
}

export interface ListSource<T extends FilterTable, O extends string> {
  /** Names the statements and is part of nothing the client sees. */
  name: string;
  table: PgTable;
  /** A unique key breaking ties of every order (in the order's direction). */
  id: SortKey;
  orders: Readonly<Record<O, OrderSpec>>;
  defaultOrder: O;
  filter: T;
  /** Page size without first/last (default 20). */
  defaultSize?: number;
  /** The largest first/last this list answers (default MAX_PAGE_SIZE). */
  maxPageSize?: number;
  /** The whole list's row count kept by triggers (db/counts.ts): totalCount without a condition reads it instead of counting. */
  keptCount?: SQL;
}

export interface ListArgs<T extends FilterTable, O extends string> {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  /** Legacy numbered pages only: rows skipped before the page (forwards, at most MAX_OFFSET). */
  offset?: number | null;
  filter?: FilterOf<T> | null;
  orderBy?: O | null;
}

/** What of a connection beyond its nodes the request selected. */
export interface ListWants {
  totalCount: boolean;
  cursors: boolean;
}

export interface Connection<N> extends Page<N> {
  /** The whole filtered set (never the page); null when it was not asked for. */
  totalCount: number | null;
}

export interface PageQuery<R, N> {
  /** The columns of one node; values through `p`, so the statement depends only on the request's shape. */
  select: (p: Params) => Record<string, SQL | SQL.Aliased | AnyPgColumn>;
  /** What `select` depends on (e.g. the selected fields); without it the statement is not kept prepared. */
  selectKey?: string;
  /** A condition every row of this list meets (e.g. one user's sessions), values through `p`. */
  where?: (p: Params) => SQL | undefined;
  /** The node of a row (default: the row itself). */
  nodeOf?: (row: R) => N;
}

/** Numbered pages exist for legacy shims only; capping the offset caps the rows skipped. */
export const MAX_OFFSET = 10_000;
const DEFAULT_SIZE = 20;

// ---- the cursor codec ----

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `key` can be a key of `type` in SQL (PostgreSQL would refuse a bad one mid-statement). */
export function isKeyOf(type: KeyType, key: string): boolean {
  switch (type) {
    case 'timestamptz':
      // A key may sort a missing time first or last as ±infinity (invites without an expiry).
      return key === 'infinity' || key === '-infinity' || isTimestampText(key);
    case 'bigint':
      return parseBigintId(key) !== null;
    case 'int':
      return /^-?\d{1,9}$/.test(key);
    case 'uuid':
      return UUID.test(key);
    case 'text':
      return !key.includes('\u0000') && key.length <= 1024;
  }
}

/** An opaque cursor: the order it was made for, the row's sort key and its id, as base64url JSON. */
export const encodeListCursor = (order: string, key: string, id: string): string => Buffer.from(JSON.stringify([order, key, id])).toString('base64url');

/** The sort key and id of a cursor this server made for `order`; BAD_INPUT at `arg` otherwise. */
export function decodeListCursor(cursor: string, order: string, spec: { key: SortKey; id: SortKey }, arg: string): { key: string; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(arg);
  }
  if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) {
    const [madeFor, key, id] = value as string[];
    if (madeFor !== order)
      throw new BadInputError(`${arg}: the cursor belongs to another orderBy`, [{ path: [arg], message: 'cursor was made for another orderBy' }]);
    if (isKeyOf(spec.key.type, key) && isKeyOf(spec.id.type, id)) return { key, id };
  }
  throw invalidCursor(arg);
}

// ---- pages ----

function checkArgs(args: ListArgs<FilterTable, string>, maxSize: number): void {
  checkCount(args.first, 'first', maxSize);
  checkCount(args.last, 'last', maxSize);
  checkCount(args.offset, 'offset', MAX_OFFSET);
  if (args.first != null && args.last != null)
    throw new BadInputError('use first or last, not both', [{ path: ['last'], message: 'use first or last, not both' }]);
  if (args.offset && (args.last != null || args.before != null))
    throw new BadInputError('offset pages forwards only', [{ path: ['offset'], message: 'use offset with first' }]);
}

interface Internals {
  _k?: string;
  _i?: string;
  _n?: number;
}

/**
 * One page of `source`: the nodes `query.select` builds, in the requested order, after/before the
 * cursors given; its totalCount when `wants` says so. One statement, prepared once per shape (values
 * bound), planned per values when a filter is given, since a filter's best plan depends on them.
 */
export async function findPage<T extends FilterTable, O extends string, R, N = R>(
  db: Tx,
  source: ListSource<T, O>,
  query: PageQuery<R, N>,
  args: ListArgs<T, O>,
  wants: ListWants,
): Promise<Connection<N>> {
  checkArgs(args, source.maxPageSize ?? MAX_PAGE_SIZE);
  const orderName = args.orderBy ?? source.defaultOrder;
  const order = source.orders[orderName];
  if (!order) throw new BadInputError('orderBy: not an order of this list', [{ path: ['orderBy'], message: 'not an order of this list' }]);
  const backward = args.last != null || (args.before != null && args.first == null);
  const size = (backward ? args.last : args.first) ?? source.defaultSize ?? DEFAULT_SIZE;
  const ascending = (order.direction === 'asc') !== backward;
  const spec = { key: order.key, id: source.id };
  const after = args.after ? decodeListCursor(args.after, orderName, spec, 'after') : null;
  const before = args.before ? decodeListCursor(args.before, orderName, spec, 'before') : null;

  const p = new Params();
  const condition = and(query.where?.(p), compileFilter(source.filter, args.filter, p));
  const keyOf = (k: string, type: KeyType) => sql`${p.add(k)}::${sql.raw(type)}`;
  const pair = sql`(${order.key.sql}, ${source.id.sql})`;
  const forward = sql.raw(order.direction === 'asc' ? '>' : '<');
  const back = sql.raw(order.direction === 'asc' ? '<' : '>');
  const cursors: SQL[] = [];
  if (after) cursors.push(sql`${pair} ${forward} (${keyOf(after.key, order.key.type)}, ${keyOf(after.id, source.id.type)})`);
  if (before) cursors.push(sql`${pair} ${back} (${keyOf(before.key, order.key.type)}, ${keyOf(before.id, source.id.type)})`);
  const offset = args.offset ? p.placeholder(args.offset) : null;
  const columns = query.select(p);

  const statementKey =
    query.selectKey === undefined ? null : `${source.name}:${JSON.stringify([orderName, backward, size, !!after, !!before, !!offset, wants, query.selectKey])}`;
  const build = () => {
    const dir = sql.raw(ascending ? 'asc' : 'desc');
    const extra: Record<string, SQL> = {};
    if (wants.cursors) {
      extra._k = sql`(${order.key.sql})::text`;
      extra._i = sql`(${source.id.sql})::text`;
    }
    // An uncorrelated subquery: PostgreSQL counts once per statement, not per row.
    if (wants.totalCount) extra._n = countSql(source, condition);
    const page = db
      .select({ ...columns, ...extra })
      .from(source.table)
      .where(and(condition, ...cursors))
      .orderBy(sql`${order.key.sql} ${dir}`, sql`${source.id.sql} ${dir}`)
      // The limit is part of the statement's text (a checked integer): with LIMIT as a parameter
      // PostgreSQL never settles on one generic plan. Drizzle types limit as number | Placeholder.
      .limit(sql.raw(String(size + 1)) as never)
      .$dynamic();
    return offset ? page.offset(offset) : page;
  };
  const rows = (await (statementKey
    ? // A filtered page is planned for its values (and never cached): its best plan depends on them.
      runPrepared(db, statementKey, p, build, { name: `${source.name}_page`, plan: args.filter ? 'per-values' : 'reuse' })
    : build().execute(p.values))) as unknown as (R & Internals)[];

  let totalCount: number | null = null;
  if (wants.totalCount) {
    if (rows.length > 0) totalCount = Number(rows[0]._n);
    else if (!after && !before && !offset) totalCount = 0;
    else totalCount = await countAll(db, source, query, args.filter);
  }
  const more = rows.length > size;
  const page = more ? rows.slice(0, size) : rows;
  if (backward) page.reverse();
  const nodeOf = query.nodeOf ?? ((row: R) => row as unknown as N);
  // Cursors are encoded only when the request reads them.
  const edges = page.map((row) => {
    const { _k, _i, _n, ...rest } = row;
    return {
      get cursor() {
        if (_k === undefined || _i === undefined) throw new Error('cursor requested but its key was not loaded');
        return encodeListCursor(orderName, _k, _i);
      },
      node: nodeOf(rest as R),
    };
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? args.before != null : more,
      hasPreviousPage: backward ? more : args.after != null || (args.offset ?? 0) > 0,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount,
  };
}

/** The rows of `source` matching the list's condition and `filter`, every page of them. */
export async function countAll<T extends FilterTable, O extends string>(
  db: Tx,
  source: ListSource<T, O>,
  query: Pick<PageQuery<unknown, unknown>, 'where'>,
  filter: FilterOf<T> | null | undefined,
): Promise<number> {
  const p = new Params(true);
  const [row] = await queryRows<{ n: number }>(db, sql`select ${countSql(source, and(query.where?.(p), compileFilter(source.filter, filter, p)))} as n`);
  return Number(row.n);
}

/** The rows of `source` meeting `condition`: the kept count when there is no condition and the list keeps one. */
function countSql(source: ListSource<FilterTable, string>, condition: SQL | undefined): SQL {
  if (!condition && source.keptCount) return source.keptCount;
  return sql`(select count(*)::int from ${source.table} ${condition ? sql`where ${condition}` : sql``})`;
}
