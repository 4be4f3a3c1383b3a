import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { MediaConfig } from '../../config.js';
import { BadInputError, forbidden, NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { Tx } from '../../db/client.js';
import { mayHaveHdSkins } from '../../access/textures.js';
import type { ActionContext } from '../context.js';
import { putMedia, releaseMedia } from '../media/actions.js';
import { prepareImage, readUpload } from '../media/pipeline.js';
import { users } from '../users/table.js';
import type { SkinView } from './queries.js';
import { registerErasure } from '../users/extensions.js';
import { capeOwners, discordLinks, skins, skinSelections } from './table.js';
import { deleteSkinSchema, selectSkinSchema, updateSkinSchema, uploadSkinSchema } from './validation.js';

/** The base texture width: anything wider is an HD skin. */
const BASE_WIDTH = 64;

/** NOT_FOUND unless the user exists (and is not deleted); locks it, so it cannot go while the change is made. */
export async function lockOwner(tx: Tx, userId: bigint, what = 'No such user'): Promise<void> {
  const [row] = await tx.select({ status: users.status }).from(users).where(eq(users.id, userId)).for('update');
  if (!row || row.status === 'DELETED') throw new NotFoundError(what);
}

/** FORBIDDEN "You do not own this cape" (CookieCMS's words) unless `ownerId` has the cape. */
export async function assertOwnsCape(tx: Tx, ownerId: bigint, capeId: string, path: string[] = ['capeId']): Promise<void> {
  const [row] = await tx
    .select({ one: sql`1` })
    .from(capeOwners)
    .where(and(eq(capeOwners.userId, ownerId), eq(capeOwners.capeId, capeId)));
  if (!row) throw forbidden('You do not own this cape', [{ path, message: "not a cape of the skin's owner" }]);
}

async function lockSkin(tx: Tx, id: string): Promise<SkinView> {
  const [skin] = await tx.select().from(skins).where(eq(skins.id, id)).for('update');
  if (!skin) throw new NotFoundError('Skin not found');
  return skin;
}

/**
 * uploadSkin: a PNG texture (64×64 or 64×32; larger multiples only for an owner who may have HD
 * skins, access/textures.ts) stored once by content, a library row referring to it, optionally the
 * owner's selection. The image is decoded and checked before the transaction; the HD rule, the
 * cape and the owner are checked inside it, with the media reference taken in the same transaction.
 */
export async function uploadSkin(ctx: ActionContext, config: MediaConfig, input: z.input<typeof uploadSkinSchema>): Promise<SkinView> {
  const v = parseInput(uploadSkinSchema, input);
  const bytes = v.file ? await readUpload(v.file, config, ['file']) : v.dataUri!;
  const image = await prepareImage(config, bytes, 'skin', { hd: true, path: v.file ? ['file'] : ['dataUri'] });
  return ctx.db.transaction(async (tx) => {
    await lockOwner(tx, v.ownerId);
    const hd = image.width > BASE_WIDTH;
    if (hd && !(await mayHaveHdSkins(tx, v.ownerId))) {
      const message = `A skin is 64×64 or 64×32 (this one is ${image.width}×${image.height}); larger multiples need an owner who may have HD skins`;
      throw new BadInputError(message, [{ path: v.file ? ['file'] : ['dataUri'], message }]);
    }
    if (v.capeId) await assertOwnsCape(tx, v.ownerId, v.capeId);
    await putMedia(tx, image);
    const [skin] = await tx
      .insert(skins)
      .values({ name: v.name, ownerId: v.ownerId, slim: v.slim, hd, capeId: v.capeId ?? null, textureHash: image.hash })
      .returning();
    if (v.select) await select(tx, v.ownerId, skin.id);
    await writeAudit(tx, ctx.actor, [
      {
        action: 'skin.upload',
        targetType: 'Skin',
        targetId: skin.id,
        diff: { owner: v.ownerId.toString(), name: v.name, slim: v.slim, hd, texture: image.hash, cape: skin.capeId, selected: v.select },
      },
    ]);
    return skin;
  });
}

const select = (tx: Tx, userId: bigint, skinId: string) =>
  tx
    .insert(skinSelections)
    .values({ userId, skinId })
    .onConflictDoUpdate({ target: skinSelections.userId, set: { skinId, selectedAt: sql`now()` } });

/**
 * updateSkin: name, model, disabled and cape; omitted keys unchanged, a cape only one the owner has
 * (FORBIDDEN "You do not own this cape"). Only a real change is written and audited.
 */
export async function updateSkin(ctx: ActionContext, input: z.input<typeof updateSkinSchema>): Promise<SkinView> {
  const v = parseInput(updateSkinSchema, input);
  return ctx.db.transaction(async (tx) => {
    const skin = await lockSkin(tx, v.id);
    const wanted = { name: v.name, slim: v.slim, disabled: v.disabled, capeId: v.capeId };
    const changed = Object.fromEntries(Object.entries(wanted).filter(([k, value]) => value !== undefined && value !== skin[k as keyof typeof wanted]));
    if (!Object.keys(changed).length) return skin;
    if (typeof changed.capeId === 'string') await assertOwnsCape(tx, skin.ownerId, changed.capeId);
    const [updated] = await tx.update(skins).set(changed).where(eq(skins.id, v.id)).returning();
    const diff = Object.fromEntries(Object.keys(changed).map((k) => [k, { from: skin[k as keyof typeof wanted], to: changed[k] }]));
    await writeAudit(tx, ctx.actor, [{ action: 'skin.update', targetType: 'Skin', targetId: v.id, diff }]);
    return updated;
  });
}

/** deleteSkin: the library row (and a selection of it) goes, and its texture's reference with it. */
export async function deleteSkin(ctx: ActionContext, input: z.input<typeof deleteSkinSchema>): Promise<SkinView> {
  const v = parseInput(deleteSkinSchema, input);
  return ctx.db.transaction(async (tx) => {
    const skin = await lockSkin(tx, v.id);
    await tx.delete(skins).where(eq(skins.id, v.id));
    await releaseMedia(tx, skin.textureHash);
    await writeAudit(tx, ctx.actor, [
      { action: 'skin.delete', targetType: 'Skin', targetId: v.id, diff: { owner: skin.ownerId.toString(), name: skin.name, texture: skin.textureHash } },
    ]);
    return skin;
  });
}

/** selectSkin: the skin a user wears, one of their own (null: none). Audited when it changes. */
export async function selectSkin(ctx: ActionContext, input: z.input<typeof selectSkinSchema>): Promise<bigint> {
  const v = parseInput(selectSkinSchema, input);
  return ctx.db.transaction(async (tx) => {
    await lockOwner(tx, v.userId);
    const [current] = await tx.select({ skinId: skinSelections.skinId }).from(skinSelections).where(eq(skinSelections.userId, v.userId));
    if ((current?.skinId ?? null) === v.skinId) return v.userId;
    if (v.skinId === null) await tx.delete(skinSelections).where(eq(skinSelections.userId, v.userId));
    else {
      const skin = await lockSkin(tx, v.skinId);
      if (skin.ownerId !== v.userId) throw new BadInputError('That skin belongs to another user', [{ path: ['skinId'], message: 'not a skin of this user' }]);
      await select(tx, v.userId, v.skinId);
    }
    await writeAudit(tx, ctx.actor, [
      { action: 'skin.select', targetType: 'User', targetId: v.userId.toString(), diff: { selectedSkin: { from: current?.skinId ?? null, to: v.skinId } } },
    ]);
    return v.userId;
  });
}

/** An erased account's Discord link (a person's other identity) goes with it (users' eraseUser); its skins stay the library's. */
registerErasure(async (tx, userId) => {
  await tx.delete(discordLinks).where(eq(discordLinks.userId, userId));
});
