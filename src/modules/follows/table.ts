import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';

/**
 * One account following another, local or remote (a remote account is a user with a domain). Stored
 * only: an admin follow is never federated (as Pleroma's 2019 admin follow). One row per pair.
 */
export const follows = pgTable(
  'follows',
  {
    followerId: bigint('follower_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    followedId: bigint('followed_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followedId], name: 'follows_pkey' }),
    // The followers of an account (the primary key serves the accounts it follows).
    index('follows_followed_idx').on(t.followedId, t.createdAt),
    index('follows_follower_created_idx').on(t.followerId, t.createdAt),
    check('follows_not_self', sql`${t.followerId} <> ${t.followedId}`),
  ],
);
