import OAuth2Server, { OAuthError } from '@node-oauth/oauth2-server';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { checkPasswordLogin, INVALID_LOGIN } from '../../access/sign-in.js';
import { AppError } from '../../core/errors.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { findApplicationByClientId, type ApplicationRow } from '../../modules/applications/queries.js';
import { OOB_REDIRECT } from '../../modules/applications/validation.js';
import { scopeAllowed } from '../../modules/oauth/model.js';
import type { ShimDeps } from '../shim.js';
import { asOAuthError, libraryRequest, queryParams, readParams } from './adapt.js';
import { type AuthorizeParams, authorizeParams, FORM_COOKIE, type FormTokens } from './forms.js';
import { codePage, consentPage, errorPage, sendPage, signInPage } from './pages.js';
import { oauthServer, signInContext } from './server.js';

/** An authorization request checked before anyone signs in: its application and where it answers. */
type Checked = { ok: true; app: ApplicationRow; redirectUri: string } | { ok: false; page: string } | { ok: false; redirect: string };

const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/** Where a redirect goes, for the CSP's form-action (Chrome applies it to the redirect after a post). */
const originOf = (uri: string): string[] => {
  if (uri === OOB_REDIRECT || !URL.canParse(uri)) return [];
  const url = new URL(uri);
  return /^https?:$/.test(url.protocol) ? [url.origin] : [];
};

/** RFC 6749 4.1.2.1: once the redirect URI is known to be the client's, errors go back to it. */
function errorRedirect(redirectUri: string, error: string, description: string, state?: string): string {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state) url.searchParams.set('state', state);
  return url.toString();
}

/**
 * The checks a request must pass before the sign-in page is shown (the library repeats them when it
 * issues the code). Until the client and its redirect URI are known, errors are a page of the
 * gateway's own (never a redirect to an unchecked address); after that they go back to the client.
 */
async function check(ctx: GraphQLContext, p: AuthorizeParams): Promise<Checked> {
  if (!p.client_id) return { ok: false, page: 'The request names no client (client_id).' };
  const app = await findApplicationByClientId(ctx.database.reserved, p.client_id);
  if (!app) return { ok: false, page: 'No application has this client id.' };
  if (!app.grants.includes('authorization_code')) return { ok: false, page: 'This application may not sign people in here (no authorization_code grant).' };
  const redirectUri = p.redirect_uri ?? (app.redirectUris.length === 1 ? app.redirectUris[0] : undefined);
  if (!redirectUri || !app.redirectUris.includes(redirectUri))
    return { ok: false, page: 'The redirect URI is not one registered for this application (they must match exactly).' };
  const fail = (error: string, description: string): Checked =>
    redirectUri === OOB_REDIRECT ? { ok: false, page: description } : { ok: false, redirect: errorRedirect(redirectUri, error, description, p.state) };
  if (p.state !== undefined && !/^[\x20-\x7e]*$/.test(p.state)) return fail('invalid_request', 'Invalid parameter: `state`');
  if (p.response_type !== 'code') return fail('unsupported_response_type', 'Unsupported response type: only `code` is supported');
  if (p.code_challenge_method !== undefined && p.code_challenge_method !== 'S256')
    return fail('invalid_request', 'Invalid request: `code_challenge_method` must be S256 ("plain" is not allowed)');
  if (p.code_challenge !== undefined && !PKCE_VALUE.test(p.code_challenge)) return fail('invalid_request', 'Invalid parameter: `code_challenge`');
  if (app.clientType === 'PUBLIC' && !p.code_challenge)
    return fail('invalid_request', 'Invalid request: public clients must send `code_challenge` (PKCE, S256)');
  const scopes = p.scope ? p.scope.split(' ').filter(Boolean) : [];
  if (!scopes.every((s) => scopeAllowed(app.oauthScopes, s))) return fail('invalid_scope', 'Invalid scope: Requested scope is invalid');
  return { ok: true, app, redirectUri };
}

const redirect = (c: Context, location: string) => c.body(null, 303, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });

