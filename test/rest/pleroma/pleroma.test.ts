import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';

const gw = useGateway();
const BASE = '/api/pleroma/admin';

const call = restClient(gw, BASE);

const count = async (q: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(q)))[0].n);

describe('Pleroma /api/pleroma/admin', () => {
  it('lists users with query, filters, tags, name, email and numbered pages in Pleroma shape', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const prefix = `pl${Date.now().toString(36)}`;
    const a = await gw.user({ username: `${prefix}_anna`, roles: ['moderator'] });
    const b = await gw.user({ username: `${prefix}_bert` });
    await gw.request('/graphql', {
      method: 'POST',
      token: admin.token,
      json: { query: `mutation($i: TagUsersInput!) { tagUsers(input: $i) { __typename } }`, variables: { i: { ids: [b.gid], tags: ['force_nsfw'] } } },
    });
    const all = await call('GET', `/users?query=${prefix}&page=1&page_size=1`, admin.token);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      page_size: 1,
      count: 2,
      users: [
        {
          id: a.id.toString(),
          avatar: null,
          nickname: a.username,
          display_name: a.username,
          deactivated: false,
          roles: { admin: false, moderator: true },
          local: true,
          tags: [],
        },
      ],
    });
    const page2 = await call('GET', `/users?query=${prefix}&page=2&page_size=1`, admin.token);
    expect(page2.body.users.map((u: any) => u.nickname)).toEqual([b.username]);
    expect((await call('GET', `/users?query=${prefix}&filters=is_moderator`, admin.token)).body.users.map((u: any) => u.nickname)).toEqual([a.username]);
    expect((await call('GET', `/users?query=${prefix}&tags[]=force_nsfw`, admin.token)).body.users.map((u: any) => u.nickname)).toEqual([b.username]);
    expect((await call('GET', `/users?query=${prefix}&email=${prefix}_anna@`, admin.token)).body.count).toBe(1);
    expect((await call('GET', `/users?query=${prefix}&filters=external`, admin.token)).body.count).toBe(0);
    const bad = await call('GET', '/users?filters=bogus', admin.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('filters');
  });

  it('refuses callers who are not admins with 403 as Pleroma words it and writes nothing', async () => {
    const plain = await gw.user();
    // Anyone may read their own account; the routes are tried on someone else's.
    const other = await gw.user();
    const before = await count('select count(*)::int as n from users');
    for (const [method, path, json] of [
      ['GET', '/users', undefined],
      ['POST', '/users', { nickname: 'pl_nope', email: 'pl_nope@example.org', password: 'pl-password-1' }],
      ['DELETE', `/users?nickname=${other.username}`, undefined],
      ['GET', `/users/${other.username}`, undefined],
      ['PATCH', `/users/${other.username}/toggle_activation`, undefined],
      ['PUT', `/users/${other.username}/activation_status`, { status: false }],
      ['PUT', '/users/tag', { nicknames: [plain.username], tags: ['x'] }],
      ['DELETE', '/users/tag', { nicknames: [plain.username], tags: ['x'] }],
      ['GET', `/users/${other.username}/permission_group`, undefined],
      ['GET', `/users/${other.username}/permission_group/admin`, undefined],
      ['POST', `/users/${other.username}/permission_group/admin`, undefined],
      ['DELETE', `/users/${other.username}/permission_group/moderator`, undefined],
    ] as const) {
      expect(await call(method, path, plain.token, json), `${method} ${path}`).toEqual({ status: 403, body: { error: 'User is not admin.' } });
      for (const token of [null, 'not-a-token']) {
        expect(await call(method, path, token, json), `${method} ${path}`).toEqual({ status: 403, body: { error: 'Invalid credentials.' } });
      }
    }
    expect(await count('select count(*)::int as n from users')).toBe(before);
    expect(await count(`select count(*)::int as n from user_roles where user_id = ${other.id}`)).toBe(0);
  });

  it('a caller without the read scope cannot tell an existing nickname from a missing one', async () => {
    const plain = await gw.user();
    const other = await gw.user();
    for (const suffix of ['', '/permission_group', '/permission_group/admin', '/password_reset']) {
      const existing = await call('GET', `/users/${other.username}${suffix}`, plain.token);
      const missing = await call('GET', `/users/nobody_by_that_name${suffix}`, plain.token);
      expect(existing, suffix).toEqual({ status: 403, body: { error: 'User is not admin.' } });
      expect(missing, suffix).toEqual(existing);
    }
    expect((await call('GET', `/users/${plain.username}`, plain.token)).body.nickname).toBe(plain.username);
  });

  it('creates, shows and deletes by nickname (delete deactivates and keeps the account, as Pleroma does); bad input is 400, unknown users 404 "Not found"', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const created = await call('POST', '/users', admin.token, { nickname: 'pl_new', email: 'pl_new@example.org', password: 'pl-password-1' });
    expect(created).toEqual({ status: 200, body: 'pl_new' });
    expect((await call('GET', '/users/PL_NEW', admin.token)).body).toMatchObject({ nickname: 'pl_new', deactivated: false, local: true });
    expect((await call('POST', '/users', admin.token, { nickname: 'pl_new', email: 'x@example.org', password: 'pl-password-1' })).status).toBe(400);
    expect((await call('POST', '/users', admin.token, { nickname: 'pl_2', email: 'bad', password: 'pl-password-1', extra: 1 })).status).toBe(400);
    expect(await call('GET', '/users/nobody_at_all', admin.token)).toEqual({ status: 404, body: 'Not found' });
    expect(await call('DELETE', '/users?nickname=nobody_at_all', admin.token)).toEqual({ status: 404, body: 'Not found' });
    expect((await call('DELETE', '/users', admin.token)).status).toBe(400);
    const sessions = await gw.user({ username: 'pl_gone', password: 'pl-password-1' });
    expect(await call('DELETE', '/users?nickname=pl_gone', admin.token)).toEqual({ status: 200, body: 'pl_gone' });
    // Still there, deactivated: shown, listed, its name kept; it can no longer sign in or use its token.
    expect((await call('GET', '/users/pl_gone', admin.token)).body).toMatchObject({ nickname: 'pl_gone', deactivated: true });
    const listed = (await call('GET', '/users?query=pl_gone', admin.token)).body;
    expect(listed.count).toBe(1);
    expect(listed.users[0]).toMatchObject({ nickname: 'pl_gone', deactivated: true });
    expect((await gw.gql('{ viewer { id } }', {}, sessions.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const [row] = await gw.database.rows<{ status: string; deleted_at: unknown }>(sql`select status, deleted_at from users where username = 'pl_gone'`);
    expect(row).toEqual({ status: 'DEACTIVATED', deleted_at: null });
    expect(await count(`select count(*)::int as n from audit_log where action = 'user.deactivate' and target_id = '${sessions.id}'`)).toBe(1);
  });

  it('toggles activation, sets activation_status, tags and untags by nicknames', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const off = await call('PATCH', `/users/${target.username}/toggle_activation`, admin.token);
    // The whole user, the same object GET /users/:nickname answers.
    expect(off).toEqual({ status: 200, body: (await call('GET', `/users/${target.username}`, admin.token)).body });
    expect(off.body).toMatchObject({ deactivated: true, id: target.id.toString(), nickname: target.username, roles: { admin: false }, local: true, tags: [] });
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await call('PATCH', `/users/${target.username}/toggle_activation`, admin.token)).body.deactivated).toBe(false);
    expect(await call('PATCH', '/users/nobody_at_all/toggle_activation', admin.token)).toEqual({ status: 404, body: 'Not found' });
    // activation_status answers 204 with no body, as Pleroma does.
    expect(await call('PUT', `/users/${target.username}/activation_status`, admin.token, { status: false })).toEqual({ status: 204, body: null });
    expect((await call('GET', `/users/${target.username}`, admin.token)).body.deactivated).toBe(true);
    expect(await call('PUT', `/users/${target.username}/activation_status?status=true`, admin.token)).toEqual({ status: 204, body: null });
    expect((await call('GET', `/users/${target.username}`, admin.token)).body.deactivated).toBe(false);
    expect((await call('PUT', `/users/${target.username}/activation_status`, admin.token, { status: 'no' })).status).toBe(400);
    expect((await call('GET', `/users/${target.username}`, admin.token)).body.deactivated).toBe(false);
    expect((await call('PUT', '/users/tag', admin.token, { nicknames: [target.username], tags: ['mrf_tag:media-strip'] })).status).toBe(204);
    expect((await call('GET', `/users/${target.username}`, admin.token)).body.tags).toEqual(['mrf_tag:media-strip']);
    expect((await call('DELETE', '/users/tag', admin.token, { nicknames: [target.username], tags: ['mrf_tag:media-strip'] })).status).toBe(204);
    expect((await call('PUT', '/users/tag', admin.token, { nicknames: ['ghost_user'], tags: ['x'] })).status).toBe(404);
  });

  it('permission groups: get, add, remove; an admin cannot revoke its own admin status', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    expect((await call('GET', `/users/${target.username}/permission_group`, admin.token)).body).toEqual({ is_admin: false, is_moderator: false });
    expect(await call('POST', `/users/${target.username}/permission_group/moderator`, admin.token)).toEqual({ status: 200, body: { is_moderator: true } });
    expect((await call('GET', `/users/${target.username}/permission_group/moderator`, admin.token)).body).toEqual({ is_admin: false, is_moderator: true });
    expect(await call('DELETE', `/users/${target.username}/permission_group/moderator`, admin.token)).toEqual({ status: 200, body: { is_moderator: false } });
    // An admin gives only groups ranked below its own.
    expect((await call('POST', `/users/${target.username}/permission_group/admin`, admin.token)).status).toBe(403);
    expect(await call('DELETE', `/users/${admin.username}/permission_group/admin`, admin.token)).toEqual({
      status: 403,
      body: { error: "You can't revoke your own admin status." },
    });
    expect((await call('POST', `/users/${target.username}/permission_group/owner`, admin.token)).status).toBe(404);
  });
});

