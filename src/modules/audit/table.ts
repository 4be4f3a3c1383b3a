import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained. `payloadHash` covers the diff alone so a later erase can blank the diff
 * without breaking `rowHash`, which covers the row's metadata, `payloadHash` and the previous row's
 * `rowHash`.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorId: bigint('actor_id', { mode: 'bigint' }),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    requestId: text('request_id'),
    diff: jsonb('diff').$type<Record<string, unknown>>(),
    /** Set when an erase blanked `diff`; `payloadHash` still holds the original payload's hash. */
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    payloadHash: text('payload_hash').notNull(),
    prevHash: text('prev_hash').notNull(),
    rowHash: text('row_hash').notNull(),
  },
  (t) => [
    index('audit_log_target_idx').on(t.targetType, t.targetId, t.seq),
    index('audit_log_actor_idx').on(t.actorId, t.seq),
    index('audit_log_action_idx').on(t.action, t.seq),
  ],
);
