import { sql } from 'drizzle-orm';
import { bigint, index, inet, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { applications } from '../applications/table.js';
import { users } from '../users/table.js';

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** sha256 of the current refresh token; rotated on every refresh. */
    refreshTokenHash: text('refresh_token_hash').notNull(),
    userAgent: text('user_agent'),
    ip: inet('ip'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    /** Which sign-in flow opened it: graphql, oauth, cli, or a legacy shim (pleroma, liquid, cookiecms, litecord). */
    via: text('via').notNull().default('graphql'),
    /** The OAuth application the session was granted to, if any. */
    applicationId: bigint('application_id', { mode: 'bigint' }).references(() => applications.id, { onDelete: 'cascade' }),
    /** OAuth scopes narrowing the session's tokens (`read`, `write`, ...); null: not narrowed. */
    tokenScopes: text('token_scopes').array(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_application_idx').on(t.applicationId).where(sql`application_id is not null`)],
);

/** Failed attempts per key (`ip:<address>` for sign-in, `reset:…`, `register:…`) inside a fixed window. */
export const loginFailures = pgTable('login_failures', {
  key: text('key').primaryKey(),
  count: bigint('count', { mode: 'number' }).notNull(),
  windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Password sign-in attempts per (account, client address) inside a fixed window: an attempt is
 * counted before its password is verified and given back when it succeeds or is never verified.
 * `account` is the sha256 of the lowercased name, so names typed by mistake (or passwords typed into
 * the name field) are not stored; unknown names are counted like existing ones.
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    account: text('account').notNull(),
    address: text('address').notNull(),
    failures: integer('failures').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.address] })],
);
