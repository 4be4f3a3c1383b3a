import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import { queryRows, type Tx } from '../../db/client.js';
import { effectiveStatus } from '../../access/status.js';
import type { ActionContext } from '../context.js';
import { users } from '../users/table.js';
import { follows } from './table.js';
import { followSchema } from './validation.js';

/** What a follow or unfollow did: whether the pair follows afterwards, and whether this call changed it. */
export interface FollowResult {
  followerId: bigint;
  followedId: bigint;
  following: boolean;
  changed: boolean;
}

/** Both accounts' effective status; NOT_FOUND naming the missing side. */
async function statusesOf(tx: Tx, followerId: bigint, followedId: bigint): Promise<{ follower: string; followed: string }> {
  const rows = await queryRows<{ id: string; status: string }>(
    tx,
    sql`select ${users.id}::text as id, ${effectiveStatus} as status from ${users} where ${users.id} in (${followerId}, ${followedId})`,
  );
  const of = (id: bigint) => rows.find((r) => r.id === id.toString())?.status;
  const follower = of(followerId);
  const followed = of(followedId);
  if (!follower) throw new NotFoundError('No such follower');
  if (!followed) throw new NotFoundError('No such account to follow');
  return { follower, followed };
}

const audit = (action: string, r: { followerId: bigint; followedId: bigint }) => ({
  action,
  targetType: 'User',
  targetId: r.followerId.toString(),
  diff: { followed: r.followedId.toString() },
});

/**
 * Makes one account follow another, stored only (never federated: no Follow activity is sent, as
 * Pleroma's admin follow). Following oneself, an account that is not active, or one already followed
 * changes nothing and is no error (Pleroma answers "ok" to all three); only a real change is audited.
 */
export async function followUser(ctx: ActionContext, input: z.input<typeof followSchema>): Promise<FollowResult> {
  const { followerId, followedId } = parseInput(followSchema, input);
  return ctx.db.transaction(async (tx) => {
    const status = await statusesOf(tx, followerId, followedId);
    if (followerId === followedId) return { followerId, followedId, following: false, changed: false };
    if (status.followed !== 'ACTIVE') {
      const [row] = await tx
        .select({ one: sql`1` })
        .from(follows)
        .where(and(eq(follows.followerId, followerId), eq(follows.followedId, followedId)));
      return { followerId, followedId, following: !!row, changed: false };
    }
    // Parallel follows of one pair: one inserts, the others find the row and change nothing.
    const inserted = await tx.insert(follows).values({ followerId, followedId }).onConflictDoNothing().returning({ at: follows.createdAt });
    if (inserted.length) await writeAudit(tx, ctx.actor, [audit('follow.create', { followerId, followedId })]);
    return { followerId, followedId, following: true, changed: inserted.length > 0 };
  });
}

/** Ends a follow; not following (or oneself) changes nothing and is no error. */
export async function unfollowUser(ctx: ActionContext, input: z.input<typeof followSchema>): Promise<FollowResult> {
  const { followerId, followedId } = parseInput(followSchema, input);
  return ctx.db.transaction(async (tx) => {
    await statusesOf(tx, followerId, followedId);
    const removed = await tx
      .delete(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followedId, followedId)))
      .returning({ at: follows.createdAt });
    if (removed.length) await writeAudit(tx, ctx.actor, [audit('follow.delete', { followerId, followedId })]);
    return { followerId, followedId, following: false, changed: removed.length > 0 };
  });
}
