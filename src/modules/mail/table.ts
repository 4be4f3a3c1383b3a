import { bigint, bytea, index, integer, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';

export const outboxStatus = pgEnum('outbox_status', ['PENDING', 'SENT', 'FAILED']);
export const mailJobStatus = pgEnum('mail_job_status', ['RUNNING', 'DONE']);

/**
 * The transactional outbox: a change that sends mail writes its row here in its own transaction;
 * the worker delivers it afterwards, retrying with backoff.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    /** Never a secret: kept in clear after sending. */
    subject: text('subject').notNull(),
    /** Only rows queued before bodies were encrypted have a clear body; emptied once SENT or FAILED. */
    body: text('body'),
    /** AES-256-GCM (version ‖ nonce ‖ tag ‖ ciphertext, see SecretBox); emptied once SENT or FAILED. */
    bodySealed: bytea('body_sealed'),
    status: outboxStatus('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastError: text('last_error'),
    jobId: bigint('job_id', { mode: 'bigint' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('outbox_due_idx').on(t.status, t.nextAttemptAt), index('outbox_job_idx').on(t.jobId, t.status)],
);

/**
 * "Mail to all users": the job queues one outbox row per user in batches, remembering how far it
 * got, so it carries on after a restart.
 */
export const mailJobs = pgTable('mail_jobs', {
  id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  status: mailJobStatus('status').notNull().default('RUNNING'),
  /** Recipients when the job started (active users with an email). */
  total: integer('total').notNull(),
  queued: integer('queued').notNull().default(0),
  /** The last user id queued; the next batch starts after it. */
  cursor: bigint('cursor', { mode: 'bigint' }).notNull().default(0n),
  createdBy: bigint('created_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
});
