import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { LOGIN_LIMITS } from '../../../src/modules/sessions/actions.js';
import { useGateway } from '../../helpers/app.js';
import { makeSession } from '../../helpers/factories.js';

const gw = useGateway();

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken expiresAt user { username } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken user { username } } }`;
const VIEWER = '{ viewer { username } }';

describe('login', () => {
  it('returns tokens that work, with Bearer or a bare token', async () => {
    await gw.user({ username: 'alice', password: 'alice-password' });
    const res = await gw.gql(LOGIN, { u: 'Alice', p: 'alice-password' });
    const { accessToken, refreshToken, expiresAt, user } = res.body.data.login;
    expect(user.username).toBe('alice');
    expect(refreshToken).toMatch(/^[0-9a-f-]{36}\./);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    expect((await gw.gql(VIEWER, {}, accessToken)).body.data.viewer.username).toBe('alice');
    const bare = await gw.request('/graphql', { method: 'POST', headers: { authorization: accessToken }, json: { query: VIEWER } });
    expect(((await bare.json()) as any).data.viewer.username).toBe('alice');
    const [row] = await gw.database.rows<any>(
      sql`select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.username = 'alice' and s.revoked_at is null`,
    );
    expect(row.n).toBeGreaterThanOrEqual(2);
  });

  it('answers a wrong password and an unknown user with the same UNAUTHENTICATED error', async () => {
    await gw.user({ username: 'bob', password: 'bob-password' });
    const wrong = await gw.gql(LOGIN, { u: 'bob', p: 'not-it' });
    const unknown = await gw.gql(LOGIN, { u: 'nobody-at-all', p: 'not-it' });
    expect(wrong.body.errors[0]).toMatchObject({ message: 'Invalid username or password', extensions: { code: 'UNAUTHENTICATED' } });
    expect(unknown.body.errors[0].message).toBe(wrong.body.errors[0].message);
    expect(unknown.body.errors[0].extensions).toEqual(wrong.body.errors[0].extensions);
  });

  it('rate-limits failed logins per username', async () => {
    await gw.user({ username: 'carol', password: 'carol-password' });
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) {
      expect((await gw.gql(LOGIN, { u: 'carol', p: `wrong-${i}` })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    // Even the right password is refused while the limit holds.
    expect((await gw.gql(LOGIN, { u: 'carol', p: 'carol-password' })).body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await gw.gql(LOGIN, { u: 'CAROL', p: 'x' })).body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('rate-limits failed logins per address', async () => {
    const fromAddress = async (u: string) => (await gw.gqlFrom('203.0.113.9', LOGIN, { u, p: 'wrong' })).body;
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) await fromAddress(`spray-${i}`);
    expect((await fromAddress('spray-last')).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Another address is unaffected.
    expect((await gw.gql(LOGIN, { u: 'spray-last', p: 'wrong' })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses suspended and deleted accounts', async () => {
    await gw.user({ username: 'dave', password: 'dave-password' });
    await gw.database.rows(sql`update users set status = 'SUSPENDED' where username = 'dave'`);
    expect((await gw.gql(LOGIN, { u: 'dave', p: 'dave-password' })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('refresh and logout', () => {
  it('rotates the refresh token; reusing an old one ends the session', async () => {
    await gw.user({ username: 'erin', password: 'erin-password' });
    const first = (await gw.gql(LOGIN, { u: 'erin', p: 'erin-password' })).body.data.login;
    const second = (await gw.gql(REFRESH, { t: first.refreshToken })).body.data.refreshToken;
    expect(second.user.username).toBe('erin');
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await gw.gql(VIEWER, {}, second.accessToken)).body.data.viewer.username).toBe('erin');
    const reuse = await gw.gql(REFRESH, { t: first.refreshToken });
    expect(reuse.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // The theft response revoked the session: even the newest tokens stop working.
    expect((await gw.gql(VIEWER, {}, second.accessToken)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql(REFRESH, { t: second.refreshToken })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('logout ends the session at the next request', async () => {
    const me = await gw.user();
    expect((await gw.gql(VIEWER, {}, me.token)).body.data.viewer).toBeTruthy();
    const out = await gw.gql('mutation { logout { loggedOut } }', {}, me.token);
    expect(out.body.data.logout.loggedOut).toBe(true);
    expect((await gw.gql(VIEWER, {}, me.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql('mutation { logout { loggedOut } }')).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses garbage and expired tokens', async () => {
    expect((await gw.gql(VIEWER, {}, 'not.a.jwt')).body.errors[0]).toMatchObject({
      message: 'Invalid or expired token',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const me = await gw.user();
    const expired = await gw.app.tokens.signAccess(me.id, me.sessionId, -120);
    expect((await gw.gql(VIEWER, {}, expired.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Public fields still answer when a stale token is sent along.
    expect((await gw.gql(LOGIN, { u: 'x', p: 'y' }, 'not.a.jwt')).body.errors[0].message).toBe('Invalid username or password');
  });
});

describe('scopes come from the database on each request', () => {
  it('a removed role counts at once', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, mod.token)).body.data.users.totalCount).toBeGreaterThan(0);
    await gw.database.rows(sql`delete from user_roles where user_id = ${mod.id}`);
    // Same instance: the NOTIFY from the trigger arrives on its own connection; give it a moment.
    await waitFor(async () => (await gw.gql('{ users(first: 1) { totalCount } }', {}, mod.token)).body.errors?.[0]?.extensions.code === 'FORBIDDEN');
  });

  it('a session revoked through one instance is refused by another', async () => {
    const other = await createApp(gw.config, gw.database);
    try {
      const me = await gw.user();
      const ask = async () =>
        (await (
          await other.fetch(
            new Request('http://o/graphql', {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${me.token}` },
              body: JSON.stringify({ query: VIEWER }),
            }),
          )
        ).json()) as any;
      expect((await ask()).data.viewer).toBeTruthy();
      expect((await gw.gql('mutation { logout { loggedOut } }', {}, me.token)).body.data.logout.loggedOut).toBe(true);
      await waitFor(async () => (await ask()).errors?.[0]?.extensions.code === 'UNAUTHENTICATED');
    } finally {
      await other.close();
    }
  });
});

