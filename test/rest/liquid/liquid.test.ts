import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';

// Liquid's default editable fields, plus the phone this file's update sends.
const gw = useGateway({
  LIQUID_EDITABLE_FIELDS:
    'username,email,password,isDeleted,role,firstName,lastName,middleName,bio,pronouns,customLink,organization,designation,gender,preferredLanguage,country,phone',
});
const BASE = '/user/admin-api';

const call = restClient(gw, BASE);

const count = async (q: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(q)))[0].n);
const person = (n: string) => ({ username: `liquid_${n}`, firstName: 'Liq', lastName: n, email: `liquid_${n}@example.org`, password: 'liquid-pass-1' });

describe('Liquid /user/admin-api', () => {
  it('every route: 401 Unauthorized without a token, 401 InsufficientPrivileges without the scope, nothing written', async () => {
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
      // Liquid's ScopeManager answers a missing scope with 401 InsufficientPrivileges, not 403.
      expect(denied, `${method} ${path}`).toMatchObject({ status: 401, body: { ok: 0, error: 'InsufficientPrivileges' } });
      expect(denied.body.message).toBeUndefined();
    }
    expect(await count('select count(*)::int as n from audit_log')).toBe(before);
  });

  it('create answers 201 with insertedCount, all or nothing; errors are {ok:0,error,additionalInfo}', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const before = await count('select count(*)::int as n from users');
    expect(await call('POST', '/create', null, [person('anon1')])).toMatchObject({ status: 401, body: { ok: 0, error: 'Unauthorized' } });
    expect(await call('POST', '/create', plain.token, [person('plain1')])).toMatchObject({ status: 401, body: { ok: 0, error: 'InsufficientPrivileges' } });
    const bad = await call('POST', '/create', admin.token, [person('good0001'), { ...person('x'), username: 'short' }]);
    // express-validator 7 items, at Liquid's own path for an array body (Nitrogen reads errors[0].path).
    expect(bad).toMatchObject({ status: 400, body: { ok: 0, error: 'ClientInputError' } });
    expect(bad.body.additionalInfo.errors[0]).toEqual({
      type: 'field',
      value: 'short',
      msg: 'letters, digits and _, at least 8',
      path: '[1].username',
      location: 'body',
      param: '[1].username',
    });
    // A problem the gateway finds (here the email) is answered at the Liquid path too.
    const badEmail = await call('POST', '/create', admin.token, [person('good0002'), { ...person('bademail'), email: 'nope' }]);
    expect(badEmail.body.additionalInfo.errors[0]).toMatchObject({ path: '[1].email', value: 'nope', location: 'body' });
    expect((await call('POST', '/create', admin.token, [{ ...person('extra001'), nickname: 'x' }])).status).toBe(400);
    expect(await count('select count(*)::int as n from users')).toBe(before);
    const made = await call('POST', '/create', admin.token, [
      person('alpha001'),
      { ...person('beta0001'), role: 'moderator', phoneCountryCode: '+49', phone: '301234567' },
    ]);
    expect(made).toEqual({ status: 201, body: { ok: 1, data: { insertedCount: 2 } } });
    // As Liquid: a taken name is a 400 ClientInputError with existingUsers (Nitrogen: "User already exists!").
    const taken = await call('POST', '/create', admin.token, [person('alpha001')]);
    expect(taken).toMatchObject({
      status: 400,
      body: { ok: 0, error: 'ClientInputError', additionalInfo: { existingUsers: expect.arrayContaining([{ username: 'liquid_alpha001' }]) } },
    });
    // A role above the caller's own is refused.
    expect((await call('POST', '/create', admin.token, [{ ...person('gamma001'), role: 'super_admin' }])).status).toBe(401);
  });

  it('list pages by the last _id, user-info answers by ids, in Liquid user shape', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const page1 = await call('GET', '/list?limit=2', admin.token);
    expect(page1.status).toBe(200);
    expect(page1.body.ok).toBe(1);
    expect(page1.body.data.users).toHaveLength(2);
    expect(page1.body.data.totalUsers).toBe(
      Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from users where status <> 'DELETED'`))[0].n),
    );
    const last = page1.body.data.users[1]._id;
    const page2 = await call('GET', `/list?limit=2&offset=${last}`, admin.token);
    expect(BigInt(page2.body.data.users[0]._id)).toBeGreaterThan(BigInt(last));
    expect(page2.body.data.totalUsers).toBe(page1.body.data.totalUsers);
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
      isSubscribed: false,
      subscriptionTier: 'basic',
      followerCount: 0,
      followingCount: 0,
    });
    const badTarget = await call('GET', '/user-info?targets=abc', admin.token);
    expect(badTarget).toMatchObject({ status: 400, body: { error: 'ClientInputError' } });
    expect(badTarget.body.additionalInfo.errors[0]).toMatchObject({ path: 'targets[0]', location: 'query' });
    expect((await call('GET', '/list', (await gw.user()).token)).status).toBe(401);
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
    expect(below).toMatchObject({ status: 400, body: { ok: 0, error: 'ClientInputError' } });
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
    expect((await call('POST', '/ban', admin.token, { target: peer.id.toString(), state: true })).status).toBe(401);
    expect((await call('POST', '/ban', admin.token, { target: t, state: false })).status).toBe(200);
    expect(await call('PUT', '/custom-data', admin.token, { target: '99999999', customData: {} })).toMatchObject({ status: 404, body: { error: 'NotFound' } });
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
    ).toBe(401);
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

  it('create (array or one object) answers each secret once; a chosen secret is kept hashed; list answers data.clients without secrets', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    for (const [method, path, json] of [
      ['POST', '/create', [client('nope_client')]],
      ['POST', '/create', client('nope_client')],
      ['PATCH', '/update', { target: '1', displayName: 'x' }],
      ['DELETE', '/delete', { target: '1' }],
      ['GET', '/list', undefined],
    ] as const) {
      expect((await callClient(method, path, null, json)).status, `${method} ${path}`).toBe(401);
      expect(await callClient(method, path, plain.token, json), `${method} ${path}`).toMatchObject({ status: 401, body: { error: 'InsufficientPrivileges' } });
    }
    const before = await count('select count(*)::int as n from applications');
    // A chosen secret shorter than 16 characters is refused, naming the field Nitrogen's toast reads.
    const short = await callClient('POST', '/create', admin.token, [client('short_secret', { secret: 'mine' })]);
    expect(short).toMatchObject({ status: 400, body: { error: 'ClientInputError' } });
    expect(short.body.additionalInfo.errors[0]).toMatchObject({ param: '[0].secret', value: 'mine' });
    expect((await callClient('POST', '/create', admin.token, [client('bad_uri', { redirectUris: ['http://evil.example'] })])).status).toBe(400);
    expect(await count('select count(*)::int as n from applications')).toBe(before);
    const made = await callClient('POST', '/create', admin.token, [client('external_client')]);
    expect(made.status).toBe(200);
    // A client's scope[] reads in Liquid's client names (admin:profile:read and client:profile:read are both admin:users:read).
    expect(made.body.data[0]).toMatchObject({ id: 'external_client', role: 'external_client', scope: ['client:profile:read'], grants: ['client_credentials'] });
    const secret = made.body.data[0].secret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // One object, as Nitrogen sends it (no scope; an empty secret means "generate one"): data.client.
    const one = await callClient('POST', '/create', admin.token, { ...client('nitrogen_made'), scope: undefined, secret: '' });
    expect(one).toMatchObject({ status: 200, body: { ok: 1, data: { client: { id: 'nitrogen_made', displayName: 'My External Client' } } } });
    expect(one.body.data.client.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A chosen secret (16 characters or more) is the one in force, answered once, stored only as a hash.
    const chosen = 'a-chosen-secret-of-mine-42';
    const mine = await callClient('POST', '/create', admin.token, client('chosen_secret', { secret: chosen }));
    expect(mine).toMatchObject({ status: 200, body: { data: { client: { id: 'chosen_secret', secret: chosen } } } });
    const stored = await gw.database.rows<{ row: string }>(sql`select a::text as row from applications a where client_id = 'chosen_secret'`);
    expect(stored[0].row).not.toContain(chosen);
    const list = await callClient('GET', '/list?limit=50', admin.token);
    expect(list.body.data.clients.map((a: any) => a.id)).toEqual(['external_client', 'nitrogen_made', 'chosen_secret']);
    expect(Object.keys(list.body.data.clients[0]).sort()).toEqual(['_id', 'displayName', 'grants', 'id', 'redirectUris', 'role', 'scope']);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(JSON.stringify(list.body)).not.toContain(chosen);
    const dbid = made.body.data[0]._id;
    expect(await callClient('PATCH', '/update', admin.token, { target: dbid, displayName: 'Renamed' })).toEqual({ status: 200, body: { ok: 1 } });
    expect((await callClient('PATCH', '/update', admin.token, { target: dbid, secret: 'a-new-secret-on-update' })).status).toBe(400);
    const last = list.body.data.clients[2]._id;
    expect((await callClient('GET', `/list?offset=${last}`, admin.token)).body.data.clients).toEqual([]);
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
    expect((await call('GET', `/invite-codes?target=${owner.id}`, owner.token)).status).toBe(401);
  });
});
