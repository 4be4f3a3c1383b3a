import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { isScope, scopeCovers } from '../../auth/scopes.js';
import { queryRows, type Tx } from '../../db/client.js';
import { uniqueViolation } from '../../db/errors.js';
import { BadInputError, ConflictError, forbidden, NotFoundError, parseInput } from '../../graphql/errors.js';
import { writeAudit, type AuditEntry } from '../audit/actions.js';
import type { ActionContext } from '../context.js';
import { accountName } from '../users/queries.js';
import { users } from '../users/table.js';
import { findStanding, grantIsActive, type RoleRow, type Standing } from './queries.js';
import { roles, userRoles, userScopes } from './table.js';

// ---- the access rules, in one place ----

const superadminRank = 1000;

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
  const refused = new Map((await outrankedTargets(tx, actor, targets.map((t) => t.id))).map((r) => [r.id, r.rank]));
  if (refused.size === 0) return;
  const hits = targets.filter((t) => refused.has(t.id));
  const named = [...new Map(hits.map((t) => [t.id, t])).values()];
  const list = named.slice(0, NAMED_REFUSALS).map((t) => `${t.name} (rank ${refused.get(t.id)})`).join(', ');
  const more = named.length > NAMED_REFUSALS ? ` and ${named.length - NAMED_REFUSALS} more` : '';
  const fields = hits.slice(0, NAMED_REFUSALS).map((t) => ({ path: t.path, message: `${t.name} has rank ${refused.get(t.id)}, not below yours (${actor.rank})` }));
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
async function assertKeepsAdminRole(tx: Tx, actor: Standing, userId: bigint, removing: RoleRow): Promise<void> {
  if (actor.userId !== userId || !isAdministrative(removing.scopes)) return;
  const others = await tx
    .select({ id: roles.id, scopes: roles.scopes })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(userRoles.userId, userId), grantIsActive, sql`${roles.id} <> ${removing.id}`));
  if (!others.some((r) => isAdministrative(r.scopes))) throw forbidden("You can't revoke your own admin status.");
}

// ---- roles ----

/** Scopes of the catalog (at most 50), without repeats: what roles and applications may carry. */
export const scopeList = z
  .array(z.string())
  .max(50)
  .superRefine((list, ctx) => {
    for (const [i, s] of list.entries()) if (!isScope(s)) ctx.addIssue({ code: 'custom', path: [i], message: `${s} is not a scope of the catalog` });
  })
  .transform((list) => [...new Set(list)]);

const roleName = z.string().min(2, 'at least 2 characters').max(64, 'at most 64 characters').regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');
const rank = z.number().int().min(1, 'at least 1').max(superadminRank - 1, `below ${superadminRank} (superadmin)`);

export const createRoleSchema = z.object({ name: roleName, rank, description: z.string().max(1000).nullish(), scopes: scopeList });
export const updateRoleSchema = z.object({ name: roleName.optional(), rank: rank.optional(), description: z.string().max(1000).nullish(), scopes: scopeList.optional() });


const nameTaken = () => new ConflictError('A role with this name already exists', [{ path: ['input', 'name'], message: 'already taken' }]);
const roleView = (r: RoleRow) => ({ name: r.name, rank: r.rank, description: r.description, scopes: r.scopes });

export async function createRole(ctx: ActionContext, input: z.input<typeof createRoleSchema>): Promise<RoleRow> {
  const data = parseInput(createRoleSchema, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const actor = await findStanding(tx, ctx.actor.actorId);
      assertRoleBelow(actor, data);
      assertHoldsScopes(actor, data.scopes);
      const [row] = await tx.insert(roles).values({ name: data.name, rank: data.rank, description: data.description ?? '', scopes: data.scopes }).returning();
      await writeAudit(tx, ctx.actor, [{ action: 'role.create', targetType: 'Role', targetId: row.id.toString(), diff: { to: roleView(row) } }]);
      return row;
    });
  } catch (error) {
    throw uniqueViolation(error) ? nameTaken() : error;
  }
}

async function loadRole(tx: Tx, id: bigint): Promise<RoleRow> {
  const [row] = await tx.select().from(roles).where(eq(roles.id, id)).for('update');
  if (!row) throw new NotFoundError('No such role');
  return row;
}

