import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { uniqueViolation } from '../../db/errors.js';
import { BadInputError, ConflictError, NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import { enqueueMail } from '../mail/actions.js';
import type { ActionContext } from '../context.js';
import { releaseAttempt, reserveAttempt, type Limit } from '../../access/limits.js';
import { createUser } from '../users/actions.js';
import type { UserJson } from '../users/queries.js';
import { createInviteSchema, registerSchema } from './validation.js';
import { findInviteByCode, inviteIsValid, type InviteView } from './queries.js';
import { invites, inviteUses } from './table.js';

const view = (i: InviteView | typeof invites.$inferSelect) => ({
  code: i.code,
  maxUses: i.maxUses,
  expiresAt: i.expiresAt?.toISOString() ?? null,
  ownerId: i.ownerId?.toString() ?? null,
});

/** A new invite: a random code unless one is given; one use unless a limit or `unlimited` is given. */
export async function createInvite(ctx: ActionContext, input: z.input<typeof createInviteSchema>, links?: { publicUrl: string }): Promise<InviteView> {
  const data = parseInput(createInviteSchema, input);
  if (data.expiresAt && data.expiresAt <= new Date())
    throw new BadInputError('expiresAt must be in the future', [{ path: ['expiresAt'], message: 'must be in the future' }]);
  if (data.unlimited && data.maxUses != null)
    throw new BadInputError('give maxUses or unlimited, not both', [{ path: ['maxUses'], message: 'not with unlimited' }]);
  const code = data.code ?? randomBytes(12).toString('base64url');
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(invites)
        .values({
          code,
          maxUses: data.unlimited ? null : (data.maxUses ?? 1),
          expiresAt: data.expiresAt ?? null,
          ownerId: data.ownerId ?? null,
          createdBy: ctx.actor.actorId,
        })
        .returning();
      await writeAudit(tx, ctx.actor, [
        {
          action: 'invite.create',
          targetType: 'Invite',
          targetId: row.id.toString(),
          diff: { to: view(row), ...(data.email ? { mailedTo: data.email } : {}) },
        },
      ]);
      if (data.email) {
        const link = `${links?.publicUrl ?? ''}/invite_register.html?code=${encodeURIComponent(code)}`;
        await enqueueMail(tx, ctx, [
          {
            kind: 'invite',
            to: data.email,
            subject: 'You are invited',
            body: `Hello${data.name ? ` ${data.name}` : ''},\n\nyou are invited to register: ${link}\n\nYour invite code: ${code}\n`,
          },
        ]);
      }
      return (await findInviteByCode(tx, code))!;
    });
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError('An invite with this code exists', [{ path: ['code'], message: 'already taken' }]);
    if ((error as { cause?: { code?: string } }).cause?.code === '23503') throw new NotFoundError('No such owner');
    throw error;
  }
}

export async function revokeInvite(ctx: ActionContext, code: string, reason: string | null = null): Promise<InviteView> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(invites.code, code), isNull(invites.revokedAt)))
      .returning();
    if (!row) {
      const existing = await findInviteByCode(tx, code);
      if (!existing) throw new NotFoundError('No such invite');
      throw new ConflictError('The invite is already revoked');
    }
    await writeAudit(tx, ctx.actor, [{ action: 'invite.revoke', targetType: 'Invite', targetId: row.id.toString(), diff: { from: view(row), reason } }]);
    return (await findInviteByCode(tx, code))!;
  });
}

/** Failed registrations allowed per address per window (unknown, used-up, expired or revoked codes). */
export const REGISTER_LIMIT: Limit = { max: 10, windowSeconds: 15 * 60 };
const INVALID = 'This invite code is not valid';

/**
 * Public registration with an invite. The use is counted by one UPDATE on the invite row (which
 * locks it), in the transaction that creates the account: 20 parallel registrations on a 5-use
 * invite create exactly 5 accounts, and a failed registration counts no use. An unknown code and a
 * used-up, expired or revoked one answer the same.
 */
export async function registerWithInvite(ctx: ActionContext, input: z.input<typeof registerSchema>, ip: string | null): Promise<UserJson> {
  const { code, ...account } = parseInput(registerSchema, input);
  const key = ip ? `invite:${ip}` : null;
  // Counted before the code is looked at, given back unless it turns out not valid.
  if (key) await reserveAttempt(ctx.db, key, REGISTER_LIMIT);
  try {
    const user = await ctx.db.transaction(async (tx) => {
      const [invite] = await tx
        .update(invites)
        .set({ uses: sql`${invites.uses} + 1`, updatedAt: new Date() })
        .where(and(eq(invites.code, code), inviteIsValid))
        .returning({ id: invites.id });
      if (!invite) throw new BadInputError(INVALID, [{ path: ['code'], message: 'not valid' }]);
      const user = await createUser({ ...ctx, db: tx as unknown as Db }, account);
      await tx.insert(inviteUses).values({ inviteId: invite.id, userId: BigInt(user.id) });
      await writeAudit(tx, ctx.actor, [{ action: 'invite.use', targetType: 'Invite', targetId: invite.id.toString(), diff: { userId: user.id } }]);
      return user;
    });
    if (key) await releaseAttempt(ctx.db, key);
    return user;
  } catch (error) {
    if (key && !(error instanceof BadInputError && error.message === INVALID)) await releaseAttempt(ctx.db, key);
    throw error;
  }
}
