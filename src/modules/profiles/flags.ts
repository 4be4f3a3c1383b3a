import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { MediaConfig } from '../../config.js';
import { ConflictError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { Tx } from '../../db/client.js';
import { assertOwnFlag, selfServiceAccount } from '../../access/self-service.js';
import type { ActionContext } from '../context.js';
import { putMedia, releaseMedia } from '../media/actions.js';
import { prepareImage } from '../media/pipeline.js';
import { users } from '../users/table.js';
import type { PrideFlag } from './model.js';
import { countFlags, findFlag, flagOf } from './queries.js';
import { ensureProfile } from './actions.js';
import { prideFlags, profiles } from './table.js';
import { createFlagSchema, flagIdSchema, MAX_FLAGS, updateFlagSchema } from './validation.js';

export const FLAG_LIMIT_MESSAGE = `At most ${MAX_FLAGS} pride flags per user`;

/** Locks the owner's account row, so parallel uploads cannot pass the count together. */
const lockOwner = (tx: Tx, userId: bigint) => tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');

/** POST /users/@me/flags: a new flag of the caller's own (CONFLICT at the limit). The image is re-encoded first. */
export async function createOwnFlag(ctx: ActionContext, config: MediaConfig, input: z.input<typeof createFlagSchema>): Promise<PrideFlag> {
  const self = selfServiceAccount(ctx.actor.actorId);
  const data = parseInput(createFlagSchema, input);
  const image = await prepareImage(config, data.flag, 'flag', { path: ['flag'] });
  return ctx.db.transaction(async (tx) => {
    await lockOwner(tx, self);
    await ensureProfile(tx, self, true);
    if ((await countFlags(tx, self)) >= MAX_FLAGS) throw new ConflictError(FLAG_LIMIT_MESSAGE);
    const stored = await putMedia(tx, image);
    const [row] = await tx
      .insert(prideFlags)
      .values({ userId: self, hash: stored.hash, name: data.name, description: data.description || null })
      .returning();
    await writeAudit(tx, ctx.actor, [
      { action: 'flag.create', targetType: 'PrideFlag', targetId: row.id.toString(), diff: { name: row.name, hash: row.hash } },
    ]);
    return flagOf(row);
  });
}

/** PATCH /users/@me/flags/{id}: name and description of one of the caller's flags (the image stays). */
export async function updateOwnFlag(ctx: ActionContext, input: z.input<typeof updateFlagSchema>): Promise<PrideFlag> {
  const data = parseInput(updateFlagSchema, input);
  return ctx.db.transaction(async (tx) => {
    const flag = await findFlag(tx, BigInt(data.id));
    assertOwnFlag(ctx.actor.actorId, flag);
    const set = { name: data.name, description: data.description };
    const [row] = await tx
      .update(prideFlags)
      .set(set)
      .where(eq(prideFlags.id, BigInt(data.id)))
      .returning();
    await writeAudit(tx, ctx.actor, [
      { action: 'flag.update', targetType: 'PrideFlag', targetId: data.id, diff: { name: set.name, description: set.description } },
    ]);
    return flagOf(row);
  });
}

/** Removes a flag in `tx`: off the profile, its image reference released. */
export async function dropFlag(tx: Tx, flag: PrideFlag): Promise<void> {
  const id = BigInt(flag.id);
  await tx.delete(prideFlags).where(eq(prideFlags.id, id));
  await tx
    .update(profiles)
    .set({ shownFlags: sql`array_remove(${profiles.shownFlags}, ${id}::bigint)` })
    .where(and(eq(profiles.userId, BigInt(flag.userId))));
  await releaseMedia(tx, flag.hash);
}

/** DELETE /users/@me/flags/{id}: one of the caller's flags goes, with its image when nothing else shows it. */
export async function deleteOwnFlag(ctx: ActionContext, input: z.input<typeof flagIdSchema>): Promise<PrideFlag> {
  const data = parseInput(flagIdSchema, input);
  return ctx.db.transaction(async (tx) => {
    const flag = await findFlag(tx, BigInt(data.id));
    assertOwnFlag(ctx.actor.actorId, flag);
    await dropFlag(tx, flag as PrideFlag);
    await writeAudit(tx, ctx.actor, [{ action: 'flag.delete', targetType: 'PrideFlag', targetId: data.id, diff: { name: (flag as PrideFlag).name } }]);
    return flag as PrideFlag;
  });
}
