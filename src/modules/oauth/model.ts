import type OAuth2Server from '@node-oauth/oauth2-server';
import { InvalidGrantError, InvalidRequestError, InvalidScopeError, OAuthError } from '@node-oauth/oauth2-server';
import { eq } from 'drizzle-orm';
import { isUuid } from '../../access/caller.js';
import { checkPasswordLogin } from '../../access/sign-in.js';
import type { Tokens } from '../../access/tokens.js';
import { AppError } from '../../core/errors.js';
import { findApplicationByClientId, findApplicationsByIds, findAuthenticatedClient, type ApplicationRow } from '../applications/queries.js';
import { OAUTH_SCOPE, tokenScopesOf } from '../applications/validation.js';
import type { ActionContext } from '../context.js';
import { type ClientInfo, openSession, refreshSession, type SessionTokens } from '../sessions/actions.js';
import { sessions } from '../sessions/table.js';
import { consumeAuthorizationCode, findAuthorizationCode, saveAuthorizationCode } from './actions.js';

/** What the library sees of an application; `application` is the row (no secret). */
export interface OAuthClient extends OAuth2Server.Client {
  id: string;
  grants: string[];
  redirectUris: string[];
  application: ApplicationRow;
}

export interface OAuthUser extends OAuth2Server.User {
  id: bigint;
}

export interface OAuthModelOptions {
  ctx: ActionContext;
  tokens: Tokens;
  client: ClientInfo;
  /** authorize: look clients up by id; token: authenticate them (secret for confidential, none for public). */
  mode: 'authorize' | 'token';
  /** The request's grant_type (token mode). */
  grant?: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  legacyTtlSeconds: number;
  /** The Liquid Nitrogen client: its sessions are opened `via: 'liquid'`. */
  liquidClientId: string | null;
}

const asClient = (application: ApplicationRow): OAuthClient => ({
  id: application.id.toString(),
  grants: application.grants,
  redirectUris: application.redirectUris,
  application,
});

/** A scope the client may ask for: one it registered, or a Mastodon sub-scope of one (`read:accounts` under `read`). */
export const scopeAllowed = (registered: readonly string[], scope: string) =>
  OAUTH_SCOPE.test(scope) && registered.some((r) => scope === r || scope.startsWith(`${r}:`));

/** The gateway's refusals as OAuth errors; anything else stays unexpected. */
export function oauthErrorOf(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  if (error.code === 'UNAUTHENTICATED') return new InvalidGrantError(error.message);
  if (error.code === 'RATE_LIMITED') return new OAuthError(error.message, { code: 429, name: 'temporarily_unavailable' });
  if (error.code === 'UNAVAILABLE') return new OAuthError(error.message, { code: 503, name: 'temporarily_unavailable' });
  return error;
}

/**
 * The @node-oauth/oauth2-server model of one request, over the gateway's own tables: clients are
 * `applications`, codes `oauth_authorization_codes`, and every token is a session opened by the
 * sessions actions (openSession, refreshSession), so it is listed by `sessions`, ended by
 * `revokeSession` and checked on every request. Passwords are checked only by checkPasswordLogin
 * (its rate limits are the GraphQL login's).
 */
