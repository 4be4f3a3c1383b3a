import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { ConflictError } from '../../core/errors.js';
import { diffOf, writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { endSessions } from '../../access/session-ending.js';
import { lockTarget } from './lifecycle.js';
import { findUserById, type UserJson } from './queries.js';
import { users, userTombstones } from './table.js';
import { auditView, conflictFor, type UserRow } from './write-helpers.js';

/** The identity a soft delete scrubs and a restore brings back. */
const SEALED_FIELDS = [
  'username',
  'email',
  'passwordHash',
  'displayName',
  'firstName',
  'middleName',
  'lastName',
  'phone',
  'bio',
  'pronouns',
  'organization',
  'designation',
  'gender',
  'preferredLanguage',
  'customLink',
  'avatarHash',
  'status',
  'customData',
  'timezone',
] as const satisfies readonly (keyof UserRow)[];

/**
 * Soft delete: renames to `Deleted User <hex>`, clears personal fields, makes the password unusable,
 * revokes every session, and seals the original identity in user_tombstones for restoreUser.
 */
export async function deleteUser(ctx: ActionContext, id: bigint, reason: string | null = null): Promise<{ before: UserJson; after: UserJson }> {
  const result = await ctx.db.transaction(async (tx) => {
    const row = await lockTarget(tx, ctx, id, 'delete', { notSelf: true, allowDeleted: true });
    if (row.status === 'DELETED') throw new ConflictError('The user is already deleted');
    const before = (await findUserById(tx, id))!;
    const snapshot = Object.fromEntries(SEALED_FIELDS.map((f) => [f, row[f]]));
    await tx
      .insert(userTombstones)
      .values({ userId: id, snapshot })
      .onConflictDoUpdate({ target: userTombstones.userId, set: { snapshot, createdAt: new Date() } });
    const scrubbed = {
      username: `Deleted User ${randomBytes(4).toString('hex')}`,
      email: null,
      // Not an argon2 hash, so no password can ever match it.
      passwordHash: `!deleted:${randomBytes(16).toString('hex')}`,
      displayName: null,
      firstName: null,
      middleName: null,
      lastName: null,
      phone: null,
      bio: null,
      pronouns: null,
      organization: null,
      designation: null,
      gender: null,
      preferredLanguage: null,
      customLink: null,
      avatarHash: null,
      timezone: null,
      customData: {},
      status: 'DELETED' as const,
      deletedAt: new Date(),
      updatedAt: new Date(),
    };
    await tx.update(users).set(scrubbed).where(eq(users.id, id));
    const revoked = (await endSessions(tx, [id])).length;
    await writeAudit(tx, ctx.actor, [
      {
        action: 'user.delete',
        targetType: 'User',
        targetId: id.toString(),
        diff: { ...diffOf(auditView(row), auditView({ ...row, ...scrubbed })), sessionsRevoked: revoked, reason },
      },
    ]);
    return { before, after: (await findUserById(tx, id))! };
  });
  return result;
}

export async function restoreUser(ctx: ActionContext, id: bigint, reason: string | null = null): Promise<UserJson> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const row = await lockTarget(tx, ctx, id, 'restore', { allowDeleted: true });
      const [tomb] = await tx.select().from(userTombstones).where(eq(userTombstones.userId, id));
      if (row.status !== 'DELETED' || !tomb)
        throw new ConflictError(row.erasedAt ? 'The user was erased; nothing is left to restore' : 'The user is not deleted');
      const snapshot = tomb.snapshot as Partial<UserRow>;
      const restored = { ...snapshot, status: (snapshot.status ?? 'ACTIVE') as UserRow['status'], deletedAt: null, updatedAt: new Date() };
      await tx.update(users).set(restored).where(eq(users.id, id));
      await tx.delete(userTombstones).where(eq(userTombstones.userId, id));
      await writeAudit(tx, ctx.actor, [
        {
          action: 'user.restore',
          targetType: 'User',
          targetId: id.toString(),
          diff: { ...diffOf(auditView(row), auditView({ ...row, ...restored })), reason },
        },
      ]);
      return (await findUserById(tx, id))!;
    });
  } catch (error) {
    const conflict = conflictFor(error);
    if (conflict) throw new ConflictError(`Cannot restore: ${conflict.message.toLowerCase()} now`, conflict.fields);
    throw error;
  }
}
