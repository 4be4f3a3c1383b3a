import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { toRank, toRanking } from '../../../src/rest/liquid/roles.routes.js';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { makeRole } from '../../helpers/factories.js';

const gw = useGateway();
const roles = restClient(gw, '/roles');
const userApi = restClient(gw, '/user/admin-api');

/** The roles table, grants and audit log: a refused request changes none. */
const written = async () =>
  (
    await gw.database.rows<{ t: string }>(
      sql.raw(`select concat_ws('|', (select string_agg(t::text, ',' order by t.id) from roles t),
        (select string_agg(concat(user_id, role_id), ',' order by user_id, role_id) from user_roles), (select count(*) from audit_log)) as t`),
    )
  )[0].t;
/**
 * Refused for a missing scope or rank: 403 `forbidden` in the envelope of this branch, 401
 * `InsufficientPrivileges` in Liquid's own (the Liquid routes branch); either, never anything else.
 */
function expectDenied(res: { status: number; body: { error?: string } | null }, why = ''): void {
  expect(['403 forbidden', '401 InsufficientPrivileges'], `${why} ${JSON.stringify(res.body)}`).toContain(`${res.status} ${res.body?.error}`);
}

const rankOf = async (name: string) => (await gw.database.rows<{ rank: number }>(sql`select rank from roles where name = ${name}`))[0]?.rank;

describe('Liquid ranking', () => {
  it('runs the other way: 1 is the highest; translation is its own inverse', () => {
    expect(toRanking(1000)).toBe(1);
    expect(toRanking(100)).toBe(901);
    expect(toRanking(1)).toBe(1000);
    for (const rank of [1, 10, 100, 500, 999, 1000]) expect(toRank(toRanking(rank))).toBe(rank);
  });
});

describe('GET /roles/list', () => {
  it('401 without a token; any signed-in user gets every role in Liquid’s shape, highest first, plain accounts as `user` last', async () => {
    expect(await roles('GET', '/list?limit=50', null)).toMatchObject({ status: 401, body: { ok: 0 } });
    const plain = await gw.user();
    await makeRole(gw, { name: 'liquid_list_helpers', rank: 40, scopes: ['admin:users:read'] });
    const res = await roles('GET', '/list?limit=50', plain.token);
    expect(res.status).toBe(200);
    const list = res.body.data.roles as { id: string; ranking: number }[];
    expect(list.map((r) => [r.id, r.ranking])).toEqual([
      ['super_admin', 1],
      ['admin', 901],
      ['liquid_list_helpers', 961],
      ['moderator', 991],
      // CookieCMS's level 2 (rank 5, no scopes) is a built-in role too.
      ['premium', 996],
      ['user', 1001],
    ]);
    expect(list[0]).toMatchObject({ id: 'super_admin', displayName: 'Super Admin', scope: ['*'], type: 'user', system: true });
    expect(list[2]).toEqual({
      _id: expect.any(String),
      id: 'liquid_list_helpers',
      displayName: 'liquid_list_helpers',
      description: '',
      ranking: 961,
      scope: ['admin:profile:read'],
      type: 'user',
    });
  });
});

