import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';

/**
 * One invite model for Litecord's instance invites, Pleroma's registration tokens and Liquid's
 * per-user invite codes. Its Pleroma type follows from max_uses and expires_at.
 */
export const invites = pgTable(
  'invites',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull(),
    /** Null: unlimited. */
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    createdBy: bigint('created_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
    /** Liquid: the user an invite code belongs to. */
    ownerId: bigint('owner_id', { mode: 'bigint' }).references(() => users.id, { onDelete: 'cascade' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invites_code_key').on(t.code),
    index('invites_owner_idx').on(t.ownerId),
    check('invites_max_uses_positive', sql`${t.maxUses} is null or ${t.maxUses} >= 1`),
    check('invites_uses_within_max', sql`${t.uses} >= 0 and (${t.maxUses} is null or ${t.uses} <= ${t.maxUses})`),
  ],
);

/** Who registered with which invite (Liquid shows the user who used a code). */
export const inviteUses = pgTable(
  'invite_uses',
  {
    inviteId: bigint('invite_id', { mode: 'bigint' })
      .notNull()
      .references(() => invites.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.inviteId, t.userId] }), index('invite_uses_user_idx').on(t.userId)],
);
