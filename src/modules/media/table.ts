import { sql } from 'drizzle-orm';
import { bytea, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Images as the gateway stored them (re-encoded, never as sent), once per content: the key is the
 * sha-256 (hex) of `bytes`. `ref_count` counts the rows that refer to it, changed in their own
 * transactions (retainMedia / releaseMedia); the row goes when the count reaches 0. A row at 0 is an
 * upload nothing has claimed yet, swept after MEDIA_UNCLAIMED_TTL.
 */
export const media = pgTable(
  'media',
  {
    hash: text('hash').primaryKey(),
    contentType: text('content_type').notNull(),
    bytes: bytea('bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    size: integer('size').notNull(),
    refCount: integer('ref_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('media_ref_count_check', sql`${t.refCount} >= 0`),
    check('media_hash_check', sql`${t.hash} ~ '^[0-9a-f]{64}$'`),
    index('media_unclaimed_idx').on(t.createdAt).where(sql`${t.refCount} = 0`),
  ],
);
