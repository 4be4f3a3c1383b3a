import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';

const gw = useGateway();
const count = async (q: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(q)))[0].n);
const app = (n: string, extra: Record<string, unknown> = {}) => ({
  clientId: `client_${n}`,
  displayName: `Client ${n}`,
  grants: ['client_credentials'],
  redirectUris: ['https://client.example/cb'],
  role: 'EXTERNAL',
  scopes: ['admin:users:read'],
  ...extra,
});
const SEL = 'result { clientSecret application { id clientId grants redirectUris role scopes } }';

describe('applications', () => {
  it('create shows the secret once and stores only its hash; list never shows it', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    expect(await mutate(gw, 'createApplication', app('denied'), mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'createApplication', app('anon'), null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    const made = await mutate(
      gw,
      'createApplication',
      app('one', { grants: ['authorization_code', 'refresh_token'], redirectUris: ['https://a.example/cb', 'http://localhost:3000/cb'] }),
      admin.token,
      SEL,
    );
    expect(made.result.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.result.application).toMatchObject({ clientId: 'client_one', role: 'EXTERNAL', grants: ['authorization_code', 'refresh_token'] });
    const stored =
      JSON.stringify(await gw.database.rows(sql`select * from applications`)) + JSON.stringify(await gw.database.rows(sql`select * from audit_log`));
    expect(stored).not.toContain(made.result.clientSecret);
    const list = await gw.gql('{ applications(first: 10) { edges { node { clientId scopes } } } }', {}, admin.token);
    expect(list.body.data.applications.edges.map((e: any) => e.node.clientId)).toEqual(['client_one']);
    expect(JSON.stringify(list.body)).not.toContain(made.result.clientSecret);
    expect((await gw.gql('{ applications(first: 1) { edges { cursor } } }', {}, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const rotated = await mutate(gw, 'rotateApplicationSecret', { id: made.result.application.id }, admin.token, 'result { clientSecret }');
    expect(rotated.result.clientSecret).not.toBe(made.result.clientSecret);
    expect((await mutate(gw, 'createApplication', app('one'), admin.token)).code).toBe('CONFLICT');
  });

  it('validates grants, redirect URIs and scopes against the role and the actor', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const before = await count('select count(*)::int as n from applications');
    const bad = await mutate(gw, 'createApplication', app('bad', { redirectUris: ['http://evil.example/cb', 'relative/path'] }), admin.token);
    expect(bad.code).toBe('BAD_INPUT');
    expect(bad.fields.map((f: any) => f.path.join('.'))).toEqual(['input.redirectUris.0', 'input.redirectUris.1']);
    expect(
      (
        await gw.gql(
          `mutation { createApplication(input: { clientId: "x1", displayName: "x", grants: [implicit], redirectUris: [], role: INTERNAL, scopes: [] }) { __typename } }`,
          {},
          admin.token,
        )
      ).body.errors[0].extensions.code,
    ).toBe('BAD_INPUT');
    expect((await mutate(gw, 'createApplication', app('ext', { scopes: ['admin:users:write'] }), admin.token)).code).toBe('BAD_INPUT');
    // The admin role does not hold admin:roles:write, so it cannot give it to an application.
    expect(await mutate(gw, 'createApplication', app('int', { role: 'INTERNAL', scopes: ['admin:roles:write'] }), admin.token)).toMatchObject({
      error: 'FORBIDDEN',
    });
    expect(await count('select count(*)::int as n from applications')).toBe(before);
  });

  it('update, setScopes on APPLICATION targets, delete; each audited', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const made = await mutate(gw, 'createApplication', app('two', { role: 'INTERNAL' }), admin.token, SEL);
    const id = made.result.application.id;
    const updated = await mutate(
      gw,
      'updateApplication',
      { id, displayName: 'Renamed', scopes: ['admin:users:read', 'admin:audit:read'] },
      admin.token,
      'application { displayName scopes }',
    );
    expect(updated.application).toEqual({ displayName: 'Renamed', scopes: ['admin:users:read', 'admin:audit:read'] });
    const set = await mutate(
      gw,
      'setScopes',
      { targets: [id], targetType: 'APPLICATION', scopes: ['admin:users:write'], operation: 'ADD' },
      admin.token,
      'result { changedCount }',
    );
    expect(set.result.changedCount).toBe(1);
    expect(
      (await mutate(gw, 'setScopes', { targets: [id], targetType: 'APPLICATION', scopes: ['admin:roles:write'], operation: 'ADD' }, admin.token)).error,
    ).toBe('FORBIDDEN');
    expect(
      (
        await mutate(
          gw,
          'setScopes',
          { targets: [id], targetType: 'APPLICATION', scopes: ['admin:users:read'], operation: 'ADD', expiresAt: new Date(Date.now() + 60_000).toISOString() },
          admin.token,
        )
      ).code,
    ).toBe('BAD_INPUT');
    expect((await mutate(gw, 'deleteApplication', { id, reason: 'retired' }, admin.token, 'application { clientId }')).application.clientId).toBe('client_two');
    expect((await mutate(gw, 'deleteApplication', { id }, admin.token)).code).toBe('NOT_FOUND');
    const actions = await gw.database.rows<{ action: string }>(sql`select action from audit_log where target_type = 'Application' order by seq`);
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['application.create', 'application.update', 'scopes.set', 'application.delete']));
  });
});
