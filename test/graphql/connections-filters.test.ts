import { beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { useGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';
import { also, inRange, letters, RUN, sorted, useConnectionFixtures } from '../helpers/connections.js';
import { makeRole, type MadeUser } from '../helpers/factories.js';

/**
 * Every list of the connection engine (db/connection.ts) filters by every field of its
 * `<Entity>Filter` and counts the whole filtered set; sessions are listed by their own access rule.
 * The tests here run in order: later ones see the rows earlier ones revoked, suspended or used.
 */

const gw = useGateway();
const fx = useConnectionFixtures(gw);
const { f, CASES, page, matching } = fx;
let admin: MadeUser;
beforeAll(() => {
  admin = fx.admin;
});

describe('each filter field narrows', () => {
  it('users', async () => {
    const u = CASES[0];
    const [a, b, c] = f.users;
    const all = f.users.map((x) => x.gid);
    expect(await matching(u, also(u, {}))).toEqual(sorted(all));
    expect(await matching(u, also(u, { username: { equals: a.username.toUpperCase() } }))).toEqual([a.gid]);
    expect(await matching(u, also(u, { username: { contains: a.username.slice(-2) } }))).toEqual([a.gid]);
    expect(await matching(u, also(u, { username: { equalsCaseSensitive: a.username.toUpperCase() } }))).toEqual([]);
    expect(await matching(u, also(u, { username: { containsCaseSensitive: a.username.slice(-2) } }))).toEqual([a.gid]);
    expect(await matching(u, also(u, { email: { equals: `${b.username}@example.org` } }))).toEqual([b.gid]);
    expect(await matching(u, also(u, { local: true }))).toEqual(sorted(all));
    expect(await matching(u, also(u, { local: false }))).toEqual([]);
    expect(await matching(u, also(u, { domain: { contains: 'x' } }))).toEqual([]);
    expect(await matching(u, also(u, { id: { in: [a.gid, c.gid] } }))).toEqual(sorted([a.gid, c.gid]));
    expect(await matching(u, also(u, { id: { gt: f.users[4].gid } }))).toEqual([f.users[5].gid]);

    const named = await mutate(gw, 'updateUser', { id: b.gid, displayName: `Shown${RUN}` }, admin.token);
    expect(named.__typename).toBe('UpdateUserSuccess');
    expect(await matching(u, also(u, { displayName: { startsWith: `shown${RUN}` } }))).toEqual([b.gid]);

    const details = await gw.gql('query($id: ID!) { user(id: $id) { discriminator createdAt } }', { id: c.gid }, admin.token);
    const { discriminator, createdAt } = details.body.data.user;
    expect(await matching(u, also(u, { discriminator }))).toContain(c.gid);
    expect((await matching(u, also(u, { discriminator }))).length).toBeLessThan(all.length);
    expect(await matching(u, also(u, { createdAt: { gte: createdAt } }))).toContain(c.gid);
    expect(await matching(u, also(u, { createdAt: { gte: createdAt } }))).not.toContain(a.gid);
    expect(await matching(u, also(u, { createdAt: { lt: createdAt } }))).toEqual(sorted([a.gid, b.gid]));

    expect((await mutate(gw, 'tagUsers', { ids: [a.gid, b.gid], tags: [`t${RUN}`] }, admin.token)).__typename).toBe('TagUsersSuccess');
    expect((await mutate(gw, 'tagUsers', { ids: [b.gid], tags: [`v${RUN}`] }, admin.token)).__typename).toBe('TagUsersSuccess');
    expect(await matching(u, also(u, { tags: { any: [`t${RUN}`, 'nope'] } }))).toEqual(sorted([a.gid, b.gid]));
    expect(await matching(u, also(u, { tags: { all: [`t${RUN}`, `v${RUN}`] } }))).toEqual([b.gid]);

    expect((await mutate(gw, 'updateCustomData', { id: c.gid, data: { theme: { mode: 'dark' } } }, admin.token)).__typename).toBe('UpdateCustomDataSuccess');
    expect(await matching(u, also(u, { customData: { path: ['theme', 'mode'], equals: 'dark' } }))).toEqual([c.gid]);
    expect(await matching(u, also(u, { customData: { path: ['theme'], exists: true } }))).toEqual([c.gid]);
    expect((await matching(u, also(u, { customData: { path: ['theme'], exists: false } }))).length).toBe(all.length - 1);

    const mod = f.users[3];
    await gw.gql('mutation($i: AssignRoleInput!) { assignRole(input: $i) { __typename } }', { i: { userId: mod.gid, role: 'moderator' } }, admin.token);
    expect(await matching(u, also(u, { role: 'MODERATOR' }))).toEqual([mod.gid]);

    const suspended = await mutate(gw, 'suspendUser', { id: f.users[4].gid }, admin.token);
    expect(suspended.__typename).toBe('SuspendUserSuccess');
    expect(await matching(u, also(u, { status: { in: ['SUSPENDED'] } }))).toEqual([f.users[4].gid]);
    expect((await matching(u, also(u, { status: { in: ['ACTIVE'] } }))).length).toBe(all.length - 1);
  });

  it('roles', async () => {
    const r = CASES[1];
    const all = f.roles.map((x) => x.gid);
    expect(await matching(r, also(r, {}))).toEqual(sorted(all));
    expect(await matching(r, also(r, { name: { equals: f.roles[2].name.toUpperCase() } }))).toEqual([f.roles[2].gid]);
    expect(await matching(r, also(r, { builtIn: false }))).toEqual(sorted(all));
    expect(await matching(r, also(r, { builtIn: true }))).toEqual([]);
    expect(await matching(r, { builtIn: true })).not.toEqual([]);
    expect(await matching(r, also(r, { scope: 'admin:users:read' }))).toEqual([f.roles[0].gid]);
    expect(await matching(r, also(r, { scope: 'admin:users' }))).toEqual([]);
  });

  it('invites', async () => {
    const v = CASES[2];
    const all = f.invites.map((x) => x.gid);
    const g = (...i: number[]) => sorted(i.map((n) => f.invites[n].gid));
    expect(await matching(v, also(v, {}))).toEqual(sorted(all));
    expect(await matching(v, also(v, { owner: f.users[0].gid }))).toEqual(g(0, 1, 2));
    expect(await matching(v, { createdBy: f.inviteAdmin.gid })).toEqual(sorted(all));
    expect(await matching(v, { createdBy: admin.gid })).toEqual([]);
    expect(await matching(v, also(v, { code: { equals: f.invites[3].code.toUpperCase() } }))).toEqual(g(3));
    expect(await matching(v, also(v, { expiresAt: { gt: new Date(Date.now() + 1.5 * 86_400_000).toISOString() } }))).toEqual(g(1, 3, 4));
    const created = await gw.gql('query($c: String!) { invite(code: $c) { createdAt } }', { c: f.invites[4].code }, admin.token);
    expect(await matching(v, also(v, { createdAt: { gte: created.body.data.invite.createdAt } }))).toEqual(g(4, 5));
    expect(await matching(v, also(v, { expired: false }))).toEqual(sorted(all));
    expect(await matching(v, also(v, { expired: true }))).toEqual([]);

    const revoked = await mutate(gw, 'revokeInvite', { code: f.invites[5].code }, admin.token);
    expect(revoked.__typename).toBe('RevokeInviteSuccess');
    expect(await matching(v, also(v, { revoked: true }))).toEqual(g(5));
    expect(await matching(v, also(v, { valid: false }))).toEqual(g(5));
    expect(await matching(v, also(v, { valid: true }))).toEqual(g(0, 1, 2, 3, 4));

    const REGISTER = 'mutation($input: RegisterWithInviteInput!) { registerWithInvite(input: $input) { __typename } }';
    const reg = await gw.gqlFrom('198.51.100.21', REGISTER, {
      input: { code: f.invites[4].code, username: `creg${RUN}`, email: `creg${RUN}@example.org`, password: 'invite-pass-1' },
    });
    expect(reg.body.data.registerWithInvite.__typename).toBe('RegisterWithInviteSuccess');
    expect(await matching(v, also(v, { used: true }))).toEqual(g(4));
    expect(await matching(v, also(v, { used: false }))).toEqual(g(0, 1, 2, 3, 5));
    // and / or / not
    expect(await matching(v, also(v, { or: [{ used: true }, { revoked: true }] }))).toEqual(g(4, 5));
    expect(await matching(v, also(v, { not: { owner: f.users[0].gid } }))).toEqual(g(3, 4, 5));
    expect(
      await matching(
        v,
        also(v, { and: [{ owner: f.users[0].gid }, { not: { expiresAt: { lt: new Date(Date.now() + 86_400_000 + 60_000).toISOString() } } }] }),
      ),
    ).toEqual(g(1));
  });

  it('applications', async () => {
    const a = CASES[3];
    const all = f.apps.map((x) => x.gid);
    const g = (...i: number[]) => sorted(i.map((n) => f.apps[n].gid));
    expect(await matching(a, also(a, {}))).toEqual(sorted(all));
    expect(await matching(a, also(a, { displayName: { equals: 'SAME' } }))).toEqual(g(0, 1));
    expect(await matching(a, also(a, { displayName: { startsWith: 'al' } }))).toEqual(g(4, 5));
    expect(await matching(a, also(a, { clientId: f.apps[3].clientId }))).toEqual(g(3));
    expect(await matching(a, also(a, { role: { in: ['INTERNAL'] } }))).toEqual(g(0, 1));
    expect(await matching(a, also(a, { role: { in: ['INTERNAL', 'EXTERNAL'] } }))).toEqual(sorted(all));
    expect(await matching(a, also(a, { grant: 'password' }))).toEqual(g(0));
    expect(await matching(a, { createdBy: admin.gid })).toEqual([]);
    const created = await gw.gql('query($id: ID!) { node(id: $id) { ... on Application { createdAt } } }', { id: f.apps[2].gid }, admin.token);
    expect(await matching(a, also(a, { createdAt: { lt: created.body.data.node.createdAt } }))).toEqual(g(0, 1));
    // and / or / not
    expect(await matching(a, also(a, { or: [{ grant: 'password' }, { displayName: { equals: 'zeta' } }] }))).toEqual(g(0, 3));
    expect(await matching(a, also(a, { not: { role: { in: ['EXTERNAL'] } } }))).toEqual(g(0, 1));
    expect(await matching(a, also(a, { and: [{ role: { in: ['INTERNAL'] } }, { not: { grant: 'password' } }] }))).toEqual(g(1));
  });

  it('sessions', async () => {
    const s = CASES[4];
    const gids = f.sessions.map((k) => encodeId('Session', k));
    const g = (...i: number[]) => sorted(i.map((n) => gids[n]));
    expect(await matching(s, null)).toEqual(sorted(gids));
    expect(await matching(s, { ip: '203.0.113.7' })).toEqual(g(1, 2));
    expect(await matching(s, { userAgent: { equals: `AGENT-${letters(2)}` } })).toEqual(g(3));
    const nodes = (await page(s, { first: 100, orderBy: 'CREATED_AT_ASC' })).edges.map((e: any) => e.node);
    expect(await matching(s, { createdAt: { gte: nodes[3].createdAt } })).toEqual(inRange(nodes, 'createdAt', 'gte', nodes[3].createdAt));
    expect(await matching(s, { createdAt: { lt: nodes[3].createdAt } })).toEqual(inRange(nodes, 'createdAt', 'lt', nodes[3].createdAt));
    expect(await matching(s, { lastSeenAt: { lt: nodes[5].lastSeenAt } })).toEqual(inRange(nodes, 'lastSeenAt', 'lt', nodes[5].lastSeenAt));
    const REVOKE = 'mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { __typename } }';
    expect((await gw.gql(REVOKE, { input: { id: gids[5] } }, admin.token)).body.data.revokeSession.__typename).toBe('RevokeSessionSuccess');
    expect(await matching(s, { active: false })).toEqual(g(5));
    expect(await matching(s, { active: true })).toEqual(g(0, 1, 2, 3, 4));
    expect(await matching(s, null, { active: false })).toEqual(g(5));
    // and / or / not
    expect(await matching(s, { or: [{ ip: '203.0.113.7' }, { active: false }] })).toEqual(g(1, 2, 5));
    expect(await matching(s, { not: { ip: '127.0.0.1' } })).toEqual(g(1, 2));
    expect(await matching(s, { and: [{ active: true }, { not: { ip: '203.0.113.7' } }] })).toEqual(g(0, 3, 4));
  });

  it('auditLog', async () => {
    const l = CASES[5];
    const all = sorted(f.audit);
    expect(await matching(l, also(l, {}))).toEqual(all);
    expect(await matching(l, also(l, { action: 'invite.create' }))).toEqual(all);
    expect(await matching(l, also(l, { action: 'user.update' }))).toEqual([]);
    expect(await matching(l, { actorId: f.mailAdmin.gid, action: 'invite.create' })).toEqual([]);
    expect(await matching(l, { actorId: f.inviteAdmin.gid, action: 'invite.create' })).toHaveLength(f.invites.length);
    expect(await matching(l, also(l, { targetType: 'Invite' }))).toEqual(all);
    expect(await matching(l, also(l, { targetType: 'User' }))).toEqual([]);
    const nodes = (await page(l, { first: 100, orderBy: 'SEQ_ASC' })).edges.map((e: any) => e.node);
    const detail = await gw.gql('query($id: ID!) { node(id: $id) { ... on AuditEvent { at targetId } } }', { id: nodes[2].id }, admin.token);
    const { at, targetId } = detail.body.data.node;
    expect(await matching(l, also(l, { targetId }))).toEqual([nodes[2].id]);
    const from = await matching(l, also(l, { from: at }));
    expect(from).toContain(nodes[2].id);
    expect(from).not.toContain(nodes[0].id);
    const to = await matching(l, also(l, { to: at }));
    expect(to).not.toContain(nodes[2].id);
    expect(to).toContain(nodes[0].id);
    // and / or / not
    expect(await matching(l, also(l, { or: [{ targetId }, { targetType: 'User' }] }))).toEqual([nodes[2].id]);
    expect(await matching(l, also(l, { not: { targetId } }))).toEqual(sorted(nodes.filter((_: unknown, i: number) => i !== 2).map((n: any) => n.id)));
  });

  it('mailJobs', async () => {
    const m = CASES[6];
    const all = sorted(f.mailJobs);
    expect(await matching(m, also(m, {}))).toEqual(all);
    expect(await matching(m, also(m, { subject: { contains: 'URGENT' } }))).toEqual(sorted(f.mailJobs.slice(0, 2)));
    expect(await matching(m, { createdBy: admin.gid })).toEqual([]);
    const nodes = (await page(m, { first: 100, orderBy: 'CREATED_AT_ASC' })).edges.map((e: any) => e.node);
    expect(await matching(m, also(m, { createdAt: { gte: nodes[2].createdAt } }))).toEqual(inRange(nodes, 'createdAt', 'gte', nodes[2].createdAt));
    const statuses = await gw.gql(
      'query($f: MailJobFilter) { mailJobs(first: 100, filter: $f) { edges { node { id status } } } }',
      { f: m.vars().filter },
      admin.token,
    );
    for (const status of ['DONE', 'RUNNING']) {
      const want = sorted(statuses.body.data.mailJobs.edges.filter((e: any) => e.node.status === status).map((e: any) => e.node.id));
      expect(await matching(m, also(m, { status: { in: [status] } })), status).toEqual(want);
    }
    expect(await matching(m, also(m, { status: { in: ['DONE', 'RUNNING'] } }))).toEqual(all);
    expect(await matching(m, also(m, { not: { subject: { contains: 'urgent' } } }))).toEqual(sorted(f.mailJobs.slice(2)));
  });
});

describe('totalCount is the whole filtered set', () => {
  it('first: 1 with a filter matching 3, and an empty page after the last cursor', async () => {
    const v = CASES[2];
    const filter = also(v, { owner: f.users[0].gid });
    const one = await page(v, { first: 1, filter });
    expect(one.edges).toHaveLength(1);
    expect(one.totalCount).toBe(3);
    const all = await page(v, { first: 3, filter });
    expect(all.pageInfo.hasNextPage).toBe(false);
    const after = await page(v, { first: 2, after: all.pageInfo.endCursor, filter });
    expect(after.edges).toEqual([]);
    expect(after.totalCount).toBe(3);
    expect(after.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
    const before = await page(v, { last: 2, before: all.pageInfo.startCursor, filter });
    expect(before.edges).toEqual([]);
    expect(before.totalCount).toBe(3);
    for (const c of CASES) {
      const p = await page(c, { first: 1 });
      const whole = await page(c, { first: 100 });
      expect(p.totalCount, c.field).toBe(whole.edges.length);
      const end = await page(c, { first: 1, after: whole.pageInfo.endCursor });
      expect(end.edges, c.field).toEqual([]);
      expect(end.totalCount, c.field).toBe(whole.edges.length);
    }
    const empty = await page(v, { first: 1, filter: also(v, { owner: admin.gid }) });
    expect(empty).toMatchObject({ totalCount: 0, edges: [] });
  });
});

describe('sessions access', () => {
  it('every session needs admin:sessions:read; your own do not', async () => {
    const Q = 'query($u: ID) { sessions(userId: $u, first: 100) { totalCount edges { node { id } } } }';
    const plain = await gw.user();
    const none = await gw.gql(Q, {}, plain.token);
    expect(none.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(none.body.data?.sessions ?? null).toBeNull();
    expect((await gw.gql(Q, { u: f.sessUser.gid }, plain.token)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const mine = await gw.gql(Q, { u: plain.gid }, plain.token);
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data.sessions.edges).toEqual([{ node: { id: encodeId('Session', plain.sessionId) } }]);
    expect((await gw.gql(Q, {})).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    const role = await makeRole(gw, { name: `csess${RUN}`, rank: 5, scopes: ['admin:sessions:read'] });
    const reader = await gw.user({ roles: [role.name] });
    const everyone = await gw.gql(Q, {}, reader.token);
    expect(everyone.body.errors).toBeUndefined();
    const seen = new Set(everyone.body.data.sessions.edges.map((e: any) => e.node.id));
    expect(seen).toContain(encodeId('Session', plain.sessionId));
    for (const key of f.sessions) expect(seen).toContain(encodeId('Session', key));
    expect(everyone.body.data.sessions.totalCount).toBeGreaterThanOrEqual(everyone.body.data.sessions.edges.length);
    const theirs = await gw.gql(Q, { u: f.sessUser.gid }, reader.token);
    expect(theirs.body.errors).toBeUndefined();
    expect(theirs.body.data.sessions.totalCount).toBe(f.sessions.length);
  });
});
