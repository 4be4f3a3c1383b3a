import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { ADMIN_FE_ORIGIN, adminFeSignIn } from '../../helpers/legacy-sign-in.js';
import { answer, count, PASSWORD, postJson, sessionRow, whoAmI, written } from '../oauth/oauth.js';

/** Mastodon/Pleroma sign-in as admin-fe does it: POST /api/v1/apps, password grant, verify_credentials. */
const gw = useGateway({ LEGACY_TOKEN_TTL: '7d' });

const register = async (body: unknown, ip = '192.0.2.10') => {
  const request = new Request('http://gateway.test/api/v1/apps', {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf-8' },
    body: JSON.stringify(body),
  });
  return answer(await gw.app.fetch(request, { incoming: { socket: { remoteAddress: ip } } }));
};
const adminFeApp = { client_name: 'AdminFE_0.42', redirect_uris: `${ADMIN_FE_ORIGIN}/oauth-callback`, scopes: 'read write follow' };

describe('POST /api/v1/apps', () => {
  it("registers a confidential EXTERNAL application and answers Mastodon's app JSON (public, no token needed)", async () => {
    const made = await register(adminFeApp);
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      id: expect.any(String),
      name: 'AdminFE_0.42',
      redirect_uri: `${ADMIN_FE_ORIGIN}/oauth-callback`,
      client_id: expect.any(String),
      client_secret: expect.any(String),
      scopes: ['read', 'write', 'follow'],
    });
    const listed = await gw.gql(
      'query($id: String) { applications(filter: { clientId: $id }) { edges { node { role clientType grants oauthScopes legacyTokens scopes } } } }',
      { id: made.body.client_id },
      (await gw.user({ roles: ['admin'] })).token,
    );
    expect(listed.body.data.applications.edges[0].node).toEqual({
      role: 'EXTERNAL',
      clientType: 'CONFIDENTIAL',
      grants: ['password', 'authorization_code', 'refresh_token'],
      oauthScopes: ['read', 'write', 'follow'],
      legacyTokens: true,
      scopes: [],
    });
    const oob = await register({ ...adminFeApp, redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' });
    expect(oob.status).toBe(200);
  });

  it('refuses bad input with 422 and writes nothing', async () => {
    const before = await written(gw);
    for (const body of [
      {},
      { client_name: '', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' },
      { client_name: 'x' },
      { client_name: 'x', redirect_uris: 'javascript:alert(1)' },
      { client_name: 'x', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read everything' },
      { client_name: { a: 1 }, redirect_uris: 'x' },
    ]) {
      const refused = await register(body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.body.error).toMatch(/^Validation failed/);
    }
    const garbage = await gw.request('/api/v1/apps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(garbage.status).toBe(422);
    expect(await written(gw)).toEqual(before);
  });

  it('is limited per client address', async () => {
    const before = await count(gw, 'applications');
    let status = 200;
    let made = 0;
    for (let i = 0; i < 40 && status === 200; i++) {
      status = (await register({ ...adminFeApp, client_name: `flood ${i}` }, '198.51.100.77')).status;
      if (status === 200) made++;
    }
    expect(status).toBe(429);
    expect(made).toBe(30);
    expect(await count(gw, 'applications')).toBe(before + 30);
    expect((await register(adminFeApp, '198.51.100.78')).status).toBe(200);
  });
});

describe('signing in as admin-fe', () => {
  it('password grant (JSON) gives a legacy-lifetime token counted as write; verify_credentials says pleroma.is_admin', async () => {
    const admin = await gw.user({ roles: ['admin'], password: PASSWORD });
    const token = await adminFeSignIn(gw, admin.username, PASSWORD);
    expect(await whoAmI(gw, token)).toBe(admin.username);
    const session = (await sessionRow(gw, admin.id)).at(-1)!;
    expect(session).toMatchObject({ via: 'pleroma', token_scopes: ['read', 'write'] });
    expect(new Date(session.expires_at).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await mutate(gw, 'createUser', { username: 'made-from-admin-fe' }, token)).toMatchObject({ __typename: 'CreateUserSuccess' });
    const me = await answer(await gw.request('/api/v1/accounts/verify_credentials', { token }));
    expect(me.body).toMatchObject({
      id: admin.id.toString(),
      username: admin.username,
      acct: admin.username,
      display_name: expect.any(String),
      avatar: expect.stringMatching(/^http/),
      pleroma: { is_admin: true, is_moderator: false },
    });
  });

  it('verify_credentials: pleroma.is_admin false for a moderator; 401 without a valid token', async () => {
    const mod = await gw.user({ roles: ['moderator'], password: PASSWORD });
    const app = (await register(adminFeApp, '192.0.2.30')).body;
    const token = await postJson(gw, '/oauth/token', {
      client_id: app.client_id,
      client_secret: app.client_secret,
      grant_type: 'password',
      username: mod.username,
      password: PASSWORD,
    });
    expect(token.status).toBe(200);
    expect(token.body.expires_in).toBeGreaterThan(6 * 86_400);
    const me = await answer(await gw.request('/api/v1/accounts/verify_credentials', { token: token.body.access_token }));
    expect(me.body.pleroma).toMatchObject({ is_admin: false, is_moderator: true });
    expect((await gw.request('/api/v1/accounts/verify_credentials')).status).toBe(401);
    expect((await gw.request('/api/v1/accounts/verify_credentials', { token: 'garbage' })).status).toBe(401);
    await expect(adminFeSignIn(gw, mod.username, PASSWORD)).rejects.toThrow(/is_admin/);
    const wrong = await postJson(gw, '/oauth/token', {
      client_id: app.client_id,
      client_secret: app.client_secret,
      grant_type: 'password',
      username: mod.username,
      password: 'wrong',
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a token asking only read cannot write, and verify_credentials still answers', async () => {
    const admin = await gw.user({ roles: ['admin'], password: PASSWORD });
    const app = (await register(adminFeApp, '192.0.2.31')).body;
    const token = await postJson(gw, '/oauth/token', {
      client_id: app.client_id,
      client_secret: app.client_secret,
      grant_type: 'password',
      username: admin.username,
      password: PASSWORD,
      scope: 'read',
    });
    expect(await mutate(gw, 'createUser', { username: 'read-only-attempt' }, token.body.access_token)).toMatchObject({ error: 'FORBIDDEN' });
    expect((await gw.request('/api/v1/accounts/verify_credentials', { token: token.body.access_token })).status).toBe(200);
  });
});
