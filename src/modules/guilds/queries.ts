import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { Params } from '../../db/prepared.js';
import { guilds, type GuildFeature } from './table.js';

export type GuildRow = typeof guilds.$inferSelect;

const columns = {
  id: guilds.id,
  name: guilds.name,
  ownerId: guilds.ownerId,
  icon: guilds.icon,
  region: guilds.region,
  features: guilds.features,
  unavailable: guilds.unavailable,
  vanityCode: guilds.vanityCode,
  createdAt: guilds.createdAt,
  updatedAt: guilds.updatedAt,
};

/** The guilds of `ids`, by id (missing ones left out). */
export async function findGuildsByIds(db: Tx, ids: readonly bigint[]): Promise<Map<bigint, GuildRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select(columns)
    .from(guilds)
    .where(inArray(guilds.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** What guilds can be filtered by (db/filter.ts). */
export const guildFilterTable = {
  name: { kind: 'text', sql: sql`${guilds.name}` },
  owner: { kind: 'ref', sql: sql`${guilds.ownerId}`, node: 'User' },
  feature: {
    kind: 'custom',
    description: 'Has this feature',
    // @> lets the GIN index on features serve it.
    compile: (feature: GuildFeature, p: Params) => sql`${guilds.features} @> array[${p.add(feature)}]::text[]`,
  },
  region: {
    kind: 'custom',
    description: 'Uses this voice region (its Litecord id, any case); an empty string: has no region',
    compile: (region: string, p: Params) => (region === '' ? sql`${guilds.region} is null` : sql`${guilds.region} = lower(${p.add(region)})`),
  },
  unavailable: { kind: 'flag', sql: sql`${guilds.unavailable}` },
  createdAt: { kind: 'range', sql: sql`${guilds.createdAt}` },
} as const;

const id = { sql: sql`${guilds.id}`, type: 'bigint' } as const;
const guildOrders = bothWays({
  ID: id,
  NAME: { sql: sql`lower(${guilds.name})`, type: 'text' },
  CREATED_AT: { sql: sql`${guilds.createdAt}`, type: 'timestamptz' },
});
export type GuildOrder = keyof typeof guildOrders;

export const guildList: ListSource<typeof guildFilterTable, GuildOrder> = {
  name: 'guilds',
  table: guilds,
  id,
  orders: guildOrders,
  defaultOrder: 'ID_ASC',
  filter: guildFilterTable,
  defaultSize: 50,
};

/** A page of guilds, by id (snowflakes: oldest first) unless ordered otherwise. */
export const findGuildPage = (db: Tx, args: ListArgs<typeof guildFilterTable, GuildOrder>, wants: ListWants): Promise<Connection<GuildRow>> =>
  findPage(db, guildList, { select: () => columns, selectKey: 'all' }, args, wants);
