import { randomBytes } from 'node:crypto';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { BadInputError, ConflictError, forbidden, NotFoundError } from '../../core/errors.js';
import { auditLog } from '../audit/table.js';
import { diffOf, writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { liquidScopeSets, userRoles, userScopes } from '../roles/table.js';
import { endSessions } from '../../access/session-ending.js';
import { sessions } from '../sessions/table.js';
import { swapAvatarReference } from './avatar.js';
import { registeredErasures } from './extensions.js';
import { findUserById, type UserJson } from './queries.js';
import { externalIdentities, users, userTombstones } from './table.js';
import { assertOutranks } from '../../access/policy.js';
import { findStanding, type Standing } from '../../access/standing.js';

type UserRow = typeof users.$inferSelect;

/** The account changes an admin makes as explicit, audited steps (each with a reason). */
export type Lifecycle =
  | { kind: 'activate' }
  | { kind: 'deactivate' }
  | { kind: 'suspend'; until?: Date | null }
  | { kind: 'unsuspend' }
  | { kind: 'restrict'; on: boolean }
  | { kind: 'verify'; on: boolean };

/** Changes that end the account's sessions at once: the person may no longer sign in. */
const ENDS_SESSIONS = new Set(['deactivate', 'suspend']);

/** The status that counts now (a lapsed suspension counts as ACTIVE, as effectiveStatus says). */
const statusNow = (row: UserRow) => (row.status === 'SUSPENDED' && row.bannedUntil && row.bannedUntil <= new Date() ? 'ACTIVE' : row.status);

function nextFields(row: UserRow, change: Lifecycle): Partial<UserRow> {
  const status = statusNow(row);
  const now = new Date();
  switch (change.kind) {
    case 'activate':
      if (status === 'SUSPENDED') throw new ConflictError('The account is suspended; unsuspend it instead');
      return { status: 'ACTIVE' };
    case 'deactivate':
      return { status: 'DEACTIVATED' };
    case 'suspend':
      if (change.until && change.until <= now) throw new BadInputError('until must be in the future', [{ path: ['until'], message: 'must be in the future' }]);
      return { status: 'SUSPENDED', bannedAt: now, bannedUntil: change.until ?? null };
    case 'unsuspend':
      if (status !== 'SUSPENDED') return { bannedAt: null, bannedUntil: null, status };
      return { status: 'ACTIVE', bannedAt: null, bannedUntil: null };
    case 'restrict':
      return { restrictedAt: change.on ? (row.restrictedAt ?? now) : null };
    case 'verify':
      return { verifiedAt: change.on ? (row.verifiedAt ?? now) : null };
  }
}

const VIEW_KEYS = ['status', 'bannedAt', 'bannedUntil', 'restrictedAt', 'verifiedAt'] as const;
const view = (row: Partial<UserRow>) => Object.fromEntries(VIEW_KEYS.map((k) => [k, row[k] ?? null]));

/** Locks the user and checks that the actor may act on it; a deleted account only comes back by restore. */
export async function lockTarget(
  tx: Tx,
  ctx: ActionContext,
  id: bigint,
  what: string,
  opts: { notSelf?: boolean; allowDeleted?: boolean; actor?: Standing } = {},
): Promise<UserRow> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  if (!row) throw new NotFoundError('No such user');
  if (opts.notSelf && ctx.actor.actorId === id) throw forbidden(`You cannot ${what} your own account`);
  await assertOutranks(tx, opts.actor ?? (await findStanding(tx, ctx.actor.actorId)), id);
  if (!opts.allowDeleted && row.status === 'DELETED') throw new ConflictError('The user is deleted; restore it first');
  return row;
}

