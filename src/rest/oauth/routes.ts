import OAuth2Server, { InvalidClientError, InvalidRequestError } from '@node-oauth/oauth2-server';
import { Hono, type Context } from 'hono';
import type { Config } from '../../config.js';
import { findAuthenticatedClient } from '../../modules/applications/queries.js';
import { revokeClientToken } from '../../modules/oauth/revocation.js';
import type { ShimDeps } from '../shim.js';
import { asOAuthError, libraryRequest, oauthErrorResponse, readParams } from './adapt.js';
import { DEFAULT_AVATAR, SIGN_IN_SCRIPT, SIGN_IN_STYLES } from './assets.js';
import { authorizeRoutes } from './authorize.js';
import { FormTokens } from './forms.js';
import { ASSET_PATH } from './pages.js';
import { oauthServer, signInContext } from './server.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** RFC 6749 2.3.1 client credentials: HTTP basic first, else client_id (and client_secret) in the body. */
function clientCredentials(c: Context, body: Record<string, string>): { clientId: string; secret: string | null; basic: boolean } | null {
  const header = c.req.header('authorization');
  const basic = header ? /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return null;
    return { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) || null, basic: true };
  }
  return body.client_id ? { clientId: body.client_id, secret: body.client_secret || null, basic: false } : null;
}

/**
 * The OAuth 2 authorization server (@node-oauth/oauth2-server over applications, codes and
 * sessions): /oauth/authorize, /oauth/token, /oauth/revoke, RFC 8414 metadata, the sign-in pages'
 * script and stylesheet, and Liquid's entry (Nitrogen opens the Liquid host's root with its
 * redirect_uri and PKCE challenge).
 */
export function oauthRoutes(deps: ShimDeps, config: Config & { jwt: { secret: string } }) {
  const app = new Hono();
  const forms = new FormTokens(config.jwt.secret);
  authorizeRoutes(app, deps, forms, config.production);

  app.post('/oauth/token', async (c) => {
    const response = new OAuth2Server.Response();
    try {
      const body = await readParams(c);
      const ctx = await deps.contextFor(c);
      await oauthServer(ctx, 'token', body.grant_type).token(libraryRequest(c, body), response);
      const answer = { ...(response.body as Record<string, unknown>), created_at: Math.floor(Date.now() / 1000) };
      return c.json(answer, 200, NO_STORE);
    } catch (error) {
      return oauthErrorResponse(c, asOAuthError(error), response);
    }
  });

  // RFC 7009: the client ends a token issued to it; unknown tokens get the same 200.
  app.post('/oauth/revoke', async (c) => {
    try {
      const body = await readParams(c);
      const credentials = clientCredentials(c, body);
      if (!credentials) throw new InvalidClientError('Invalid client: cannot retrieve client credentials');
      const ctx = await deps.contextFor(c);
      const client = await findAuthenticatedClient(ctx.database.reserved, credentials.clientId, credentials.secret);
      if (!client) {
        const refused = new InvalidClientError('Invalid client: client is invalid', { code: 401 });
        return oauthErrorResponse(
          c,
          refused,
          credentials.basic ? new OAuth2Server.Response({ headers: { 'WWW-Authenticate': 'Basic realm="Service"' } }) : undefined,
        );
      }
      if (!body.token) throw new InvalidRequestError('Missing parameter: `token`');
      await revokeClientToken(signInContext(ctx), ctx.tokens, client.id, body.token);
      return c.body(null, 200, NO_STORE);
    } catch (error) {
      return oauthErrorResponse(c, asOAuthError(error));
    }
  });

  app.get('/.well-known/oauth-authorization-server', (c) => {
    const base = config.mail.publicUrl;
    const auth = ['client_secret_basic', 'client_secret_post', 'none'];
    return c.json({
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
      token_endpoint_auth_methods_supported: auth,
      revocation_endpoint_auth_methods_supported: auth,
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['read', 'write', 'follow', 'push', 'admin'],
    });
  });

  const asset = (body: string, type: string) => (c: Context) =>
    c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
  app.get(`${ASSET_PATH}/sign-in.js`, asset(SIGN_IN_SCRIPT, 'text/javascript; charset=utf-8'));
  app.get(`${ASSET_PATH}/sign-in.css`, asset(SIGN_IN_STYLES, 'text/css; charset=utf-8'));
  app.get(`${ASSET_PATH}/avatar.svg`, asset(DEFAULT_AVATAR, 'image/svg+xml'));

  // Liquid Nitrogen signs in by opening `<Liquid host>/?redirect_uri=<its origin>&code_challenge=…&code_challenge_method=S256`.
  app.get('/', (c) => {
    const q = new URL(c.req.url).searchParams;
    const clientId = config.liquid.clientId;
    if (!clientId || !q.has('redirect_uri')) return c.json({ error: 'not found' }, 404);
    const target = new URLSearchParams({ client_id: clientId, response_type: 'code' });
    for (const key of ['redirect_uri', 'code_challenge', 'code_challenge_method', 'state', 'scope']) {
      const value = q.get(key);
      if (value !== null) target.set(key, value);
    }
    return c.redirect(`/oauth/authorize?${target}`, 302);
  });

  return app;
}
