import { and, eq, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { MediaConfig } from '../../config.js';
import { AppError, BadInputError, ConflictError, NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import { queryRows, type Tx } from '../../db/client.js';
import { selfServiceAccount } from '../../access/self-service.js';
import type { ActionContext } from '../context.js';
import { putMedia, releaseMedia } from '../media/actions.js';
import { prepareImage, type PreparedImage } from '../media/pipeline.js';
import { users } from '../users/table.js';
import type { Profile } from './model.js';
import { findFlagsOf, findProfile } from './queries.js';
import { prideFlags, profiles } from './table.js';
import { registerErasure } from '../users/extensions.js';
import { statusProblems, updateProfileSchema } from './validation.js';

/** The profile row of `userId`, made when missing; `claim` marks it signed in to (public from then on). */
export async function ensureProfile(tx: Tx, userId: bigint, claim: boolean): Promise<void> {
  await tx
    .insert(profiles)
    .values({ userId, claimedAt: claim ? new Date() : null })
    .onConflictDoUpdate({ target: profiles.userId, set: { claimedAt: claim ? sql`coalesce(${profiles.claimedAt}, now())` : sql`${profiles.claimedAt}` } });
}

/** The caller's account row, locked for the change; NOT_FOUND when it is gone. */
async function lockAccount(tx: Tx, userId: bigint) {
  const [row] = await tx
    .select({ username: users.username, avatarHash: users.avatarHash, domain: users.domain, shortId: users.shortId })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  if (!row || row.domain !== null) throw new NotFoundError('No such user');
  return row;
}

const answer = async (tx: Tx, userId: bigint): Promise<Profile> => (await findProfile(tx, userId))!;

/** Any signed-in call of the pronouns.cc API: the caller's profile, claimed (public from now on). */
export async function claimOwnProfile(ctx: ActionContext, claim = true): Promise<Profile> {
  const self = selfServiceAccount(ctx.actor.actorId);
  return ctx.db.transaction(async (tx) => {
    await lockAccount(tx, self);
    await ensureProfile(tx, self, claim);
    return answer(tx, self);
  });
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const orNull = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v);

/**
 * PATCH /users/@me: the caller edits its own profile (self-service). Omitted keys stay; an empty
 * string or array clears. The avatar is decoded and re-encoded before the transaction; in it the old
 * avatar's reference is released and the new one's taken, with the change. A rename is audited as
 * user.rename; the rest as profile.update (the keys that changed).
 */
export async function updateOwnProfile(ctx: ActionContext, config: MediaConfig, input: z.input<typeof updateProfileSchema>): Promise<Profile> {
  const self = selfServiceAccount(ctx.actor.actorId);
  const data = parseInput(updateProfileSchema, input);
  if (data.timezone && !isTimeZone(data.timezone))
    throw new BadInputError('timezone: must be an IANA time zone', [{ path: ['timezone'], message: 'must be an IANA time zone' }]);
  const image: PreparedImage | null = data.avatar ? await prepareImage(config, data.avatar, 'avatar', { path: ['avatar'] }) : null;
  return ctx.db.transaction(async (tx) => {
    const account = await lockAccount(tx, self);
    await ensureProfile(tx, self, true);
    const [current] = await tx.select().from(profiles).where(eq(profiles.userId, self));
    const prefs = Object.keys(data.customPreferences ?? current.customPreferences);
    const problems = statusProblems(data, prefs);
    if (data.flags) {
      const own = new Set((await findFlagsOf(tx, [self])).get(self.toString())?.map((f) => f.id) ?? []);
      data.flags.forEach((id, i) => {
        if (!own.has(id)) problems.push({ path: ['flags', String(i)], message: 'not one of your pride flags' });
      });
    }
    if (problems.length) throw new BadInputError(problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; '), problems);

    const renamed = data.name !== undefined && data.name !== account.username ? data.name : undefined;
    if (renamed !== undefined) {
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(sql`lower(${users.username}) = lower(${renamed})`, sql`${users.domain} is null`, ne(users.id, self)));
      if (taken) throw new ConflictError('name: that username is taken', [{ path: ['name'], message: 'that username is taken' }]);
    }
    let avatar: string | null | undefined;
    if (image) avatar = (await putMedia(tx, image)).hash;
    else if (data.avatar === '') avatar = null;
    if (avatar !== undefined && account.avatarHash) await releaseMedia(tx, account.avatarHash);

    const accountSet = {
      username: renamed,
      displayName: orNull(data.displayName),
      bio: orNull(data.bio),
      timezone: orNull(data.timezone),
      avatarHash: avatar,
    };
    const profileSet = {
      memberTitle: orNull(data.memberTitle),
      links: data.links,
      names: data.names,
      pronouns: data.pronouns?.map((p) => ({ pronouns: p.pronouns, displayText: p.displayText ?? null, status: p.status })),
      fields: data.fields,
      shownFlags: data.flags ? [...new Set(data.flags)].map(BigInt) : undefined,
      listPrivate: data.listPrivate,
      customPreferences: data.customPreferences,
    };
    await tx
      .update(users)
      .set({ ...accountSet, updatedAt: new Date() })
      .where(eq(users.id, self));
    await tx
      .update(profiles)
      .set({ ...profileSet, updatedAt: new Date() })
      .where(eq(profiles.userId, self));
    const changed = [...Object.entries(accountSet), ...Object.entries(profileSet)].filter(([, v]) => v !== undefined).map(([k]) => k);
    const entries = [];
    if (renamed !== undefined)
      entries.push({ action: 'user.rename', targetType: 'User', targetId: self.toString(), diff: { username: { from: account.username, to: renamed } } });
    if (changed.length) entries.push({ action: 'profile.update', targetType: 'User', targetId: self.toString(), diff: { changed } });
    await writeAudit(tx, ctx.actor, entries);
    return answer(tx, self);
  });
}

export const REROLL_TOO_SOON = 'Short ids can be rerolled once an hour';

/** GET /users/@me/reroll: a new random 5-letter short id, at most once an hour (RATE_LIMITED before). */
export async function rerollOwnShortId(ctx: ActionContext, expectedSid?: string): Promise<Profile> {
  const self = selfServiceAccount(ctx.actor.actorId);
  return ctx.db.transaction(async (tx) => {
    const account = await lockAccount(tx, self);
    if (expectedSid !== undefined && expectedSid !== account.shortId)
      throw new BadInputError('expectedSid: the short id is no longer this one', [{ path: ['expectedSid'], message: 'no longer the current short id' }]);
    await ensureProfile(tx, self, true);
    const [row] = await tx
      .update(profiles)
      .set({ lastSidReroll: new Date() })
      .where(and(eq(profiles.userId, self), sql`(${profiles.lastSidReroll} is null or ${profiles.lastSidReroll} <= now() - interval '1 hour')`))
      .returning({ userId: profiles.userId });
    if (!row) throw new AppError('RATE_LIMITED', REROLL_TOO_SOON);
    // 26^5 ids: a collision is rare; the loop takes another until one is free.
    for (let attempt = 0; ; attempt += 1) {
      const [free] = await queryRows<{ sid: string }>(
        tx,
        sql`select s.sid from (select random_short_id() as sid) s where not exists (select 1 from ${users} where ${users.shortId} = s.sid)`,
      );
      if (free) {
        await tx.update(users).set({ shortId: free.sid }).where(eq(users.id, self));
        await writeAudit(tx, ctx.actor, [
          { action: 'profile.reroll-sid', targetType: 'User', targetId: self.toString(), diff: { username: account.username, sid: free.sid } },
        ]);
        return answer(tx, self);
      }
      if (attempt > 20) throw new AppError('UNAVAILABLE', 'No free short id found; try again');
    }
  });
}

/** An erased account's profile and flags go with it, each flag's image reference released (users' eraseUser). */
registerErasure(async (tx, userId) => {
  const flags = await tx.delete(prideFlags).where(eq(prideFlags.userId, userId)).returning({ hash: prideFlags.hash });
  for (const flag of flags) await releaseMedia(tx, flag.hash);
  await tx.delete(profiles).where(eq(profiles.userId, userId));
});
