import { and, sql, type SQL } from 'drizzle-orm';
import { BadInputError } from '../core/errors.js';
import type { Tx } from './client.js';
import { checkCount, decodeListCursor, encodeListCursor, MAX_PAGE_SIZE, type KeyType } from './cursor.js';
import { compileFilter, type FilterTable } from './filter.js';
import { countAnswers, countColumns, countList, countPlan, type CountStrategy, estimateOf, type ListCount } from './list-count.js';
import type { Connection, ListArgs, ListSource, ListWants, PageQuery } from './list-source.js';
import { Params, runPrepared } from './prepared.js';

export * from './cursor.js';
export type { CountStrategy, ListCount } from './list-count.js';
export { countAll, countList } from './list-count.js';
export type * from './list-source.js';

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
