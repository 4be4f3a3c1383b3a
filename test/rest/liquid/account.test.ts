import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';

/** The Liquid routes Nitrogen needs beyond the documented admin API: each refused, fed bad input, and used. */
const gw = useGateway({ LIQUID_APP_NAME: 'Test Liquid', LIQUID_EDITABLE_FIELDS: 'firstName,middleName,country,organization,emailVerified,isDeleted,role' });
const call = restClient(gw, '');
const audits = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`))[0].n);

describe('Liquid: the caller and the system', () => {
  it('/user/me answers the caller in Liquid shape; /user/logout ends its session', async () => {
    expect(await call('GET', '/user/me', null)).toMatchObject({ status: 401, body: { ok: 0, error: 'Unauthorized' } });
    const mod = await gw.user({ roles: ['moderator'] });
    const me = await call('GET', '/user/me', mod.token);
    expect(me.body.data.user).toMatchObject({ _id: mod.id.toString(), username: mod.username, role: 'moderator', isSubscribed: false });
    expect(Array.isArray(me.body.data.user.scope)).toBe(true);
    expect(await call('GET', '/user/logout', null)).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
    expect(await call('GET', '/user/logout', mod.token)).toEqual({ status: 200, body: { ok: 1 } });
    expect((await call('GET', '/user/me', mod.token)).status).toBe(401);
    const [session] = await gw.database.rows<{ revoked: boolean }>(sql`select revoked_at is not null as revoked from sessions where id = ${mod.sessionId}`);
    expect(session.revoked).toBe(true);
  });

  it('/system/settings needs a caller and answers the configured app name; countries are public', async () => {
    expect(await call('GET', '/system/settings', null)).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
    const plain = await gw.user();
    const settings = await call('GET', '/system/settings', plain.token);
    expect(settings.body.data.settings).toEqual({
      'system.app-name': 'Test Liquid',
      'admin-api.user.profile.can-edit-peer-data': false,
      'pagination.default-limit': 50,
      'pagination.max-limit': 100,
    });
    const countries = await call('GET', '/system/countries-insecure', null);
    expect(countries.status).toBe(200);
    expect(countries.body.data.countries.length).toBeGreaterThan(200);
    expect(countries.body.data.countries).toContainEqual({ name: 'France', code: '+33', iso: 'FR' });
  });

  it('editable-fields and subscription-tiers answer the configuration to a signed-in caller', async () => {
    const plain = await gw.user();
    for (const path of ['/user/admin-api/editable-fields', '/user/admin-api/subscription-tiers'])
      expect(await call('GET', path, null), path).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
    expect((await call('GET', '/user/admin-api/editable-fields', plain.token)).body.data.editableFields).toEqual([
      'firstName',
      'middleName',
      'country',
      'organization',
      'emailVerified',
      'isDeleted',
      'role',
    ]);
    expect((await call('GET', '/user/admin-api/subscription-tiers', plain.token)).body.data.subscriptionTiers).toEqual([
      { name: 'basic', isBaseTier: true },
      { name: 'premium', isBaseTier: false },
    ]);
  });
});

describe('Liquid: subscription, login history, search, retrieve-user-info, update', () => {
  const info = async (token: string, id: bigint) =>
    (await call('POST', '/user/admin-api/retrieve-user-info', token, { targets: [id.toString()] })).body.data.users[0];

  it('POST /subscription: refused without the scope or on a peer, bad input named, then stored and audited', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const peer = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const target = await gw.user();
    const t = target.id.toString();
    const expiry = new Date(Date.now() + 86_400_000).toISOString();
    const before = await audits();
    expect((await call('POST', '/user/admin-api/subscription', null, { target: t, state: true, expiry, tier: 'premium' })).status).toBe(401);
    expect(await call('POST', '/user/admin-api/subscription', plain.token, { target: t, state: true, expiry, tier: 'premium' })).toMatchObject({
      status: 401,
      body: { error: 'InsufficientPrivileges' },
    });
    expect((await call('POST', '/user/admin-api/subscription', admin.token, { target: peer.id.toString(), state: true, expiry, tier: 'premium' })).status).toBe(
      401,
    );
    for (const [body, path] of [
      [{ target: t, tier: 'premium' }, 'state'],
      [{ target: t, state: true, tier: 'premium' }, 'expiry'],
      [{ target: t, state: true, expiry, tier: 'gold' }, 'tier'],
      [{ target: t, state: true, expiry: 'next tuesday', tier: 'premium' }, 'expiry'],
      [{ target: 'nobody', state: true, expiry }, 'target'],
    ] as const) {
      const res = await call('POST', '/user/admin-api/subscription', admin.token, body);
      expect(res, JSON.stringify(body)).toMatchObject({ status: 400, body: { ok: 0, error: 'ClientInputError' } });
      expect(res.body.additionalInfo.errors[0].path).toBe(path);
    }
    expect(await audits()).toBe(before);
    expect(await call('POST', '/user/admin-api/subscription', admin.token, { target: t, state: true, expiry, tier: 'premium' })).toEqual({
      status: 200,
      body: { ok: 1 },
    });
    expect(await info(admin.token, target.id)).toMatchObject({ isSubscribed: true, subscriptionTier: 'premium', subscriptionExpiry: expiry });
    expect(await audits()).toBe(before + 1);
    // Switched off: not subscribed, shown with the base tier (as Liquid's checkSubscription).
    expect((await call('POST', '/user/admin-api/subscription', admin.token, { target: t, state: false, tier: 'premium' })).status).toBe(200);
    expect(await info(admin.token, target.id)).toMatchObject({ isSubscribed: false, subscriptionTier: 'basic' });
  });

  it("GET /login-history lists a user's sessions, ended ones included; others need the scope", async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const target = await gw.user({ password: 'history-pass-1' });
    const login = () =>
      gw.gql('mutation($u: String!) { login(username: $u, password: "history-pass-1") { accessToken } }', { u: target.username }, null, {
        'user-agent': 'Nitrogen test',
      });
    await login();
    await gw.gql('mutation { logout { loggedOut } }', {}, target.token);
    expect((await call('GET', `/user/admin-api/login-history?target=${target.id}`, null)).status).toBe(401);
    expect((await call('GET', `/user/admin-api/login-history?target=${target.id}`, plain.token)).status).toBe(401);
    const bad = await call('GET', '/user/admin-api/login-history?target=x1', admin.token);
    expect(bad).toMatchObject({ status: 400, body: { error: 'ClientInputError' } });
    expect(bad.body.additionalInfo.errors[0]).toMatchObject({ path: 'target', value: 'x1', location: 'query' });
    const records = (await call('GET', `/user/admin-api/login-history?target=${target.id}`, admin.token)).body.data.records;
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ targetId: target.id.toString(), success: true, userAgent: 'Nitrogen test', active: true, endedAt: null });
    expect(records[1]).toMatchObject({ active: false, endedAt: expect.any(String) });
    expect(new Date(records[0].createdAt) >= new Date(records[1].createdAt)).toBe(true);
    // The user may read its own.
    expect((await call('GET', `/user/admin-api/login-history?target=${plain.id}&limit=1`, plain.token)).body.data.records).toHaveLength(1);
  });

  it('POST /search and /retrieve-user-info: need the read scope; a query object, an empty text or another field is refused', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const plain = await gw.user();
    const found = await gw.user({ username: 'searchable_person' });
    for (const [path, body] of [
      ['/user/admin-api/search', { query: 'searchable' }],
      ['/user/admin-api/retrieve-user-info', { targets: [found.id.toString()] }],
    ] as const) {
      expect((await call('POST', path, null, body)).status, path).toBe(401);
      expect((await call('POST', path, plain.token, body)).body.error, path).toBe('InsufficientPrivileges');
    }
    for (const body of [{ query: { username: 'x' } }, { query: '' }, {}]) {
      const res = await call('POST', '/user/admin-api/search', mod.token, body);
      expect(res, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: 'ClientInputError' } });
      expect(res.body.additionalInfo.errors[0].path).toBe('query');
    }
    for (const body of [{ targets: found.id.toString() }, { targets: [found.id.toString()], field: 'email' }]) {
      expect((await call('POST', '/user/admin-api/retrieve-user-info', mod.token, body)).status, JSON.stringify(body)).toBe(400);
    }
    const results = (await call('POST', '/user/admin-api/search', mod.token, { query: 'SEARCHABLE' })).body.data.results;
    expect(results.map((u: { username: string }) => u.username)).toEqual(['searchable_person']);
    const byId = (await call('POST', '/user/admin-api/search', mod.token, { query: found.id.toString() })).body.data.results;
    expect(byId.map((u: { _id: string }) => u._id)).toContain(found.id.toString());
    expect(await info(mod.token, found.id)).toMatchObject({ _id: found.id.toString(), username: 'searchable_person' });
  });

  it('PATCH /update: only the configured fields; __unset__ clears; country, organization and emailVerified are kept', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const t = target.id.toString();
    const before = await audits();
    const refused = await call('PATCH', '/user/admin-api/update', admin.token, { target: t, firstName: 'Ok', lastName: 'Not editable' });
    expect(refused).toMatchObject({ status: 401, body: { ok: 0, error: 'InsufficientPrivileges' } });
    expect(refused.body.additionalInfo.errors).toEqual([
      { type: 'field', value: 'Not editable', msg: 'Invalid value', path: 'lastName', location: 'body', param: 'lastName' },
    ]);
    const badCountry = await call('PATCH', '/user/admin-api/update', admin.token, { target: t, country: 'Germany' });
    expect(badCountry.body.additionalInfo.errors[0]).toMatchObject({ path: 'country', value: 'Germany' });
    expect((await call('PATCH', '/user/admin-api/update', admin.token, { target: t, isDeleted: true })).status).toBe(400);
    expect(await audits()).toBe(before);
    const set = { target: t, firstName: 'Ada', middleName: 'K', country: 'de', organization: 'Analytical', emailVerified: true };
    expect(await call('PATCH', '/user/admin-api/update', admin.token, set)).toEqual({ status: 200, body: { ok: 1 } });
    expect(await info(admin.token, target.id)).toMatchObject({
      firstName: 'Ada',
      middleName: 'K',
      country: 'DE',
      organization: 'Analytical',
      emailVerified: true,
    });
    expect(
      (await call('PATCH', '/user/admin-api/update', admin.token, { target: t, middleName: '__unset__', country: '__unset__', role: '__unset__' })).status,
    ).toBe(200);
    expect(await info(admin.token, target.id)).toMatchObject({ firstName: 'Ada', middleName: null, country: null, role: 'user' });
  });
});
