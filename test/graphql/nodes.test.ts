import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { useGateway } from '../helpers/app.js';
import { statementsOfRequest } from '../helpers/db.js';
import { makeApplication, makeAuditEvent, makeInvite, makeMailJob, makeSession } from '../helpers/factories.js';

const gw = useGateway();
const rows = <T>(q: string) => gw.database.rows<T>(sql.raw(q));
const count = async (q: string) => Number((await rows<{ n: number }>(q))[0].n);
const NODE = 'query($id: ID!) { node(id: $id) { __typename id } }';
const extraSession = (userId: bigint, userAgent = 'extra') => makeSession(gw, userId, { ip: '127.0.0.3', userAgent });

const statementsOf = (query: string, variables: Record<string, unknown>, token: string) => statementsOfRequest(() => gw.gql(query, variables, token));

/** One node of each new type, as global IDs; the invite, application, mail job and audit event made by `admin`. */
async function fixtures() {
  const admin = await gw.user({ roles: ['admin'] });
  const by = admin.id;
  return {
    admin,
    ids: {
      Invite: (await makeInvite(gw, { by })).gid,
      Application: (await makeApplication(gw, { clientId: `nodes-${admin.username}`, displayName: 'x', by })).gid,
      MailJob: (await makeMailJob(gw, { subject: 's', message: 'm', by })).gid,
      Session: encodeId('Session', admin.sessionId),
      AuditEvent: (await makeAuditEvent(gw, { by })).gid,
    } as Record<string, string>,
  };
}

