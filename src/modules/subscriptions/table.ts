import { bigint, boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';

/**
 * A user's subscription (Liquid's isSubscribed, subscriptionTier, subscriptionExpiry): one row per
 * user, written only by setSubscription. No row means never subscribed.
 */
export const subscriptions = pgTable('subscriptions', {
  userId: bigint('user_id', { mode: 'bigint' })
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** One of SUBSCRIPTION_TIERS when it was set; null: no tier. */
  tier: text('tier'),
  /** Liquid's `state`: switched on or off by an admin. */
  active: boolean('active').notNull(),
  /** The end of the subscription; null: no end. */
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  activatedAt: timestamp('activated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
