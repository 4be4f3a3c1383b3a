import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { LIQUID_SCOPE_NAMES } from '../../../src/access/liquid-scopes.js';
import { LIQUID_SCOPE_TREE } from '../../../src/access/liquid-scopes.data.js';
import { useGateway } from '../../helpers/app.js';
import { mutate, restClient } from '../../helpers/clients.js';
import { makeApplication, makeRole } from '../../helpers/factories.js';

const gw = useGateway();
const user = restClient(gw, '/user');
const clients = restClient(gw, '/client/admin-api');

/** Every row that access provisioning may write, and the audit log: a refused request changes none. */
async function written(): Promise<string> {
  const rows = await gw.database.rows<{ t: string }>(
    sql.raw(`select concat_ws('|',
      (select string_agg(t::text, ',' order by t::text) from liquid_scope_sets t),
      (select string_agg(concat(user_id, scope, expires_at), ',' order by user_id, scope) from user_scopes),
      (select string_agg(concat(id, scopes), ',' order by id) from roles),
      (select string_agg(concat(id, scopes), ',' order by id) from applications),
      (select count(*) from audit_log)) as t`),
  );
  return rows[0].t;
}

/**
 * Refused for a missing scope or rank: 403 `forbidden` in the envelope of this branch, 401
 * `InsufficientPrivileges` in Liquid's own (the Liquid routes branch); either, never anything else.
 */
function expectDenied(res: { status: number; body: { error?: string } | null }, why = ''): void {
  expect(['403 forbidden', '401 InsufficientPrivileges'], `${why} ${JSON.stringify(res.body)}`).toContain(`${res.status} ${res.body?.error}`);
}