/** Applies one lifecycle change inside a transaction; a change to what is already so writes nothing. */
export async function lifecycleTx(tx: Tx, ctx: ActionContext, id: bigint, change: Lifecycle, reason: string | null, actor?: Standing): Promise<boolean> {
  const row = await lockTarget(tx, ctx, id, change.kind, { notSelf: ENDS_SESSIONS.has(change.kind), actor });
  const next = nextFields(row, change);
  const diff = diffOf(view(row), view({ ...row, ...next }));
  if (Object.keys(diff).length === 0) return false;
  await tx
    .update(users)
    .set({ ...next, updatedAt: new Date() })
    .where(eq(users.id, id));
  const revoked = ENDS_SESSIONS.has(change.kind) ? (await endSessions(tx, [id])).length : 0;
  const undo = 'on' in change && !change.on ? '.undo' : '';
  await writeAudit(tx, ctx.actor, [
    {
      action: `user.${change.kind}${undo}`,
      targetType: 'User',
      targetId: id.toString(),
      diff: { ...diff, ...(revoked ? { sessionsRevoked: revoked } : {}), reason },
    },
  ]);
  return true;
}

export async function changeLifecycle(ctx: ActionContext, id: bigint, change: Lifecycle, reason: string | null): Promise<UserJson> {
  const result = await ctx.db.transaction(async (tx) => {
    await lifecycleTx(tx, ctx, id, change, reason);
    return findUserById(tx, id);
  });
  return result!;
}

/**
 * Removes a person's data for good: every personal field, the sealed snapshot, sessions, linked
 * identities and grants. The row stays as an anonymous reference (its id), and the payloads of
 * audit rows about the person are blanked; their payload hashes stay, so the chain still verifies.
 */
export async function eraseUser(ctx: ActionContext, id: bigint, reason: string | null): Promise<UserJson> {
  const result = await ctx.db.transaction(async (tx) => {
    const row = await lockTarget(tx, ctx, id, 'erase', { notSelf: true, allowDeleted: true });
    if (row.erasedAt) throw new ConflictError('The user is already erased');
    const now = new Date();
    await tx
      .update(users)
      .set({
        username: `Erased User ${randomBytes(4).toString('hex')}`,
        email: null,
        passwordHash: `!erased:${randomBytes(16).toString('hex')}`,
        displayName: null,
        firstName: null,
        middleName: null,
        lastName: null,
        phone: null,
        countryCode: null,
        organization: null,
        designation: null,
        gender: null,
        preferredLanguage: null,
        customLink: null,
        emailVerified: false,
        bio: null,
        pronouns: null,
        avatarHash: null,
        timezone: null,
        flags: 0,
        credits: 0,
        tags: [],
        customData: {},
        verifiedAt: null,
        restrictedAt: null,
        bannedAt: null,
        bannedUntil: null,
        status: 'DELETED',
        deletedAt: row.deletedAt ?? now,
        erasedAt: now,
        updatedAt: now,
      })
      .where(eq(users.id, id));
    // The avatar's reference goes with the account: held by the row, or by the tombstone of a soft delete.
    const [tomb] = await tx.select({ snapshot: userTombstones.snapshot }).from(userTombstones).where(eq(userTombstones.userId, id));
    const avatar = row.avatarHash ?? (tomb?.snapshot as { avatarHash?: string | null } | undefined)?.avatarHash ?? null;
    await swapAvatarReference(tx, avatar, null);
    for (const step of registeredErasures()) await step(tx, id);
    await tx.delete(userTombstones).where(eq(userTombstones.userId, id));
    await tx.delete(sessions).where(eq(sessions.userId, id));
    await tx.delete(externalIdentities).where(eq(externalIdentities.userId, id));
    await tx.delete(userRoles).where(eq(userRoles.userId, id));
    await tx.delete(userScopes).where(eq(userScopes.userId, id));
    await tx.delete(liquidScopeSets).where(eq(liquidScopeSets.userId, id));
    const blanked = await tx
      .update(auditLog)
      .set({ diff: null, erasedAt: now })
      .where(
        and(
          isNull(auditLog.erasedAt),
          or(
            and(eq(auditLog.targetType, 'User'), eq(auditLog.targetId, id.toString())),
            and(eq(auditLog.targetType, 'Session'), sql`${auditLog.diff}->>'userId' = ${id.toString()}`),
          ),
        ),
      )
      .returning({ seq: auditLog.seq });
    await writeAudit(tx, ctx.actor, [
      { action: 'user.erase', targetType: 'User', targetId: id.toString(), diff: { auditPayloadsBlanked: blanked.length, reason } },
    ]);
    return findUserById(tx, id);
  });
  return result!;
}
