import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Litecord's voice regions: the id is Litecord's own ("brazil", "us-east"), always lower case; a
 * deprecated region is kept (and listed) but no guild uses it any more.
 */
export const voiceRegions = pgTable(
  'voice_regions',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Only guilds with the VIP_REGIONS feature may use it. */
    vip: boolean('vip').notNull().default(false),
    deprecated: boolean('deprecated').notNull().default(false),
    custom: boolean('custom').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('voice_regions_id_lower', sql`${t.id} = lower(${t.id}) and length(${t.id}) between 1 and 255`),
    index('voice_regions_name_idx').on(sql`lower(${t.name})`, t.id),
  ],
);

/** The voice servers of a region; a hostname belongs to one region only. */
export const voiceServers = pgTable(
  'voice_servers',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    hostname: text('hostname').notNull(),
    regionId: text('region_id')
      .notNull()
      .references(() => voiceRegions.id, { onDelete: 'cascade' }),
    lastHealth: doublePrecision('last_health').notNull().default(0.5),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('voice_servers_hostname_key').on(t.hostname), index('voice_servers_region_idx').on(t.regionId, t.id)],
);