/** GET/POST /oauth/authorize: the sign-in page, the consent page (EXTERNAL applications), then the code. */
export function authorizeRoutes(app: Hono, deps: ShimDeps, forms: FormTokens, secureCookies: boolean) {
  /** This browser's form binding (an HttpOnly cookie), made when it has none. */
  function binding(c: Context): string {
    const existing = getCookie(c, FORM_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const made = forms.newBinding();
    setCookie(c, FORM_COOKIE, made, { httpOnly: true, sameSite: 'Strict', path: '/oauth', secure: secureCookies || new URL(c.req.url).protocol === 'https:' });
    return made;
  }

  async function showSignIn(
    c: Context,
    checked: Checked & { ok: true },
    p: AuthorizeParams,
    status: 200 | 400 | 401 | 429,
    extra: { username?: string; error?: string } = {},
  ) {
    const formToken = await forms.sign({ step: 'sign-in', params: p }, binding(c));
    return sendPage(c, signInPage({ appName: checked.app.displayName, formToken, ...extra }), status, originOf(checked.redirectUri));
  }

  /** Asks the library for the code (or, refused, for the access_denied redirect) as the signed-in user. */
  async function issue(c: Context, ctx: GraphQLContext, checked: Checked & { ok: true }, p: AuthorizeParams, userId: bigint, allowed: boolean) {
    const request = libraryRequest(c, { ...p, ...(allowed ? {} : { allowed: 'false' }) }, {});
    const response = new OAuth2Server.Response();
    try {
      const code = await oauthServer(ctx, 'authorize').authorize(request, response, { authenticateHandler: { handle: async () => ({ id: userId }) } });
      if (checked.redirectUri === OOB_REDIRECT) return sendPage(c, codePage(code.authorizationCode), 200);
      return redirect(c, String(response.headers?.location));
    } catch (error) {
      const known = asOAuthError(error);
      const location = response.headers?.location;
      if (typeof location === 'string' && checked.redirectUri !== OOB_REDIRECT) return redirect(c, location);
      const denied = known.name === 'access_denied';
      return sendPage(
        c,
        errorPage(denied ? 'Access denied' : 'Cannot sign in', denied ? 'You did not allow the application.' : known.message),
        denied ? 403 : 400,
      );
    }
  }

  app.get('/oauth/authorize', async (c) => {
    const parsed = authorizeParams.safeParse(safeQuery(c));
    if (!parsed.success) return sendPage(c, errorPage('Cannot sign in', 'The authorization request is malformed.'), 400);
    const ctx = await deps.contextFor(c);
    const checked = await check(ctx, parsed.data);
    if (!checked.ok) return 'page' in checked ? sendPage(c, errorPage('Cannot sign in', checked.page), 400) : redirect(c, checked.redirect);
    return showSignIn(c, checked, parsed.data, 200);
  });

  app.post('/oauth/authorize', async (c) => {
    let body: Record<string, string>;
    try {
      body = await readParams(c);
    } catch {
      return sendPage(c, errorPage('Cannot sign in', 'The form could not be read.'), 400);
    }
    const claims = await forms.verify(body.form_token, getCookie(c, FORM_COOKIE));
    if (!claims)
      return sendPage(
        c,
        errorPage('Sign-in expired', 'This form has expired or was opened in another browser. Go back to the application and start again.'),
        400,
      );
    const ctx = await deps.contextFor(c);
    const p = claims.params;
    const checked = await check(ctx, p);
    if (!checked.ok) return 'page' in checked ? sendPage(c, errorPage('Cannot sign in', checked.page), 400) : redirect(c, checked.redirect);

    if (claims.step === 'consent') {
      if (body.decision !== 'allow' && body.decision !== 'deny') return sendPage(c, errorPage('Cannot sign in', 'Choose Allow or Deny.'), 400);
      return issue(c, ctx, checked, p, BigInt(claims.userId), body.decision === 'allow');
    }
    const username = (body.username ?? '').trim();
    const password = body.password ?? '';
    if (!username || !password || username.length > 320 || password.length > 1024)
      return showSignIn(c, checked, p, 400, { username: username.slice(0, 320), error: 'Enter your username and password.' });
    let userId: bigint;
    try {
      ({ userId } = await checkPasswordLogin(signInContext(ctx).db, username, password, ctx.ip));
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'UNAUTHENTICATED' && error.code !== 'RATE_LIMITED')) throw error;
      const limited = error.code === 'RATE_LIMITED';
      return showSignIn(c, checked, p, limited ? 429 : 401, { username, error: limited ? error.message : INVALID_LOGIN });
    }
    if (checked.app.role === 'INTERNAL') return issue(c, ctx, checked, p, userId, true);
    const formToken = await forms.sign({ step: 'consent', params: p, userId: userId.toString() }, binding(c));
    const scopes = p.scope ? [...new Set(p.scope.split(' ').filter(Boolean))] : checked.app.oauthScopes;
    return sendPage(c, consentPage({ appName: checked.app.displayName, username, scopes, formToken }), 200, originOf(checked.redirectUri));
  });
}

/** The query's parameters, or null when one is repeated or not text (then the request is malformed). */
function safeQuery(c: Context): Record<string, string> | null {
  try {
    return queryParams(c);
  } catch (error) {
    if (error instanceof OAuthError) return null;
    throw error;
  }
}