const access = (token: string | null, body: unknown) => user('POST', '/admin-api/access', token, body);
/** A user's scope[] as Nitrogen reads it (user-info). */
const scopeOf = async (token: string, id: bigint): Promise<string[]> => {
  const res = await user('GET', `/admin-api/user-info?targets=${id}`, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.users[0].scope;
};
const explain = async (token: string, gid: string, scope: string) =>
  (
    await gw.gql(
      'query($u: ID!, $s: String!) { explainAccess(userId: $u, scope: $s) { scope catalogScope liquidScopes held via { kind grantedScope active role { name } } } }',
      { u: gid, s: scope },
      token,
    )
  ).body;

describe('GET /user/scopes', () => {
  it("answers Liquid's whole tree, keyed by name, each entry as scopes.json has it (to anyone, as Liquid does)", async () => {
    const res = await user('GET', '/scopes', null);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(1);
    expect(Object.keys(res.body.data.scopes)).toEqual(LIQUID_SCOPE_NAMES);
    for (const entry of LIQUID_SCOPE_TREE) expect(res.body.data.scopes[entry.name]).toEqual(entry);
  });
});

describe('POST /user/admin-api/access', () => {
  it('access: 401 without a token, 403 without admin:roles:grant or beyond the rank rule or for a name not held; nothing written', async () => {
    const plain = await gw.user();
    const mod = await gw.user({ roles: ['moderator'] });
    const admin = await gw.user({ roles: ['admin'] });
    const peer = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const before = await written();
    const body = (targets: bigint[], scope = ['admin:profile:read']) => ({ targets: targets.map(String), targetType: 'user', scope, operation: 'set' });
    expect(await access(null, body([target.id]))).toMatchObject({ status: 401, body: { ok: 0 } });
    expectDenied(await access(plain.token, body([target.id])));
    expectDenied(await access(mod.token, body([target.id])));
    expectDenied(await access(admin.token, body([target.id, peer.id])));
    // `*` and the stored-only admin:roles:delete are held with the catalog's `admin`, which an admin lacks.
    expectDenied(await access(admin.token, body([target.id], ['*'])));
    expectDenied(await access(admin.token, body([target.id], ['admin:roles:delete'])));
    expect(await written()).toBe(before);
    expect(await access(admin.token, body([target.id], ['admin:profile:read', 'admin:system:internal-client:write']))).toEqual({
      status: 200,
      body: { ok: 1 },
    });
    expect(await written()).not.toBe(before);
  });

  it('bad input: an unknown scope name (anywhere in the list), a bad target or type is a 400 in Liquid’s envelope, nothing written', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user();
    const before = await written();
    const t = String(target.id);
    for (const bad of [
      { targets: [t], targetType: 'user', scope: ['admin:profile:read', 'admin:made:up'], operation: 'set' },
      { targets: [t], targetType: 'user', scope: ['admin:users:read'], operation: 'add' },
      { targets: ['not-an-id'], targetType: 'user', scope: ['admin:profile:read'], operation: 'set' },
      { targets: [t], targetType: 'group', scope: ['admin:profile:read'], operation: 'set' },
      { targets: [t], targetType: 'user', scope: ['admin:profile:read'], operation: 'replace' },
      { targets: [], targetType: 'user', scope: ['admin:profile:read'], operation: 'set' },
      { targets: [t], targetType: 'user', scope: 'admin:profile:read', operation: 'set' },
    ]) {
      const res = await access(root.token, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.ok).toBe(0);
    }
    const unknown = await access(root.token, { targets: [t], targetType: 'user', scope: ['admin:made:up'], operation: 'set' });
    expect(JSON.stringify(unknown.body)).toContain('scope');
    // A target that does not exist: 404, nothing written.
    expect((await access(root.token, { targets: ['999999999'], targetType: 'user', scope: ['admin:profile:read'], operation: 'set' })).status).toBe(404);
    expect(await written()).toBe(before);
  });

  it('every Liquid name round-trips exactly through access set → user-info scope[]', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user();
    for (const name of LIQUID_SCOPE_NAMES) {
      expect((await access(root.token, { targets: [String(target.id)], targetType: 'user', scope: [name], operation: 'set' })).status, name).toBe(200);
      expect(await scopeOf(root.token, target.id), name).toEqual([name]);
    }
    // Unfolded, in any order, mixed: read back exactly as sent.
    const mixed = ['delegated:profile:search', 'admin:all', 'admin:profile:read', 'client:oauth:introspect', 'admin:roles:delete'];
    await access(root.token, { targets: [String(target.id)], targetType: 'user', scope: mixed, operation: 'set' });
    expect(await scopeOf(root.token, target.id)).toEqual(mixed);
  });

  it("Nitrogen's dialog: set with the list read back loses none and changes nothing; an edit keeps the rest", async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user({ roles: ['moderator'] });
    // Granted before, through GraphQL, in catalog scopes: today's dialog wiped these.
    await mutate(
      gw,
      'setScopes',
      { targets: [target.gid], targetType: 'USER', scopes: ['admin:invites:read', 'admin:applications'], operation: 'SET' },
      root.token,
    );
    await access(root.token, { targets: [String(target.id)], targetType: 'user', scope: ['delegated:all'], operation: 'add' });
    const read = await scopeOf(root.token, target.id);
    expect(read).toEqual(['admin:system:all', 'admin:social:invite-code:read', 'delegated:all']);
    const before = await written();
    expect(await access(root.token, { targets: [String(target.id)], targetType: 'user', scope: read, operation: 'set' })).toEqual({
      status: 200,
      body: { ok: 1 },
    });
    expect(await written()).toBe(before);
    expect(await scopeOf(root.token, target.id)).toEqual(read);
    // Nitrogen adds a name (children folded into a selected parent) and sends the whole list.
    const edited = [...read, 'admin:profile:all'];
    await access(root.token, { targets: [String(target.id)], targetType: 'user', scope: edited, operation: 'set' });
    expect(await scopeOf(root.token, target.id)).toEqual(edited);
    const grants = await gw.gql('query($id: ID!) { explainAccess(userId: $id, scope: "admin:applications:write") { held } }', { id: target.gid }, root.token);
    expect(grants.body.data.explainAccess.held).toBe(true);
    // The moderator role is not the user's scope[]: Liquid keeps role scopes on the role.
    expect(edited).not.toContain('admin:profile:write');
    // del takes away exactly the names given.
    await access(root.token, { targets: [String(target.id)], targetType: 'user', scope: ['admin:system:all'], operation: 'del' });
    expect(await scopeOf(root.token, target.id)).toEqual(['admin:social:invite-code:read', 'delegated:all', 'admin:profile:all']);
    expect((await explain(root.token, target.gid, 'admin:applications:write')).data.explainAccess.held).toBe(false);
  });

  it('a stored-only name is held through its nearest enforced ancestor; explainAccess shows both', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    // admin:system:internal-client:write is stored-only, under admin:system:client:all (admin:applications).
    const viaRole = (await explain(root.token, admin.gid, 'admin:system:internal-client:write')).data.explainAccess;
    expect(viaRole).toMatchObject({ scope: 'admin:system:internal-client:write', catalogScope: 'admin:applications', held: true });
    expect(viaRole.via).toEqual([{ kind: 'ROLE', grantedScope: 'admin:applications', active: true, role: { name: 'admin' } }]);
    expect(viaRole.liquidScopes).toEqual(['admin:system:all']);
    expect((await explain(root.token, plain.gid, 'admin:system:internal-client:write')).data.explainAccess.held).toBe(false);
    // Stored for the user directly, it is held in Liquid's sense, though it grants nothing in the gateway.
    await access(root.token, { targets: [String(plain.id)], targetType: 'user', scope: ['admin:system:internal-client:all'], operation: 'set' });
    const stored = (await explain(root.token, plain.gid, 'admin:system:internal-client:write')).data.explainAccess;
    expect(stored.held).toBe(true);
    expect(stored.via).toEqual([{ kind: 'LIQUID', grantedScope: 'admin:system:internal-client:all', active: true, role: null }]);
    expect((await explain(root.token, plain.gid, 'admin:applications:write')).data.explainAccess.held).toBe(false);
    // A catalog scope lists the Liquid names it covers.
    const catalog = (await explain(root.token, admin.gid, 'admin:users:read')).data.explainAccess;
    expect(catalog).toMatchObject({ scope: 'admin:users:read', catalogScope: 'admin:users:read', held: true });
    expect(catalog.liquidScopes).toEqual(['client:profile:read', 'admin:profile:read']);
    expect((await explain(root.token, admin.gid, 'made:up')).errors[0].extensions.code).toBe('BAD_INPUT');
    expect((await explain(plain.token, admin.gid, 'admin:profile:read')).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('clients and roles keep their names exactly too (client list scope[], role list scope[]); an external client gets no write scope', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const app = await makeApplication(gw, { role: 'EXTERNAL' });
    const names = ['client:profile:read', 'client:social:all'];
    expect((await access(root.token, { targets: [String(app.id)], targetType: 'client', scope: names, operation: 'set' })).status).toBe(200);
    const list = await clients('GET', '/list?limit=50', root.token);
    expect(list.body.data.clients.find((c: { _id: string }) => c._id === String(app.id)).scope).toEqual(names);
    const before = await written();
    expect((await access(root.token, { targets: [String(app.id)], targetType: 'client', scope: ['client:profile:write'], operation: 'add' })).status).toBe(400);
    expect(await written()).toBe(before);
    const role = await makeRole(gw, { name: 'liquid_editors', rank: 50 });
    expect(
      (await access(root.token, { targets: ['liquid_editors'], targetType: 'role', scope: ['admin:profile:all', 'delegated:all'], operation: 'set' })).status,
    ).toBe(200);
    const roles = await gw.gql('query($id: ID!) { node(id: $id) { ... on Role { scopes liquidScopes } } }', { id: role.gid }, root.token);
    expect(roles.body.data.node).toEqual({ scopes: [], liquidScopes: ['admin:profile:all', 'delegated:all'] });
    expect((await access(root.token, { targets: ['no_such_role'], targetType: 'role', scope: ['delegated:all'], operation: 'set' })).status).toBe(404);
  });
});
