import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { makeApplication } from '../../helpers/factories.js';
import { NITROGEN_ENV, nitrogenSignIn } from '../../helpers/legacy-sign-in.js';
import { count, openAuthorize, PASSWORD, pkce, postForm, sessionRow, submitForm, whoAmI, written } from './oauth.js';

/** The authorization code flow: pages, consent, PKCE, exact redirect URIs, public clients, Liquid's entry. */
const gw = useGateway(NITROGEN_ENV);
let user: Awaited<ReturnType<typeof gw.user>>;
let external: Awaited<ReturnType<typeof makeApplication>>;
let publicApp: Awaited<ReturnType<typeof makeApplication>>;
const CB = 'https://client.example/cb';

beforeAll(async () => {
  user = await gw.user({ roles: ['admin'], password: PASSWORD });
  external = await makeApplication(gw, {
    clientId: 'ext',
    displayName: 'Outside Tool',
    role: 'EXTERNAL',
    grants: ['authorization_code', 'refresh_token'],
    redirectUris: [CB, 'urn:ietf:wg:oauth:2.0:oob'],
    by: user.id,
  });
  publicApp = await makeApplication(gw, {
    clientId: 'spa',
    role: 'INTERNAL',
    clientType: 'PUBLIC',
    grants: ['authorization_code', 'refresh_token'],
    redirectUris: [CB],
    by: user.id,
  });
});

const request = (clientId: string, extra: Record<string, string> = {}) => ({
  client_id: clientId,
  response_type: 'code',
  redirect_uri: CB,
  state: 'xyz',
  ...extra,
});

/** Signs in on the page and, for an EXTERNAL application, answers the consent page. */
async function signIn(query: Record<string, string>, decision?: 'allow' | 'deny') {
  const page = await openAuthorize(gw, query);
  expect(page.status).toBe(200);
  let step = await submitForm(gw, page.cookie, { form_token: page.formToken!, username: user.username, password: PASSWORD });
  if (decision) {
    expect(step.status).toBe(200);
    expect(step.html).toContain('Allow access?');
    step = await submitForm(gw, page.cookie, { form_token: step.formToken!, decision });
  }
  return step;
}

describe('the sign-in page', () => {
  it('is plain HTML with the gateway script and stylesheet, a strict CSP allowing the exact redirect origin, never framed or stored', async () => {
    const page = await openAuthorize(gw, request(external.clientId));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self' https://client.example; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(page.html).toContain('Outside Tool');
    expect(page.html).not.toMatch(/<script>|style=|<style/);
    expect(page.formToken).toBeTruthy();
    const script = await gw.request('/oauth/assets/sign-in.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await gw.request('/oauth/assets/sign-in.css')).headers.get('content-type')).toContain('text/css');
  });

  it('a wrong password and an unknown user get the same clear error on the page; nothing is written', async () => {
    const page = await openAuthorize(gw, request(external.clientId));
    const before = await written(gw);
    const wrong = await submitForm(gw, page.cookie, { form_token: page.formToken!, username: user.username, password: 'not it at all' });
    const unknown = await submitForm(gw, page.cookie, { form_token: page.formToken!, username: 'no-such-person', password: 'not it at all' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('Invalid username or password');
    expect(unknown.status).toBe(401);
    expect(unknown.html).toContain('Invalid username or password');
    expect(await written(gw)).toEqual(before);
  });

  it('refuses a form without its cookie (another browser, or a forged post)', async () => {
    const page = await openAuthorize(gw, request(external.clientId));
    const forged = await submitForm(gw, undefined, { form_token: page.formToken!, username: user.username, password: PASSWORD });
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('expired');
  });
});

describe('consent and codes', () => {
  it('an EXTERNAL application asks consent; allowed, the code (with state) is exchanged with the secret and PKCE', async () => {
    const { verifier, challenge } = pkce();
    const done = await signIn(request(external.clientId, { code_challenge: challenge, code_challenge_method: 'S256', scope: 'read' }), 'allow');
    expect(done.status).toBe(303);
    const back = new URL(done.location!);
    expect(`${back.origin}${back.pathname}`).toBe(CB);
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code')!;
    const token = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier },
      { basic: [external.clientId, external.clientSecret] },
    );
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('read');
    expect(await whoAmI(gw, token.body.access_token)).toBe(user.username);
    const again = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier },
      { basic: [external.clientId, external.clientSecret] },
    );
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await sessionRow(gw, user.id)).at(-1)).toMatchObject({ via: 'oauth', application_id: external.id.toString(), token_scopes: ['read'] });
    const actions = await gw.database.rows<{ action: string; actor_id: string }>(
      sql`select action, actor_id::text from audit_log where action in ('oauth.authorize', 'session.oauth.authorization_code') order by seq`,
    );
    expect(actions.map((a) => a.action)).toEqual(['oauth.authorize', 'session.oauth.authorization_code']);
    expect(actions.every((a) => a.actor_id === user.id.toString())).toBe(true);
  });

  it('refused consent redirects with error=access_denied and writes nothing', async () => {
    const page = await openAuthorize(gw, request(external.clientId));
    const consent = await submitForm(gw, page.cookie, { form_token: page.formToken!, username: user.username, password: PASSWORD });
    const before = await written(gw);
    const denied = await submitForm(gw, page.cookie, { form_token: consent.formToken!, decision: 'deny' });
    expect(denied.status).toBe(303);
    const back = new URL(denied.location!);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('xyz');
    expect(back.searchParams.get('code')).toBeNull();
    expect(await written(gw)).toEqual(before);
  });

  it('a wrong PKCE verifier is invalid_grant and uses the code up; a redirect URI other than the code’s is refused', async () => {
    const { verifier, challenge } = pkce();
    const code = new URL((await signIn(request(external.clientId, { code_challenge: challenge }), 'allow')).location!).searchParams.get('code')!;
    const wrong = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: pkce().verifier },
      { basic: [external.clientId, external.clientSecret] },
    );
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const right = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier },
      { basic: [external.clientId, external.clientSecret] },
    );
    expect(right.status).toBe(400);
    const code2 = new URL((await signIn(request(external.clientId), 'allow')).location!).searchParams.get('code')!;
    const elsewhere = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'authorization_code', code: code2, redirect_uri: 'https://client.example/other' },
      { basic: [external.clientId, external.clientSecret] },
    );
    expect(elsewhere).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('a redirect URI that is not registered exactly gets an error page, never a redirect', async () => {
    for (const redirect_uri of ['https://client.example/cb/', 'https://client.example/cb?x=1', 'https://evil.example/cb']) {
      const page = await openAuthorize(gw, request(external.clientId, { redirect_uri }));
      expect(page.status).toBe(400);
      expect(page.location).toBeNull();
      expect(page.html).toContain('redirect URI');
    }
    expect((await openAuthorize(gw, request('no-such-client'))).status).toBe(400);
  });

  it('urn:ietf:wg:oauth:2.0:oob shows the code on a page, and the code works', async () => {
    const done = await signIn(request(external.clientId, { redirect_uri: 'urn:ietf:wg:oauth:2.0:oob' }), 'allow');
    expect(done.status).toBe(200);
    const code = /<code id="code">([^<]+)<\/code>/.exec(done.html)![1];
    const token = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: 'urn:ietf:wg:oauth:2.0:oob' },
      { basic: [external.clientId, external.clientSecret] },
    );
    expect(token.status).toBe(200);
  });
});

