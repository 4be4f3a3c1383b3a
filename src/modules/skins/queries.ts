import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { FilterOf } from '../../db/filter.js';
import { mediaInfoColumns, type MediaInfo } from '../media/queries.js';
import { media } from '../media/table.js';
import { registerUserField } from '../users/extensions.js';
import { capeOwners, capes, discordLinks, skins, skinSelections } from './table.js';

export type SkinView = typeof skins.$inferSelect;
/** A cape; `heldBy` when it was read as one of a user's capes (that user may see it). */
export type CapeView = typeof capes.$inferSelect & { heldBy?: bigint };
export type DiscordView = typeof discordLinks.$inferSelect;

const skinColumns = {
  id: skins.id,
  name: skins.name,
  ownerId: skins.ownerId,
  slim: skins.slim,
  hd: skins.hd,
  disabled: skins.disabled,
  capeId: skins.capeId,
  textureHash: skins.textureHash,
  createdAt: skins.createdAt,
};
const capeColumns = { id: capes.id, name: capes.name, textureHash: capes.textureHash, createdAt: capes.createdAt };

/** A skin or cape id as stored (a UUID); anything else matches nothing. */
export const isTextureId = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export async function findSkinsByIds(db: Tx, ids: readonly string[]): Promise<Map<string, SkinView>> {
  const keys = ids.filter(isTextureId);
  if (!keys.length) return new Map();
  const rows = await db.select(skinColumns).from(skins).where(inArray(skins.id, keys));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findCapesByIds(db: Tx, ids: readonly string[]): Promise<Map<string, CapeView>> {
  const keys = ids.filter(isTextureId);
  if (!keys.length) return new Map();
  const rows = await db.select(capeColumns).from(capes).where(inArray(capes.id, keys));
  return new Map(rows.map((r) => [r.id, r]));
}

/** A skin's texture and model for the renders (null when there is no such skin or it is disabled). */
export async function findSkinTexture(db: Tx, id: string): Promise<{ bytes: Uint8Array; hash: string; slim: boolean } | null> {
  if (!isTextureId(id)) return null;
  const [row] = await db
    .select({ bytes: media.bytes, hash: media.hash, slim: skins.slim, disabled: skins.disabled })
    .from(skins)
    .innerJoin(media, eq(media.hash, skins.textureHash))
    .where(eq(skins.id, id));
  return row && !row.disabled ? row : null;
}

// ---- lists ----

export const skinFilterTable = {
  owner: { kind: 'ref', sql: sql`${skins.ownerId}`, node: 'User', description: 'The user the skin belongs to' },
  name: { kind: 'text', sql: sql`${skins.name}` },
  slim: { kind: 'flag', sql: sql`${skins.slim}` },
  hd: { kind: 'flag', sql: sql`${skins.hd}` },
  disabled: { kind: 'flag', sql: sql`${skins.disabled}` },
  withCape: { kind: 'flag', sql: sql`(${skins.capeId} is not null)`, description: 'Wears a cape' },
  createdAt: { kind: 'range', sql: sql`${skins.createdAt}` },
} as const;
export type SkinFilter = FilterOf<typeof skinFilterTable>;

export const capeFilterTable = {
  name: { kind: 'text', sql: sql`${capes.name}` },
  createdAt: { kind: 'range', sql: sql`${capes.createdAt}` },
} as const;

const skinOrders = bothWays({ CREATED_AT: { sql: sql`${skins.createdAt}`, type: 'timestamptz' }, NAME: { sql: sql`${skins.name}`, type: 'text' } });
const capeOrders = bothWays({ CREATED_AT: { sql: sql`${capes.createdAt}`, type: 'timestamptz' }, NAME: { sql: sql`${capes.name}`, type: 'text' } });
export type SkinOrder = keyof typeof skinOrders;
export type CapeOrder = keyof typeof capeOrders;

export const skinList: ListSource<typeof skinFilterTable, SkinOrder> = {
  name: 'skins',
  table: skins,
  id: { sql: sql`${skins.id}`, type: 'uuid' },
  orders: skinOrders,
  defaultOrder: 'CREATED_AT_ASC',
  filter: skinFilterTable,
  defaultSize: 50,
};

export const capeList: ListSource<typeof capeFilterTable, CapeOrder> = {
  name: 'capes',
  table: capes,
  id: { sql: sql`${capes.id}`, type: 'uuid' },
  orders: capeOrders,
  defaultOrder: 'CREATED_AT_ASC',
  filter: capeFilterTable,
  defaultSize: 50,
};

export const findSkinPage = (db: Tx, args: ListArgs<typeof skinFilterTable, SkinOrder>, wants: ListWants): Promise<Connection<SkinView>> =>
  findPage(db, skinList, { select: () => skinColumns, selectKey: 'all' }, args, wants);

export const findCapePage = (db: Tx, args: ListArgs<typeof capeFilterTable, CapeOrder>, wants: ListWants): Promise<Connection<CapeView>> =>
  findPage(db, capeList, { select: () => capeColumns, selectKey: 'all' }, args, wants);

// ---- per user (User.skins, User.capes, User.selectedSkin, User.discord: one statement per field for a page) ----

const idList = (ids: readonly string[]) => sql`any(string_to_array(${ids.join(',')}, ',')::bigint[])`;

function group<T>(rows: (T & { userId: bigint })[]): Map<string, T[]> {
  const byUser = new Map<string, T[]>();
  for (const { userId, ...rest } of rows) {
    const key = userId.toString();
    byUser.set(key, [...(byUser.get(key) ?? []), rest as unknown as T]);
  }
  return byUser;
}

export async function skinsOfUsers(db: Tx, ids: readonly string[]): Promise<Map<string, SkinView[]>> {
  const rows = await db
    .select({ ...skinColumns, userId: skins.ownerId })
    .from(skins)
    .where(sql`${skins.ownerId} = ${idList(ids)}`)
    .orderBy(asc(skins.createdAt), asc(skins.id));
  return group<SkinView>(rows);
}

export async function capesOfUsers(db: Tx, ids: readonly string[]): Promise<Map<string, CapeView[]>> {
  const rows = await db
    .select({ ...capeColumns, userId: capeOwners.userId, heldBy: capeOwners.userId })
    .from(capeOwners)
    .innerJoin(capes, eq(capes.id, capeOwners.capeId))
    .where(sql`${capeOwners.userId} = ${idList(ids)}`)
    .orderBy(asc(capeOwners.createdAt), asc(capes.id));
  return group<CapeView>(rows);
}

export async function selectedSkinsOfUsers(db: Tx, ids: readonly string[]): Promise<Map<string, SkinView>> {
  const rows = await db
    .select({ ...skinColumns, userId: skinSelections.userId })
    .from(skinSelections)
    .innerJoin(skins, eq(skins.id, skinSelections.skinId))
    .where(sql`${skinSelections.userId} = ${idList(ids)}`);
  return new Map(rows.map(({ userId, ...skin }) => [userId.toString(), skin]));
}

export async function discordOfUsers(db: Tx, ids: readonly string[]): Promise<Map<string, DiscordView>> {
  const rows = await db
    .select()
    .from(discordLinks)
    .where(sql`${discordLinks.userId} = ${idList(ids)}`);
  return new Map(rows.map((r) => [r.userId.toString(), r]));
}

registerUserField('skins', { all: [], empty: () => [], load: (db, ids) => skinsOfUsers(db, ids) });
registerUserField('capes', { all: [], empty: () => [], load: (db, ids) => capesOfUsers(db, ids) });
registerUserField('selectedSkin', { all: [], empty: () => null, load: (db, ids) => selectedSkinsOfUsers(db, ids) });
registerUserField('discord', { all: [], empty: () => null, load: (db, ids) => discordOfUsers(db, ids) });

/** The stored images of many hashes in one statement (a page's textures). */
export async function mediaInfosOf(db: Tx, hashes: readonly string[]): Promise<Map<string, MediaInfo>> {
  if (!hashes.length) return new Map();
  const rows = await db
    .select(mediaInfoColumns)
    .from(media)
    .where(inArray(media.hash, [...hashes]));
  return new Map(rows.map((r) => [r.hash, r]));
}
