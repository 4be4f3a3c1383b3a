import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { answer } from '../../rest/oauth/oauth.js';

/** Public clients (no secret, PKCE) and a secret chosen by the administrator. */
const gw = useGateway();
const count = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from applications`))[0].n);
const app = (n: string, extra: Record<string, unknown> = {}) => ({
  clientId: `ct_${n}`,
  displayName: `Client ${n}`,
  grants: ['client_credentials'],
  redirectUris: ['https://client.example/cb'],
  role: 'INTERNAL',
  scopes: [],
  ...extra,
});
const SEL = 'result { clientSecret application { id clientId clientType oauthScopes legacyTokens } }';
const token = (clientId: string, secret: string) =>
  gw
    .request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString(),
    })
    .then(answer);

describe('a client-chosen secret', () => {
  it('is accepted from a holder of admin:applications:write, stored as a hash, answered once, and authenticates the client', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const secret = 'my-own-secret-0123456789';
    expect(await mutate(gw, 'createApplication', app('denied', { secret }), mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    const made = await mutate(gw, 'createApplication', app('chosen', { secret }), admin.token, SEL);
    expect(made.result).toMatchObject({
      clientSecret: secret,
      application: { clientType: 'CONFIDENTIAL', oauthScopes: ['read', 'write'], legacyTokens: false },
    });
    const stored =
      JSON.stringify(await gw.database.rows(sql`select * from applications`)) + JSON.stringify(await gw.database.rows(sql`select * from audit_log`));
    expect(stored).not.toContain(secret);
    expect((await token('ct_chosen', secret)).status).toBe(200);
    expect(await token('ct_chosen', 'my-own-secret-012345678X')).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });

  it('shorter than 16 characters (or with spaces) is BAD_INPUT at input.secret, with nothing written', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const before = await count();
    for (const secret of ['too-short', 'has a space in it here']) {
      const refused = await mutate(gw, 'createApplication', app('short', { secret }), admin.token);
      expect(refused.code).toBe('BAD_INPUT');
      expect(refused.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual(['input.secret']);
    }
    const batch = await mutate(gw, 'createApplications', { applications: [app('b1'), app('b2', { secret: 'short' })] }, admin.token);
    expect(batch.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual(['input.applications.1.secret']);
    expect(await count()).toBe(before);
  });
});

describe('public clients', () => {
  it('have no secret (clientSecret null, nothing to rotate) and only grants that need none', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const made = await mutate(gw, 'createApplication', app('spa', { clientType: 'PUBLIC', grants: ['authorization_code', 'refresh_token'] }), admin.token, SEL);
    expect(made.result).toMatchObject({ clientSecret: null, application: { clientType: 'PUBLIC' } });
    const [row] = await gw.database.rows<{ secret_hash: string | null }>(sql`select secret_hash from applications where client_id = 'ct_spa'`);
    expect(row.secret_hash).toBeNull();
    const rotate = await mutate(gw, 'rotateApplicationSecret', { id: made.result.application.id }, admin.token);
    expect(rotate.code).toBe('BAD_INPUT');
    const before = await count();
    const refused = await mutate(
      gw,
      'createApplication',
      app('bad-spa', { clientType: 'PUBLIC', grants: ['client_credentials'], secret: 'a-secret-for-public' }),
      admin.token,
    );
    expect(refused.code).toBe('BAD_INPUT');
    expect(refused.fields.map((f: { path: string[] }) => f.path.join('.')).sort()).toEqual(['input.grants', 'input.secret']);
    const update = await mutate(gw, 'updateApplication', { id: made.result.application.id, grants: ['password'] }, admin.token);
    expect(update.code).toBe('BAD_INPUT');
    expect(await count()).toBe(before);
  });

  it('accept the out-of-band redirect URI; OAuth scopes outside read/write/follow/push/admin are refused', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const ok = await mutate(
      gw,
      'createApplication',
      app('oob', { redirectUris: ['urn:ietf:wg:oauth:2.0:oob'], oauthScopes: ['read', 'follow'] }),
      admin.token,
      SEL,
    );
    expect(ok.result.application.oauthScopes).toEqual(['read', 'follow']);
    const bad = await mutate(gw, 'createApplication', app('scopes', { oauthScopes: ['root'] }), admin.token);
    expect(bad.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual(['input.oauthScopes.0']);
  });
});
