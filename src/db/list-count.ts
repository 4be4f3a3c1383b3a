import { sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Tx } from './client.js';

/**
 * How a connection counts the rows its filter selects (`count(strategy:)`; `totalCount` is EXACT).
 * A list that keeps a count for the filter (db/counts.ts) answers every strategy exactly from it, in
 * constant time. Otherwise: EXACT counts every match; CAPPED counts at most COUNT_CAP + 1 of them
 * (exact up to the cap, then "more than COUNT_CAP"); ESTIMATE asks PostgreSQL's planner (EXPLAIN),
 * which reads statistics and no rows.
 */
export const COUNT_STRATEGIES = ['EXACT', 'CAPPED', 'ESTIMATE'] as const;
export type CountStrategy = (typeof COUNT_STRATEGIES)[number];

/** CAPPED counts are exact up to this many rows (the legacy offset reaches as far). */
export const COUNT_CAP = 10_000;

export interface ListCount {
  /** The count; with exact=false from CAPPED, "more than value"; from ESTIMATE, the planner's guess. */
  value: number;
  exact: boolean;
}

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
