import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeRole, makeRoleGrant } from '../../helpers/factories.js';

const gw = useGateway();

const count = async (query: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(query)))[0].n);
const roleNames = async (token: string) => (await gw.gql('{ viewer { roles { name } } }', {}, token)).body.data?.viewer.roles.map((r: any) => r.name);
const soon = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

/** A custom role that may grant, ranked between moderator (10) and admin (100). */
// The moderator role's scopes (admin:follows:read since follows, admin:profiles since pronouns, admin:skins:read/write since skins) and the grant scope: a granter may give moderator.
async function granter(
  rank = 50,
  scopes = ['admin:roles:grant', 'admin:roles:read', 'admin:users:read', 'admin:users:write', 'admin:follows:read', 'admin:profiles', 'admin:skins:read', 'admin:skins:write'],
) {
  const name = `granter_${rank}_${Math.random().toString(36).slice(2, 7)}`;
  const root = await gw.user({ roles: ['superadmin'] });
  await makeRole(gw, { name, rank, scopes, by: root.id });
  return gw.user({ roles: [name] });
}

describe('roles', () => {
  it('createRole/updateRole/deleteRole need admin:roles:write; superadmin may; bad input writes nothing', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const root = await gw.user({ roles: ['superadmin'] });
    const before = await count('select count(*)::int as n from roles');
    expect(await mutate(gw, 'createRole', { name: 'helpers', rank: 5, scopes: ['admin:users:read'] }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'createRole', { name: 'helpers', rank: 5, scopes: ['admin:users:read'] }, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    const bad = await mutate(gw, 'createRole', { name: 'x', rank: 1000, scopes: ['admin:nope'] }, root.token);
    expect(bad.__typename).toBe('BadInputError');
    expect(bad.fields.map((f: any) => f.path.join('.'))).toEqual(expect.arrayContaining(['input.name', 'input.rank', 'input.scopes.0']));
    expect(await count('select count(*)::int as n from roles')).toBe(before);

    const made = await mutate(
      gw,
      'createRole',
      { name: 'helpers', rank: 5, description: 'Help desk', scopes: ['admin:users:read'] },
      root.token,
      'role { id name rank scopes builtIn }',
    );
    expect(made.role).toMatchObject({ name: 'helpers', rank: 5, scopes: ['admin:users:read'], builtIn: false });
    expect((await mutate(gw, 'createRole', { name: 'HELPERS', rank: 6, scopes: [] }, root.token)).code).toBe('CONFLICT');
    const changed = await mutate(
      gw,
      'updateRole',
      { id: made.role.id, rank: 7, scopes: ['admin:users:read', 'admin:audit:read'] },
      root.token,
      'role { rank scopes }',
    );
    expect(changed.role).toEqual({ rank: 7, scopes: ['admin:users:read', 'admin:audit:read'] });
    const list = await gw.gql('{ roles(first: 10) { edges { node { name rank } } } }', {}, root.token);
    const firstTwo = (await gw.gql('{ roles(first: 2) { pageInfo { endCursor } } }', {}, root.token)).body.data.roles.pageInfo.endCursor;
    const rest = await gw.gql('query($a: String) { roles(first: 1, after: $a) { edges { node { name } } } }', { a: firstTwo }, root.token);
    expect(rest.body.data.roles.edges.map((e: any) => e.node.name)).toEqual(['moderator']);
    expect(list.body.data.roles.edges.map((e: any) => e.node.name).slice(0, 3)).toEqual(['superadmin', 'admin', 'moderator']);
    // Any signed-in caller lists roles (Liquid's /roles/list); who holds one stays behind admin:users:read.
    expect((await gw.gql('{ roles(first: 1) { edges { node { name } } } }', {}, mod.token)).body.data.roles.edges[0].node.name).toBe('superadmin');
    expect((await mutate(gw, 'deleteRole', { id: made.role.id }, root.token, 'role { name }')).role.name).toBe('helpers');
    const builtIn = list.body.data.roles.edges[2].node;
    const modRole = (await gw.gql('{ roles(first: 3) { edges { node { id } } } }', {}, root.token)).body.data.roles.edges[2].node.id;
    expect(builtIn.name).toBe('moderator');
    expect((await mutate(gw, 'deleteRole', { id: modRole }, root.token)).code).toBe('CONFLICT');
    const rows = await gw.database.rows<any>(sql`select action from audit_log where target_type = 'Role' order by seq`);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['role.create', 'role.update', 'role.delete']));
  });

  it('an actor creates and changes only roles ranked below its own, with scopes it holds', async () => {
    const g = await granter(50, ['admin:roles', 'admin:users:read']);
    expect(await mutate(gw, 'createRole', { name: 'peer60', rank: 60, scopes: [] }, g.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'createRole', { name: 'wide', rank: 20, scopes: ['admin:users:delete'] }, g.token)).toMatchObject({ error: 'FORBIDDEN' });
    const ok = await mutate(gw, 'createRole', { name: 'narrow', rank: 20, scopes: ['admin:users:read'] }, g.token, 'role { id }');
    expect(ok.__typename).toBe('CreateRoleSuccess');
    expect(await mutate(gw, 'updateRole', { id: ok.role.id, rank: 80 }, g.token)).toMatchObject({ error: 'FORBIDDEN' });
  });
});

