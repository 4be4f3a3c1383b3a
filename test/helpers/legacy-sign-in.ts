import { createHash, randomBytes } from 'node:crypto';
import { ensureLiquidClient } from '../../src/bootstrap.js';
import type { TestGateway } from './app.js';

/**
 * Signing in as the real admin clients do, through plain HTTP requests against the gateway: the
 * replay test of each client calls these first.
 */

/** What useGateway needs for Nitrogen's sign-in: its client id and where it runs (its origin is its redirect URI). */
export const NITROGEN_ENV = { LIQUID_CLIENT_ID: 'nitrogen', LIQUID_REDIRECT_URIS: 'http://localhost:2001' };

/** admin-fe's origin in these tests (it registers `<origin>/oauth-callback`). */
export const ADMIN_FE_ORIGIN = 'http://localhost:8080';

async function expectOk(res: Response, step: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${step}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * admin-fe's login (src/api/login.js): register an app, password grant, verify_credentials (which must
 * say `pleroma.is_admin`). JSON bodies with axios' content type. Returns the access token.
 */
export async function adminFeSignIn(gw: TestGateway, username: string, password: string): Promise<string> {
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8' }, body: JSON.stringify(body) });
  const app = await expectOk(
    await gw.request(
      '/api/v1/apps',
      json({ client_name: `AdminFE_${Math.random()}`, redirect_uris: `${ADMIN_FE_ORIGIN}/oauth-callback`, scopes: 'read write follow' }),
    ),
    'POST /api/v1/apps',
  );
  const token = await expectOk(
    await gw.request('/oauth/token', json({ client_id: app.client_id, client_secret: app.client_secret, grant_type: 'password', username, password })),
    'POST /oauth/token',
  );
  const accessToken = String(token.access_token);
  const me = await expectOk(await gw.request('/api/v1/accounts/verify_credentials', { token: accessToken }), 'GET /api/v1/accounts/verify_credentials');
  if ((me.pleroma as { is_admin?: boolean } | undefined)?.is_admin !== true) throw new Error(`admin-fe refuses ${username}: pleroma.is_admin is not true`);
  return accessToken;
}

const base64url = (b: Buffer) => b.toString('base64url');

/** The path and query of a Location header (the gateway's own, or the client's redirect). */
const locationOf = (res: Response, step: string): URL => {
  const location = res.headers.get('location');
  if (!location || res.status < 300 || res.status > 399) throw new Error(`${step}: expected a redirect, got HTTP ${res.status}`);
  return new URL(location, 'http://gateway.test');
};

/**
 * Nitrogen's sign-in (src/service/oauth-manager.ts, v2 with PKCE): open the Liquid host's root with
 * redirect_uri and an S256 challenge, follow to the sign-in page, post the form, take the code from
 * the redirect to Nitrogen's origin, exchange it at /oauth/token (form-encoded, public client, with
 * the verifier). The gateway must run with NITROGEN_ENV (the Liquid client is kept at start, as
 * src/main.ts does). Returns the access and refresh tokens.
 */
export async function nitrogenSignIn(gw: TestGateway, username: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const { clientId, redirectUris } = gw.config.liquid;
  if (!clientId) throw new Error('nitrogenSignIn needs useGateway(NITROGEN_ENV)');
  await ensureLiquidClient(gw.config, gw.database);
  const origin = redirectUris[0];
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash('sha256').update(verifier).digest());

  const entry = locationOf(
    await gw.request(`/?redirect_uri=${encodeURIComponent(origin)}&code_challenge=${encodeURIComponent(challenge)}&code_challenge_method=S256`),
    'GET /?redirect_uri',
  );
  const page = await gw.request(`${entry.pathname}${entry.search}`);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET ${entry.pathname}: HTTP ${page.status} ${html.slice(0, 300)}`);
  const cookie = /gw_oauth_form=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  const formToken = /name="form_token" value="([^"]+)"/.exec(html)?.[1];
  if (!cookie || !formToken) throw new Error('the sign-in page carries no form token or cookie');

  const posted = await gw.request('/oauth/authorize', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `gw_oauth_form=${cookie}` },
    body: new URLSearchParams({ form_token: formToken, username, password }).toString(),
  });
  const back = locationOf(posted, 'POST /oauth/authorize');
  const code = back.searchParams.get('code');
  if (!code || `${back.protocol}//${back.host}` !== origin) throw new Error(`the sign-in did not return a code to ${origin}: ${back}`);

  const token = await expectOk(
    await gw.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, redirect_uri: origin, code, code_verifier: verifier }).toString(),
    }),
    'POST /oauth/token',
  );
  return { accessToken: String(token.access_token), refreshToken: String(token.refresh_token) };
}
