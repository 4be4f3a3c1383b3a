import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { hashPassword } from '../../access/passwords.js';
import { sha256 } from '../../access/tokens.js';
import { BadInputError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import { enqueueMail } from '../mail/actions.js';
import type { ActionContext } from '../context.js';
import { releaseAttempt, reserveAttempt, type Limit } from '../../access/limits.js';
import { endSessionsOnPasswordChange } from '../sessions/actions.js';
import { lockTarget } from '../users/lifecycle.js';
import { users } from '../users/table.js';
import { passwordSchema } from '../users/validation.js';
import { passwordResetTokens } from './table.js';

export const RESET_TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const RESET_LIMIT: Limit = { max: 10, windowSeconds: 15 * 60 };
const INVALID = 'This reset token is not valid';

/**
 * A one-time reset token for a user, shown once: only its hash is stored, it expires after a day,
 * and it replaces any earlier unused token of the user.
 */
export async function createPasswordResetToken(
  ctx: ActionContext,
  userId: bigint,
  opts: { sendEmail?: boolean } = {},
): Promise<{ token: string; expiresAt: Date; mailedTo: string | null }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + RESET_TOKEN_TTL_SECONDS * 1000);
  const mailedTo = await ctx.db.transaction(async (tx) => {
    const user = await lockTarget(tx, ctx, userId, 'reset the password of');
    const superseded = await tx
      .update(passwordResetTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt)))
      .returning({ id: passwordResetTokens.id });
    await tx.insert(passwordResetTokens).values({ userId, tokenHash: sha256(token), expiresAt, createdBy: ctx.actor.actorId });
    const to = opts.sendEmail ? user.email : null;
    if (opts.sendEmail && !to) throw new BadInputError('The user has no email address', [{ path: ['sendEmail'], message: 'the user has no email' }]);
    await writeAudit(tx, ctx.actor, [
      {
        action: 'user.password-reset-token',
        targetType: 'User',
        targetId: userId.toString(),
        diff: { expiresAt: expiresAt.toISOString(), superseded: superseded.length, mailed: !!to },
      },
    ]);
    if (to) {
      await enqueueMail(tx, ctx, [
        {
          kind: 'password-reset',
          to,
          subject: 'Reset your password',
          body: `Hello ${user.username},\n\nan administrator started a password reset for your account. Your one-time reset token, valid for 24 hours:\n\n${token}\n\nIf you did not ask for this, tell your administrator.\n`,
        },
      ]);
    }
    return to;
  });
  return { token, expiresAt, mailedTo };
}

/**
 * Public: sets a new password with a reset token and ends every session of the user. An unknown,
 * used, superseded or expired token answers the same; failures are limited per address.
 */
export async function resetPassword(ctx: ActionContext, token: string, newPassword: string, ip: string | null): Promise<void> {
  const password = parseInput(passwordSchema, newPassword, ['newPassword']);
  const key = ip ? `reset:${ip}` : null;
  // Counted before the token is looked at, given back unless it turns out not valid.
  if (key) await reserveAttempt(ctx.db, key, RESET_LIMIT);
  let userId: bigint | null;
  try {
    userId = await setPasswordWithToken(ctx, token, await hashPassword(password));
  } catch (error) {
    if (key) await releaseAttempt(ctx.db, key);
    throw error;
  }
  if (userId === null) throw new BadInputError(INVALID, [{ path: ['token'], message: 'not valid' }]);
  if (key) await releaseAttempt(ctx.db, key);
}

/** Uses the token and stores the hash in one transaction; null when the token is not valid now. */
async function setPasswordWithToken(ctx: ActionContext, token: string, passwordHash: string): Promise<bigint | null> {
  return ctx.db.transaction(async (tx) => {
    const [used] = await tx
      .update(passwordResetTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResetTokens.tokenHash, sha256(token)), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, new Date())))
      .returning({ userId: passwordResetTokens.userId });
    if (!used) return null;
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, used.userId));
    const revoked = await endSessionsOnPasswordChange(tx, ctx, used.userId, 'reset');
    await writeAudit(tx, { ...ctx.actor, actorId: ctx.actor.actorId ?? used.userId }, [
      {
        action: 'user.password-reset',
        targetType: 'User',
        targetId: used.userId.toString(),
        diff: { passwordHash: { changed: true }, sessionsRevoked: revoked },
      },
    ]);
    return used.userId;
  });
}
