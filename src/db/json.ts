import { sql, type SQL } from 'drizzle-orm';

/**
 * `json_build_object` for the given field names; PostgreSQL caps a call at 100 arguments, so larger
 * objects are built in parts and merged as jsonb.
 */
export function jsonObject(entries: [string, SQL][]): SQL {
  const parts: SQL[] = [];
  for (let i = 0; i < entries.length; i += 50) {
    const chunk = entries.slice(i, i + 50);
    const fn = entries.length > 50 ? sql.raw('jsonb_build_object') : sql.raw('json_build_object');
    parts.push(
      sql`${fn}(${sql.join(
        chunk.map(([k, v]) => sql`${sql.raw(`'${k.replace(/'/g, "''")}'`)}, ${v}`),
        sql`, `,
      )})`,
    );
  }
  if (parts.length === 0) return sql`'{}'::json`;
  return parts.length === 1 ? parts[0] : sql`(${sql.join(parts, sql` || `)})::json`;
}

/** A timestamp as the API answers it (ISO 8601, UTC, milliseconds), so the DateTime scalar passes it through. */
export const isoUtc = (c: unknown): SQL => sql`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
