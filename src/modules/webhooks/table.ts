import { bigint, boolean, bytea, index, integer, pgEnum, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { auditLog } from '../audit/table.js';
import { users } from '../users/table.js';

/**
 * An endpoint audit events are delivered to (Standard Webhooks). Its signing secret is kept sealed
 * with SECRETS_KEY (core/secret-box.ts, purpose "webhook secret", the endpoint id as context); it is
 * shown once, when made or rotated. `events` are the patterns an event's action must match: `*`,
 * an exact action (`user.create`) or a prefix (`user.*`). The trigger on audit_log (migration
 * `webhooks`) queues a delivery for every enabled endpoint whose patterns match, in the transaction
 * that writes the audit row.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** `whsec_…`, AES-256-GCM sealed (see SecretBox). */
    secretSealed: bytea('secret_sealed').notNull(),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Failed attempts since the last success; at WEBHOOK_DISABLE_AFTER the endpoint is disabled. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    disabledReason: text('disabled_reason'),
    createdBy: bigint('created_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_created_idx').on(t.createdAt, t.id)],
);

export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', ['PENDING', 'SUCCEEDED', 'FAILED']);

/**
 * The webhook outbox and its delivery log: one row per (audit event, endpoint). The worker claims due
 * rows with a lease and POSTs them with no transaction or connection held, retrying with backoff;
 * rows are kept 30 days, then pruned.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    endpointId: bigint('endpoint_id', { mode: 'bigint' })
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    auditSeq: bigint('audit_seq', { mode: 'bigint' })
      .notNull()
      .references(() => auditLog.seq, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    status: webhookDeliveryStatus('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Claimed by a worker until then; a crashed worker's claim lapses by itself. */
    leasedUntil: timestamp('leased_until', { withTimezone: true, mode: 'date' }),
    /** The HTTP status of the last answer (null when none came). */
    responseStatus: smallint('response_status'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt, t.id),
    index('webhook_deliveries_created_idx').on(t.createdAt, t.id),
  ],
);
