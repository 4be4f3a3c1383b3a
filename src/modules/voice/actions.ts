import { count, eq, isNull, and, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { mayUseRegionSql } from '../../access/policy.js';
import { ConflictError, NotFoundError, parseInput } from '../../core/errors.js';
import { diffOf, writeAudit, type AuditEntry } from '../../db/audit.js';
import { guilds } from '../guilds/table.js';
import type { ActionContext } from '../context.js';
import type { VoiceRegionRow, VoiceServerRow } from './queries.js';
import { voiceRegions, voiceServers } from './table.js';
import { addVoiceServerSchema, createVoiceRegionSchema, regionId } from './validation.js';

// Serialises region creation, so "the first region" is decided by exactly one transaction.
const REGION_CREATE_LOCK = 0x766f6963;

const regionView = (r: VoiceRegionRow) => ({ name: r.name, vip: r.vip, deprecated: r.deprecated, custom: r.custom });

/** A guild's region changed by a voice action: its audit row, with the event Litecord sends (if any). */
const guildRegionChange = (guildId: bigint, from: string | null, to: string | null, why: string, dispatch: string | null): AuditEntry => ({
  action: 'guild.update',
  targetType: 'Guild',
  targetId: guildId.toString(),
  diff: { region: { from, to }, reason: why, ...(dispatch ? { dispatch } : {}) },
});

/**
 * Creates a voice region (its id lowercased). A taken id is a CONFLICT at `id`. As in Litecord, the
 * first region there is becomes the region of every guild without one (of those allowed to use it:
 * a VIP region only for guilds with VIP_REGIONS; a deprecated region for none), in the same transaction.
 */
export async function createVoiceRegion(ctx: ActionContext, input: z.input<typeof createVoiceRegionSchema>): Promise<VoiceRegionRow> {
  const data = parseInput(createVoiceRegionSchema, input);
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REGION_CREATE_LOCK})`);
    const [created] = await tx.insert(voiceRegions).values(data).onConflictDoNothing({ target: voiceRegions.id }).returning();
    if (!created) throw new ConflictError('A voice region with this id exists', [{ path: ['id'], message: 'voice region already exists with given id' }]);
    const audit: AuditEntry[] = [{ action: 'voice.region.create', targetType: 'VoiceRegion', targetId: created.id, diff: diffOf(null, regionView(created)) }];
    const [{ n }] = await tx.select({ n: count() }).from(voiceRegions);
    if (n === 1) {
      const adopted = await tx
        .update(guilds)
        .set({ region: created.id, updatedAt: new Date() })
        .where(and(isNull(guilds.region), mayUseRegionSql(created, sql`${guilds.features}`)))
        .returning({ id: guilds.id });
      audit.push(...adopted.map((g) => guildRegionChange(g.id, null, created.id, 'the first voice region', null)));
    }
    await writeAudit(tx, ctx.actor, audit);
    return created;
  });
}

/** Adds a voice server to a region; `last_health` starts at 0.5. A taken hostname is a CONFLICT, an unknown region NOT_FOUND. */
export async function addVoiceServer(ctx: ActionContext, input: z.input<typeof addVoiceServerSchema>): Promise<VoiceServerRow> {
  const data = parseInput(addVoiceServerSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [region] = await tx.select({ id: voiceRegions.id }).from(voiceRegions).where(eq(voiceRegions.id, data.region)).for('share');
    if (!region) throw new NotFoundError('No such voice region');
    const [server] = await tx
      .insert(voiceServers)
      .values({ hostname: data.hostname, regionId: region.id })
      .onConflictDoNothing({ target: voiceServers.hostname })
      .returning();
    if (!server)
      throw new ConflictError('voice server already exists with given hostname', [
        { path: ['hostname'], message: 'voice server already exists with given hostname' },
      ]);
    await writeAudit(tx, ctx.actor, [
      {
        action: 'voice.server.add',
        targetType: 'VoiceServer',
        targetId: server.id.toString(),
        diff: diffOf(null, { hostname: server.hostname, region: region.id }),
      },
    ]);
    return server;
  });
}

/**
 * Deprecates a region (Litecord's intended disable_region): every guild using it loses it, each with
 * its own audit row carrying GUILD_UPDATE, then the region is marked deprecated, all in one
 * transaction. The region row is locked first, so no guild can be given the region meanwhile.
 * Deprecating a deprecated region changes nothing.
 */
export async function deprecateVoiceRegion(ctx: ActionContext, id: string): Promise<VoiceRegionRow> {
  const key = parseInput(regionId, id, ['id']);
  return ctx.db.transaction(async (tx) => {
    const [region] = await tx.select().from(voiceRegions).where(eq(voiceRegions.id, key)).for('update');
    if (!region) throw new NotFoundError('No such voice region');
    const released = await tx.update(guilds).set({ region: null, updatedAt: new Date() }).where(eq(guilds.region, key)).returning({ id: guilds.id });
    const audit = released.map((g) => guildRegionChange(g.id, key, null, 'voice region deprecated', 'GUILD_UPDATE'));
    if (region.deprecated) {
      await writeAudit(tx, ctx.actor, audit);
      return region;
    }
    const [after] = await tx.update(voiceRegions).set({ deprecated: true }).where(eq(voiceRegions.id, key)).returning();
    audit.push({
      action: 'voice.region.deprecate',
      targetType: 'VoiceRegion',
      targetId: key,
      diff: { ...diffOf(regionView(region), regionView(after)), guilds: released.length },
    });
    await writeAudit(tx, ctx.actor, audit);
    return after;
  });
}
