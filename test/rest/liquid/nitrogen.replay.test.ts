import { describe, expect, it } from 'vitest';
import { type TestGateway, useGateway } from '../../helpers/app.js';
import { mutate, restClient } from '../../helpers/clients.js';
import { NITROGEN_ENV, nitrogenSignIn } from '../../helpers/legacy-sign-in.js';

/**
 * Liquid Nitrogen (shrihari-prakash/nitrogen @ b11211b, 8d76351, c529f9c) replayed against the
 * gateway, request by request as ../shared/legacy-apis/clients.md §2 lists them: `Authorization:
 * Bearer <token>`, JSON bodies, paths from VITE_LIQUID_HOST (the gateway's base URL). Each step
 * asserts the fields Nitrogen reads from the answer.
 */
const gw = useGateway(NITROGEN_ENV);

/** Nitrogen's own sign-in: the Liquid host's entry, the sign-in form, then the code exchanged with PKCE. */
async function signIn(g: TestGateway, username: string, password: string): Promise<string> {
  return (await nitrogenSignIn(g, username, password)).accessToken;
}

const PASSWORD = 'nitrogen-pass-1';
const nitrogen = (token: string | null) => {
  const call = restClient(gw, '');
  return (method: string, path: string, json?: unknown) => call(method, path, token, json);
};

/** The fields of a user row Nitrogen's UserList reads (user-list-columns.tsx, b11211b). */
const ROW_FIELDS = [
  '_id',
  'username',
  'firstName',
  'lastName',
  'name',
  'profilePictureUrl',
  'isSubscribed',
  'subscriptionTier',
  'verified',
  'role',
  'email',
  'isRestricted',
  'isBanned',
  'organization',
  'followerCount',
  'followingCount',
  'credits',
];
/** And what its UserEditor reads beyond them (user-info, both forms). */
const INFO_FIELDS = [...ROW_FIELDS, 'bio', 'createdAt', 'middleName', 'emailVerified', 'country', 'scope'];

