import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { NotFoundError, parseInput } from '../../core/errors.js';
import { diffOf, writeAudit } from '../../db/audit.js';
import { assertOutranks } from '../../access/policy.js';
import { findStanding } from '../../access/standing.js';
import type { Tx } from '../../db/client.js';
import type { ActionContext } from '../context.js';
import { releaseMedia } from '../media/actions.js';
import { users } from '../users/table.js';
import { ensureProfile } from './actions.js';
import { dropFlag } from './flags.js';
import type { PrideFlag, Profile } from './model.js';
import { findFlag, findProfile } from './queries.js';
import { profiles } from './table.js';
import { moderateProfileSchema, removeFlagSchema, setBadgesSchema } from './validation.js';

/**
 * The local account a moderator acts on, locked for the change: NOT_FOUND when it is gone or remote,
 * FORBIDDEN unless the caller outranks it; its profile row exists afterwards (not claimed by this).
 */
async function lockModerated(ctx: ActionContext, tx: Tx, userId: bigint) {
  const [account] = await tx
    .select({ avatarHash: users.avatarHash, bio: users.bio, domain: users.domain })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  if (!account || account.domain !== null) throw new NotFoundError('No such user');
  await assertOutranks(tx, await findStanding(tx, ctx.actor.actorId), userId);
  await ensureProfile(tx, userId, false);
  return account;
}

/**
 * moderateProfile: an admin (admin:profiles:write, outranking the owner) publishes a profile (public
 * before its user signed in), takes it back, hides it (404 to everyone else) or shows it again, or
 * clears its avatar or bio; always with a reason, audited as profile.<action>.
 */
export async function moderateProfile(ctx: ActionContext, userId: bigint, input: z.input<typeof moderateProfileSchema>): Promise<Profile> {
  const { action, reason } = parseInput(moderateProfileSchema, input);
  return ctx.db.transaction(async (tx) => {
    const account = await lockModerated(ctx, tx, userId);
    const now = new Date();
    const diff: Record<string, unknown> = { reason };
    switch (action) {
      case 'PUBLISH':
      case 'UNPUBLISH':
        await tx
          .update(profiles)
          .set({ publishedAt: action === 'PUBLISH' ? now : null })
          .where(eq(profiles.userId, userId));
        break;
      case 'HIDE':
      case 'UNHIDE':
        await tx
          .update(profiles)
          .set({ hiddenAt: action === 'HIDE' ? now : null })
          .where(eq(profiles.userId, userId));
        break;
      case 'CLEAR_AVATAR':
        if (account.avatarHash) await releaseMedia(tx, account.avatarHash);
        await tx.update(users).set({ avatarHash: null, updatedAt: now }).where(eq(users.id, userId));
        diff.avatar = account.avatarHash;
        break;
      case 'CLEAR_BIO':
        await tx.update(users).set({ bio: null, updatedAt: now }).where(eq(users.id, userId));
        diff.bio = account.bio;
        break;
    }
    await writeAudit(tx, ctx.actor, [{ action: `profile.${action.toLowerCase().replace('_', '-')}`, targetType: 'User', targetId: userId.toString(), diff }]);
    return (await findProfile(tx, userId))!;
  });
}

/**
 * setProfileBadges: an admin (admin:profiles:write, outranking the owner) sets the badges pronouns.cc
 * shows on a profile (a bitmask nobody sets for themselves), with a reason, audited as profile.badges.
 */
export async function setProfileBadges(ctx: ActionContext, userId: bigint, input: z.input<typeof setBadgesSchema>): Promise<Profile> {
  const { badges, reason } = parseInput(setBadgesSchema, input);
  return ctx.db.transaction(async (tx) => {
    await lockModerated(ctx, tx, userId);
    const [before] = await tx.select({ badges: profiles.badges }).from(profiles).where(eq(profiles.userId, userId)).for('update');
    await tx.update(profiles).set({ badges }).where(eq(profiles.userId, userId));
    await writeAudit(tx, ctx.actor, [
      { action: 'profile.badges', targetType: 'User', targetId: userId.toString(), diff: { ...diffOf({ badges: before.badges }, { badges }), reason } },
    ]);
    return (await findProfile(tx, userId))!;
  });
}

/** removePrideFlag: an admin removes someone's flag (off the profile, image released), with a reason, audited. */
export async function removePrideFlag(ctx: ActionContext, flagId: bigint, input: z.input<typeof removeFlagSchema>): Promise<PrideFlag> {
  const { reason } = parseInput(removeFlagSchema, input);
  return ctx.db.transaction(async (tx) => {
    const flag = await findFlag(tx, flagId);
    if (!flag) throw new NotFoundError('No such pride flag');
    await assertOutranks(tx, await findStanding(tx, ctx.actor.actorId), BigInt(flag.userId));
    await dropFlag(tx, flag);
    await writeAudit(tx, ctx.actor, [
      { action: 'flag.remove', targetType: 'PrideFlag', targetId: flag.id, diff: { name: flag.name, owner: flag.userId, reason } },
    ]);
    return flag;
  });
}