/** Polls until the check holds; the bound is generous (two cores shared by the machine), never a fixed wait. */
async function waitFor(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('listing and ending sessions', () => {
  const LIST = `query($u: ID!, $active: Boolean) { sessions(userId: $u, first: 10, active: $active) { edges { node { id key active userAgent ip createdAt lastSeenAt } } } }`;
  const REVOKE = `mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { __typename ... on RevokeSessionSuccess { result { revokedCount } } ... on Error { code } } }`;
  const REVOKE_ALL = `mutation($input: RevokeAllSessionsInput!) { revokeAllSessions(input: $input) { __typename ... on RevokeAllSessionsSuccess { result { revokedCount } } ... on Error { code } } }`;

  it('a user lists its own sessions; others need admin:sessions:read', async () => {
    const me = await gw.user();
    const other = await gw.user();
    const admin = await gw.user({ roles: ['admin'] });
    const mine = await gw.gql(LIST, { u: me.gid }, me.token);
    expect(mine.body.data.sessions.edges).toHaveLength(1);
    expect(mine.body.data.sessions.edges[0].node).toMatchObject({ key: me.sessionId, active: true, userAgent: 'vitest', ip: '127.0.0.1' });
    expect((await gw.gql(LIST, { u: other.gid }, me.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(LIST, { u: me.gid })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql(LIST, { u: me.gid }, admin.token)).body.data.sessions.edges).toHaveLength(1);
    expect((await gw.gql(LIST, { u: 'bad' }, admin.token)).body.errors[0].extensions.code).toBe('BAD_INPUT');
  });

  it('pages through sessions with their cursors, newest first', async () => {
    const me = await gw.user();
    for (let i = 0; i < 2; i++) await makeSession(gw, me.id, { ip: '127.0.0.2', userAgent: `extra ${i}` });
    const q = `query($u: ID!, $after: String) { sessions(userId: $u, first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { key userAgent } } } }`;
    const p1 = (await gw.gql(q, { u: me.gid }, me.token)).body.data.sessions;
    expect(p1.edges.map((e: any) => e.node.userAgent)).toEqual(['extra 1', 'extra 0']);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await gw.gql(q, { u: me.gid, after: p1.pageInfo.endCursor }, me.token)).body.data.sessions;
    expect(p2.edges.map((e: any) => e.node.key)).toEqual([me.sessionId]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect((await gw.gql(q, { u: me.gid, after: 'bm9wZQ' }, me.token)).body.errors[0].extensions.code).toBe('BAD_INPUT');
  });

  it('revokeSession and revokeAllSessions end sessions at once; others only with admin:sessions:write and rank', async () => {
    const target = await gw.user({ roles: ['moderator'] });
    const second = await gw.user({ username: `${target.username}_x` });
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    expect((await gw.gql(REVOKE, { input: { id: target.sessionId } }, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(REVOKE, { input: { id: admin.sessionId } }, target.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(REVOKE, { input: { id: 'not-a-uuid' } }, admin.token)).body.data.revokeSession.code).toBe('BAD_INPUT');
    expect((await gw.gql(REVOKE, { input: { id: '00000000-0000-0000-0000-000000000000' } }, admin.token)).body.data.revokeSession.code).toBe('NOT_FOUND');
    const one = await gw.gql(REVOKE, { input: { id: target.sessionId, reason: 'lost phone' } }, admin.token);
    expect(one.body.data.revokeSession.result.revokedCount).toBe(1);
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql(REVOKE_ALL, { input: { userId: admin.gid } }, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const all = await gw.gql(REVOKE_ALL, { input: { userId: second.gid } }, admin.token);
    expect(all.body.data.revokeAllSessions.result.revokedCount).toBe(1);
    expect((await gw.gql('{ viewer { id } }', {}, second.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const self = await gw.gql(REVOKE_ALL, { input: { userId: mod.gid } }, mod.token);
    expect(self.body.data.revokeAllSessions.result.revokedCount).toBe(1);
  });
});
