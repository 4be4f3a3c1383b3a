import { beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeApplication } from '../../helpers/factories.js';
import { answer, PASSWORD, postForm, postJson, sessionRow, whoAmI, written } from './oauth.js';

/** POST /oauth/token: every grant, rotation and reuse, narrowing, revocation, refusals. */
const gw = useGateway();
let admin: Awaited<ReturnType<typeof gw.user>>;
let app: Awaited<ReturnType<typeof makeApplication>>;

beforeAll(async () => {
  admin = await gw.user({ roles: ['admin'], password: PASSWORD });
  app = await makeApplication(gw, {
    clientId: 'tool',
    role: 'INTERNAL',
    grants: ['password', 'refresh_token', 'client_credentials', 'authorization_code'],
    redirectUris: ['https://tool.example/cb'],
    by: admin.id,
  });
});

const password = (extra: Record<string, string> = {}) => ({ grant_type: 'password', username: admin.username, password: PASSWORD, ...extra });

describe('password grant', () => {
  it('form-encoded with the secret in the body, and JSON with HTTP basic: a session of the application, listed and working', async () => {
    const form = await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret }));
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String), scope: 'read write' });
    expect(form.body.expires_in).toBeGreaterThan(890);
    expect(form.body.expires_in).toBeLessThanOrEqual(900);
    expect(form.headers.get('cache-control')).toBe('no-store');
    const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
    const json = await postJson(gw, '/oauth/token', password(), { authorization: `Basic ${basic}` });
    expect(json.status).toBe(200);
    expect(await whoAmI(gw, json.body.access_token)).toBe(admin.username);
    const listed = await gw.gql('{ sessions(userId: null, first: 50) { edges { node { key via } } } }', {}, admin.token);
    const vias = (listed.body.data?.sessions.edges ?? []).map((e: { node: { via: string } }) => e.node.via);
    expect(vias.filter((v: string) => v === 'oauth').length).toBeGreaterThanOrEqual(2);
    const rows = (await sessionRow(gw, admin.id)).filter((r) => r.via === 'oauth');
    expect(rows.every((r) => r.application_id === app.id.toString())).toBe(true);
  });

  it('a wrong password and an unknown user get the same answer and write nothing', async () => {
    const before = await written(gw);
    const wrong = await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret, password: 'nope nope nope' }));
    const unknown = await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret, username: 'nobody-here' }));
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid username or password' } });
    expect(unknown.body).toEqual(wrong.body);
    expect(await written(gw)).toEqual(before);
  });

  it('shares the rate limit with GraphQL login: failures there refuse the grant from the same address', async () => {
    const victim = await gw.user({ password: PASSWORD });
    for (let i = 0; i < 5; i++)
      await gw.gqlFrom('203.0.113.7', 'mutation($u: String!) { login(username: $u, password: "wrong!") { accessToken } }', { u: victim.username });
    const before = await written(gw);
    const refused = await postForm(
      gw,
      '/oauth/token',
      { ...password(), username: victim.username, client_id: app.clientId, client_secret: app.clientSecret },
      { ip: '203.0.113.7' },
    );
    expect(refused).toMatchObject({ status: 429, body: { error: 'temporarily_unavailable', error_description: 'Too many attempts; try again later' } });
    expect(await written(gw)).toEqual(before);
    const elsewhere = await postForm(
      gw,
      '/oauth/token',
      { ...password(), username: victim.username, client_id: app.clientId, client_secret: app.clientSecret },
      { ip: '198.51.100.9' },
    );
    expect(elsewhere.status).toBe(200);
  });

  it('only for applications granted it', async () => {
    const other = await makeApplication(gw, { clientId: 'no-password', grants: ['client_credentials'], by: admin.id });
    const refused = await postForm(gw, '/oauth/token', password({ client_id: other.clientId, client_secret: other.clientSecret }));
    expect(refused).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });
});