export async function updateRole(ctx: ActionContext, id: bigint, input: z.input<typeof updateRoleSchema>): Promise<RoleRow> {
  const data = parseInput(updateRoleSchema, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const actor = await findStanding(tx, ctx.actor.actorId);
      const before = await loadRole(tx, id);
      assertRoleBelow(actor, before);
      if (before.builtIn && ((data.name !== undefined && data.name !== before.name) || (data.rank !== undefined && data.rank !== before.rank))) {
        throw new BadInputError('Built-in roles keep their name and rank', [{ path: ['input', data.name !== undefined ? 'name' : 'rank'], message: 'built-in roles keep their name and rank' }]);
      }
      const after = { ...before, ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)), description: data.description === undefined ? before.description : (data.description ?? '') } as RoleRow;
      assertRoleBelow(actor, after);
      if (data.scopes) {
        const changed = [...data.scopes.filter((s) => !before.scopes.includes(s)), ...before.scopes.filter((s) => !data.scopes!.includes(s))];
        assertHoldsScopes(actor, changed);
      }
      const [row] = await tx.update(roles).set({ name: after.name, rank: after.rank, description: after.description, scopes: after.scopes }).where(eq(roles.id, id)).returning();
      await writeAudit(tx, ctx.actor, [{ action: 'role.update', targetType: 'Role', targetId: id.toString(), diff: { from: roleView(before), to: roleView(row) } }]);
      return row;
    });
  } catch (error) {
    throw uniqueViolation(error) ? nameTaken() : error;
  }
}

/** Deletes a role; its grants go with it (each holder gets an audit row). Built-in roles stay. */
export async function deleteRole(ctx: ActionContext, id: bigint, reason: string | null): Promise<RoleRow> {
  return ctx.db.transaction(async (tx) => {
    const actor = await findStanding(tx, ctx.actor.actorId);
    const role = await loadRole(tx, id);
    if (role.builtIn) throw new ConflictError(`${role.name} is a built-in role and cannot be deleted`);
    assertRoleBelow(actor, role);
    const holders = await tx.delete(userRoles).where(eq(userRoles.roleId, id)).returning({ userId: userRoles.userId });
    await tx.delete(roles).where(eq(roles.id, id));
    await writeAudit(tx, ctx.actor, [
      { action: 'role.delete', targetType: 'Role', targetId: id.toString(), diff: { from: roleView(role), holders: holders.length, reason } },
      ...holders.map((h): AuditEntry => ({ action: 'role.revoke', targetType: 'User', targetId: h.userId.toString(), diff: { role: { from: role.name, to: null }, reason: 'role deleted' } })),
    ]);
    return role;
  });
}

// ---- grants ----

export interface GrantWindow {
  startsAt?: Date | null;
  expiresAt?: Date | null;
}

/** A window must end in the future and after it starts. */
export function checkWindow(window: GrantWindow, path: string[] = ['input']): { startsAt: Date | null; expiresAt: Date | null } {
  const now = new Date();
  const startsAt = window.startsAt ?? null;
  const expiresAt = window.expiresAt ?? null;
  if (expiresAt && expiresAt <= now) throw new BadInputError('expiresAt must be in the future', [{ path: [...path, 'expiresAt'], message: 'must be in the future' }]);
  if (expiresAt && expiresAt <= (startsAt ?? now)) throw new BadInputError('expiresAt must be after startsAt', [{ path: [...path, 'expiresAt'], message: 'must be after startsAt' }]);
  return { startsAt, expiresAt };
}

async function roleByName(tx: Tx, name: string, path: string[]): Promise<RoleRow> {
  const [row] = await tx.select().from(roles).where(sql`lower(${roles.name}) = lower(${name})`);
  if (!row) throw new BadInputError(`No role named ${name}`, [{ path, message: 'no such role' }]);
  return row;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Gives a role for a window (or changes the window of a grant the user already has). The target row
 * is locked, so grants and revocations of one user apply one after the other.
 */
export async function assignRoleTx(tx: Tx, ctx: ActionContext, actor: Standing, userId: bigint, name: string, window: GrantWindow): Promise<void> {
  const { startsAt, expiresAt } = checkWindow(window);
  await lockUser(tx, userId);
  const role = await roleByName(tx, name, ['input', 'role']);
  assertRoleBelow(actor, role);
  assertHoldsScopes(actor, role.scopes);
  await assertOutranks(tx, actor, userId);
  const [before] = await tx.select().from(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.roleId, role.id)));
  // Without a start, the grant opens at the transaction's now(), so it already counts inside it.
  const opens = startsAt ?? sql`now()`;
  const [grant] = await tx
    .insert(userRoles)
    .values({ userId, roleId: role.id, startsAt: opens, expiresAt, grantedBy: ctx.actor.actorId })
    .onConflictDoUpdate({ target: [userRoles.userId, userRoles.roleId], set: { startsAt: opens, expiresAt, grantedBy: ctx.actor.actorId } })
    .returning({ startsAt: userRoles.startsAt });
  const from = before ? { role: role.name, startsAt: iso(before.startsAt), expiresAt: iso(before.expiresAt) } : null;
  await writeAudit(tx, ctx.actor, [{ action: 'role.assign', targetType: 'User', targetId: userId.toString(), diff: { role: { from: from?.role ?? null, to: role.name }, window: { from, to: { startsAt: iso(grant.startsAt), expiresAt: iso(expiresAt) } } } }]);
}

