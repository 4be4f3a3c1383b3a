import { sql } from 'drizzle-orm';
import { bigint, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';

export const applicationRole = pgEnum('application_role', ['INTERNAL', 'EXTERNAL']);

/** OAuth clients. The secret is generated here, shown once, and kept only as a sha256 hash. */
export const applications = pgTable(
  'applications',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    clientId: text('client_id').notNull(),
    displayName: text('display_name').notNull(),
    grants: text('grants').array().notNull().default(sql`'{}'::text[]`),
    redirectUris: text('redirect_uris').array().notNull().default(sql`'{}'::text[]`),
    role: applicationRole('role').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    secretHash: text('secret_hash').notNull(),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: bigint('created_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('applications_client_id_key').on(t.clientId)],
);
