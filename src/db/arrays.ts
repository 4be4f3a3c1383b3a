import { sql, type SQL } from 'drizzle-orm';

/** A text[] literal of bound parameters (`array[$1, $2]::text[]`), for statements run once. */
export const textArray = (values: readonly string[]): SQL =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

/** A bigint[] of bound parameters (keys travel as text, which PostgreSQL casts). */
export const bigintArray = (values: readonly bigint[]): SQL =>
  sql`array[${sql.join(
    values.map((v) => sql`${v.toString()}`),
    sql`, `,
  )}]::bigint[]`;
