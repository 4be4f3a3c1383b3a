import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { MediaConfig } from '../../config.js';
import { BadInputError, ConflictError, NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { putMedia, releaseMedia } from '../media/actions.js';
import { prepareImage, readUpload } from '../media/pipeline.js';
import { users } from '../users/table.js';
import { lockOwner } from './actions.js';
import type { CapeView } from './queries.js';
import { capeOwners, capes, discordLinks, skins } from './table.js';
import { deleteCapeSchema, setDiscordLinkSchema, updateUserCapesSchema, uploadCapeSchema } from './validation.js';

/**
 * uploadCape: a PNG texture (64×32 or a multiple), stored once by content, a cape referring to it,
 * and the users who own it, in one transaction: an unknown owner writes nothing.
 */
export async function uploadCape(ctx: ActionContext, config: MediaConfig, input: z.input<typeof uploadCapeSchema>): Promise<CapeView> {
  const v = parseInput(uploadCapeSchema, input);
  const bytes = await readUpload(v.file, config, ['file']);
  const image = await prepareImage(config, bytes, 'cape', { path: ['file'] });
  const owners = [...new Set(v.ownerIds)];
  return ctx.db.transaction(async (tx) => {
    if (owners.length) {
      const found = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, owners), sql`${users.status} <> 'DELETED'`));
      const known = new Set(found.map((r) => r.id));
      const missing = v.ownerIds.flatMap((id, i) => (known.has(id) ? [] : [{ path: ['ownerIds', String(i)], message: 'no such user' }]));
      if (missing.length) throw new BadInputError('Every owner must be an existing user', missing);
    }
    await putMedia(tx, image);
    const [cape] = await tx.insert(capes).values({ name: v.name, textureHash: image.hash }).returning();
    if (owners.length) await tx.insert(capeOwners).values(owners.map((userId) => ({ capeId: cape.id, userId })));
    await writeAudit(tx, ctx.actor, [
      { action: 'cape.upload', targetType: 'Cape', targetId: cape.id, diff: { name: v.name, texture: image.hash, owners: owners.map(String) } },
    ]);
    return cape;
  });
}

/** deleteCape: the cape, who owned it, the skins wearing it take it off; its texture's reference goes. */
export async function deleteCape(ctx: ActionContext, input: z.input<typeof deleteCapeSchema>): Promise<CapeView> {
  const v = parseInput(deleteCapeSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [cape] = await tx.delete(capes).where(eq(capes.id, v.id)).returning();
    if (!cape) throw new NotFoundError('Cape not found');
    await releaseMedia(tx, cape.textureHash);
    await writeAudit(tx, ctx.actor, [{ action: 'cape.delete', targetType: 'Cape', targetId: cape.id, diff: { name: cape.name, texture: cape.textureHash } }]);
    return cape;
  });
}

/**
 * updateUserCapes: gives and takes capes in one change. A cape taken away also comes off the
 * user's skins (a skin wears only a cape its owner has). Unknown capes are BAD_INPUT at their index.
 */
export async function updateUserCapes(ctx: ActionContext, input: z.input<typeof updateUserCapesSchema>): Promise<bigint> {
  const v = parseInput(updateUserCapesSchema, input);
  const add = [...new Set(v.add)];
  const remove = [...new Set(v.remove)];
  return ctx.db.transaction(async (tx) => {
    await lockOwner(tx, v.userId);
    if (add.length) {
      const known = new Set((await tx.select({ id: capes.id }).from(capes).where(inArray(capes.id, add))).map((r) => r.id));
      const missing = v.add.flatMap((id, i) => (known.has(id) ? [] : [{ path: ['add', String(i)], message: 'no such cape' }]));
      if (missing.length) throw new BadInputError('Every cape must exist', missing);
    }
    const added = add.length
      ? await tx
          .insert(capeOwners)
          .values(add.map((capeId) => ({ capeId, userId: v.userId })))
          .onConflictDoNothing()
          .returning({ capeId: capeOwners.capeId })
      : [];
    const removed = remove.length
      ? await tx
          .delete(capeOwners)
          .where(and(eq(capeOwners.userId, v.userId), inArray(capeOwners.capeId, remove)))
          .returning({ capeId: capeOwners.capeId })
      : [];
    if (removed.length) {
      await tx
        .update(skins)
        .set({ capeId: null })
        .where(
          and(
            eq(skins.ownerId, v.userId),
            inArray(
              skins.capeId,
              removed.map((r) => r.capeId),
            ),
          ),
        );
    }
    if (added.length || removed.length) {
      await writeAudit(tx, ctx.actor, [
        {
          action: 'user.capes',
          targetType: 'User',
          targetId: v.userId.toString(),
          diff: { added: added.map((r) => r.capeId), removed: removed.map((r) => r.capeId) },
        },
      ]);
    }
    return v.userId;
  });
}

/** setDiscordLink: links a user to a Discord account (one user per Discord account), or unlinks. */
export async function setDiscordLink(ctx: ActionContext, input: z.input<typeof setDiscordLinkSchema>): Promise<bigint> {
  const v = parseInput(setDiscordLinkSchema, input);
  return ctx.db.transaction(async (tx) => {
    await lockOwner(tx, v.userId);
    const [current] = await tx.select().from(discordLinks).where(eq(discordLinks.userId, v.userId));
    const next = v.discord ? { discordId: v.discord.discordId, username: v.discord.username, avatar: v.discord.avatar ?? null } : null;
    const same = next && current && next.discordId === current.discordId && next.username === current.username && next.avatar === current.avatar;
    if (same || (!next && !current)) return v.userId;
    if (!next) await tx.delete(discordLinks).where(eq(discordLinks.userId, v.userId));
    else {
      const [taken] = await tx.select({ userId: discordLinks.userId }).from(discordLinks).where(eq(discordLinks.discordId, next.discordId));
      if (taken && taken.userId !== v.userId)
        throw new ConflictError('That Discord account is linked to another user', [{ path: ['discord', 'discordId'], message: 'linked to another user' }]);
      await tx
        .insert(discordLinks)
        .values({ userId: v.userId, ...next })
        .onConflictDoUpdate({ target: discordLinks.userId, set: { ...next, linkedAt: sql`now()` } });
    }
    await writeAudit(tx, ctx.actor, [
      {
        action: next ? 'discord.link' : 'discord.unlink',
        targetType: 'User',
        targetId: v.userId.toString(),
        diff: { discordId: { from: current?.discordId ?? null, to: next?.discordId ?? null } },
      },
    ]);
    return v.userId;
  });
}
