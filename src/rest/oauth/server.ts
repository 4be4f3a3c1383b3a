import OAuth2Server from '@node-oauth/oauth2-server';
import type { GraphQLContext } from '../../graphql/context.js';
import type { ActionContext } from '../../modules/context.js';
import { oauthModel } from '../../modules/oauth/model.js';

/** Codes live this long (RFC 6749 4.1.2 recommends at most 10 minutes). */
export const CODE_TTL_SECONDS = 300;

/** The sign-in routes act as nobody until a user proves its password; on the reserved pool, as every sign-in. */
export const signInContext = (ctx: GraphQLContext): ActionContext => ({
  db: ctx.database.reserved,
  actor: { actorId: null, requestId: ctx.requestId },
  mailBox: ctx.mailBox,
});

/**
 * The library's server for one request, over that request's model (see modules/oauth/model.ts).
 * Refresh tokens rotate on every use; a refresh needs no secret from a public client (the model
 * still demands one of a confidential client); plain PKCE is refused (the library's default).
 */
export function oauthServer(ctx: GraphQLContext, mode: 'authorize' | 'token', grant?: string) {
  const jwt = ctx.config.jwt;
  const model = oauthModel({
    ctx: signInContext(ctx),
    tokens: ctx.tokens,
    client: { ip: ctx.ip, userAgent: ctx.userAgent },
    mode,
    grant,
    accessTtlSeconds: jwt.accessTtlSeconds,
    refreshTtlSeconds: jwt.refreshTtlSeconds,
    legacyTtlSeconds: jwt.legacyTtlSeconds,
    liquidClientId: ctx.config.liquid.clientId,
  });
  return new OAuth2Server({
    model,
    accessTokenLifetime: jwt.accessTtlSeconds,
    refreshTokenLifetime: jwt.refreshTtlSeconds,
    authorizationCodeLifetime: CODE_TTL_SECONDS,
    allowEmptyState: true,
    alwaysIssueNewRefreshToken: true,
    requireClientAuthentication: { refresh_token: false },
  });
}
