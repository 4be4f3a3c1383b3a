import { and, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Tx } from './client.js';
import { compileFilter, type FilterOf, type FilterTable } from './filter.js';
import { COUNT_CAP, type CountStrategy, type ListCount, type ListSource, type ListWants, type PageQuery } from './list-source.js';
import { Params } from './prepared.js';

/**
 * How a connection counts the rows its filter selects (`count(strategy:)`; `totalCount` is EXACT).
 * A list that keeps a count for the filter (db/counts.ts) answers every strategy exactly from it, in
 * constant time. Otherwise: EXACT counts every match; CAPPED counts at most COUNT_CAP + 1 of them
 * (exact up to the cap, then "more than COUNT_CAP"); ESTIMATE asks PostgreSQL's planner (EXPLAIN),
 * which reads statistics and no rows.
 */
export { COUNT_CAP, COUNT_STRATEGIES, type CountStrategy, type ListCount } from './list-source.js';

/** What counts the page statement computes in one go (EXPLAIN cannot be a subquery). */
export const inStatement = (s: CountStrategy): s is 'EXACT' | 'CAPPED' => s !== 'ESTIMATE';

/**
 * The count of `strategy` as an int expression for the page's statement: `kept` when the list keeps
 * one for this condition, else a count over `table` meeting `condition` (CAPPED: of at most COUNT_CAP + 1 rows).
 */
export function countExpression(strategy: 'EXACT' | 'CAPPED', table: PgTable, condition: SQL | undefined, kept: SQL | undefined): SQL {
  if (kept) return kept;
  const where = condition ? sql`where ${condition}` : sql``;
  // An uncorrelated subquery: PostgreSQL counts once per statement, not per row.
  if (strategy === 'EXACT') return sql`(select count(*)::int from ${table} ${where})`;
  return sql`(select count(*)::int from (select 1 from ${table} ${where} limit ${sql.raw(String(COUNT_CAP + 1))}) capped)`;
}

/** A counted value as the strategy answers it (`kept`: read from a kept count, so exact whatever the strategy). */
export function answerCount(strategy: 'EXACT' | 'CAPPED', n: number, kept: boolean): ListCount {
  if (strategy === 'CAPPED' && !kept && n > COUNT_CAP) return { value: COUNT_CAP, exact: false };
  return { value: n, exact: true };
}

/** PostgreSQL's estimate of the rows of `table` meeting `condition` (values bound inline, since EXPLAIN plans one statement). */
export async function estimateCount(db: Tx, table: PgTable, condition: SQL | undefined): Promise<ListCount> {
  const where = condition ? sql`where ${condition}` : sql``;
  const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(db, sql`explain (format json) select 1 from ${table} ${where}`);
  const plan = row['QUERY PLAN'];
  // postgres.js parses the json column; PGlite may answer it as text.
  const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: { 'Plan Rows': number } }[];
  return { value: Math.max(0, Math.round(parsed[0].Plan['Plan Rows'])), exact: false };
}

// ---- the counts of one request (findPage and countList) ----

interface CountColumns {
  /** EXACT (or the kept count). */
  _n?: number;
  /** CAPPED. */
  _c?: number;
}

/** Which counts a request needs, and whether the list keeps one for its filter. */
export interface CountPlan {
  strategies: Set<CountStrategy>;
  /** The kept count (SQL) when the list keeps one for this filter. */
  kept: SQL | undefined;
}

export function countPlan<T extends FilterTable>(
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
export function countColumns(plan: CountPlan, table: PgTable, condition: SQL | undefined): Record<string, SQL> {
  const columns: Record<string, SQL> = {};
  const { strategies, kept } = plan;
  if (kept ? strategies.size > 0 : strategies.has('EXACT')) columns._n = countExpression('EXACT', table, condition, kept);
  if (!kept && strategies.has('CAPPED')) columns._c = countExpression('CAPPED', table, condition, undefined);
  return columns;
}

/** The answers of `plan` from the count columns of `row` (and the estimate, when asked for and not kept). */
export function countAnswers(plan: CountPlan, row: CountColumns, estimate: ListCount | undefined): Partial<Record<CountStrategy, ListCount>> {
  const out: Partial<Record<CountStrategy, ListCount>> = {};
  for (const s of plan.strategies) {
    if (plan.kept) out[s] = { value: Number(row._n), exact: true };
    else if (inStatement(s)) out[s] = answerCount(s, Number(s === 'EXACT' ? row._n : row._c), false);
    else if (estimate) out[s] = estimate;
  }
  return out;
}

/** The planner's estimate of the rows of `source` matching the list's condition and `filter`. */
export function estimateOf<T extends FilterTable>(
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
    ? await queryRows<CountColumns>(
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
