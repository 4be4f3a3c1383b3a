import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import { voiceRegions, voiceServers } from './table.js';

export type VoiceRegionRow = typeof voiceRegions.$inferSelect;
export type VoiceServerRow = typeof voiceServers.$inferSelect;

/** The regions of `ids`, by id (missing ones left out). */
export async function findRegionsByIds(db: Tx, ids: readonly string[]): Promise<Map<string, VoiceRegionRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(voiceRegions)
    .where(inArray(voiceRegions.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findServersByIds(db: Tx, ids: readonly bigint[]): Promise<Map<bigint, VoiceServerRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(voiceServers)
    .where(inArray(voiceServers.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** What voice regions can be filtered by (db/filter.ts). */
export const voiceRegionFilterTable = {
  name: { kind: 'text', sql: sql`${voiceRegions.name}` },
  vip: { kind: 'flag', sql: sql`${voiceRegions.vip}`, description: 'Only guilds with VIP_REGIONS may use it' },
  deprecated: { kind: 'flag', sql: sql`${voiceRegions.deprecated}` },
  custom: { kind: 'flag', sql: sql`${voiceRegions.custom}` },
  createdAt: { kind: 'range', sql: sql`${voiceRegions.createdAt}` },
} as const;

const regionId = { sql: sql`${voiceRegions.id}`, type: 'text' } as const;
const regionOrders = bothWays({
  ID: regionId,
  NAME: { sql: sql`lower(${voiceRegions.name})`, type: 'text' },
  CREATED_AT: { sql: sql`${voiceRegions.createdAt}`, type: 'timestamptz' },
});
export type VoiceRegionOrder = keyof typeof regionOrders;

export const voiceRegionList: ListSource<typeof voiceRegionFilterTable, VoiceRegionOrder> = {
  name: 'voice_regions',
  table: voiceRegions,
  id: regionId,
  orders: regionOrders,
  defaultOrder: 'ID_ASC',
  filter: voiceRegionFilterTable,
  defaultSize: 50,
};

export const findRegionPage = (
  db: Tx,
  args: ListArgs<typeof voiceRegionFilterTable, VoiceRegionOrder>,
  wants: ListWants,
): Promise<Connection<VoiceRegionRow>> => findPage(db, voiceRegionList, { select: () => voiceRegionColumns, selectKey: 'all' }, args, wants);

const voiceRegionColumns = {
  id: voiceRegions.id,
  name: voiceRegions.name,
  vip: voiceRegions.vip,
  deprecated: voiceRegions.deprecated,
  custom: voiceRegions.custom,
  createdAt: voiceRegions.createdAt,
};

/** What the servers of a region can be filtered by. */
export const voiceServerFilterTable = {
  hostname: { kind: 'text', sql: sql`${voiceServers.hostname}` },
  createdAt: { kind: 'range', sql: sql`${voiceServers.createdAt}` },
} as const;

const serverId = { sql: sql`${voiceServers.id}`, type: 'bigint' } as const;
const serverOrders = bothWays({ ID: serverId, HOSTNAME: { sql: sql`${voiceServers.hostname}`, type: 'text' } });
export type VoiceServerOrder = keyof typeof serverOrders;

export const voiceServerList: ListSource<typeof voiceServerFilterTable, VoiceServerOrder> = {
  name: 'voice_servers',
  table: voiceServers,
  id: serverId,
  orders: serverOrders,
  defaultOrder: 'ID_ASC',
  filter: voiceServerFilterTable,
  defaultSize: 50,
};

/** A page of one region's servers, oldest first unless ordered otherwise. */
export const findServerPage = (
  db: Tx,
  regionIdValue: string,
  args: ListArgs<typeof voiceServerFilterTable, VoiceServerOrder>,
  wants: ListWants,
): Promise<Connection<VoiceServerRow>> =>
  findPage(
    db,
    voiceServerList,
    {
      select: () => ({
        id: voiceServers.id,
        hostname: voiceServers.hostname,
        regionId: voiceServers.regionId,
        lastHealth: voiceServers.lastHealth,
        createdAt: voiceServers.createdAt,
      }),
      selectKey: 'all',
      where: (p) => sql`${voiceServers.regionId} = ${p.add(regionIdValue)}`,
    },
    args,
    wants,
  );
