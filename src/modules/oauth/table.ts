import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { applications } from '../applications/table.js';
import { users } from '../users/table.js';

/**
 * Authorization codes of the OAuth authorization endpoint (RFC 6749 4.1): single use, short-lived,
 * kept only as the sha256 of the code. Deleting the row is what consumes the code, so two exchanges
 * of one code cannot both succeed.
 */
export const oauthAuthorizationCodes = pgTable(
  'oauth_authorization_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    applicationId: bigint('application_id', { mode: 'bigint' })
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'bigint' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Exactly as the authorization request gave it; the token request must repeat it. */
    redirectUri: text('redirect_uri').notNull(),
    /** The OAuth scopes granted (read, write, …). */
    scope: text('scope').array().notNull(),
    /** PKCE (RFC 7636): the S256 challenge, null when the (confidential) client sent none. */
    codeChallenge: text('code_challenge'),
    codeChallengeMethod: text('code_challenge_method'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('oauth_authorization_codes_expires_idx').on(t.expiresAt)],
);
