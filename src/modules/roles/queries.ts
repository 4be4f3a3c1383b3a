import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { jsonObject } from '../../db/json.js';
import { roles, userRoles } from './table.js';

/** A grant counts only inside [startsAt, expiresAt); enforced here so no job is needed. */
export const grantIsActive = sql`${userRoles.startsAt} <= now() and (${userRoles.expiresAt} is null or ${userRoles.expiresAt} > now())`;

/** The stored scopes that grant `scope`: itself and its ancestors. */
export function scopesGranting(scope: string): string[] {
  const parts = scope.split(':');
  return parts.map((_, i) => parts.slice(0, i + 1).join(':'));
}

/** SQL: does the user (by id expression) hold `scope` now, through an active role? */
export function userHoldsScope(userId: SQL, scope: string): SQL {
  const granting = scopesGranting(scope);
  return sql`exists (select 1 from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId}
    where ${userRoles.userId} = ${userId} and ${grantIsActive}
      and ${roles.scopes} && ${sql`array[${sql.join(granting.map((s) => sql`${s}`), sql`, `)}]::text[]`})`;
}

/** Columns of Role by GraphQL field name, for JSON built in PostgreSQL. */
export const roleFieldSql: Record<string, SQL> = {
  __typename: sql.raw(`'Role'`),
  id: sql`${roles.id}::text`,
  name: sql`${roles.name}`,
  rank: sql`${roles.rank}`,
  description: sql`${roles.description}`,
  scopes: sql`${roles.scopes}`,
  builtIn: sql`${roles.builtIn}`,
};

export const ROLE_FIELDS = Object.keys(roleFieldSql).filter((f) => f !== '__typename');

/** Roles by key, as JSON (for node(id)). */
export async function findRolesByIds(db: Tx, ids: bigint[]): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: sql<string>`${roles.id}::text`, role: sql<Record<string, unknown>>`${jsonObject(Object.entries(roleFieldSql))}` })
    .from(roles)
    .where(inArray(roles.id, ids));
  return new Map(rows.map((r) => [r.id, r.role]));
}
