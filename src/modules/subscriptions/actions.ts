import { eq } from 'drizzle-orm';
import { BadInputError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { lockTarget } from '../users/lifecycle.js';
import { findUserById, type UserJson } from '../users/queries.js';
import { subscriptions } from './table.js';
import { setSubscriptionSchema, type SetSubscriptionInput } from './validation.js';

const view = (s: { tier: string | null; active: boolean; expiresAt: Date | null } | undefined) =>
  s ? { tier: s.tier, active: s.active, expiresAt: s.expiresAt?.toISOString() ?? null } : null;

/**
 * Sets a user's subscription (tier, on or off, end): the tier must be one of `tiers` (configuration),
 * an active subscription needs an end, and the target must be ranked below the actor. One
 * transaction with its audit row; setting what is already so writes nothing.
 */
export async function setSubscription(ctx: ActionContext, userId: bigint, input: SetSubscriptionInput, tiers: readonly string[]): Promise<UserJson> {
  const data = parseInput(setSubscriptionSchema, input);
  if (data.tier != null && !tiers.includes(data.tier))
    throw new BadInputError(`tier must be one of ${tiers.join(', ')}`, [{ path: ['tier'], message: `must be one of ${tiers.join(', ')}` }]);
  if (data.active && !data.expiresAt) throw new BadInputError('expiresAt is required when active', [{ path: ['expiresAt'], message: 'required when active' }]);
  return ctx.db.transaction(async (tx) => {
    await lockTarget(tx, ctx, userId, 'change');
    const [before] = await tx.select().from(subscriptions).where(eq(subscriptions.userId, userId)).for('update');
    const next = { tier: data.tier ?? null, active: data.active, expiresAt: data.expiresAt ?? null };
    const [from, to] = [view(before), view(next)];
    if (JSON.stringify(from) !== JSON.stringify(to)) {
      const now = new Date();
      // A subscription switched on (again) starts now; otherwise its start stays.
      const activatedAt = !before || (data.active && !before.active) ? now : before.activatedAt;
      await tx
        .insert(subscriptions)
        .values({ userId, ...next, activatedAt, updatedAt: now })
        .onConflictDoUpdate({ target: subscriptions.userId, set: { ...next, activatedAt, updatedAt: now } });
      await writeAudit(tx, ctx.actor, [{ action: 'user.subscription', targetType: 'User', targetId: userId.toString(), diff: { subscription: { from, to } } }]);
    }
    return (await findUserById(tx, userId))!;
  });
}
