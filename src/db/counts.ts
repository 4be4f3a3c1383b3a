import { sql, type SQL } from 'drizzle-orm';
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Row counts kept by statement-level triggers (migration 20261201134006_row_counts), for tables whose
 * lists must answer `totalCount` at a million rows: the unfiltered count is one row read instead of
 * a scan of every row. Exact, not an estimate: the count changes in the transaction that inserts or
 * deletes, so a statement sees the rows and their count in one snapshot. The price: transactions
 * that insert into a counted table queue on its count row until they commit (user creation only).
 */
export const rowCounts = pgTable('row_counts', {
  tableName: text('table_name').primaryKey(),
  n: bigint('n', { mode: 'number' }).notNull(),
});

/** The kept count of `table` (a counted table's SQL name), as an int expression. */
export const keptCount = (table: 'users'): SQL =>
  // Without its row (removed by hand) the count is taken the slow way rather than answered as 0.
  sql`coalesce((select ${rowCounts.n}::int from ${rowCounts} where ${rowCounts.tableName} = ${sql.raw(`'${table}'`)}), (select count(*)::int from ${sql.raw(`"${table}"`)}))`;
