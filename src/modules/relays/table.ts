import { sql } from 'drizzle-orm';
import { bigint, bytea, check, index, integer, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The instance's relay actor (ActivityPub `Application` at `<PUBLIC_URL>/relay`): one row, made on
 * first use. Its RSA private key is kept sealed with SECRETS_KEY (core/secret-box.ts), its public key
 * in clear (it is served in the actor document).
 */
export const relayActor = pgTable(
  'relay_actor',
  {
    id: smallint('id').primaryKey().default(1),
    publicKeyPem: text('public_key_pem').notNull(),
    /** PKCS#8 PEM, AES-256-GCM sealed (see SecretBox). */
    privateKeySealed: bytea('private_key_sealed').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('relay_actor_single_row', sql`${t.id} = 1`)],
);

export const relayState = pgEnum('relay_state', ['PENDING', 'ACCEPTED', 'REJECTED']);

/** A relay the instance follows: the relay's actor as fetched when it was followed, and how it answered. */
export const relaySubscriptions = pgTable(
  'relay_subscriptions',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The relay actor's id (its URL). */
    actorUrl: text('actor_url').notNull(),
    /** host[:port] of actorUrl, lowercased: what Pleroma's GET /relay lists. */
    host: text('host').notNull(),
    inboxUrl: text('inbox_url').notNull(),
    /** The key the relay signs with (its actor's publicKey), checked on every activity it sends. */
    publicKeyId: text('public_key_id').notNull(),
    publicKeyPem: text('public_key_pem').notNull(),
    /** The id of the Follow we sent (its Accept names it; the Undo embeds it). */
    followActivityId: text('follow_activity_id').notNull(),
    state: relayState('state').notNull().default('PENDING'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When the relay last answered (Accept, Reject or Undo). */
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('relay_subscriptions_actor_key').on(t.actorUrl),
    index('relay_subscriptions_key_idx').on(t.publicKeyId),
    index('relay_subscriptions_host_idx').on(t.host),
    index('relay_subscriptions_created_idx').on(t.createdAt, t.id),
  ],
);

export const relayDeliveryStatus = pgEnum('relay_delivery_status', ['PENDING', 'SENT', 'FAILED']);

/**
 * The relay outbox: an activity to POST, signed, to an inbox. Written in the transaction of the
 * change it announces; the worker claims due rows with a lease (`leased_until`) and delivers them
 * with no transaction or connection held, retrying with backoff.
 */
export const relayDeliveries = pgTable(
  'relay_deliveries',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    inboxUrl: text('inbox_url').notNull(),
    activity: jsonb('activity').$type<Record<string, unknown>>().notNull(),
    status: relayDeliveryStatus('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Claimed by a worker until then; a crashed worker's claim lapses by itself. */
    leasedUntil: timestamp('leased_until', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('relay_deliveries_due_idx').on(t.status, t.nextAttemptAt)],
);