describe('node(id) for every entity with an id', () => {
  it('answers each type under its read scope, refuses without it (FORBIDDEN) and anonymous callers (UNAUTHENTICATED)', async () => {
    const { admin, ids } = await fixtures();
    const mod = await gw.user({ roles: ['moderator'] });
    for (const [typename, id] of Object.entries(ids)) {
      const ok = await gw.gql(NODE, { id }, admin.token);
      expect(ok.body.errors, typename).toBeUndefined();
      expect(ok.body.data.node, typename).toEqual({ __typename: typename, id });
      const refused = await gw.gql(NODE, { id }, mod.token);
      expect(refused.body.errors?.[0].extensions.code, typename).toBe('FORBIDDEN');
      expect(refused.body.data?.node ?? null, typename).toBeNull();
      expect((await gw.gql(NODE, { id })).body.errors[0].extensions.code, typename).toBe('UNAUTHENTICATED');
    }
  });

  it('a session is readable by its owner without the scope, not by another user', async () => {
    const me = await gw.user();
    const other = await gw.user();
    const id = encodeId('Session', me.sessionId);
    const mine = await gw.gql('query($id: ID!) { node(id: $id) { id ... on Session { key active user { id username } } } }', { id }, me.token);
    expect(mine.body.data.node).toEqual({ id, key: me.sessionId, active: true, user: { id: me.gid, username: me.username } });
    expect((await gw.gql(NODE, { id }, other.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a malformed key is BAD_INPUT; an unknown one null', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    for (const typename of ['Invite', 'Application', 'MailJob', 'Session', 'AuditEvent']) {
      const bad = await gw.gql(NODE, { id: encodeId(typename, 'x1') }, admin.token);
      expect(bad.body.errors?.[0].extensions.code, typename).toBe('BAD_INPUT');
      const unknown = typename === 'Session' ? '00000000-0000-4000-8000-000000000000' : '987654321';
      const missing = await gw.gql(NODE, { id: encodeId(typename, unknown) }, admin.token);
      expect(missing.body.errors, typename).toBeUndefined();
      expect(missing.body.data.node, typename).toBeNull();
    }
    expect((await gw.gql(NODE, { id: 'not-an-id' }, admin.token)).body.errors[0].extensions.code).toBe('BAD_INPUT');
  });

  it('revokeSession takes the global ID as well as the UUID', async () => {
    const me = await gw.user();
    const REVOKE = `mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { __typename ... on RevokeSessionSuccess { result { revokedCount } } } }`;
    const res = await gw.gql(REVOKE, { input: { id: encodeId('Session', me.sessionId) } }, me.token);
    expect(res.body.data.revokeSession.result.revokedCount).toBe(1);
  });
});

describe('references are User objects', () => {
  it('Invite.createdBy/owner/registeredUsers, Application.createdBy, MailJob.createdBy, AuditEvent.actor answer the right user', async () => {
    const { admin, ids } = await fixtures();
    const owner = await gw.user();
    const code = `ref-${owner.username}`;
    await makeInvite(gw, { code, maxUses: 3, ownerId: owner.id, by: admin.id });
    const REGISTER = `mutation($input: RegisterWithInviteInput!) { registerWithInvite(input: $input) { __typename ... on RegisterWithInviteSuccess { account { id } } } }`;
    const registered = await gw.gqlFrom('198.51.100.9', REGISTER, {
      input: { code, username: `reg_${owner.username}`, email: `reg_${owner.username}@example.org`, password: 'invite-pass-1' },
    });
    const newcomer = registered.body.data.registerWithInvite.account.id;
    const invite = await gw.gql(
      'query($code: String!) { invite(code: $code) { createdBy { id username } owner { id } registeredUsers { id } } }',
      { code },
      admin.token,
    );
    expect(invite.body.errors).toBeUndefined();
    expect(invite.body.data.invite).toEqual({
      createdBy: { id: admin.gid, username: admin.username },
      owner: { id: owner.gid },
      registeredUsers: [{ id: newcomer }],
    });
    const q = `query($a: ID!, $m: ID!, $e: ID!) {
      a: node(id: $a) { ... on Application { createdBy { id } } }
      m: node(id: $m) { ... on MailJob { createdBy { id } } }
      e: node(id: $e) { ... on AuditEvent { actor { id username } } } }`;
    const res = await gw.gql(q, { a: ids.Application, m: ids.MailJob, e: ids.AuditEvent }, admin.token);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({
      a: { createdBy: { id: admin.gid } },
      m: { createdBy: { id: admin.gid } },
      e: { actor: { id: admin.gid, username: admin.username } },
    });
    const sessions = await gw.gql('query($u: ID!) { sessions(userId: $u) { edges { node { user { id } } } } }', { u: owner.gid }, admin.token);
    expect(sessions.body.data.sessions.edges).toEqual([{ node: { user: { id: owner.gid } } }]);
  });
});

describe('totalCount is the whole filtered set, not the page', () => {
  it('invites, sessions, auditLog, applications and roles', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    for (let i = 0; i < 5; i++) await makeInvite(gw, { ownerId: owner.id, maxUses: i < 2 ? 1 : null, unlimited: i >= 2, by: admin.id });
    await makeInvite(gw, { by: admin.id });
    const invites = await gw.gql(
      'query($f: InviteFilter) { invites(first: 2, filter: $f) { totalCount edges { cursor } } }',
      { f: { owner: owner.gid } },
      admin.token,
    );
    expect(invites.body.data.invites).toMatchObject({ totalCount: 5 });
    expect(invites.body.data.invites.edges).toHaveLength(2);
    const all = await gw.gql('{ invites(first: 1) { totalCount } }', {}, admin.token);
    expect(all.body.data.invites.totalCount).toBe(await count('select count(*)::int as n from invites'));

    for (let i = 0; i < 2; i++) await extraSession(owner.id);
    const S = 'query($u: ID!, $a: Boolean) { sessions(userId: $u, first: 1, active: $a) { totalCount edges { cursor } } }';
    expect((await gw.gql(S, { u: owner.gid }, admin.token)).body.data.sessions).toMatchObject({ totalCount: 3, edges: [{}] });
    expect((await gw.gql(S, { u: owner.gid, a: false }, admin.token)).body.data.sessions).toEqual({ totalCount: 0, edges: [] });

    const audit = await gw.gql(
      'query($f: AuditLogFilter) { auditLog(first: 1, filter: $f) { totalCount edges { cursor } } }',
      { f: { actorId: admin.gid, action: 'invite.create' } },
      admin.token,
    );
    expect(audit.body.data.auditLog.edges).toHaveLength(1);
    expect(audit.body.data.auditLog.totalCount).toBe(
      await count(`select count(*)::int as n from audit_log where actor_id = ${admin.id} and action = 'invite.create'`),
    );
    expect(audit.body.data.auditLog.totalCount).toBe(6);

    const apps = await gw.gql('{ applications(first: 1) { totalCount } roles(first: 1) { totalCount edges { cursor } } }', {}, admin.token);
    expect(apps.body.errors).toBeUndefined();
    expect(apps.body.data.applications.totalCount).toBe(await count('select count(*)::int as n from applications'));
    expect(apps.body.data.roles.totalCount).toBe(await count('select count(*)::int as n from roles'));
    expect(apps.body.data.roles.totalCount).toBeGreaterThan(1);
  });
});

describe('SQL per nested level', () => {
  it("a page of invites with createdBy and owner: one statement per nested level (invites, their users, those users' roles)", async () => {
    const owner = await gw.user();
    const creators = [await gw.user({ roles: ['admin'] }), await gw.user({ roles: ['admin'] }), await gw.user({ roles: ['admin'] })];
    for (let i = 0; i < 6; i++) await makeInvite(gw, { ownerId: owner.id, by: creators[i % 3].id });
    const q = `query($f: InviteFilter) { invites(first: 50, filter: $f) { edges { node { code createdBy { id username roles { name } } owner { id } } } } }`;
    const { res, statements } = await statementsOf(q, { f: { owner: owner.gid } }, creators[0].token);
    expect(res.body.errors).toBeUndefined();
    const edges = res.body.data.invites.edges;
    expect(edges).toHaveLength(6);
    expect(new Set(edges.map((e: any) => e.node.createdBy.id))).toEqual(new Set(creators.map((c) => c.gid)));
    expect(edges.every((e: any) => e.node.owner.id === owner.gid && e.node.createdBy.roles.some((r: any) => r.name === 'admin'))).toBe(true);
    expect(statements).toHaveLength(3);
    expect(statements[1]).toMatch(/from "?users"?/);
    expect(statements[2]).toMatch(/user_roles/);
    const counted = await statementsOf(
      `query($f: InviteFilter) { invites(first: 2, filter: $f) { totalCount edges { node { createdBy { id } } } } }`,
      { f: { owner: owner.gid } },
      creators[0].token,
    );
    expect(counted.res.body.data.invites.totalCount).toBe(6);
    // The count runs inside the page's own statement (db/connection.ts), then one for the users.
    expect(counted.statements).toHaveLength(2);
    expect(counted.statements[0]).toMatch(/count\(\*\)/);
  });

  it('a page of sessions with their user: two statements however many sessions', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const me = await gw.user();
    for (let i = 0; i < 4; i++) await extraSession(me.id, `s${i}`);
    const { res, statements } = await statementsOf(
      'query($u: ID!) { sessions(userId: $u, first: 50) { edges { node { key user { id username } } } } }',
      { u: me.gid },
      admin.token,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.sessions.edges).toHaveLength(5);
    expect(res.body.data.sessions.edges.every((e: any) => e.node.user.id === me.gid)).toBe(true);
    expect(statements).toHaveLength(2);
  });

  it('an audit page with actors: two statements', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const { res, statements } = await statementsOf('{ auditLog(first: 20) { edges { node { seq actor { id } } } } }', {}, admin.token);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.auditLog.edges.length).toBeGreaterThan(1);
    expect(statements).toHaveLength(2);
  });
});
