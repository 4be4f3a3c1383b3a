import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';
import { voiceRegions } from '../voice/table.js';

/** Litecord's guild features: a closed set (litecord/enums.py Feature). */
export const GUILD_FEATURES = ['INVITE_SPLASH', 'VIP_REGIONS', 'VANITY_URL', 'MORE_EMOJI', 'VERIFIED', 'PUBLIC', 'COMMERCE', 'NEWS'] as const;
export type GuildFeature = (typeof GUILD_FEATURES)[number];

const featureSet = sql.raw(`array[${GUILD_FEATURES.map((f) => `'${f}'`).join(', ')}]::text[]`);

/**
 * Litecord guilds (the parts its admin API manages). The id is a snowflake made by the database
 * (`next_snowflake()`: milliseconds since Discord's epoch in the high bits), as Litecord's ids are.
 * `features` is never null and holds only the closed set; the vanity code is the guild's own column
 * and exists only while the guild has VANITY_URL; `unavailable` is stored, so every instance agrees.
 */
export const guilds = pgTable(
  'guilds',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().default(sql`next_snowflake()`),
    name: text('name').notNull(),
    ownerId: bigint('owner_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id),
    icon: text('icon'),
    region: text('region').references(() => voiceRegions.id, { onDelete: 'set null' }),
    features: text('features').array().notNull().default(sql`'{}'::text[]`),
    unavailable: boolean('unavailable').notNull().default(false),
    vanityCode: text('vanity_code'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('guilds_vanity_code_key').on(t.vanityCode),
    index('guilds_owner_idx').on(t.ownerId, t.id),
    index('guilds_region_idx').on(t.region, t.id),
    index('guilds_name_idx').on(sql`lower(${t.name})`, t.id),
    index('guilds_created_at_idx').on(t.createdAt, t.id),
    index('guilds_features_idx').using('gin', t.features),
    check('guilds_features_known', sql`${t.features} <@ ${featureSet} and array_position(${t.features}, null) is null`),
    check('guilds_vanity_needs_feature', sql`${t.vanityCode} is null or 'VANITY_URL' = any(${t.features})`),
  ],
);
