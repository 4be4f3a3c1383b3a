import { eq } from 'drizzle-orm';
import { VIP_FEATURE } from '../../access/policy.js';
import { BadInputError, parseInput } from '../../core/errors.js';
import { diffOf, writeAudit } from '../../db/audit.js';
import { voiceRegions } from '../voice/table.js';
import type { ActionContext } from '../context.js';
import { canonicalFeatures, lockGuild } from './actions.js';
import type { GuildRow } from './queries.js';
import { guilds } from './table.js';
import { featureList, type FeatureOperation } from './validation.js';

/**
 * Replaces, adds or removes guild features in one transaction on the locked guild row, so parallel
 * edits serialise and none is lost. Without VANITY_URL the vanity code is cleared, and without
 * VIP_REGIONS a VIP region is left, in the same statement. Litecord sends GUILD_UPDATE for it.
 * Removing a feature the guild lacks is BAD_INPUT at `features.<n>` (Litecord's message).
 */
export async function editGuildFeatures(ctx: ActionContext, id: bigint, operation: FeatureOperation, input: readonly string[]): Promise<GuildRow> {
  const wanted = parseInput(featureList, input, ['features']);
  return ctx.db.transaction(async (tx) => {
    const before = await lockGuild(tx, id);
    let next: string[];
    if (operation === 'REPLACE') next = canonicalFeatures(wanted);
    else if (operation === 'ADD') next = canonicalFeatures([...before.features, ...wanted]);
    else {
      const missing = (input as string[]).findIndex((f) => !before.features.includes(f));
      if (missing >= 0)
        throw new BadInputError('Trying to remove already removed feature.', [
          { path: ['features', String(missing)], message: 'the guild lacks this feature' },
        ]);
      next = before.features.filter((f) => !wanted.includes(f as never));
    }
    const changes: Partial<GuildRow> = { features: next };
    if (!next.includes('VANITY_URL') && before.vanityCode !== null) changes.vanityCode = null;
    if (!next.includes(VIP_FEATURE) && before.region !== null) {
      const [region] = await tx.select({ vip: voiceRegions.vip }).from(voiceRegions).where(eq(voiceRegions.id, before.region));
      if (region?.vip) changes.region = null;
    }
    const diff = diffOf(
      { features: before.features, vanityCode: before.vanityCode, region: before.region },
      { features: next, vanityCode: changes.vanityCode === undefined ? before.vanityCode : null, region: changes.region === undefined ? before.region : null },
    );
    if (Object.keys(diff).length === 0) return before;
    const [row] = await tx
      .update(guilds)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(guilds.id, id))
      .returning();
    await writeAudit(tx, ctx.actor, [
      { action: `guild.features.${operation.toLowerCase()}`, targetType: 'Guild', targetId: id.toString(), diff: { ...diff, dispatch: 'GUILD_UPDATE' } },
    ]);
    return row;
  });
}
