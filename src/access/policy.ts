import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.js';
import { forbidden, NotFoundError, unauthenticated } from '../core/errors.js';
import { roles, userRoles } from '../modules/roles/table.js';
import { users } from '../modules/users/table.js';
import type { Viewer } from './caller.js';
import { scopeCovers, type Scope } from './scopes.js';
import { findStanding, grantIsActive, type Standing } from './standing.js';

/**
 * Every rule beyond "needs scope X", in one place: actions call these inside their transaction,
 * with the actor's standing read there.
 */

export const superadminRank = 1000;

/** An actor manages only roles ranked below its own highest role; superadmin manages any. */
export function assertRoleBelow(actor: Standing, role: { name: string; rank: number }): void {
  if (actor.superadmin || role.rank < actor.rank) return;
  throw forbidden(`You may only manage roles ranked below your own (${actor.rank}); ${role.name} has rank ${role.rank}`);
}

/** Nobody grants (or takes away) a scope it does not hold itself. */
export function assertHoldsScopes(actor: Standing, scopes: readonly string[]): void {
  const missing = scopes.filter((s) => !actor.scopes.has(s));
  if (missing.length) throw forbidden(`You cannot grant or take away scopes you do not hold: ${missing.join(', ')}`);
}

/** The highest active rank of each user (0 without roles), in one statement (the ids travel as one parameter). */
async function ranksOf(tx: Tx, userIds: readonly bigint[]): Promise<Map<bigint, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await queryRows<{ id: string; rank: number | null }>(
    tx,
    sql`select u.id::text as id, (select max(${roles.rank}) from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId}
        where ${userRoles.userId} = u.id and ${grantIsActive}) as rank
      from unnest(${`{${userIds.join(',')}}`}::bigint[]) u(id)`,
  );
  return new Map(rows.map((r) => [BigInt(r.id), Number(r.rank ?? 0)]));
}

/**
 * THE rank rule for acting on accounts (their grants, status, tags, data, secrets): an actor acts on
 * another account only when it outranks it; superadmin may act on anyone. Acting on oneself is left
 * to the other rules. Answers the targets refused, with their ranks (none: all allowed).
 */
export async function outrankedTargets(tx: Tx, actor: Standing, targetIds: readonly bigint[]): Promise<{ id: bigint; rank: number }[]> {
  if (actor.superadmin) return [];
  const others = [...new Set(targetIds)].filter((id) => id !== actor.userId);
  const ranks = await ranksOf(tx, others);
  return others.map((id) => ({ id, rank: ranks.get(id) ?? 0 })).filter((t) => t.rank >= actor.rank);
}

const outranksMessage = (actor: Standing) => `You may only act on accounts ranked below your own (${actor.rank})`;

/** One account: FORBIDDEN unless the actor outranks it (see outrankedTargets). */
export async function assertOutranks(tx: Tx, actor: Standing, targetId: bigint): Promise<void> {
  const [refused] = await outrankedTargets(tx, actor, [targetId]);
  if (refused) throw forbidden(`${outranksMessage(actor)}; this one has rank ${refused.rank}`);
}

/** A target of a batch: who it is, how to name it, and the input field that named it. */
export interface BatchTarget {
  id: bigint;
  name: string;
  path: string[];
}

/** At most this many refused targets are named one by one; the message counts the rest. */
const NAMED_REFUSALS = 100;

/**
 * A batch (many ids, names or a filter's matches) is refused whole when the actor may not act on any
 * one of its targets: FORBIDDEN, naming every refused target in the message and in `fields`.
 */
export async function assertOutranksAll(tx: Tx, actor: Standing, targets: readonly BatchTarget[]): Promise<void> {
  const refused = new Map(
    (
      await outrankedTargets(
        tx,
        actor,
        targets.map((t) => t.id),
      )
    ).map((r) => [r.id, r.rank]),
  );
  if (refused.size === 0) return;
  const hits = targets.filter((t) => refused.has(t.id));
  const named = [...new Map(hits.map((t) => [t.id, t])).values()];
  const list = named
    .slice(0, NAMED_REFUSALS)
    .map((t) => `${t.name} (rank ${refused.get(t.id)})`)
    .join(', ');
  const more = named.length > NAMED_REFUSALS ? ` and ${named.length - NAMED_REFUSALS} more` : '';
  const fields = hits
    .slice(0, NAMED_REFUSALS)
    .map((t) => ({ path: t.path, message: `${t.name} has rank ${refused.get(t.id)}, not below yours (${actor.rank})` }));
  throw forbidden(`${outranksMessage(actor)}; refused: ${list}${more}. Nothing was changed.`, fields);
}