describe('refresh_token', () => {
  it('rotates; an already-rotated token revokes the session, so its newest access token is refused next', async () => {
    const first = (await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret }))).body;
    const second = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      { basic: [app.clientId, app.clientSecret] },
    );
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(await whoAmI(gw, second.body.access_token)).toBe(admin.username);
    const reused = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      { basic: [app.clientId, app.clientSecret] },
    );
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await whoAmI(gw, second.body.access_token)).toBe('UNAUTHENTICATED');
    const after = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: second.body.refresh_token },
      { basic: [app.clientId, app.clientSecret] },
    );
    expect(after.status).toBe(400);
  });

  it("needs the confidential client's secret, and refuses another client's token", async () => {
    const tokens = (await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret }))).body;
    const noSecret = await postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: app.clientId });
    expect(noSecret).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    const other = await makeApplication(gw, { clientId: 'other-refresher', grants: ['refresh_token'], by: admin.id });
    const stolen = await postForm(
      gw,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { basic: [other.clientId, other.clientSecret] },
    );
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await whoAmI(gw, tokens.access_token)).toBe(admin.username);
  });
});

describe('client_credentials', () => {
  it("acts as the application's creator, narrowed by its own scopes list: a list of :read scopes reads but cannot write", async () => {
    const reader = await makeApplication(gw, { clientId: 'reader', grants: ['client_credentials'], scopes: ['admin:users:read'], by: admin.id });
    const got = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials' }, { basic: [reader.clientId, reader.clientSecret] });
    expect(got.status).toBe(200);
    expect(got.body.refresh_token).toBeUndefined();
    expect(await whoAmI(gw, got.body.access_token)).toBe(admin.username);
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, got.body.access_token)).body.data.users.totalCount).toBeGreaterThan(0);
    expect(await mutate(gw, 'createUser', { username: 'made-by-reader' }, got.body.access_token)).toMatchObject({ error: 'FORBIDDEN' });
    const wrong = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials' }, { basic: [reader.clientId, 'not-the-secret'] });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrong.headers.get('www-authenticate')).toContain('Basic');
  });
});

describe('token narrowing and revocation', () => {
  it('a `read` token cannot run a mutation that needs a write scope; revokeSession ends an OAuth token at once', async () => {
    const read = (await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret, scope: 'read' }))).body;
    expect(read.scope).toBe('read');
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, read.access_token)).body.data.users.totalCount).toBeGreaterThan(0);
    expect(await mutate(gw, 'createUser', { username: 'made-by-read-token' }, read.access_token)).toMatchObject({ error: 'FORBIDDEN' });
    const write = (await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret }))).body;
    expect(await mutate(gw, 'createUser', { username: 'made-by-full-token' }, write.access_token)).toMatchObject({ __typename: 'CreateUserSuccess' });
    const row = (await sessionRow(gw, admin.id)).at(-1)!;
    expect(row.token_scopes).toEqual(['read', 'write']);
    expect(await mutate(gw, 'revokeSession', { id: row.id }, admin.token)).toMatchObject({ __typename: 'RevokeSessionSuccess' });
    expect(await whoAmI(gw, write.access_token)).toBe('UNAUTHENTICATED');
  });

  it('scopes the application did not register are invalid_scope, with nothing written', async () => {
    const before = await written(gw);
    const bad = await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret, scope: 'read admin:everything' }));
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await written(gw)).toEqual(before);
  });

  it('POST /oauth/revoke (RFC 7009) ends the session of an access or refresh token; unknown tokens get 200 too; a wrong secret 401', async () => {
    const a = (await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret }))).body;
    expect(
      (await postForm(gw, '/oauth/revoke', { token: a.refresh_token, token_type_hint: 'refresh_token' }, { basic: [app.clientId, app.clientSecret] })).status,
    ).toBe(200);
    expect(await whoAmI(gw, a.access_token)).toBe('UNAUTHENTICATED');
    const b = (await postForm(gw, '/oauth/token', password({ client_id: app.clientId, client_secret: app.clientSecret }))).body;
    const other = await makeApplication(gw, { clientId: 'revoker', grants: ['client_credentials'], by: admin.id });
    expect((await postForm(gw, '/oauth/revoke', { token: b.access_token }, { basic: [other.clientId, other.clientSecret] })).status).toBe(200);
    expect(await whoAmI(gw, b.access_token)).toBe(admin.username);
    expect(await postForm(gw, '/oauth/revoke', { token: b.access_token }, { basic: [app.clientId, 'wrong'] })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect((await postForm(gw, '/oauth/revoke', { token: b.access_token, client_id: app.clientId, client_secret: app.clientSecret })).status).toBe(200);
    expect(await whoAmI(gw, b.access_token)).toBe('UNAUTHENTICATED');
    expect((await postForm(gw, '/oauth/revoke', { token: 'garbage' }, { basic: [app.clientId, app.clientSecret] })).status).toBe(200);
    expect(await postForm(gw, '/oauth/revoke', {}, { basic: [app.clientId, app.clientSecret] })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });
});