describe('/roles/admin-api', () => {
  it('create, update, delete: 401 without a token, 403 without admin:roles:write or for a role not ranked below the caller; nothing written', async () => {
    const plain = await gw.user();
    const admin = await gw.user({ roles: ['admin'] });
    await makeRole(gw, { name: 'liquid_rolesmith', rank: 600, scopes: ['admin:roles:read', 'admin:roles:write'] });
    const smith = await gw.user({ roles: ['liquid_rolesmith'] });
    await makeRole(gw, { name: 'liquid_high', rank: 700 });
    const before = await written();
    const create = { id: 'liquid_denied', displayName: 'Denied', ranking: 800 };
    for (const [method, path, body] of [
      ['POST', '/admin-api/create', create],
      ['PATCH', '/admin-api/update', { target: 'moderator', displayName: 'x' }],
      ['DELETE', '/admin-api/delete', { target: 'liquid_high' }],
    ] as const) {
      expect((await roles(method, path, null, body)).status, path).toBe(401);
      expectDenied(await roles(method, path, plain.token, body), path);
      // The built-in admin role reads and grants roles but does not write them.
      expectDenied(await roles(method, path, admin.token, body), path);
    }
    // Ranking 300 is rank 701, not below the rolesmith's 600; nor is liquid_high (700).
    expectDenied(await roles('POST', '/admin-api/create', smith.token, { ...create, ranking: 300 }));
    expectDenied(await roles('PATCH', '/admin-api/update', smith.token, { target: 'liquid_high', displayName: 'x' }));
    expectDenied(await roles('DELETE', '/admin-api/delete', smith.token, { target: 'liquid_high' }));
    expect(await written()).toBe(before);
    expect((await roles('POST', '/admin-api/create', smith.token, { ...create, ranking: 402 })).status).toBe(200);
    expect(await rankOf('liquid_denied')).toBe(599);
  });

  it('bad input is a 400 in Liquid’s envelope and writes nothing', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    await makeRole(gw, { name: 'liquid_taken', rank: 20 });
    const before = await written();
    const good = { id: 'liquid_fine', displayName: 'Fine', ranking: 900 };
    for (const bad of [
      { ...good, id: 'has space' },
      { ...good, id: 'x' },
      { ...good, id: 'user' },
      { ...good, ranking: 1 },
      { ...good, ranking: 0 },
      { ...good, ranking: '5' },
      { ...good, displayName: '' },
      { id: 'liquid_fine', ranking: 900 },
      { ...good, description: 'x'.repeat(513) },
    ]) {
      const res = await roles('POST', '/admin-api/create', root.token, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.ok).toBe(0);
    }
    expect((await roles('PATCH', '/admin-api/update', root.token, { displayName: 'x' })).status).toBe(400);
    expect((await roles('PATCH', '/admin-api/update', root.token, { target: 'liquid_taken', ranking: 1 })).status).toBe(400);
    // Built-in roles keep their rank (Liquid refuses any change to its system roles).
    expect((await roles('PATCH', '/admin-api/update', root.token, { target: 'super_admin', ranking: 5 })).status).toBe(400);
    // A taken name and a built-in role's deletion conflict: 400 `conflict` here, 409 `ResourceConflict` in Liquid's envelope.
    const conflict = ['400 conflict', '409 ResourceConflict'];
    const taken = await roles('POST', '/admin-api/create', root.token, { ...good, id: 'liquid_taken' });
    expect(conflict).toContain(`${taken.status} ${taken.body.error}`);
    const builtIn = await roles('DELETE', '/admin-api/delete', root.token, { target: 'moderator' });
    expect(conflict).toContain(`${builtIn.status} ${builtIn.body.error}`);
    expect((await roles('DELETE', '/admin-api/delete', root.token, {})).status).toBe(400);
    expect((await roles('PATCH', '/admin-api/update', root.token, { target: 'liquid_nope', displayName: 'x' })).status).toBe(404);
    expect((await roles('DELETE', '/admin-api/delete', root.token, { target: 'liquid_nope' })).status).toBe(404);
    expect(await written()).toBe(before);
  });

  it('happy path: create (scope ignored, as Liquid does), update, give through access, delete (its holders become plain users)', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const made = await roles('POST', '/admin-api/create', root.token, {
      id: 'liquid_editors',
      displayName: 'Editors',
      ranking: 500,
      description: 'Edit things',
      scope: ['*'],
      type: 'user',
    });
    expect(made).toEqual({
      status: 200,
      body: {
        ok: 1,
        data: {
          role: { _id: expect.any(String), id: 'liquid_editors', displayName: 'Editors', description: 'Edit things', ranking: 500, scope: [], type: 'user' },
        },
      },
    });
    expect(await rankOf('liquid_editors')).toBe(501);
    const updated = await roles('PATCH', '/admin-api/update', root.token, {
      target: 'liquid_editors',
      ranking: 300,
      displayName: 'Chief editors',
      scope: ['*'],
    });
    expect(updated.body.data.role).toMatchObject({ id: 'liquid_editors', displayName: 'Chief editors', description: 'Edit things', ranking: 300, scope: [] });
    expect(await rankOf('liquid_editors')).toBe(701);
    // Scopes come through access, in Liquid's names, and show in the list.
    expect(
      (
        await userApi('POST', '/access', root.token, {
          targets: ['liquid_editors'],
          targetType: 'role',
          scope: ['admin:profile:write', 'delegated:all'],
          operation: 'set',
        })
      ).status,
    ).toBe(200);
    const listed = (await roles('GET', '/list', root.token)).body.data.roles.find((r: { id: string }) => r.id === 'liquid_editors');
    expect(listed).toMatchObject({ ranking: 300, scope: ['admin:profile:write', 'delegated:all'] });
    const holder = await gw.user({ roles: ['liquid_editors'] });
    expect(await roles('DELETE', '/admin-api/delete', root.token, { target: 'liquid_editors' })).toEqual({ status: 200, body: { ok: 1, data: {} } });
    const after = await gw.gql('query($id: ID!) { user(id: $id) { roles { name } } }', { id: holder.gid }, root.token);
    expect(after.body.data.user.roles).toEqual([]);
    expect((await roles('GET', '/list', root.token)).body.data.roles.map((r: { id: string }) => r.id)).not.toContain('liquid_editors');
  });
});
