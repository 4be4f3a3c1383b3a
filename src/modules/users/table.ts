import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const userStatus = pgEnum('user_status', ['ACTIVE', 'DEACTIVATED', 'SUSPENDED', 'DELETED']);

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    username: text('username').notNull(),
    /** Litecord's 4-digit suffix. */
    discriminator: text('discriminator').notNull().default(sql`lpad((floor(random() * 10000))::int::text, 4, '0')`),
    /** Null for local users; the instance domain of a remote (fediverse) account. */
    domain: text('domain'),
    email: text('email'),
    passwordHash: text('password_hash'),
    displayName: text('display_name'),
    firstName: text('first_name'),
    middleName: text('middle_name'),
    lastName: text('last_name'),
    phone: text('phone'),
    countryCode: text('country_code'),
    /** Profile fields Liquid edits (organization, designation, ...): free text, kept as given. */
    organization: text('organization'),
    designation: text('designation'),
    gender: text('gender'),
    preferredLanguage: text('preferred_language'),
    customLink: text('custom_link'),
    /** Whether the address was confirmed (Liquid's emailVerified); set by admins, no mail flow yet. */
    emailVerified: boolean('email_verified').notNull().default(false),
    bio: text('bio'),
    pronouns: text('pronouns'),
    avatarHash: text('avatar_hash'),
    /** Litecord flags; bit 1 (staff) is derived from scopes and never stored. */
    flags: integer('flags').notNull().default(0),
    status: userStatus('status').notNull().default('ACTIVE'),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    restrictedAt: timestamp('restricted_at', { withTimezone: true, mode: 'date' }),
    bannedAt: timestamp('banned_at', { withTimezone: true, mode: 'date' }),
    bannedUntil: timestamp('banned_until', { withTimezone: true, mode: 'date' }),
    credits: bigint('credits', { mode: 'number' }).notNull().default(0),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    customData: jsonb('custom_data').$type<Record<string, unknown>>().notNull().default({}),
    shortId: text('short_id').notNull().default(sql`random_short_id()`),
    timezone: text('timezone'),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    /** Set when personal data was removed for good; the row stays as an anonymous reference. */
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_domain_key').on(sql`lower(${t.username})`, sql`coalesce(${t.domain}, '')`),
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_short_id_key').on(t.shortId),
    index('users_username_order_idx').on(sql`lower(${t.username})`, t.id),
    index('users_created_at_idx').on(t.createdAt, t.id),
    index('users_username_trgm_idx').using('gin', sql`${t.username} gin_trgm_ops`),
    index('users_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
    index('users_display_name_trgm_idx').using('gin', sql`${t.displayName} gin_trgm_ops`),
    index('users_custom_data_idx').using('gin', sql`${t.customData} jsonb_path_ops`),
    index('users_tags_idx').using('gin', t.tags),
    check('users_credits_nonnegative', sql`${t.credits} >= 0`),
    check('users_discriminator_format', sql`${t.discriminator} ~ '^[0-9]{4}$'`),
    check('users_flags_no_staff_bit', sql`(${t.flags} & 1) = 0`),
  ],
);

/**
 * The identity a soft delete scrubbed, kept so restoreUser can bring it back. No API reads this
 * table; erasing a user removes its row.
 */
export const userTombstones = pgTable('user_tombstones', {
  userId: bigint('user_id', { mode: 'bigint' })
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Maps an external identity provider's (iss, sub) to a local user. */
export const externalIdentities = pgTable(
  'external_identities',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('external_identities_key').on(t.issuer, t.subject), index('external_identities_user_idx').on(t.userId)],
);
