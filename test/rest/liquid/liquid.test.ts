import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';

const gw = useGateway();
const BASE = '/user/admin-api';

const call = restClient(gw, BASE);

const count = async (q: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(q)))[0].n);
const person = (n: string) => ({ username: `liquid_${n}`, firstName: 'Liq', lastName: n, email: `liquid_${n}@example.org`, password: 'liquid-pass-1' });

describe('Liquid /user/admin-api', () => {
  it('every route: 401 without a token, 403 without the scope, nothing written', async () => {
    const plain = await gw.user();
    const t = plain.id.toString();
    const before = await count('select count(*)::int as n from audit_log');
    for (const [method, path, json] of [
      ['POST', '/access', { targets: [t], targetType: 'user', scope: ['admin:profile:read'], operation: 'add' }],
      ['POST', '/create', [person('denied01')]],
      ['GET', '/list', undefined],
      ['GET', `/user-info?targets=${t}`, undefined],
      ['PATCH', '/update', { target: t, firstName: 'x' }],
      ['PUT', '/custom-data', { target: t, customData: {} }],
      ['POST', '/ban', { target: t, state: true }],
      ['POST', '/restrict', { target: t, state: true }],
      ['POST', '/verify', { target: t, state: true }],
      ['POST', '/credits', { target: t, type: 'set', value: 5 }],
    ] as const) {
      expect((await call(method, path, null, json)).status, `${method} ${path}`).toBe(401);
      const denied = await call(method, path, plain.token, json);
      expect(denied, `${method} ${path}`).toMatchObject({ status: 403, body: { ok: 0, error: 'forbidden' } });
    }
    expect(await count('select count(*)::int as n from audit_log')).toBe(before);
  });

  it('create answers 201 with insertedCount, all or nothing; errors are {ok:0,error,message}', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const before = await count('select count(*)::int as n from users');
    expect(await call('POST', '/create', null, [person('anon1')])).toMatchObject({ status: 401, body: { ok: 0, error: 'unauthorized' } });
    expect(await call('POST', '/create', plain.token, [person('plain1')])).toMatchObject({ status: 403, body: { ok: 0, error: 'forbidden' } });
    const bad = await call('POST', '/create', admin.token, [person('good0001'), { ...person('x'), username: 'short' }]);
    expect(bad).toMatchObject({ status: 400, body: { ok: 0, error: 'bad_request' } });
    expect(bad.body.message).toContain('1.username');
    expect((await call('POST', '/create', admin.token, [{ ...person('extra001'), nickname: 'x' }])).status).toBe(400);
    expect(await count('select count(*)::int as n from users')).toBe(before);
    const made = await call('POST', '/create', admin.token, [
      person('alpha001'),
      { ...person('beta0001'), role: 'moderator', phoneCountryCode: '+49', phone: '301234567' },
    ]);
    expect(made).toEqual({ status: 201, body: { ok: 1, data: { insertedCount: 2 } } });
    expect((await call('POST', '/create', admin.token, [person('alpha001')])).body.error).toBe('conflict');
    // A role above the caller's own is refused.
    expect((await call('POST', '/create', admin.token, [{ ...person('gamma001'), role: 'super_admin' }])).status).toBe(403);
  });

  it('list pages by the last _id, user-info answers by ids, in Liquid user shape', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const page1 = await call('GET', '/list?limit=2', admin.token);
    expect(page1.status).toBe(200);
    expect(page1.body.ok).toBe(1);
    expect(page1.body.data.users).toHaveLength(2);
    const last = page1.body.data.users[1]._id;
    const page2 = await call('GET', `/list?limit=2&offset=${last}`, admin.token);
    expect(BigInt(page2.body.data.users[0]._id)).toBeGreaterThan(BigInt(last));
    const u = await gw.user({ roles: ['moderator'] });
    const info = await call('GET', `/user-info?targets=${u.id},${admin.id}`, admin.token);
    const shown = info.body.data.users.find((x: any) => x._id === u.id.toString());
    expect(shown).toMatchObject({
      _id: u.id.toString(),
      username: u.username,
      role: 'moderator',
      verified: false,
      verifiedDate: null,
      isBanned: false,
      isRestricted: false,
      credits: 0,
      customData: {},
    });
    expect((await call('GET', '/user-info?targets=abc', admin.token)).status).toBe(400);
    expect((await call('GET', '/list', (await gw.user()).token)).status).toBe(403);
  });

  it('update requires target; custom-data, ban (with a rank check), restrict, verify and credits (operation or type)', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const peer = await gw.user({ roles: ['admin'] });
    const t = target.id.toString();
    expect((await call('PATCH', '/update', admin.token, { firstName: 'No' })).status).toBe(400);
    expect(
      await call('PATCH', '/update', admin.token, { target: t, firstName: 'Yes', phoneCountryCode: '+33', phone: '612345678', role: 'moderator' }),
    ).toEqual({ status: 200, body: { ok: 1 } });
    expect(await call('PUT', '/custom-data', admin.token, { target: t, customData: { themePreference: 'dark', nestedKey: { integer: 1 } } })).toEqual({
      status: 200,
      body: { ok: 1 },
    });
    expect((await call('POST', '/restrict', admin.token, { target: t, state: true })).status).toBe(200);
    expect((await call('POST', '/verify', admin.token, { target: [t], state: true })).status).toBe(200);
    expect((await call('POST', '/credits', admin.token, { target: t, type: 'increment', value: 50 })).status).toBe(200);
    expect((await call('POST', '/credits', admin.token, { target: t, operation: 'decrement', value: 20 })).status).toBe(200);
    const below = await call('POST', '/credits', admin.token, { target: t, operation: 'decrement', value: 31 });
    expect(below).toMatchObject({ status: 400, body: { ok: 0, error: 'bad_request' } });
    const info = (await call('GET', `/user-info?targets=${t}`, admin.token)).body.data.users[0];
    expect(info).toMatchObject({
      firstName: 'Yes',
      phone: '+33 612345678',
      role: 'moderator',
      isRestricted: true,
      verified: true,
      credits: 30,
      customData: { themePreference: 'dark', nestedKey: { integer: 1 } },
    });
    expect((await call('POST', '/ban', admin.token, { target: t, state: true })).status).toBe(200);
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Liquid banned without a rank check; here an admin cannot ban a peer admin.
    expect((await call('POST', '/ban', admin.token, { target: peer.id.toString(), state: true })).status).toBe(403);
    expect((await call('POST', '/ban', admin.token, { target: t, state: false })).status).toBe(200);
    expect((await call('PUT', '/custom-data', admin.token, { target: '99999999', customData: {} })).status).toBe(404);
  });

  it('access maps Liquid scope names through one table; unknown names and client targets are refused', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const q = '{ users(first: 1) { totalCount } }';
    expect((await gw.gql(q, {}, target.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(
      await call('POST', '/access', admin.token, { targets: [target.id.toString()], targetType: 'user', scope: ['admin:profile:read'], operation: 'add' }),
    ).toEqual({ status: 200, body: { ok: 1 } });
    expect((await gw.gql(q, {}, target.token)).body.errors).toBeUndefined();
    expect(
      (await call('POST', '/access', admin.token, { targets: [target.id.toString()], targetType: 'user', scope: ['admin:profile:read'], operation: 'del' }))
        .status,
    ).toBe(200);
    expect((await gw.gql(q, {}, target.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(
      (await call('POST', '/access', admin.token, { targets: [target.id.toString()], targetType: 'user', scope: ['admin:made:up'], operation: 'add' })).status,
    ).toBe(400);
    expect((await call('POST', '/access', admin.token, { targets: ['1'], targetType: 'client', scope: ['admin:profile:read'], operation: 'add' })).status).toBe(
      404,
    );
    // admin:all is the catalog's `admin`, which an admin does not hold in full.
    expect(
      (await call('POST', '/access', admin.token, { targets: [target.id.toString()], targetType: 'user', scope: ['admin:all'], operation: 'set' })).status,
    ).toBe(403);
  });
});

describe('Liquid /client/admin-api and invite codes', () => {
  const client = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    grants: ['client_credentials'],
    redirectUris: ['https://redirect.uri'],
    role: 'external_client',
    scope: ['admin:profile:read'],
    displayName: 'My External Client',
    ...extra,
  });
  const callClient = restClient(gw, '/client/admin-api');

  it('create answers the generated secrets once; list never shows them; update and delete by DBID', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    for (const [method, path, json] of [
      ['POST', '/create', [client('nope_client')]],
      ['PATCH', '/update', { target: '1', displayName: 'x' }],
      ['DELETE', '/delete', { target: '1' }],
      ['GET', '/list', undefined],
    ] as const) {
      expect((await callClient(method, path, null, json)).status, `${method} ${path}`).toBe(401);
      expect((await callClient(method, path, plain.token, json)).status, `${method} ${path}`).toBe(403);
    }
    expect((await callClient('POST', '/create', admin.token, [client('with_secret', { secret: 'super-secure-client-secret' })])).status).toBe(400);
    expect((await callClient('POST', '/create', admin.token, [client('bad_uri', { redirectUris: ['http://evil.example'] })])).status).toBe(400);
    const made = await callClient('POST', '/create', admin.token, [client('external_client')]);
    expect(made.status).toBe(200);
    // A client's scope[] reads in Liquid's client names (admin:profile:read and client:profile:read are both admin:users:read).
    expect(made.body.data[0]).toMatchObject({ id: 'external_client', role: 'external_client', scope: ['client:profile:read'], grants: ['client_credentials'] });
    const secret = made.body.data[0].secret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await callClient('GET', '/list?limit=10', admin.token);
    expect(list.body.data.map((a: any) => a.id)).toEqual(['external_client']);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const dbid = made.body.data[0]._id;
    expect(await callClient('PATCH', '/update', admin.token, { target: dbid, displayName: 'Renamed' })).toEqual({ status: 200, body: { ok: 1 } });
    expect((await callClient('PATCH', '/update', admin.token, { target: dbid, secret: 'mine' })).status).toBe(400);
    expect((await callClient('GET', `/list?offset=${dbid}`, admin.token)).body.data).toEqual([]);
    expect(await callClient('DELETE', '/delete', admin.token, { target: dbid })).toEqual({ status: 200, body: { ok: 1 } });
    expect((await callClient('DELETE', '/delete', admin.token, { target: dbid })).status).toBe(404);
  });

  it("invite-codes lists a user's codes with the id of whoever used them", async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    const q = `mutation($input: CreateInviteInput!) { createInvite(input: $input) { __typename } }`;
    await gw.gql(q, { input: { code: 'GU-2526-1687389089010', owner: owner.gid } }, admin.token);
    await gw.gql(q, { input: { code: 'IE-2949-1687895089010', owner: owner.gid } }, admin.token);
    const reg = await gw.gql(
      `mutation($input: RegisterWithInviteInput!) { registerWithInvite(input: $input) { ... on RegisterWithInviteSuccess { account { id } } } }`,
      { input: { code: 'GU-2526-1687389089010', username: 'liquid_invitee', email: 'liquid_invitee@example.org', password: 'liquid-pass-1' } },
    );
    const used = Buffer.from(reg.body.data.registerWithInvite.account.id, 'base64').toString().split(':')[1];
    const res = await call('GET', `/invite-codes?target=${owner.id}`, admin.token);
    expect(res.status).toBe(200);
    const codes = res.body.data.inviteCodes;
    expect(codes.find((c: any) => c.code === 'GU-2526-1687389089010').targetId).toBe(used);
    expect(codes.find((c: any) => c.code === 'IE-2949-1687895089010').targetId).toBeUndefined();
    expect((await call('GET', `/invite-codes?target=${owner.id}`, owner.token)).status).toBe(403);
  });
});
