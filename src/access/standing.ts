import { sql, type SQL } from 'drizzle-orm';
import { textArray } from '../db/arrays.js';
import { queryRows, type Tx } from '../db/client.js';
import { roles, userRoles, userScopes } from '../modules/roles/table.js';
import { ScopeSet } from './scopes.js';

/** A grant counts only inside [startsAt, expiresAt); enforced here so no job is needed. */
export const grantIsActive = sql`${userRoles.startsAt} <= now() and (${userRoles.expiresAt} is null or ${userRoles.expiresAt} > now())`;
export const directIsActive = sql`${userScopes.startsAt} <= now() and (${userScopes.expiresAt} is null or ${userScopes.expiresAt} > now())`;

/** The stored scopes that grant `scope`: itself and its ancestors. */
export function scopesGranting(scope: string): string[] {
  const parts = scope.split(':');
  return parts.map((_, i) => parts.slice(0, i + 1).join(':'));
}

/** SQL: does the user (by id expression) hold `scope` now, through an active role or a direct grant? */
export function userHoldsScope(userId: SQL, scope: string): SQL {
  const granting = scopesGranting(scope);
  return sql`(exists (select 1 from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId}
    where ${userRoles.userId} = ${userId} and ${grantIsActive} and ${roles.scopes} && ${textArray(granting)})
    or exists (select 1 from ${userScopes} where ${userScopes.userId} = ${userId} and ${directIsActive} and ${userScopes.scope} = any(${textArray(granting)})))`;
}

/** SQL: the user's effective stored scopes now (roles and direct grants), as text[] (null for none). */
export function effectiveScopesSql(userId: SQL): SQL {
  return sql`(select array_agg(distinct sc) from (
    select unnest(${roles.scopes}) as sc from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId}
      where ${userRoles.userId} = ${userId} and ${grantIsActive}
    union all
    select ${userScopes.scope} from ${userScopes} where ${userScopes.userId} = ${userId} and ${directIsActive}) s)`;
}

/**
 * Where someone stands for the rank rules: the highest rank among active roles (0 without any),
 * whether one of them is the built-in superadmin, and the effective scopes. Read inside the
 * acting transaction, so a grant revoked a moment ago no longer counts.
 */
export interface Standing {
  userId: bigint | null;
  rank: number;
  superadmin: boolean;
  scopes: ScopeSet;
}

/** The gateway itself (bootstrap, CLI) acts with every right. */
export const SYSTEM_STANDING: Standing = { userId: null, rank: Number.POSITIVE_INFINITY, superadmin: true, scopes: new ScopeSet(['admin']) };

export async function findStanding(db: Tx, userId: bigint | null): Promise<Standing> {
  if (userId === null) return SYSTEM_STANDING;
  const id = sql`${userId}::bigint`;
  const [row] = await queryRows<{ rank: number | null; superadmin: boolean | null; scopes: string[] | null }>(
    db,
    sql`select max(${roles.rank}) as rank, bool_or(${roles.builtIn} and ${roles.name} = 'superadmin') as superadmin, ${effectiveScopesSql(id)} as scopes
      from (select 1) one left join ${userRoles} on ${userRoles.userId} = ${id} and ${grantIsActive}
      left join ${roles} on ${roles.id} = ${userRoles.roleId}`,
  );
  return { userId, rank: Number(row?.rank ?? 0), superadmin: row?.superadmin === true, scopes: new ScopeSet(row?.scopes ?? []) };
}
