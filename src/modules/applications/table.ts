import { sql } from 'drizzle-orm';
import { bigint, boolean, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../users/table.js';

export const applicationRole = pgEnum('application_role', ['INTERNAL', 'EXTERNAL']);
/** RFC 6749 client types: CONFIDENTIAL clients authenticate with a secret, PUBLIC ones (browser apps) have none and must use PKCE. */
export const applicationClientType = pgEnum('application_client_type', ['CONFIDENTIAL', 'PUBLIC']);

/**
 * OAuth clients. The secret (confidential clients only) is generated here or chosen by an
 * administrator, shown once, and kept only as a sha256 hash.
 */
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
    clientType: applicationClientType('client_type').notNull().default('CONFIDENTIAL'),
    /** Null for public clients. */
    secretHash: text('secret_hash'),
    /** The OAuth scopes (read, write, follow, …) its tokens may carry; a token request naming none gets these. */
    oauthScopes: text('oauth_scopes').array().notNull().default(sql`'{read,write}'::text[]`),
    /** Password-grant tokens live as long as their session (clients registered by POST /api/v1/apps never refresh). */
    legacyTokens: boolean('legacy_tokens').notNull().default(false),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: bigint('created_by', { mode: 'bigint' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('applications_client_id_key').on(t.clientId)],
);
