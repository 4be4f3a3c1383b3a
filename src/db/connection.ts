import { and, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { BadInputError } from '../core/errors.js';
import { queryRows, type Tx } from './client.js';
import { checkCount, decodeListCursor, encodeListCursor, MAX_PAGE_SIZE, type KeyType, type OrderSpec, type SortKey } from './cursor.js';
import { compileFilter, type FilterOf, type FilterTable } from './filter.js';
import { answerCount, type CountStrategy, countExpression, estimateCount, inStatement, type ListCount } from './list-count.js';
import { Params, runPrepared } from './prepared.js';

export * from './cursor.js';
export type { CountStrategy, ListCount } from './list-count.js';

/**
 * THE connection engine: every list the API pages through (users, roles, invites, applications,
 * sessions, audit events, mail jobs) is a `ListSource` read with `findPage`. Keyset cursors in both
 * directions (first/after, last/before) with one codec (db/cursor.ts), the order a list offers, its
 * filter tree (db/filter.ts), the count of the whole filtered set (only when selected: `totalCount`
 * exact, `count(strategy:)` EXACT, CAPPED or ESTIMATE (db/list-count.ts); counted in the page's own
 * statement, or read from a kept count when the list keeps one for the filter; an empty page after a
 * cursor counts in a second statement), and the capped `offset` of legacy numbered pages, whose rows
 * are built after the offset skipped the others.
 */

/** One page of a Relay connection (the relay plugin's connection shape). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
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
  /**
   * The count kept by triggers (db/counts.ts) of the rows `filter` selects, when the list keeps one
   * for it (undefined: count them); `slow` is the count to fall back on should the kept one be gone.
   * Asked only for lists without a `where` of their own.
   */
  keptCount?: (filter: FilterOf<T> | null | undefined, slow: SQL) => SQL | undefined;
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
  /** The strategies of the `count` fields selected (none: not selected). */
  counts?: readonly CountStrategy[];
}

export interface Connection<N> extends Page<N> {
  /** The whole filtered set (never the page); null when it was not asked for. */
  totalCount: number | null;
  /** The counts of the strategies `wants.counts` asked for. */
  counts: Partial<Record<CountStrategy, ListCount>>;
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
  /** EXACT (or the kept count). */
  _n?: number;
  /** CAPPED. */
  _c?: number;
}

/** Which counts a request needs, and whether the list keeps one for its filter. */
interface CountPlan {
  strategies: Set<CountStrategy>;
  /** The kept count (SQL) when the list keeps one for this filter. */
  kept: SQL | undefined;
}

function countPlan<T extends FilterTable>(
  source: ListSource<T, string>,
  query: Pick<PageQuery<unknown, unknown>, 'where'>,
  filter: FilterOf<T> | null | undefined,
  condition: SQL | undefined,
  wants: ListWants,
): CountPlan {
  const strategies = new Set<CountStrategy>(wants.counts ?? []);
  if (wants.totalCount) strategies.add('EXACT');
  const kept =
    strategies.size && !query.where && source.keptCount ? source.keptCount(filter, countExpression('EXACT', source.table, condition, undefined)) : undefined;
  return { strategies, kept };
}

/** The count columns of a statement for `plan` (`_n` exact or kept, `_c` capped). */
function countColumns(plan: CountPlan, table: PgTable, condition: SQL | undefined): Record<string, SQL> {
  const columns: Record<string, SQL> = {};
  const { strategies, kept } = plan;
  if (kept ? strategies.size > 0 : strategies.has('EXACT')) columns._n = countExpression('EXACT', table, condition, kept);
  if (!kept && strategies.has('CAPPED')) columns._c = countExpression('CAPPED', table, condition, undefined);
  return columns;
}

/** The answers of `plan` from the count columns of `row` (and the estimate, when asked for and not kept). */
function countAnswers(plan: CountPlan, row: Internals, estimate: ListCount | undefined): Partial<Record<CountStrategy, ListCount>> {
  const out: Partial<Record<CountStrategy, ListCount>> = {};
  for (const s of plan.strategies) {
    if (plan.kept) out[s] = { value: Number(row._n), exact: true };
    else if (inStatement(s)) out[s] = answerCount(s, Number(s === 'EXACT' ? row._n : row._c), false);
    else if (estimate) out[s] = estimate;
  }
  return out;
}

