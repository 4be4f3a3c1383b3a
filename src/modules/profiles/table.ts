import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';
import type { CustomPreferences, FieldEntry, ProfileField, PronounEntry } from './model.js';

/**
 * A user's pronouns.cc profile: what pronouns.cc has beyond the account (the name is the username;
 * display name, bio, avatar, timezone and short id are the account's own columns). One row per
 * user, made the first time the user calls the pronouns.cc API signed in (`claimed_at`) or when an
 * admin publishes or hides it. A profile is public when claimed or published, and not hidden.
 */
export const profiles = pgTable(
  'profiles',
  {
    userId: bigint('user_id', { mode: 'bigint' })
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    names: jsonb('names').$type<FieldEntry[]>().notNull().default([]),
    pronouns: jsonb('pronouns').$type<PronounEntry[]>().notNull().default([]),
    fields: jsonb('fields').$type<ProfileField[]>().notNull().default([]),
    links: text('links').array().notNull().default(sql`'{}'::text[]`),
    memberTitle: text('member_title'),
    /** The pride flags shown on the profile, in their order (ids of the user's own flags). */
    shownFlags: bigint('shown_flags', { mode: 'bigint' }).array().notNull().default(sql`'{}'::bigint[]`),
    listPrivate: boolean('list_private').notNull().default(false),
    customPreferences: jsonb('custom_preferences').$type<CustomPreferences>().notNull().default({}),
    badges: integer('badges').notNull().default(0),
    lastSidReroll: timestamp('last_sid_reroll', { withTimezone: true, mode: 'date' }),
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    hiddenAt: timestamp('hidden_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('profiles_badges_nonnegative', sql`${t.badges} >= 0`)],
);

/** A user's pride flag: an image (a media hash, one reference each), a name and a description. */
export const prideFlags = pgTable(
  'pride_flags',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    hash: text('hash').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('pride_flags_user_idx').on(t.userId, t.id)],
);