/** Locks the target user row (serialising grants and revocations on it) and fails if it is missing. */
export async function lockUser(tx: Tx, id: bigint): Promise<{ id: bigint; status: string }> {
  const [row] = await tx.select({ id: users.id, status: users.status }).from(users).where(eq(users.id, id)).for('update');
  if (!row) throw new NotFoundError('No such user');
  return row;
}

const isAdministrative = (scopes: readonly string[]) => scopes.some((s) => scopeCovers('admin', s));

/** An administrator may not take away its own last administrative role. */
export async function assertKeepsAdminRole(tx: Tx, actor: Standing, userId: bigint, removing: { id: bigint; scopes: string[] }): Promise<void> {
  if (actor.userId !== userId || !isAdministrative(removing.scopes)) return;
  const others = await tx
    .select({ id: roles.id, scopes: roles.scopes })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(userRoles.userId, userId), grantIsActive, sql`${roles.id} <> ${removing.id}`));
  if (!others.some((r) => isAdministrative(r.scopes))) throw forbidden("You can't revoke your own admin status.");
}

/** Some actions need a second scope beyond the field's own (giving roles, bans in bulk). */
export function requireScope(actor: Standing, scope: Scope, message = `This needs ${scope}`): void {
  if (!actor.scopes.has(scope)) throw forbidden(message);
}

/** Whether `viewer` is the account of this name (names ignore case; local accounts have no domain). */
export function isAccount(viewer: Pick<Viewer, 'username' | 'domain'>, name: { username: string; domain: string | null }): boolean {
  return viewer.username.toLowerCase() === name.username.toLowerCase() && (viewer.domain ?? null) === (name.domain?.toLowerCase() ?? null);
}

/**
 * Without admin:users:read a caller sees only itself, and must not learn whether another account
 * exists: another account and a missing one are both FORBIDDEN ('Not allowed').
 */
export function visibleAccount<U extends { id: string }>(viewer: Viewer | null, user: U | null): U | null {
  if (!viewer) throw unauthenticated();
  if (viewer.scopes.has('admin:users:read') || user?.id === viewer.userId.toString()) return user;
  throw forbidden();
}

/** Ending sessions: one's own always; anyone else's needs admin:sessions:write and a rank above theirs. */
export async function assertMayEndSessionsOf(tx: Tx, actorId: bigint | null, userId: bigint): Promise<void> {
  if (actorId === userId) return;
  const actor = await findStanding(tx, actorId);
  requireScope(actor, 'admin:sessions:write', 'Ending the sessions of others needs admin:sessions:write');
  await assertOutranks(tx, actor, userId);
}

// ---- Litecord guilds and voice regions (modules/guilds, modules/voice) ----

/** The guild feature that lets a guild use VIP voice regions. */
export const VIP_FEATURE = 'VIP_REGIONS';

/**
 * A VIP voice region serves only guilds with VIP_REGIONS; a deprecated one serves none. Answers why
 * a guild with `features` may not use `region` (Litecord's message for VIP), or null when it may.
 */
export function regionRefusal(region: { vip: boolean; deprecated: boolean }, features: readonly string[]): string | null {
  if (region.deprecated) return 'voice region is deprecated';
  if (region.vip && !features.includes(VIP_FEATURE)) return 'can not assign guild to vip-only region';
  return null;
}

/** The same rule in SQL, for statements that assign a region to many guilds at once. */
export const mayUseRegionSql = (region: { vip: boolean; deprecated: boolean }, features: SQL): SQL =>
  region.deprecated ? sql`false` : region.vip ? sql`${VIP_FEATURE} = any(${features})` : sql`true`;