export async function revokeRoleTx(tx: Tx, ctx: ActionContext, actor: Standing, userId: bigint, name: string, reason: string | null = null): Promise<{ changed: boolean }> {
  await lockUser(tx, userId);
  const role = await roleByName(tx, name, ['input', 'role']);
  await assertKeepsAdminRole(tx, actor, userId, role);
  assertRoleBelow(actor, role);
  await assertOutranks(tx, actor, userId);
  const removed = await tx.delete(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.roleId, role.id))).returning();
  if (removed.length === 0) return { changed: false };
  await writeAudit(tx, ctx.actor, [{ action: 'role.revoke', targetType: 'User', targetId: userId.toString(), diff: { role: { from: role.name, to: null }, reason } }]);
  return { changed: true };
}

export async function assignRole(ctx: ActionContext, userId: bigint, name: string, window: GrantWindow): Promise<void> {
  await ctx.db.transaction(async (tx) => assignRoleTx(tx, ctx, await findStanding(tx, ctx.actor.actorId), userId, name, window));
}

export async function revokeRole(ctx: ActionContext, userId: bigint, name: string, reason: string | null = null): Promise<boolean> {
  const { changed } = await ctx.db.transaction(async (tx) => revokeRoleTx(tx, ctx, await findStanding(tx, ctx.actor.actorId), userId, name, reason));
  return changed;
}

export type ScopeOperation = 'SET' | 'ADD' | 'REMOVE';

/**
 * Direct scope grants on many users at once (Liquid's access provisioning), all or nothing. SET makes
 * the given scopes the user's direct grants; ADD adds or re-windows them; REMOVE takes them away.
 */
export async function setScopes(
  ctx: ActionContext,
  input: { targets: bigint[]; scopes: string[]; operation: ScopeOperation; expiresAt?: Date | null },
): Promise<{ changedCount: number }> {
  const scopes = parseInput(scopeList, input.scopes, ['input', 'scopes']);
  if (input.targets.length === 0 || input.targets.length > 1000) throw new BadInputError('targets must hold 1 to 1,000 users', [{ path: ['input', 'targets'], message: 'between 1 and 1,000' }]);
  const { expiresAt } = checkWindow({ expiresAt: input.expiresAt });
  const targets = [...new Set(input.targets)];
  const changed = await ctx.db.transaction(async (tx) => {
    const actor = await findStanding(tx, ctx.actor.actorId);
    const found = await tx.select({ id: users.id, name: accountName }).from(users).where(inArray(users.id, targets)).orderBy(users.id).for('update');
    if (found.length !== targets.length) {
      const missing = targets.filter((t) => !found.some((f) => f.id === t));
      throw new NotFoundError(`No such user: ${missing.join(', ')}`);
    }
    const names = new Map(found.map((f) => [f.id, f.name]));
    await assertOutranksAll(tx, actor, input.targets.map((id, i) => ({ id, name: names.get(id) ?? id.toString(), path: ['input', 'targets', String(i)] })));
    const audit: AuditEntry[] = [];
    for (const userId of targets) {
      const current = (await tx.select({ scope: userScopes.scope }).from(userScopes).where(eq(userScopes.userId, userId))).map((r) => r.scope);
      const add = input.operation === 'REMOVE' ? [] : scopes;
      const remove = input.operation === 'SET' ? current.filter((s) => !scopes.includes(s)) : input.operation === 'REMOVE' ? scopes.filter((s) => current.includes(s)) : [];
      assertHoldsScopes(actor, [...add, ...remove]);
      if (remove.length) await tx.delete(userScopes).where(and(eq(userScopes.userId, userId), inArray(userScopes.scope, remove)));
      for (const scope of add) {
        await tx
          .insert(userScopes)
          .values({ userId, scope, expiresAt, grantedBy: ctx.actor.actorId })
          .onConflictDoUpdate({ target: [userScopes.userId, userScopes.scope], set: { expiresAt, startsAt: sql`now()`, grantedBy: ctx.actor.actorId } });
      }
      const next = input.operation === 'SET' ? scopes : input.operation === 'ADD' ? [...new Set([...current, ...scopes])] : current.filter((s) => !remove.includes(s));
      if (add.length || remove.length) {
        audit.push({ action: 'scopes.set', targetType: 'User', targetId: userId.toString(), diff: { scopes: { from: current.sort(), to: next.sort() }, operation: input.operation, expiresAt: iso(expiresAt) } });
      }
    }
    await writeAudit(tx, ctx.actor, audit);
    return audit.length;
  });
  return { changedCount: changed };
}