/**
 * One page of `source`: the nodes `query.select` builds, in the requested order, after/before the
 * cursors given; its counts when `wants` says so. One statement, prepared once per shape (values
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
  const plan = countPlan(source, query, args.filter, condition, wants);
  const needsEstimate = !plan.kept && plan.strategies.has('ESTIMATE');

  const statementKey =
    query.selectKey === undefined
      ? null
      : `${source.name}:${JSON.stringify([orderName, backward, size, !!after, !!before, !!offset, wants.cursors, [...plan.strategies].sort(), !!plan.kept, query.selectKey])}`;
  const build = () => {
    const dir = sql.raw(ascending ? 'asc' : 'desc');
    const extra: Record<string, SQL> = countColumns(plan, source.table, condition);
    if (wants.cursors) {
      extra._k = sql`(${order.key.sql})::text`;
      extra._i = sql`(${source.id.sql})::text`;
    }
    const orderBy = [sql`${order.key.sql} ${dir}`, sql`${source.id.sql} ${dir}`];
    // The limit is part of the statement's text (a checked integer): with LIMIT as a parameter
    // PostgreSQL never settles on one generic plan. Drizzle types limit as number | Placeholder.
    const limit = sql.raw(String(size + 1)) as never;
    if (offset) {
      // Legacy numbered pages: the offset skips ids only (an index-only scan where the order's index
      // covers it), and the nodes are built for the page's rows alone, not for the rows skipped.
      const ids = sql`select ${source.id.sql} from ${source.table} where ${and(condition, ...cursors) ?? sql`true`} order by ${sql.join(orderBy, sql`, `)} limit ${limit} offset ${offset}`;
      return db
        .select({ ...columns, ...extra })
        .from(source.table)
        .where(sql`${source.id.sql} in (${ids})`)
        .orderBy(...orderBy)
        .$dynamic();
    }
    return db
      .select({ ...columns, ...extra })
      .from(source.table)
      .where(and(condition, ...cursors))
      .orderBy(...orderBy)
      .limit(limit)
      .$dynamic();
  };
  const [rows, estimate] = await Promise.all([
    (statementKey
      ? // A filtered page is planned for its values (and never cached): its best plan depends on them.
        runPrepared(db, statementKey, p, build, { name: `${source.name}_page`, plan: args.filter ? 'per-values' : 'reuse' })
      : build().execute(p.values)) as unknown as Promise<(R & Internals)[]>,
    needsEstimate ? estimateOf(db, source, query, args.filter) : undefined,
  ]);

  let counts: Partial<Record<CountStrategy, ListCount>> = {};
  if (plan.strategies.size) {
    if (rows.length > 0) counts = countAnswers(plan, rows[0], estimate);
    else if (!after && !before && !offset) counts = Object.fromEntries([...plan.strategies].map((s) => [s, { value: 0, exact: true }]));
    else counts = await countList(db, source, query, args.filter, plan.strategies, estimate);
  }
  const more = rows.length > size;
  const page = more ? rows.slice(0, size) : rows;
  if (backward) page.reverse();
  const nodeOf = query.nodeOf ?? ((row: R) => row as unknown as N);
  // Cursors are encoded only when the request reads them.
  const edges = page.map((row) => {
    const { _k, _i, _n, _c, ...rest } = row;
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
    totalCount: wants.totalCount ? (counts.EXACT?.value ?? 0) : null,
    counts,
  };
}

/** The planner's estimate of the rows of `source` matching the list's condition and `filter`. */
function estimateOf<T extends FilterTable>(
  db: Tx,
  source: ListSource<T, string>,
  query: Pick<PageQuery<unknown, unknown>, 'where'>,
  filter: FilterOf<T> | null | undefined,
) {
  const p = new Params(true);
  return estimateCount(db, source.table, and(query.where?.(p), compileFilter(source.filter, filter, p)));
}

/** The counts of `strategies` of the rows of `source` matching the list's condition and `filter`, in their own statement. */
export async function countList<T extends FilterTable, O extends string>(
  db: Tx,
  source: ListSource<T, O>,
  query: Pick<PageQuery<unknown, unknown>, 'where'>,
  filter: FilterOf<T> | null | undefined,
  strategies: Iterable<CountStrategy>,
  estimate?: ListCount,
): Promise<Partial<Record<CountStrategy, ListCount>>> {
  const p = new Params(true);
  const condition = and(query.where?.(p), compileFilter(source.filter, filter, p));
  const plan = countPlan(source, query, filter, condition, { totalCount: false, cursors: false, counts: [...strategies] });
  const columns = countColumns(plan, source.table, condition);
  const names = Object.keys(columns);
  const [row] = names.length
    ? await queryRows<Internals>(
        db,
        sql`select ${sql.join(
          names.map((n) => sql`${columns[n]} as ${sql.identifier(n)}`),
          sql`, `,
        )}`,
      )
    : [{}];
  const guess = estimate ?? (!plan.kept && plan.strategies.has('ESTIMATE') ? await estimateCount(db, source.table, condition) : undefined);
  return countAnswers(plan, row, guess);
}

/** The rows of `source` matching the list's condition and `filter`, every page of them (exact). */
export async function countAll<T extends FilterTable, O extends string>(
  db: Tx,
  source: ListSource<T, O>,
  query: Pick<PageQuery<unknown, unknown>, 'where'>,
  filter: FilterOf<T> | null | undefined,
): Promise<number> {
  return (await countList(db, source, query, filter, ['EXACT'])).EXACT?.value ?? 0;
}
