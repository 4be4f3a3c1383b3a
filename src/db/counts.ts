import { sql, type SQL } from 'drizzle-orm';
import { bigint, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';

/**
 * Row counts kept by statement-level triggers (migrations 20261201134006_row_counts and
 * 20261201182315_row_count_slots), for tables whose lists must answer `totalCount` at a million rows:
 * the count is a sum over a few dozen small rows instead of a scan of every row. Exact, not an
 * estimate: the count changes in the transaction that inserts, deletes or changes the key column,
 * so a statement sees the rows and their count in one snapshot.
 *
 * Each counted table's count is split by a key (users: the stored status, so "every account but the
 * deleted ones" is kept too) and spread over SLOTS slots: a writing transaction takes a free slot
 * (`pg_try_advisory_xact_lock`, starting at its transaction id) and adds its change there, so
 * concurrent writers never wait on one another's count row; only when every slot is held does a
 * writer wait. Readers sum the slots. The row with key '' (slot 0, n 0) marks a table as counted.
 */
export const rowCounts = pgTable(
  'row_counts',
  {
    tableName: text('table_name').notNull(),
    /** The value of the table's count key ('' marks the table as counted). */
    key: text('key').notNull().default(''),
    slot: smallint('slot').notNull().default(0),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tableName, t.key, t.slot], name: 'row_counts_pkey' })],
);

/** Slots per table and key (the migration's row_counts_add spreads writers over this many). */
export const COUNT_SLOTS = 16;

export type CountedTable = 'users';

/**
 * The kept count of `table` (a counted table's SQL name) as an int expression: every row, or the
 * rows whose key is in `keys`, or not in `except`. Without its marker row (removed by hand) the
 * count is taken the slow way rather than answered wrong.
 */
export function keptCount(table: CountedTable, opts: { keys?: readonly string[]; slow?: SQL } = {}): SQL {
  // Keys and table names are the code's own closed sets, so they are written into the statement's text.
  const text = (value: string) => sql.raw(`'${value.replace(/'/g, "''")}'`);
  const which = opts.keys ? sql` and ${rowCounts.key} in (${opts.keys.length ? sql.join(opts.keys.map(text), sql`, `) : sql`null`})` : sql``;
  const slow = opts.slow ?? sql`(select count(*)::int from ${sql.identifier(table)})`;
  return sql`(select case when bool_or(${rowCounts.key} = '') then coalesce(sum(${rowCounts.n}) filter (where ${rowCounts.key} <> ''${which}), 0)::int else ${slow} end from ${rowCounts} where ${rowCounts.tableName} = ${text(table)})`;
}
