import { and, eq, sql } from 'drizzle-orm';
import { BadInputError } from '../core/errors.js';
import { writeAudit, type AuditActor } from '../db/audit.js';
import type { Tx } from '../db/client.js';
import { roles, userRoles } from '../modules/roles/table.js';
import { assertHoldsScopes, assertKeepsAdminRole, assertOutranks, assertRoleBelow, lockUser, requireScope } from './policy.js';
import type { Standing } from './standing.js';

/**
 * Giving and taking a role inside a transaction: the roles module's assignRole/revokeRole and the
 * users module's createUser/updateUser/bulkUpdateUsers all use them, so neither module imports the other.
 */

type RoleRow = typeof roles.$inferSelect;

export interface GrantWindow {
  startsAt?: Date | null;
  expiresAt?: Date | null;
}

/** A window must end in the future and after it starts. */
export function checkWindow(window: GrantWindow, path: string[] = []): { startsAt: Date | null; expiresAt: Date | null } {
  const now = new Date();
  const startsAt = window.startsAt ?? null;
  const expiresAt = window.expiresAt ?? null;
  if (expiresAt && expiresAt <= now)
    throw new BadInputError('expiresAt must be in the future', [{ path: [...path, 'expiresAt'], message: 'must be in the future' }]);
  if (expiresAt && expiresAt <= (startsAt ?? now))
    throw new BadInputError('expiresAt must be after startsAt', [{ path: [...path, 'expiresAt'], message: 'must be after startsAt' }]);
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
export async function assignRoleTx(tx: Tx, ctx: { actor: AuditActor }, actor: Standing, userId: bigint, name: string, window: GrantWindow): Promise<void> {
  requireScope(actor, 'admin:roles:grant', 'Giving a role needs admin:roles:grant');
  const { startsAt, expiresAt } = checkWindow(window);
  await lockUser(tx, userId);
  const role = await roleByName(tx, name, ['role']);
  assertRoleBelow(actor, role);
  assertHoldsScopes(actor, role.scopes);
  await assertOutranks(tx, actor, userId);
  const [before] = await tx
    .select()
    .from(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.roleId, role.id)));
  // Without a start, the grant opens at the transaction's now(), so it already counts inside it.
  const opens = startsAt ?? sql`now()`;
  const [grant] = await tx
    .insert(userRoles)
    .values({ userId, roleId: role.id, startsAt: opens, expiresAt, grantedBy: ctx.actor.actorId })
    .onConflictDoUpdate({ target: [userRoles.userId, userRoles.roleId], set: { startsAt: opens, expiresAt, grantedBy: ctx.actor.actorId } })
    .returning({ startsAt: userRoles.startsAt });
  const from = before ? { role: role.name, startsAt: iso(before.startsAt), expiresAt: iso(before.expiresAt) } : null;
  await writeAudit(tx, ctx.actor, [
    {
      action: 'role.assign',
      targetType: 'User',
      targetId: userId.toString(),
      diff: { role: { from: from?.role ?? null, to: role.name }, window: { from, to: { startsAt: iso(grant.startsAt), expiresAt: iso(expiresAt) } } },
    },
  ]);
}

export async function revokeRoleTx(
  tx: Tx,
  ctx: { actor: AuditActor },
  actor: Standing,
  userId: bigint,
  name: string,
  reason: string | null = null,
): Promise<{ changed: boolean }> {
  requireScope(actor, 'admin:roles:grant', 'Taking a role away needs admin:roles:grant');
  await lockUser(tx, userId);
  const role = await roleByName(tx, name, ['role']);
  await assertKeepsAdminRole(tx, actor, userId, role);
  assertRoleBelow(actor, role);
  await assertOutranks(tx, actor, userId);
  const removed = await tx
    .delete(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.roleId, role.id)))
    .returning();
  if (removed.length === 0) return { changed: false };
  await writeAudit(tx, ctx.actor, [
    { action: 'role.revoke', targetType: 'User', targetId: userId.toString(), diff: { role: { from: role.name, to: null }, reason } },
  ]);
  return { changed: true };
}