describe('Pleroma invites', () => {
  it('invite_token, invites and revoke_invite in Pleroma shapes', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    expect((await call('GET', '/users/invite_token', plain.token)).status).toBe(403);
    const oneTime = await call('GET', '/users/invite_token', admin.token);
    expect(oneTime.status).toBe(200);
    expect(typeof oneTime.body).toBe('string');
    const reusable = (await call('GET', '/users/invite_token?invite[max_use]=5&invite[expires_at]=2099-04-07', admin.token)).body;
    expect((await call('GET', '/users/invite_token?invite[max_use]=0', admin.token)).status).toBe(400);
    expect((await call('GET', '/users/invite_token?invite[expires_at]=soon', admin.token)).status).toBe(400);
    const list = (await call('GET', '/users/invites', admin.token)).body.invites;
    expect(list.find((i: any) => i.token === oneTime.body)).toMatchObject({ used: false, expires_at: null, uses: 0, max_use: 1, invite_type: 'one_time' });
    expect(list.find((i: any) => i.token === reusable)).toMatchObject({
      used: false,
      expires_at: '2099-04-07',
      max_use: 5,
      invite_type: 'reusable_date_limited',
    });
    expect(typeof list[0].id).toBe('number');
    const revoked = await call('POST', '/users/revoke_invite', admin.token, { token: oneTime.body });
    expect(revoked).toMatchObject({ status: 200, body: { token: oneTime.body, used: true, invite_type: 'one_time' } });
    expect(await call('POST', '/users/revoke_invite', admin.token, { token: 'missing-token' })).toEqual({ status: 404, body: 'Not found' });
    expect((await call('GET', '/users/invites', plain.token)).status).toBe(403);
    expect((await call('POST', '/users/revoke_invite', plain.token, { token: reusable })).status).toBe(403);
    expect((await call('POST', '/users/email_invite', plain.token, { email: 'x@example.org' })).status).toBe(403);
    expect((await call('POST', '/users/email_invite', null, { email: 'x@example.org' })).status).toBe(403);
  });
});

describe('Pleroma password reset', () => {
  it('GET /users/:nickname/password_reset answers {token, link}; the token resets the password', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    expect((await call('GET', `/users/${target.username}/password_reset`, target.token)).status).toBe(403);
    const res = await call('GET', `/users/${target.username}/password_reset`, admin.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ token: expect.any(String), link: `${gw.config.mail.publicUrl}/api/pleroma/password_reset/${res.body.token}` });
    const done = await gw.gql(`mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { __typename } }`, {
      i: { token: res.body.token, newPassword: 'pleroma-reset-1' },
    });
    expect(done.body.data.resetPassword.__typename).toBe('ResetPasswordSuccess');
    expect((await call('GET', '/users/nobody_here_x/password_reset', admin.token)).status).toBe(404);
  });
});