describe('metadata and bad input', () => {
  it('serves RFC 8414 metadata', async () => {
    const meta = await answer(await gw.request('/.well-known/oauth-authorization-server'));
    expect(meta.body).toMatchObject({
      issuer: 'http://localhost:4000',
      authorization_endpoint: 'http://localhost:4000/oauth/authorize',
      token_endpoint: 'http://localhost:4000/oauth/token',
      revocation_endpoint: 'http://localhost:4000/oauth/revoke',
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials', 'password']),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    });
  });

  it('answers every malformed request with a 4xx OAuth error, never a 500, and writes nothing', async () => {
    const before = await written(gw);
    const raw = (body: string, type: string) => gw.request('/oauth/token', { method: 'POST', headers: { 'content-type': type }, body }).then(answer);
    const cases = [
      await raw('', 'application/x-www-form-urlencoded'),
      await raw('grant_type=password', 'text/plain'),
      await raw('{not json', 'application/json'),
      await raw('[1,2]', 'application/json'),
      await raw(JSON.stringify({ grant_type: { nested: true }, client_id: app.clientId }), 'application/json'),
      await raw(`grant_type=password&grant_type=client_credentials&client_id=${app.clientId}`, 'application/x-www-form-urlencoded'),
      await raw(`grant_type=password&client_id=${app.clientId}&client_secret=${app.clientSecret}&username=%00&password=x`, 'application/x-www-form-urlencoded'),
      await raw(`grant_type=nonsense&client_id=${app.clientId}&client_secret=${app.clientSecret}`, 'application/x-www-form-urlencoded'),
      await raw(`grant_type=password&client_id=${'x'.repeat(5000)}&client_secret=s`, 'application/x-www-form-urlencoded'),
      await raw(
        `grant_type=refresh_token&client_id=${app.clientId}&client_secret=${app.clientSecret}&refresh_token=not-a-token`,
        'application/x-www-form-urlencoded',
      ),
      await raw(
        `grant_type=authorization_code&client_id=${app.clientId}&client_secret=${app.clientSecret}&code=nope&redirect_uri=https://tool.example/cb`,
        'application/x-www-form-urlencoded',
      ),
      await raw(`grant_type=password&client_id=nobody&client_secret=s&username=a&password=b`, 'application/x-www-form-urlencoded'),
    ];
    for (const c of cases) {
      expect(c.status, JSON.stringify(c.body)).toBeGreaterThanOrEqual(400);
      expect(c.status, JSON.stringify(c.body)).toBeLessThan(500);
      expect(typeof c.body.error).toBe('string');
    }
    expect(cases.map((c) => c.body.error)).toContain('unsupported_grant_type');
    expect(await written(gw)).toEqual(before);
  });
});
