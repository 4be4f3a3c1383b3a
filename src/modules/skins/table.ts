import { bigint, boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { media } from '../media/table.js';
import { users } from '../users/table.js';

/**
 * Minecraft capes (CookieCMS `cloaks_lib`): a name and a texture in the media store. The texture's
 * reference is counted (modules/media: retained with the row, released when it goes).
 */
export const capes = pgTable('capes', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  textureHash: text('texture_hash')
    .notNull()
    .references(() => media.hash),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Which users own which capes (CookieCMS `cloaks_users`); a skin may only wear a cape its owner has. */
export const capeOwners = pgTable(
  'cape_owners',
  {
    capeId: uuid('cape_id')
      .notNull()
      .references(() => capes.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.capeId, t.userId], name: 'cape_owners_pkey' }), index('cape_owners_user_idx').on(t.userId)],
);

/**
 * The skins library (CookieCMS `skins_library`): a texture owned by a user, with its model (slim
 * arms or not), whether it is HD (larger than 64 wide; follows the texture), whether an admin
 * disabled it, and the cape it wears (null: none, CookieCMS's '0').
 */
export const skins = pgTable(
  'skins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    ownerId: bigint('owner_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    slim: boolean('slim').notNull().default(false),
    hd: boolean('hd').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    capeId: uuid('cape_id').references(() => capes.id, { onDelete: 'set null' }),
    textureHash: text('texture_hash')
      .notNull()
      .references(() => media.hash),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('skins_owner_idx').on(t.ownerId, t.createdAt), index('skins_created_idx').on(t.createdAt, t.id)],
);

/** The skin a user wears (CookieCMS `skin_user`): one per user, one of their own skins. */
export const skinSelections = pgTable('skin_selections', {
  userId: bigint('user_id', { mode: 'bigint' })
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  skinId: uuid('skin_id')
    .notNull()
    .references(() => skins.id, { onDelete: 'cascade' }),
  selectedAt: timestamp('selected_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** A user's Discord link (CookieCMS `users.dsid` → `discord`): the Discord user id, name and avatar hash. */
export const discordLinks = pgTable('discord_links', {
  userId: bigint('user_id', { mode: 'bigint' })
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  discordId: text('discord_id').notNull().unique('discord_links_discord_id_key'),
  username: text('username').notNull(),
  avatar: text('avatar'),
  linkedAt: timestamp('linked_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
