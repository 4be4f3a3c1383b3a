import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { makeInvite, unique } from '../helpers/factories.js';
import { answerChecker } from '../helpers/openapi.js';

const gw = useGateway();

const person = () => ({
  username: unique('liquid_oa_').slice(0, 30),
  firstName: 'Open',
  lastName: 'Api',
  email: `${unique('liquid_oa')}@example.org`,
  password: 'liquid-pass-1',
});
const client = (id: string) => ({
  id,
  grants: ['client_credentials'],
  redirectUris: ['https://redirect.example'],
  role: 'external_client',
  scope: ['admin:profile:read'],
  displayName: id,
});

describe('Liquid admin OpenAPI documents', () => {
  it('/user/admin-api/openapi.json describes every answer of the user routes', async () => {
    const { call, unchecked } = await answerChecker(gw, '/user/admin-api');
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const target = await gw.user();
    const t = String(target.id);
    await makeInvite(gw, { ownerId: target.id });

    expect((await call('POST', '/access', admin.token, { targets: [t], targetType: 'user', scope: ['admin:profile:read'], operation: 'add' })).status).toBe(
      200,
    );
    expect((await call('POST', '/access', admin.token, { targets: [t], targetType: 'user', scope: ['admin:made:up'], operation: 'add' })).status).toBe(400);
    expect((await call('POST', '/create', admin.token, [person()])).status).toBe(201);
    expect((await call('POST', '/create', plain.token, [person()])).status).toBe(401);
    expect((await call('POST', '/create', admin.token, [{ ...person(), username: target.username.padEnd(8, '_') }])).status).toBe(400);
    expect((await call('GET', '/list?limit=5', admin.token)).body.data.users.length).toBeGreaterThan(0);
    expect((await call('GET', '/list?limit=-1', admin.token)).status).toBe(400);
    expect((await call('GET', `/user-info?targets=${t}`, admin.token)).body.data.users).toHaveLength(1);
    expect((await call('GET', '/user-info?targets=abc', admin.token)).status).toBe(400);
    expect((await call('POST', '/retrieve-user-info', admin.token, { targets: [t] })).body.data.users).toHaveLength(1);
    expect((await call('POST', '/retrieve-user-info', admin.token, { targets: [] })).status).toBe(400);
    expect((await call('POST', '/search', admin.token, { query: target.username })).body.data.results).toHaveLength(1);
    expect((await call('POST', '/search', admin.token, { query: 5 })).status).toBe(400);
    expect((await call('PATCH', '/update', admin.token, { target: t, firstName: 'Changed', middleName: '__unset__' })).status).toBe(200);
    expect((await call('PATCH', '/update', admin.token, { target: t, email: 'nope' })).status).toBe(400);
    expect((await call('PATCH', '/update', admin.token, { target: t, credits: 5 })).status).toBe(401);
    expect((await call('PUT', '/custom-data', admin.token, { target: t, customData: { a: 1 } })).status).toBe(200);
    expect((await call('PUT', '/custom-data', plain.token, { target: t, customData: { a: 1 } })).status).toBe(401);
    for (const path of ['/restrict', '/verify', '/ban']) {
      expect((await call('POST', path, admin.token, { target: t, state: true })).status).toBe(200);
      expect((await call('POST', path, admin.token, { target: t, state: 'yes' })).status).toBe(400);
    }
    expect((await call('POST', '/credits', admin.token, { target: t, type: 'set', value: 5 })).status).toBe(200);
    expect((await call('POST', '/credits', admin.token, { target: t, operation: 'decrement', value: 9 })).status).toBe(400);
    expect((await call('GET', `/invite-codes?target=${t}`, admin.token)).body.data.inviteCodes).toHaveLength(1);
    expect((await call('GET', '/invite-codes?target=abc', admin.token)).status).toBe(400);
    expect((await call('GET', '/editable-fields', plain.token)).body.data.editableFields).toContain('firstName');
    expect((await call('GET', '/editable-fields', null)).status).toBe(401);
    expect((await call('GET', '/subscription-tiers', admin.token)).body.data.subscriptionTiers.length).toBeGreaterThan(0);
    expect((await call('GET', '/subscription-tiers', null)).status).toBe(401);
    expect((await call('POST', '/subscription', admin.token, { target: t, state: true, expiry: '2100-01-01', tier: 'premium' })).status).toBe(200);
    expect((await call('POST', '/subscription', admin.token, { target: t, state: true, expiry: '2100-01-01', tier: 'gold' })).status).toBe(400);
    expect((await call('GET', `/login-history?target=${t}`, admin.token)).body.data.records).toHaveLength(1);
    expect((await call('GET', '/login-history?target=abc', admin.token)).status).toBe(400);

    expect(unchecked()).toEqual([]);
  });

  it('/client/admin-api/openapi.json describes every answer of the client routes', async () => {
    const { call, unchecked } = await answerChecker(gw, '/client/admin-api');
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });

    const created = await call('POST', '/create', admin.token, [client(unique('oa_client'))]);
    expect(created.body.data[0].secret).toBeTruthy();
    expect((await call('POST', '/create', admin.token, client(unique('oa_client')))).body.data.client.secret).toBeTruthy();
    expect((await call('POST', '/create', mod.token, [client(unique('oa_client'))])).status).toBe(401);
    const target = created.body.data[0]._id;
    expect((await call('PATCH', '/update', admin.token, { target, displayName: 'Renamed' })).status).toBe(200);
    expect((await call('PATCH', '/update', mod.token, { target, displayName: 'Renamed' })).status).toBe(401);
    expect((await call('GET', '/list', admin.token)).body.data.clients.length).toBe(2);
    expect((await call('GET', '/list?limit=-1', admin.token)).status).toBe(400);
    expect((await call('DELETE', '/delete', admin.token, { target })).status).toBe(200);
    expect((await call('DELETE', '/delete', admin.token, { target: 'abc' })).status).toBe(400);

    expect(unchecked()).toEqual([]);
  });

  it('/roles/admin-api/openapi.json describes every answer of the role routes', async () => {
    const { call, unchecked } = await answerChecker(gw, '/roles/admin-api');
    const root = await gw.user({ roles: ['superadmin'] });

    expect((await call('POST', '/create', root.token, { id: 'oa_role', displayName: 'OpenAPI', ranking: 900 })).body.data.role.ranking).toBe(900);
    expect((await call('POST', '/create', root.token, { id: 'oa_role2', displayName: 'OpenAPI', ranking: 1 })).status).toBe(400);
    expect((await call('PATCH', '/update', root.token, { target: 'oa_role', displayName: 'Renamed' })).body.data.role.displayName).toBe('Renamed');
    expect((await call('PATCH', '/update', root.token, { displayName: 'Renamed' })).status).toBe(400);
    expect((await call('DELETE', '/delete', root.token, { target: 'oa_role' })).status).toBe(200);
    expect((await call('DELETE', '/delete', root.token, {})).status).toBe(400);

    expect(unchecked()).toEqual([]);
  });
});
