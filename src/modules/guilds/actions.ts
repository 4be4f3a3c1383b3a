import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { regionRefusal } from '../../access/policy.js';
import { BadInputError, ConflictError, NotFoundError, parseInput } from '../../core/errors.js';
import { diffOf, writeAudit } from '../../db/audit.js';
import type { Tx } from '../../db/client.js';
import { uniqueViolation } from '../../db/errors.js';
import { users } from '../users/table.js';
import { voiceRegions } from '../voice/table.js';
import type { ActionContext } from '../context.js';
import type { GuildRow } from './queries.js';
import { GUILD_FEATURES, guilds } from './table.js';
import { createGuildSchema, updateGuildSchema } from './validation.js';

/**
 * Guild writes. Each is one transaction with its audit row; the row names the event Litecord sends
 * its connected clients for the change (`diff.dispatch`: GUILD_CREATE, GUILD_UPDATE, GUILD_DELETE),
 * which adminEvents delivers after commit as `AuditEvent.dispatch`.
 */

/** What an audit row shows of a guild. */
export const guildView = (g: Partial<GuildRow>) => ({
  name: g.name,
  owner: g.ownerId?.toString(),
  icon: g.icon,
  region: g.region,
  features: g.features,
  unavailable: g.unavailable,
  vanityCode: g.vanityCode,
});

/** Features in the closed set's order, so a guild's list reads the same however it was made. */
export const canonicalFeatures = (features: Iterable<string>): string[] => {
  const set = new Set(features);
  return GUILD_FEATURES.filter((f) => set.has(f));
};

export async function lockGuild(tx: Tx, id: bigint): Promise<GuildRow> {
  const [row] = await tx.select().from(guilds).where(eq(guilds.id, id)).for('update');
  if (!row) throw new NotFoundError('Unknown guild');
  return row;
}

/**
 * The region a guild with `features` is given: it must exist (locked against a deprecation until
 * commit) and its rule must allow the guild (access/policy regionRefusal). BAD_INPUT at `region`.
 */
async function checkRegion(tx: Tx, region: string, features: readonly string[]): Promise<void> {
  const [row] = await tx.select().from(voiceRegions).where(eq(voiceRegions.id, region)).for('share');
  const refusal = row ? regionRefusal(row, features) : 'no such voice region';
  if (refusal) throw new BadInputError(refusal, [{ path: ['region'], message: refusal }]);
}

function checkVanity(vanityCode: string | null | undefined, features: readonly string[]): void {
  if (vanityCode && !features.includes('VANITY_URL'))
    throw new BadInputError('A vanity code needs the VANITY_URL feature', [{ path: ['vanityCode'], message: 'the guild lacks VANITY_URL' }]);
}

const vanityTaken = () => new ConflictError('This vanity code is taken', [{ path: ['vanityCode'], message: 'already taken' }]);

async function checkOwner(tx: Tx, ownerId: bigint): Promise<void> {
  const [owner] = await tx.select({ status: users.status }).from(users).where(eq(users.id, ownerId));
  if (!owner || owner.status === 'DELETED') throw new BadInputError('No such user', [{ path: ['owner'], message: 'no such user' }]);
}

/** Creates a guild owned by `ownerId` (GUILD_CREATE). */
export async function createGuild(ctx: ActionContext, ownerId: bigint, input: z.input<typeof createGuildSchema>): Promise<GuildRow> {
  const data = parseInput(createGuildSchema, input);
  const features = canonicalFeatures(data.features);
  checkVanity(data.vanityCode, features);
  try {
    return await ctx.db.transaction(async (tx) => {
      await checkOwner(tx, ownerId);
      if (data.region) await checkRegion(tx, data.region, features);
      const [row] = await tx
        .insert(guilds)
        .values({ ...data, features, ownerId, icon: data.icon ?? null, region: data.region ?? null, vanityCode: data.vanityCode ?? null })
        .returning();
      await writeAudit(tx, ctx.actor, [
        { action: 'guild.create', targetType: 'Guild', targetId: row.id.toString(), diff: { ...diffOf(null, guildView(row)), dispatch: 'GUILD_CREATE' } },
      ]);
      return row;
    });
  } catch (error) {
    throw uniqueViolation(error) ? vanityTaken() : error;
  }
}

/**
 * Changes a guild's name, icon, owner, region, vanity code or availability; omitted fields stay.
 * Availability changing is Litecord's GUILD_DELETE (now unavailable) or GUILD_CREATE (available
 * again); any other change is GUILD_UPDATE; no change writes nothing.
 */
export async function updateGuild(ctx: ActionContext, id: bigint, input: z.input<typeof updateGuildSchema> & { ownerId?: bigint }): Promise<GuildRow> {
  const { ownerId, ...rest } = input;
  const data = parseInput(updateGuildSchema, rest);
  const changes: Partial<GuildRow> = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
  if (ownerId !== undefined) changes.ownerId = ownerId;
  try {
    return await ctx.db.transaction(async (tx) => {
      const before = await lockGuild(tx, id);
      const after = { ...before, ...changes };
      if (ownerId !== undefined && ownerId !== before.ownerId) await checkOwner(tx, ownerId);
      if (after.region && after.region !== before.region) await checkRegion(tx, after.region, after.features);
      if (after.vanityCode !== before.vanityCode) checkVanity(after.vanityCode, after.features);
      const diff = diffOf(guildView(before), guildView(after));
      if (Object.keys(diff).length === 0) return before;
      const [row] = await tx
        .update(guilds)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(guilds.id, id))
        .returning();
      const dispatch = before.unavailable === row.unavailable ? 'GUILD_UPDATE' : row.unavailable ? 'GUILD_DELETE' : 'GUILD_CREATE';
      await writeAudit(tx, ctx.actor, [{ action: 'guild.update', targetType: 'Guild', targetId: id.toString(), diff: { ...diff, dispatch } }]);
      return row;
    });
  } catch (error) {
    throw uniqueViolation(error) ? vanityTaken() : error;
  }
}

/** Deletes a guild for good, without ownership checks, as Litecord's admin DELETE (GUILD_DELETE). */
export async function deleteGuild(ctx: ActionContext, id: bigint, reason: string | null): Promise<GuildRow> {
  return ctx.db.transaction(async (tx) => {
    const guild = await lockGuild(tx, id);
    await tx.delete(guilds).where(eq(guilds.id, id));
    await writeAudit(tx, ctx.actor, [
      { action: 'guild.delete', targetType: 'Guild', targetId: id.toString(), diff: { from: guildView(guild), reason, dispatch: 'GUILD_DELETE' } },
    ]);
    return guild;
  });
}