export function oauthModel(o: OAuthModelOptions) {
  let presentedRefresh: { token: string; scope: string[] | undefined } | null = null;

  const via = (client: OAuthClient): 'oauth' | 'pleroma' | 'liquid' =>
    o.liquidClientId !== null && client.application.clientId === o.liquidClientId
      ? 'liquid'
      : o.grant === 'password' && client.application.legacyTokens
        ? 'pleroma'
        : 'oauth';

  async function open(client: OAuthClient, user: OAuthUser, scope: string[] | undefined): Promise<SessionTokens> {
    const legacy = o.grant === 'password' && client.application.legacyTokens;
    const machine = o.grant === 'client_credentials';
    const tokenScopes = machine ? clientCredentialScopes(client.application) : tokenScopesOf(scope ?? []);
    return openSession({ ...o.ctx, actor: { ...o.ctx.actor, actorId: user.id } }, o.tokens, user.id, o.client, {
      action: `session.oauth.${o.grant}`,
      // A client_credentials token has no refresh token: its session ends with it. A legacy one lives as long as its session.
      refreshTtlSeconds: machine ? o.accessTtlSeconds : legacy ? o.legacyTtlSeconds : o.refreshTtlSeconds,
      ttlSeconds: legacy ? o.legacyTtlSeconds : o.accessTtlSeconds,
      via: via(client),
      applicationId: client.application.id,
      tokenScopes,
    });
  }

  return {
    async getClient(clientId: string, clientSecret: string | null | undefined): Promise<OAuthClient | false> {
      const application =
        o.mode === 'authorize'
          ? await findApplicationByClientId(o.ctx.db, clientId)
          : await findAuthenticatedClient(o.ctx.db, clientId, clientSecret ? clientSecret : null);
      return application ? asClient(application) : false;
    },

    /** Exact match only (RFC 9700 2.1): no prefix, no normalisation. */
    async validateRedirectUri(redirectUri: string, client: OAuthClient): Promise<boolean> {
      return client.redirectUris.includes(redirectUri);
    },

    /** The requested OAuth scopes, all registered by the client; none asked means all it registered. */
    async validateScope(_user: OAuthUser, client: OAuthClient, scope?: string[]): Promise<string[] | false> {
      if (!scope || scope.length === 0) return o.grant === 'client_credentials' ? ['read', 'write'] : client.application.oauthScopes;
      return scope.every((s) => scopeAllowed(client.application.oauthScopes, s)) ? [...new Set(scope)] : false;
    },

    async saveAuthorizationCode(
      code: Pick<OAuth2Server.AuthorizationCode, 'authorizationCode' | 'expiresAt' | 'redirectUri' | 'scope' | 'codeChallenge' | 'codeChallengeMethod'>,
      client: OAuthClient,
      user: OAuthUser,
    ): Promise<OAuth2Server.AuthorizationCode> {
      if (client.application.clientType === 'PUBLIC' && !code.codeChallenge)
        throw new InvalidRequestError('Invalid request: public clients must send `code_challenge` (PKCE, S256)');
      await saveAuthorizationCode(o.ctx, {
        code: code.authorizationCode,
        applicationId: client.application.id,
        userId: user.id,
        redirectUri: code.redirectUri,
        scope: code.scope ?? [],
        codeChallenge: code.codeChallenge ?? null,
        codeChallengeMethod: code.codeChallenge ? (code.codeChallengeMethod ?? 'S256') : null,
        expiresAt: code.expiresAt,
      });
      return { ...code, client, user };
    },

    async getAuthorizationCode(code: string): Promise<OAuth2Server.AuthorizationCode | false> {
      const row = await findAuthorizationCode(o.ctx.db, code);
      if (!row) return false;
      const [application] = await findApplicationsByIds(o.ctx.db, [row.applicationId]);
      if (!application) return false;
      return {
        authorizationCode: code,
        expiresAt: row.expiresAt,
        redirectUri: row.redirectUri,
        scope: row.scope,
        client: asClient(application),
        user: { id: row.userId },
        ...(row.codeChallenge ? { codeChallenge: row.codeChallenge, codeChallengeMethod: row.codeChallengeMethod ?? 'S256' } : {}),
      };
    },

    async revokeAuthorizationCode(code: OAuth2Server.AuthorizationCode): Promise<boolean> {
      return consumeAuthorizationCode(o.ctx.db, code.authorizationCode, BigInt(code.client.id));
    },

    /** The password grant: THE password check (rate limits; one answer for unknown and wrong). */
    async getUser(username: string, password: string): Promise<OAuthUser> {
      try {
        const { userId } = await checkPasswordLogin(o.ctx.db, username, password, o.client.ip);
        return { id: userId };
      } catch (error) {
        throw oauthErrorOf(error);
      }
    },

    /** client_credentials acts as the application's creator (see README: OAuth and sign-in). */
    async getUserFromClient(client: OAuthClient): Promise<OAuthUser | false> {
      if (client.application.createdBy === null) throw new InvalidGrantError('Invalid grant: the application has no creator to act as');
      return { id: client.application.createdBy };
    },

    async getRefreshToken(refreshToken: string): Promise<OAuth2Server.RefreshToken | false> {
      const sessionId = refreshToken.split('.')[0];
      if (!isUuid(sessionId)) return false;
      const [row] = await o.ctx.db
        .select({ userId: sessions.userId, applicationId: sessions.applicationId, tokenScopes: sessions.tokenScopes, expiresAt: sessions.expiresAt })
        .from(sessions)
        .where(eq(sessions.id, sessionId));
      // Only sessions an application opened refresh here (GraphQL login refreshes through refreshToken).
      if (!row?.applicationId) return false;
      const [application] = await findApplicationsByIds(o.ctx.db, [row.applicationId]);
      if (!application) return false;
      const scope = row.tokenScopes ?? undefined;
      presentedRefresh = { token: refreshToken, scope };
      return { refreshToken, refreshTokenExpiresAt: row.expiresAt, scope, client: asClient(application), user: { id: row.userId } };
    },

    /**
     * Rotation happens in saveToken, through refreshSession: one locked step that checks the token
     * is the session's current one (an already-rotated one revokes the session) and rotates it.
     */
    async revokeToken(): Promise<boolean> {
      return presentedRefresh !== null;
    },

    async saveToken(token: OAuth2Server.Token, client: OAuthClient, user: OAuthUser): Promise<OAuth2Server.Token> {
      try {
        if (o.grant === 'refresh_token') {
          if (!presentedRefresh) throw new InvalidGrantError('Invalid grant: refresh token is invalid');
          const kept = presentedRefresh.scope ?? [];
          if (token.scope && (token.scope.length !== kept.length || token.scope.some((s) => !kept.includes(s))))
            throw new InvalidScopeError('Invalid scope: a refresh keeps the scope it was granted');
          const next = await refreshSession(o.ctx, o.tokens, presentedRefresh.token);
          return { accessToken: next.accessToken, accessTokenExpiresAt: next.expiresAt, refreshToken: next.refreshToken, scope: kept, client, user };
        }
        const opened = await open(client, user, token.scope);
        return {
          accessToken: opened.accessToken,
          accessTokenExpiresAt: opened.expiresAt,
          ...(o.grant === 'client_credentials' ? {} : { refreshToken: opened.refreshToken }),
          scope: token.scope,
          client,
          user,
        };
      } catch (error) {
        throw oauthErrorOf(error);
      }
    },

    /** Bearer tokens are checked by AuthService on every request (the session must be live), never by the library. */
    async getAccessToken(): Promise<false> {
      return false;
    },
  };
}

/**
 * What a client_credentials token may do: its creator's scopes, narrowed to the application's own
 * scopes list when it has one. Sessions narrow by OAuth scope (read/write), so a list of only
 * `:read` scopes makes a read-only token.
 */
function clientCredentialScopes(application: ApplicationRow): string[] | null {
  if (application.scopes.length === 0) return null;
  return application.scopes.every((s) => s.endsWith(':read')) ? ['read'] : ['read', 'write'];
}
