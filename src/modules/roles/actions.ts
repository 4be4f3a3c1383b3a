import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { uniqueViolation } from '../../db/errors.js';
import { BadInputError, ConflictError, NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit, type AuditEntry } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { users } from '../users/table.js';
import type { RoleRow } from './queries.js';
import { roles, userRoles, userScopes } from './table.js';
import { findStanding } from '../../access/standing.js';
import { assertRoleBelow, assertHoldsScopes, assertOutranksAll } from '../../access/policy.js';
import { accountName } from '../../access/status.js';
import { scopeList } from '../../access/scopes.js';
import { createRoleSchema, updateRoleSchema } from './validation.js';
import { assignRoleTx, checkWindow, revokeRoleTx, type GrantWindow } from '../../access/grants.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

// ---- roles ----

const nameTaken = () => new ConflictError('A role with this name already exists', [{ path: ['name'], message: 'already taken' }]);
const roleView = (r: RoleRow) => ({ name: r.name, rank: r.rank, description: r.description, displayName: r.displayName, scopes: r.scopes });

export async function createRole(ctx: ActionContext, input: z.input<typeof createRoleSchema>): Promise<RoleRow> {
  const data = parseInput(createRoleSchema, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const actor = await findStanding(tx, ctx.actor.actorId);
      assertRoleBelow(actor, data);
      assertHoldsScopes(actor, data.scopes);
      const [row] = await tx
        .insert(roles)
        .values({ name: data.name, rank: data.rank, description: data.description ?? '', displayName: data.displayName ?? '', scopes: data.scopes })
        .returning();
      await writeAudit(tx, ctx.actor, [{ action: 'role.create', targetType: 'Role', targetId: row.id.toString(), diff: { to: roleView(row) } }]);
      return row;
    });
  } catch (error) {
    throw uniqueViolation(error) ? nameTaken() : error;
  }
}

/** A role locked for a change, by id or by name (names ignore case, as Liquid's role ids are names). */
async function loadRole(tx: Tx, id: bigint | string): Promise<RoleRow> {
  const which = typeof id === 'bigint' ? eq(roles.id, id) : sql`lower(${roles.name}) = lower(${id})`;
  const [row] = await tx.select().from(roles).where(which).for('update');
  if (!row) throw new NotFoundError('No such role');
  return row;
}

export async function updateRole(ctx: ActionContext, target: bigint | string, input: z.input<typeof updateRoleSchema>): Promise<RoleRow> {
  const data = parseInput(updateRoleSchema, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const actor = await findStanding(tx, ctx.actor.actorId);
      const before = await loadRole(tx, target);
      const id = before.id;
      assertRoleBelow(actor, before);
      if (before.builtIn && ((data.name !== undefined && data.name !== before.name) || (data.rank !== undefined && data.rank !== before.rank))) {
        throw new BadInputError('Built-in roles keep their name and rank', [
          { path: [data.name !== undefined ? 'name' : 'rank'], message: 'built-in roles keep their name and rank' },
        ]);
      }
      const after = {
        ...before,
        ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)),
        description: data.description === undefined ? before.description : (data.description ?? ''),
        displayName: data.displayName === undefined ? before.displayName : (data.displayName ?? ''),
      } as RoleRow;
      assertRoleBelow(actor, after);
      if (data.scopes) {
        const changed = [...data.scopes.filter((s) => !before.scopes.includes(s)), ...before.scopes.filter((s) => !data.scopes!.includes(s))];
        assertHoldsScopes(actor, changed);
      }
      const [row] = await tx
        .update(roles)
        .set({ name: after.name, rank: after.rank, description: after.description, displayName: after.displayName, scopes: after.scopes })
        .where(eq(roles.id, id))
        .returning();
      await writeAudit(tx, ctx.actor, [
        { action: 'role.update', targetType: 'Role', targetId: id.toString(), diff: { from: roleView(before), to: roleView(row) } },
      ]);
      return row;
    });
  } catch (error) {
    throw uniqueViolation(error) ? nameTaken() : error;
  }
}

/** Deletes a role; its grants go with it (each holder gets an audit row). Built-in roles stay. */
export async function deleteRole(ctx: ActionContext, target: bigint | string, reason: string | null): Promise<RoleRow> {
  return ctx.db.transaction(async (tx) => {
    const actor = await findStanding(tx, ctx.actor.actorId);
    const role = await loadRole(tx, target);
    const id = role.id;
    if (role.builtIn) throw new ConflictError(`${role.name} is a built-in role and cannot be deleted`);
    assertRoleBelow(actor, role);
    const holders = await tx.delete(userRoles).where(eq(userRoles.roleId, id)).returning({ userId: userRoles.userId });
    await tx.delete(roles).where(eq(roles.id, id));
    await writeAudit(tx, ctx.actor, [
      { action: 'role.delete', targetType: 'Role', targetId: id.toString(), diff: { from: roleView(role), holders: holders.length, reason } },
      ...holders.map(
        (h): AuditEntry => ({
          action: 'role.revoke',
          targetType: 'User',
          targetId: h.userId.toString(),
          diff: { role: { from: role.name, to: null }, reason: 'role deleted' },
        }),
      ),
    ]);
    return role;
  });
}

// ---- grants (the primitives live in access/grants.ts, so users/ can give roles too) ----

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
  const scopes = parseInput(scopeList, input.scopes, ['scopes']);
  if (input.targets.length === 0 || input.targets.length > 1000)
    throw new BadInputError('targets must hold 1 to 1,000 users', [{ path: ['targets'], message: 'between 1 and 1,000' }]);
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
    await assertOutranksAll(
      tx,
      actor,
      input.targets.map((id, i) => ({ id, name: names.get(id) ?? id.toString(), path: ['targets', String(i)] })),
    );
    const audit: AuditEntry[] = [];
    for (const userId of targets) {
      const current = (await tx.select({ scope: userScopes.scope }).from(userScopes).where(eq(userScopes.userId, userId))).map((r) => r.scope);
      const add = input.operation === 'REMOVE' ? [] : scopes;
      const remove =
        input.operation === 'SET' ? current.filter((s) => !scopes.includes(s)) : input.operation === 'REMOVE' ? scopes.filter((s) => current.includes(s)) : [];
      assertHoldsScopes(actor, [...add, ...remove]);
      if (remove.length) await tx.delete(userScopes).where(and(eq(userScopes.userId, userId), inArray(userScopes.scope, remove)));
      for (const scope of add) {
        await tx
          .insert(userScopes)
          .values({ userId, scope, expiresAt, grantedBy: ctx.actor.actorId })
          .onConflictDoUpdate({ target: [userScopes.userId, userScopes.scope], set: { expiresAt, startsAt: sql`now()`, grantedBy: ctx.actor.actorId } });
      }
      const next =
        input.operation === 'SET' ? scopes : input.operation === 'ADD' ? [...new Set([...current, ...scopes])] : current.filter((s) => !remove.includes(s));
      if (add.length || remove.length) {
        audit.push({
          action: 'scopes.set',
          targetType: 'User',
          targetId: userId.toString(),
          diff: { scopes: { from: current.sort(), to: next.sort() }, operation: input.operation, expiresAt: iso(expiresAt) },
        });
      }
    }
    await writeAudit(tx, ctx.actor, audit);
    return audit.length;
  });
  return { changedCount: changed };
}