describe('Nitrogen against the gateway', () => {
  it('signs in, starts, walks every user page, edits a user end to end, manages clients and signs out', async () => {
    const admin = await gw.user({ roles: ['superadmin'], password: PASSWORD });
    const n = nitrogen(await signIn(gw, admin.username, PASSWORD));

    // ---- oauth-manager.me() and App.tsx's startup calls ----
    const me = await n('GET', '/user/me');
    expect(me.status).toBe(200);
    expect(me.body.data.user).toMatchObject({ _id: admin.id.toString(), role: 'super_admin' });
    expect(Array.isArray(me.body.data.user.scope)).toBe(true);
    const settings = (await n('GET', '/system/settings')).body.data.settings;
    expect(typeof settings['system.app-name']).toBe('string');
    expect(typeof settings['admin-api.user.profile.can-edit-peer-data']).toBe('boolean');
    const countries = (await n('GET', '/system/countries-insecure')).body.data.countries;
    expect(countries).toContainEqual({ name: 'Germany', code: '+49', iso: 'DE' });
    const editable = (await n('GET', '/user/admin-api/editable-fields')).body.data.editableFields;
    expect(editable).toEqual(
      expect.arrayContaining(['username', 'role', 'firstName', 'middleName', 'lastName', 'email', 'password', 'country', 'organization']),
    );
    const tiers = (await n('GET', '/user/admin-api/subscription-tiers')).body.data.subscriptionTiers;
    expect(tiers).toEqual([
      { name: 'basic', isBaseTier: true },
      { name: 'premium', isBaseTier: false },
    ]);

    // ---- UserList: 100 a page, offset = the last _id loaded, until totalUsers === users.length ----
    const seeded = Array.from({ length: 230 }, (_, i) => ({ username: `nitro_walk_${String(i).padStart(3, '0')}`, firstName: 'Walk', lastName: `Er${i}` }));
    expect(await mutate(gw, 'createUsers', { users: seeded }, admin.token)).toMatchObject({ __typename: 'CreateUsersSuccess' });
    const users: Record<string, unknown>[] = [];
    let totalUsers = 0;
    for (let pages = 0; pages === 0 || users.length < totalUsers; pages++) {
      expect(pages, 'pages walked').toBeLessThan(10);
      const offset = users.length ? `&offset=${users[users.length - 1]._id}` : '';
      const page = await n('GET', `/user/admin-api/list?limit=100${offset}`);
      expect(page.status).toBe(200);
      users.push(...page.body.data.users);
      totalUsers = page.body.data.totalUsers;
    }
    expect(users.length).toBe(totalUsers);
    expect(totalUsers).toBeGreaterThanOrEqual(231);
    expect(new Set(users.map((u) => u._id)).size).toBe(users.length);
    for (const row of users) {
      for (const field of ROW_FIELDS) expect(row, field).toHaveProperty(field);
      expect(typeof row.role).toBe('string');
      (row.role as string).split('_');
      if (row.firstName) expect(typeof (row.lastName as string).charAt(0)).toBe('string');
    }

    // ---- search, create (an array of one), user info in both forms ----
    const results = (await n('POST', '/user/admin-api/search', { query: 'nitro_walk_12' })).body.data.results;
    expect(results.map((u: { username: string }) => u.username)).toContain('nitro_walk_123');
    const person = { username: 'nitrogen_made', firstName: 'Nitro', lastName: 'Gen', email: 'nitrogen_made@example.org', password: PASSWORD };
    expect(await n('POST', '/user/admin-api/create', [person])).toMatchObject({ status: 201, body: { ok: 1 } });
    const bad = await n('POST', '/user/admin-api/create', [{ ...person, username: 'nitrogen_bad', email: 'not-an-email' }]);
    expect(bad.body.additionalInfo.errors[0].path).toBe('[0].email');
    expect((await n('POST', '/user/admin-api/create', [person])).body.additionalInfo.existingUsers.length).toBeGreaterThan(0);
    const found = (await n('POST', '/user/admin-api/search', { query: 'nitrogen_made' })).body.data.results[0];
    const id = found._id as string;
    const info = async () => {
      const old = (await n('GET', `/user/admin-api/user-info?targets=${id}`)).body.data.users[0];
      const posted = (await n('POST', '/user/admin-api/retrieve-user-info', { targets: [id] })).body.data.users[0];
      expect(posted).toEqual(old);
      for (const field of INFO_FIELDS) expect(old, field).toHaveProperty(field);
      return old;
    };
    expect(await info()).toMatchObject({ username: 'nitrogen_made', role: 'user', middleName: null, organization: null, country: null, scope: [] });

    // ---- BasicInfoEditor: only the changed fields; an emptied one as "__unset__" ----
    const update = (fields: Record<string, unknown>) => n('PATCH', '/user/admin-api/update', { target: id, ...fields });
    expect((await update({ middleName: 'Middle', organization: 'Zion', country: 'DE', role: 'admin' })).status).toBe(200);
    expect(await info()).toMatchObject({ middleName: 'Middle', organization: 'Zion', country: 'DE', role: 'admin' });
    expect((await update({ middleName: '__unset__', organization: '__unset__' })).status).toBe(200);
    expect(await info()).toMatchObject({ middleName: null, organization: null, country: 'DE' });
    const refused = await update({ emailVerified: true });
    expect(refused.status).toBe(401);
    expect(refused.body.additionalInfo.errors[0].param).toBe('emailVerified');

    // ---- CustomDataEditor, AdminSwitches, ScopeSelector ----
    expect((await n('PUT', '/user/admin-api/custom-data', { target: id, customData: { theme: 'dark', nested: { n: 1 } } })).status).toBe(200);
    for (const [path, field] of [
      ['verify', 'verified'],
      ['restrict', 'isRestricted'],
      ['ban', 'isBanned'],
    ] as const) {
      expect((await n('POST', `/user/admin-api/${path}`, { target: id, state: true })).status).toBe(200);
      expect((await info())[field]).toBe(true);
    }
    expect((await n('POST', '/user/admin-api/ban', { target: id, state: false })).status).toBe(200);
    const scope = ['admin:profile:read'];
    expect((await n('POST', '/user/admin-api/access', { targets: [id], targetType: 'user', scope, operation: 'set' })).status).toBe(200);
    expect([...(await info()).scope].sort()).toEqual([...scope].sort());

    // ---- LoginHistory: the user's sessions, an ended one included ----
    const theirs = await signIn(gw, 'nitrogen_made', PASSWORD);
    expect((await nitrogen(theirs)('GET', '/user/logout')).status).toBe(200);
    await signIn(gw, 'nitrogen_made', PASSWORD);
    const records = (await n('GET', `/user/admin-api/login-history?target=${id}`)).body.data.records;
    expect(records).toHaveLength(2);
    for (const r of records) expect(r).toMatchObject({ createdAt: expect.any(String), success: true, userAgent: expect.toBeOneOf([null, expect.any(String)]) });
    expect(records.map((r: { active: boolean }) => r.active).sort()).toEqual([false, true]);

    // ---- SubscriptionManager, credits (c529f9c) ----
    const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect((await n('POST', '/user/admin-api/subscription', { tier: 'premium', expiry, state: true, target: id })).status).toBe(200);
    expect(await info()).toMatchObject({ isSubscribed: true, subscriptionTier: 'premium' });
    expect((await n('POST', '/user/admin-api/credits', { target: id, type: 'set', value: 42 })).status).toBe(200);
    expect(await info()).toMatchObject({ credits: 42, customData: { theme: 'dark', nested: { n: 1 } } });

    // ---- ApplicationList and ApplicationEditor ----
    type Listed = { _id: string; id: string; scope: string[]; [field: string]: unknown };
    const listed = async () => (await n('GET', '/client/admin-api/list?limit=50')).body.data.clients as Listed[];
    const application = {
      id: 'nitrogen_app',
      displayName: 'Nitrogen App',
      secret: 'a-secret-the-admin-typed',
      role: 'internal_client',
      redirectUris: ['https://app.example.org/cb'],
      grants: ['authorization_code', 'refresh_token'],
    };
    const created = await n('POST', '/client/admin-api/create', application);
    expect(created.status).toBe(200);
    expect(created.body.data.client).toMatchObject({ id: 'nitrogen_app', displayName: 'Nitrogen App', role: 'internal_client' });
    const row = (await listed()).find((a) => a.id === 'nitrogen_app')!;
    for (const field of ['_id', 'id', 'displayName', 'role', 'grants', 'redirectUris', 'scope']) expect(row, field).toHaveProperty(field);
    // ApplicationEditor.update: the listed object without _id, scope, __v and falsy values (the empty secret).
    const { _id, scope: _s, ...edited }: Listed = { ...row, displayName: 'Nitrogen App 2' };
    expect((await n('PATCH', '/client/admin-api/update', { target: _id, ...edited })).status).toBe(200);
    expect((await listed()).find((a) => a.id === 'nitrogen_app')).toMatchObject({ displayName: 'Nitrogen App 2' });
    expect((await n('DELETE', '/client/admin-api/delete', { target: _id })).status).toBe(200);
    expect((await listed()).some((a) => a.id === 'nitrogen_app')).toBe(false);

    // ---- sign out: the token is refused from the next request on ----
    expect(await n('GET', '/user/logout')).toEqual({ status: 200, body: { ok: 1 } });
    expect(await n('GET', '/user/me')).toMatchObject({ status: 401, body: { ok: 0, error: 'Unauthorized' } });
  });
});
