import { z } from 'zod';
import { scopeList } from '../../access/scopes.js';

export const GRANTS = ['client_credentials', 'authorization_code', 'refresh_token', 'password'] as const;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The redirect URI of clients without a web address (RFC 8252's out-of-band form): the code is shown on a page. */
export const OOB_REDIRECT = 'urn:ietf:wg:oauth:2.0:oob';

/**
 * OAuth scopes a token may carry. They only narrow a token (what it administers is always its user's
 * own gateway scopes): `read` keeps reads, `write` keeps writes; `admin` and the Mastodon/Pleroma
 * forms (`read:accounts`, `admin:write:…`) mean the read or write they start with; `follow` and `push`
 * are accepted for Mastodon clients and grant nothing.
 */
export const OAUTH_SCOPE = /^(read|write|follow|push|admin)(:[a-z_]+){0,3}$/;
export const oauthScope = z
  .string()
  .max(100)
  .regex(OAUTH_SCOPE, 'an OAuth scope: read, write, follow, push, admin or a Mastodon sub-scope such as read:accounts');

/** What a set of OAuth scopes leaves a token: the `read` and `write` halves (sessions.token_scopes). */
export function tokenScopesOf(scopes: readonly string[]): ('read' | 'write')[] {
  const halves = new Set<'read' | 'write'>();
  for (const s of scopes) {
    const [head, second] = s.split(':');
    if (head === 'read' || head === 'write') halves.add(head);
    else if (head === 'admin' && (second === 'read' || second === 'write')) halves.add(second);
    else if (head === 'admin' && second === undefined) {
      halves.add('read');
      halves.add('write');
    }
  }
  return (['read', 'write'] as const).filter((h) => halves.has(h));
}

/** Absolute https URLs (plain http only for the local machine, for development), or the out-of-band form. */
export const redirectUri = z
  .string()
  .max(2048)
  .refine((value) => {
    if (value === OOB_REDIRECT) return true;
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
    } catch {
      return false;
    }
  }, `must be an absolute https URL (http only for localhost) or ${OOB_REDIRECT}`);

const fields = {
  clientId: z
    .string()
    .min(2)
    .max(100)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
    .describe('The client id applications present (unique)'),
  displayName: z.string().min(1).max(200),
  grants: z
    .array(z.enum(GRANTS))
    .min(1)
    .max(4)
    .transform((g) => [...new Set(g)]),
  redirectUris: z.array(redirectUri).max(20).describe(`Absolute https URLs (http only for localhost) or ${OOB_REDIRECT}; matched exactly`),
  role: z.enum(['INTERNAL', 'EXTERNAL']),
  scopes: scopeList.describe('Within what the role allows and you hold'),
  oauthScopes: z
    .array(oauthScope)
    .max(20)
    .transform((s) => [...new Set(s)])
    .describe('OAuth scopes its tokens may carry (read, write, follow, …); a token request naming none gets these. Default read, write'),
};

export const CLIENT_TYPES = ['CONFIDENTIAL', 'PUBLIC'] as const;
export const MIN_SECRET_LENGTH = 16;

export const createApplicationSchema = z.object({
  ...fields,
  oauthScopes: fields.oauthScopes.optional(),
  clientType: z.enum(CLIENT_TYPES).optional(),
  secret: z
    .string()
    .min(MIN_SECRET_LENGTH, `at least ${MIN_SECRET_LENGTH} characters`)
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .describe(
      `A secret of your choice (at least ${MIN_SECRET_LENGTH} characters) instead of a generated one; stored as a hash and answered once. Not for PUBLIC clients`,
    ),
});
/** Client type and secret do not change on update (rotateApplicationSecret makes a new secret). */
export const updateApplicationSchema = z.object(fields).partial();
