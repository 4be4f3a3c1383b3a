import type { GraphQLContext } from '../graphql/context.js';
import { actionContext } from '../graphql/context.js';
import { login, type SessionTokens, type SessionVia } from '../modules/sessions/actions.js';

/**
 * Password sign-in for a legacy API whose clients keep one token and never refresh it (CookieCMS,
 * Litecord): THE password check (rate limits shared with every other sign-in, one answer for an
 * unknown name and a wrong password), then a session whose access token lives as long as the session
 * (LEGACY_TOKEN_TTL) and is checked against it on every request. Audited as `session.login` with
 * `via`. Throws AppError UNAUTHENTICATED or RATE_LIMITED; each shim renders them in its envelope.
 */
export function shimSignIn(
  ctx: GraphQLContext,
  username: string,
  password: string,
  via: SessionVia,
  opts: { by?: 'username' | 'email' } = {},
): Promise<SessionTokens> {
  return login(actionContext(ctx), ctx.tokens, username, password, { ip: ctx.ip, userAgent: ctx.userAgent }, ctx.config.jwt.refreshTtlSeconds, {
    via,
    lifetime: 'legacy',
    legacyTtlSeconds: ctx.config.jwt.legacyTtlSeconds,
    by: opts.by,
  });
}