describe('grants', () => {
  it('assignRole needs admin:roles:grant and a role ranked below the actor; no escalation', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    // A moderator cannot make itself admin.
    expect(await mutate(gw, 'assignRole', { userId: mod.gid, role: 'admin' }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    const g = await granter(50);
    const target = await gw.user();
    // Higher (admin, 100) or equal roles: refused; lower (moderator, 10): given.
    expect(await mutate(gw, 'assignRole', { userId: target.gid, role: 'admin' }, g.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'assignRole', { userId: g.gid, role: 'admin' }, g.token)).toMatchObject({ error: 'FORBIDDEN' });
    const given = await mutate(gw, 'assignRole', { userId: target.gid, role: 'moderator' }, g.token, 'user { roles { name } }');
    expect(given.user.roles.map((r: any) => r.name)).toEqual(['moderator']);
    expect(await roleNames(target.token)).toEqual(['moderator']);
    // A role carrying a scope the actor lacks cannot be given, even if ranked lower.
    const root = await gw.user({ roles: ['superadmin'] });
    await makeRole(gw, { name: 'eraser', rank: 5, scopes: ['admin:users:erase'], by: root.id });
    expect(await mutate(gw, 'assignRole', { userId: target.gid, role: 'eraser' }, g.token)).toMatchObject({ error: 'FORBIDDEN' });
    // Nor may it touch an account ranked at or above its own.
    const admin = await gw.user({ roles: ['admin'] });
    expect(await mutate(gw, 'assignRole', { userId: admin.gid, role: 'moderator' }, g.token)).toMatchObject({ error: 'FORBIDDEN' });
  });

  it('refuses a window in the past and unknown roles, writing nothing', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user();
    const before = await count('select count(*)::int as n from audit_log');
    const past = await mutate(gw, 'assignRole', { userId: target.gid, role: 'moderator', expiresAt: '2020-01-01T00:00:00Z' }, root.token);
    expect(past).toMatchObject({ __typename: 'BadInputError', code: 'BAD_INPUT', fields: [{ path: ['input', 'expiresAt'] }] });
    expect((await mutate(gw, 'assignRole', { userId: target.gid, role: 'nope' }, root.token)).code).toBe('BAD_INPUT');
    expect((await mutate(gw, 'assignRole', { userId: 'bad', role: 'moderator' }, root.token)).code).toBe('BAD_INPUT');
    expect(await count('select count(*)::int as n from audit_log')).toBe(before);
  });

  it('a grant counts only inside its window, to the second, with no job', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user();
    await makeRoleGrant(gw, { userId: target.id, role: 'moderator', startsAt: new Date(soon(3600)), by: root.id });
    expect(await roleNames(target.token)).toEqual([]);
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, target.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    await makeRoleGrant(gw, { userId: target.id, role: 'moderator', expiresAt: new Date(soon(1.5)), by: root.id });
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, target.token)).body.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1700));
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, target.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('revokeRole takes effect on the next request; an admin cannot take away its own last admin role', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, mod.token)).body.errors).toBeUndefined();
    const revoked = await mutate(gw, 'revokeRole', { userId: mod.gid, role: 'moderator', reason: 'left the team' }, admin.token, 'user { roles { name } }');
    expect(revoked.user.roles).toEqual([]);
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await mutate(gw, 'revokeRole', { userId: admin.gid, role: 'admin' }, admin.token)).toMatchObject({
      error: 'FORBIDDEN',
      message: "You can't revoke your own admin status.",
    });
    expect(await roleNames(admin.token)).toEqual(['admin']);
  });

  it('setScopes adds, sets and removes direct grants on many users; only scopes the actor holds', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const [a, b] = [await gw.user(), await gw.user()];
    const q = '{ users(first: 1) { totalCount } }';
    expect(await mutate(gw, 'setScopes', { targets: [a.gid], targetType: 'USER', scopes: ['admin:users:read'], operation: 'ADD' }, a.token)).toMatchObject({
      error: 'FORBIDDEN',
    });
    const added = await mutate(
      gw,
      'setScopes',
      { targets: [a.gid, b.gid], targetType: 'USER', scopes: ['admin:users:read'], operation: 'ADD' },
      admin.token,
      'result { changedCount }',
    );
    expect(added.result.changedCount).toBe(2);
    expect((await gw.gql(q, {}, b.token)).body.errors).toBeUndefined();
    // admin holds admin:users and admin:audit:read, not admin:roles:write.
    expect(await mutate(gw, 'setScopes', { targets: [a.gid], targetType: 'USER', scopes: ['admin:roles:write'], operation: 'ADD' }, admin.token)).toMatchObject(
      { error: 'FORBIDDEN' },
    );
    await mutate(gw, 'setScopes', { targets: [a.gid], targetType: 'USER', scopes: ['admin:audit:read'], operation: 'SET' }, admin.token);
    expect((await gw.gql(q, {}, a.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql('{ auditLog(first: 1) { edges { cursor } } }', {}, a.token)).body.errors).toBeUndefined();
    await mutate(gw, 'setScopes', { targets: [b.gid], targetType: 'USER', scopes: ['admin:users:read'], operation: 'REMOVE' }, admin.token);
    expect((await gw.gql(q, {}, b.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');

    const before = await count('select count(*)::int as n from user_scopes');
    const missing = await mutate(
      gw,
      'setScopes',
      { targets: [a.gid, 'VXNlcjo5OTk5OTk5'], targetType: 'USER', scopes: ['admin:users:read'], operation: 'ADD' },
      admin.token,
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(
      (
        await mutate(
          gw,
          'setScopes',
          { targets: [a.gid], targetType: 'USER', scopes: ['admin:users:read'], operation: 'ADD', expiresAt: '2001-01-01T00:00:00Z' },
          admin.token,
        )
      ).code,
    ).toBe('BAD_INPUT');
    expect((await mutate(gw, 'setScopes', { targets: [a.gid], targetType: 'USER', scopes: ['not:a:scope'], operation: 'ADD' }, admin.token)).code).toBe(
      'BAD_INPUT',
    );
    expect(
      (
        await mutate(
          gw,
          'setScopes',
          { targets: [Buffer.from('Application:999999').toString('base64')], targetType: 'APPLICATION', scopes: ['admin:users:read'], operation: 'ADD' },
          admin.token,
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect(await count('select count(*)::int as n from user_scopes')).toBe(before);
  });

  it('explainAccess says whether and through which grants a user holds a scope', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const q = `query($u: ID!, $s: String!) { explainAccess(userId: $u, scope: $s) { scope held accountStatus via { kind role { name } grantedScope expiresAt active } } }`;
    expect((await gw.gql(q, { u: mod.gid, s: 'admin:users:read' }, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const viaRole = await gw.gql(q, { u: mod.gid, s: 'admin:users:read' }, admin.token);
    expect(viaRole.body.data.explainAccess).toEqual({
      scope: 'admin:users:read',
      held: true,
      accountStatus: 'ACTIVE',
      via: [{ kind: 'ROLE', role: { name: 'moderator' }, grantedScope: 'admin:users:read', expiresAt: null, active: true }],
    });
    const until = soon(3600);
    await mutate(gw, 'setScopes', { targets: [mod.gid], targetType: 'USER', scopes: ['admin:users:delete'], operation: 'ADD', expiresAt: until }, admin.token);
    const direct = await gw.gql(q, { u: mod.gid, s: 'admin:users:delete' }, admin.token);
    expect(direct.body.data.explainAccess.held).toBe(true);
    expect(direct.body.data.explainAccess.via).toEqual([{ kind: 'DIRECT', role: null, grantedScope: 'admin:users:delete', expiresAt: until, active: true }]);
    const no = await gw.gql(q, { u: mod.gid, s: 'admin:audit:read' }, admin.token);
    expect(no.body.data.explainAccess).toMatchObject({ held: false, via: [] });
    expect((await gw.gql(q, { u: mod.gid, s: 'nonsense' }, admin.token)).body.errors[0].extensions.code).toBe('BAD_INPUT');
  });

  it('grants racing with revocation end in one consistent state, each change audited', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user();
    const ops = Array.from({ length: 16 }, (_, i) =>
      i % 2 === 0
        ? mutate(gw, 'assignRole', { userId: target.gid, role: 'moderator' }, root.token)
        : mutate(gw, 'revokeRole', { userId: target.gid, role: 'moderator' }, root.token),
    );
    const results = await Promise.all(ops);
    expect(results.every((r) => r.__typename?.endsWith('Success'))).toBe(true);
    const audit = await gw.database.rows<{ action: string }>(
      sql`select action from audit_log where target_type = 'User' and target_id = ${target.id.toString()} and action in ('role.assign', 'role.revoke') order by seq`,
    );
    // The last audited change decides the state, and the state agrees with what scopes answer.
    const held = (await gw.database.rows(sql`select 1 from user_roles where user_id = ${target.id}`)).length > 0;
    expect(audit.at(-1)!.action).toBe(held ? 'role.assign' : 'role.revoke');
    expect(await roleNames(target.token)).toEqual(held ? ['moderator'] : []);
  });
});

describe('every new field refuses callers without its scope', () => {
  const ID = 'VXNlcjox';
  const ROLE = 'Um9sZTox';
  const MUTATIONS: [string, Record<string, unknown>][] = [
    ['createRole', { name: 'r_denied', rank: 1, scopes: [] }],
    ['updateRole', { id: ROLE, description: 'x' }],
    ['deleteRole', { id: ROLE }],
    ['assignRole', { userId: ID, role: 'moderator' }],
    ['revokeRole', { userId: ID, role: 'moderator' }],
    ['setScopes', { targets: [ID], targetType: 'USER', scopes: ['admin:users:read'], operation: 'ADD' }],
    ['activateUser', { id: ID }],
    ['deactivateUser', { id: ID }],
    ['suspendUser', { id: ID }],
    ['unsuspendUser', { id: ID }],
    ['restrictUser', { id: ID }],
    ['verifyUser', { id: ID }],
    ['eraseUser', { id: ID }],
    ['tagUsers', { ids: [ID], tags: ['t'] }],
    ['untagUsers', { ids: [ID], tags: ['t'] }],
    ['updateCustomData', { id: ID, data: {} }],
    ['adjustCredits', { userId: ID, operation: 'SET', value: 1 }],
    ['createUsers', { users: [{ username: 'denied_u' }] }],
    ['bulkUpdateUsers', { filter: {}, action: 'TAG', tags: ['t'], dryRun: true }],
  ];
  const QUERIES = [`{ explainAccess(userId: "${ID}", scope: "admin") { held } }`, '{ verifyAuditChain { valid } }'];

  it('mutations: UNAUTHENTICATED without a token, FORBIDDEN without the scope, nothing written', async () => {
    const plain = await gw.user();
    const before = await count('select count(*)::int as n from audit_log');
    for (const [name, input] of MUTATIONS) {
      expect(await mutate(gw, name, input, null), name).toMatchObject({ error: 'UNAUTHENTICATED' });
      expect(await mutate(gw, name, input, plain.token), name).toMatchObject({ error: 'FORBIDDEN' });
    }
    expect(await count('select count(*)::int as n from audit_log')).toBe(before);
  });

  it('queries: the same; scopeCatalog and roles need only a sign-in', async () => {
    const plain = await gw.user();
    for (const query of QUERIES) {
      expect((await gw.gql(query)).body.errors[0].extensions.code, query).toBe('UNAUTHENTICATED');
      expect((await gw.gql(query, {}, plain.token)).body.errors[0].extensions.code, query).toBe('FORBIDDEN');
    }
    expect((await gw.gql('{ scopeCatalog }')).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql('{ scopeCatalog }', {}, plain.token)).body.data.scopeCatalog).toContain('admin:roles:grant');
    expect((await gw.gql('{ roles(first: 1) { edges { cursor } } }')).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql('{ roles(first: 1) { edges { cursor } } }', {}, plain.token)).body.data.roles.edges).toHaveLength(1);
  });
});

describe('the invite, session, application and mail fields refuse callers without their scope', () => {
  const USER = 'VXNlcjox';
  const APP = Buffer.from('Application:1').toString('base64');
  const MUTATIONS: [string, Record<string, unknown>][] = [
    ['createInvite', {}],
    ['revokeInvite', { code: 'some-code' }],
    ['createPasswordResetToken', { userId: USER }],
    ['createApplication', { clientId: 'c_denied', displayName: 'x', grants: ['password'], redirectUris: [], role: 'EXTERNAL', scopes: [] }],
    ['updateApplication', { id: APP, displayName: 'x' }],
    ['rotateApplicationSecret', { id: APP }],
    ['deleteApplication', { id: APP }],
    ['mailAllUsers', { subject: 's', message: 'm' }],
  ];
  const QUERIES = [
    '{ invites(first: 1) { edges { cursor } } }',
    '{ invite(code: "x") { code } }',
    `{ sessions(userId: "${USER}") { edges { cursor } } }`,
    '{ applications(first: 1) { edges { cursor } } }',
    `{ mailJob(id: "${Buffer.from('MailJob:1').toString('base64')}") { status } }`,
  ];

  it('UNAUTHENTICATED without a token, FORBIDDEN without the scope, nothing written', async () => {
    const plain = await gw.user();
    const before = await count('select count(*)::int as n from audit_log');
    for (const [name, input] of MUTATIONS) {
      expect(await mutate(gw, name, input, null), name).toMatchObject({ error: 'UNAUTHENTICATED' });
      expect(await mutate(gw, name, input, plain.token), name).toMatchObject({ error: 'FORBIDDEN' });
    }
    for (const query of QUERIES) {
      expect((await gw.gql(query)).body.errors[0].extensions.code, query).toBe('UNAUTHENTICATED');
      expect((await gw.gql(query, {}, plain.token)).body.errors[0].extensions.code, query).toBe('FORBIDDEN');
    }
    // Ending sessions needs a sign-in, and for others' sessions admin:sessions:write.
    expect(await mutate(gw, 'revokeAllSessions', { userId: USER }, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await mutate(gw, 'revokeAllSessions', { userId: USER }, plain.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await count('select count(*)::int as n from audit_log')).toBe(before);
  });
});
