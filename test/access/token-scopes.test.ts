import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ScopeSet } from '../../src/access/scopes.js';
import type { GraphQLContext } from '../../src/graphql/context.js';
import { LOGIN_LIMITS } from '../../src/modules/sessions/actions.js';
import { shimSignIn } from '../../src/rest/sign-in.js';
import { useGateway, type TestGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';
import { makeSession } from '../helpers/factories.js';

/** The context a shim route builds for a request from `ip` (what shimSignIn is given). */
function shimContext(gw: TestGateway, ip: string): GraphQLContext {
  return {
    config: gw.config,
    database: gw.database,
    tokens: gw.app.tokens,
    auth: gw.app.auth,
    mailBox: gw.app.mailBox,
    viewer: null,
    authError: null,
    authorization: null,
    requestId: 'token-scopes-test',
    ip,
    userAgent: 'legacy-client/1.0',
    log: gw.app.log,
    events: gw.app.events,
  };
}

describe('ScopeSet narrowed by OAuth token scopes', () => {
  it('read keeps only *:read scopes, write only the others, both or null keep all; a token never adds', () => {
    const held = ['admin:users'];
    expect(new ScopeSet(held, ['read']).has('admin:users:read')).toBe(true);
    expect(new ScopeSet(held, ['read']).has('admin:users:write')).toBe(false);
    expect(new ScopeSet(held, ['write']).has('admin:users:read')).toBe(false);
    expect(new ScopeSet(held, ['write', 'follow']).has('admin:users:ban')).toBe(true);
    expect(new ScopeSet(held, ['read', 'write']).has('admin:users:erase')).toBe(true);
    expect(new ScopeSet(held, null).has('admin:users:write')).toBe(true);
    expect(new ScopeSet(held, []).has('admin:users:read')).toBe(false);
    expect(new ScopeSet(held, ['read', 'write']).has('admin:roles:read')).toBe(false);
  });
});

describe('tokens narrowed by OAuth scopes', () => {
  const gw = useGateway();

  it('a read token of an admin reads but cannot write; a write token writes but cannot read; Session shows them', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const reader = await makeSession(gw, admin.id, { tokenScopes: ['read'], via: 'oauth' });
    const writer = await makeSession(gw, admin.id, { tokenScopes: ['write'], via: 'oauth' });
    const target = await gw.user();

    expect((await gw.gql('{ users(first: 1) { totalCount } }', {}, reader.token)).body.data.users.totalCount).toBeGreaterThan(0);
    expect(await mutate(gw, 'suspendUser', { id: target.gid, reason: 'r' }, reader.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect((await gw.gql(`{ user(id: "${target.gid}") { status } }`, {}, admin.token)).body.data.user.status).toBe('ACTIVE');

    const read = await gw.gql('{ users(first: 1) { totalCount } }', {}, writer.token);
    expect(read.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await mutate(gw, 'suspendUser', { id: target.gid, reason: 'r' }, writer.token)).__typename).toBe('SuspendUserSuccess');

    const sessions = await gw.gql(
      `query($id: ID!) { sessions(userId: $id, first: 10) { edges { node { key via tokenScopes } } } }`,
      { id: admin.gid },
      admin.token,
    );
    const byKey = new Map(sessions.body.data.sessions.edges.map((e: any) => [e.node.key, e.node]));
    expect(byKey.get(reader.sessionId)).toMatchObject({ via: 'oauth', tokenScopes: ['read'] });
    expect(byKey.get(admin.sessionId)).toMatchObject({ via: 'graphql', tokenScopes: null });
  });
});

describe('shimSignIn: legacy sign-in on the gateway sessions', () => {
  const gw = useGateway({ LEGACY_TOKEN_TTL: '3d' });

  it('answers a token that lives as long as its session, listed, audited, and refused once revoked', async () => {
    const user = await gw.user({ password: 'correct horse battery', roles: ['admin'] });
    const before = Math.floor(Date.now() / 1000);
    const signed = await shimSignIn(shimContext(gw, '192.0.2.10'), user.username, 'correct horse battery', 'cookiecms');
    const exp = decodeJwt(signed.accessToken).exp!;
    expect(exp - before).toBeGreaterThanOrEqual(3 * 86400 - 5);
    expect(exp - before).toBeLessThanOrEqual(3 * 86400 + 5);

    const viewer = await gw.gql('{ viewer { id } }', {}, signed.accessToken);
    expect(viewer.body.data.viewer.id).toBe(user.gid);

    const listed = await gw.gql(
      `query($id: ID!) { sessions(userId: $id, first: 10) { edges { node { key via ip userAgent expiresAt } } } }`,
      { id: user.gid },
      user.token,
    );
    const node = listed.body.data.sessions.edges.map((e: any) => e.node).find((n: any) => n.key === signed.sessionId);
    expect(node).toMatchObject({ via: 'cookiecms', ip: '192.0.2.10', userAgent: 'legacy-client/1.0' });
    expect(Math.abs(Date.parse(node.expiresAt) / 1000 - exp)).toBeLessThanOrEqual(5);

    const audit = await gw.gql(
      `{ auditLog(first: 20, filter: { action: "session.login", targetType: "Session" }) { edges { node { diff } } } }`,
      {},
      user.token,
    );
    const diffs = audit.body.data.auditLog.edges.map((e: any) => e.node.diff).filter((d: any) => d.userId === user.id.toString());
    expect(diffs).toContainEqual(expect.objectContaining({ via: 'cookiecms', ip: '192.0.2.10' }));

    const revoked = await mutate(gw, 'revokeSession', { id: signed.sessionId }, user.token);
    expect(revoked.__typename).toBe('RevokeSessionSuccess');
    const after = await gw.gql('{ viewer { id } }', {}, signed.accessToken);
    expect(after.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a wrong password and an unknown name are the same UNAUTHENTICATED; the limits are the ones GraphQL login counts', async () => {
    const user = await gw.user({ password: 'correct horse battery' });
    const ctx = shimContext(gw, '192.0.2.20');
    const wrong = await shimSignIn(ctx, user.username, 'nope-nope-nope', 'litecord').catch((e) => e);
    const unknown = await shimSignIn(ctx, 'no-such-user-here', 'nope-nope-nope', 'litecord').catch((e) => e);
    expect([wrong.code, wrong.message]).toEqual(['UNAUTHENTICATED', 'Invalid username or password']);
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);

    for (let i = 1; i < LOGIN_LIMITS.perAccountAndAddress; i++) await shimSignIn(ctx, user.username, 'nope-nope-nope', 'litecord').catch(() => {});
    // The next attempt from the same address, through GraphQL login, meets the same counter.
    const viaGraphql = await gw.gqlFrom('192.0.2.20', 'mutation($u: String!) { login(username: $u, password: "correct horse battery") { accessToken } }', {
      u: user.username,
    });
    expect(viaGraphql.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    const viaShim = await shimSignIn(ctx, user.username, 'correct horse battery', 'litecord').catch((e) => e);
    expect(viaShim.code).toBe('RATE_LIMITED');
  });
});