describe('public clients', () => {
  it('need PKCE S256: without a challenge, or with plain, the client gets the error back and nothing is written', async () => {
    const before = await written(gw);
    const none = await openAuthorize(gw, request(publicApp.clientId));
    expect(none.status).toBe(303);
    expect(new URL(none.location!).searchParams.get('error')).toBe('invalid_request');
    const plain = await openAuthorize(gw, request(publicApp.clientId, { code_challenge: pkce().challenge, code_challenge_method: 'plain' }));
    expect(new URL(plain.location!).searchParams.get('error_description')).toContain('plain');
    expect(await written(gw)).toEqual(before);
  });

  it('sign in without consent (INTERNAL), exchange and refresh with no secret; a secret is refused', async () => {
    const { verifier, challenge } = pkce();
    const done = await signIn(request(publicApp.clientId, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const code = new URL(done.location!).searchParams.get('code')!;
    const noVerifier = await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', client_id: publicApp.clientId, code, redirect_uri: CB });
    expect(noVerifier.status).toBeGreaterThanOrEqual(400);
    const codes = await count(gw, 'oauth_authorization_codes');
    const done2 = await signIn(request(publicApp.clientId, { code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(await count(gw, 'oauth_authorization_codes')).toBe(codes + 1);
    const code2 = new URL(done2.location!).searchParams.get('code')!;
    const token = await postForm(gw, '/oauth/token', {
      grant_type: 'authorization_code',
      client_id: publicApp.clientId,
      code: code2,
      redirect_uri: CB,
      code_verifier: verifier,
    });
    expect(token.status).toBe(200);
    const refreshed = await postForm(gw, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: publicApp.clientId,
      refresh_token: token.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const withSecret = await postForm(gw, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: publicApp.clientId,
      client_secret: 'anything-at-all',
      refresh_token: refreshed.body.refresh_token,
    });
    expect(withSecret).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });
});

describe("Liquid Nitrogen's entry", () => {
  it('GET /?redirect_uri= opens the authorize page of the LIQUID_CLIENT_ID client; without one it is not found', async () => {
    expect((await gw.request('/')).status).toBe(404);
    const res = await gw.request('/?redirect_uri=http%3A%2F%2Flocalhost%3A2001&code_challenge=abc&code_challenge_method=S256');
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location')!, 'http://gateway.test');
    expect(target.pathname).toBe('/oauth/authorize');
    expect(Object.fromEntries(target.searchParams)).toEqual({
      client_id: 'nitrogen',
      response_type: 'code',
      redirect_uri: 'http://localhost:2001',
      code_challenge: 'abc',
      code_challenge_method: 'S256',
    });
  });

  it('signs in as Nitrogen does; the session is via liquid and refreshes form-encoded as a public client', async () => {
    const { accessToken, refreshToken } = await nitrogenSignIn(gw, user.username, PASSWORD);
    expect(await whoAmI(gw, accessToken)).toBe(user.username);
    expect((await sessionRow(gw, user.id)).at(-1)).toMatchObject({ via: 'liquid' });
    const refreshed = await postForm(gw, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: 'nitrogen',
      redirect_uri: 'http://localhost:2001',
      refresh_token: refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.expires_in).toBeGreaterThan(0);
  });
});
