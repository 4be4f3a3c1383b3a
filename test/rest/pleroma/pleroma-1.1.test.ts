import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createUser } from '../../../src/modules/users/actions.js';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { actingAs, makeSession, unique } from '../../helpers/factories.js';

/** The Pleroma 1.1 forms admin-fe relies on (bulk create, POST invite_token, email_invite in the query, show by id) and OAuth scopes. */
const gw = useGateway();
const call = restClient(gw, '/api/pleroma/admin');
const count = async (table: string, where = 'true') =>
  Number((await gw.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0].n);
const PASSWORD = 'pleroma-pass-1';

describe('OAuth scopes of Pleroma tokens', () => {
  it('a token without write is refused every write ("Insufficient permissions: write.") and one without read every route; nothing is written', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const readOnly = (await makeSession(gw, admin.id, { tokenScopes: ['read'], via: 'oauth' })).token;
    const writeOnly = (await makeSession(gw, admin.id, { tokenScopes: ['write'], via: 'oauth' })).token;
    const both = (await makeSession(gw, admin.id, { tokenScopes: ['read', 'write', 'follow'], via: 'oauth' })).token;
    const t = target.username;
    const writes = [
      ['POST', '/users', { users: [{ nickname: 'scoped_new', email: 'scoped_new@example.org', password: PASSWORD }] }],
      ['POST', '/users', { nickname: 'scoped_one', email: 'scoped_one@example.org', password: PASSWORD }],
      ['DELETE', `/users?nickname=${t}`, undefined],
      ['PATCH', `/users/${t}/toggle_activation`, undefined],
      ['PUT', `/users/${t}/activation_status`, { status: false }],
      ['PUT', '/users/tag', { nicknames: [t], tags: ['scoped'] }],
      ['DELETE', '/users/tag', { nicknames: [t], tags: ['scoped'] }],
      ['POST', `/users/${t}/permission_group/moderator`, undefined],
      ['DELETE', `/users/${t}/permission_group/moderator`, undefined],
      ['GET', '/users/invite_token', undefined],
      ['POST', '/users/invite_token', { max_use: 2 }],
      ['POST', '/users/revoke_invite', { token: 'whatever-token' }],
      ['POST', '/users/email_invite?email=scoped@example.org', undefined],
      ['GET', `/users/${t}/password_reset`, undefined],
    ] as const;
    const reads = [
      ['GET', '/users?page=1&filters=', undefined],
      ['GET', `/users/${t}`, undefined],
      ['GET', `/users/${target.id}/statuses`, undefined],
      ['GET', `/users/${t}/permission_group`, undefined],
      ['GET', `/users/${t}/permission_group/admin`, undefined],
      ['GET', '/users/invites', undefined],
    ] as const;
    const before = [await count('users'), await count('invites'), await count('outbox'), await count('password_reset_tokens'), await count('audit_log')];
    for (const [method, path, json] of writes) {
      expect(await call(method, path, readOnly, json), `${method} ${path}`).toEqual({ status: 403, body: { error: 'Insufficient permissions: write.' } });
      expect(await call(method, path, writeOnly, json), `${method} ${path}`).toEqual({ status: 403, body: { error: 'Insufficient permissions: read.' } });
    }
    for (const [method, path] of reads) {
      expect((await call(method, path, readOnly)).status, `${method} ${path}`).toBe(200);
      expect(await call(method, path, writeOnly), `${method} ${path}`).toEqual({ status: 403, body: { error: 'Insufficient permissions: read.' } });
    }
    expect([await count('users'), await count('invites'), await count('outbox'), await count('password_reset_tokens'), await count('audit_log')]).toEqual(
      before,
    );
    expect((await call('GET', `/users/${t}`, readOnly)).body).toMatchObject({ deactivated: false, tags: [], roles: { moderator: false } });
    // With read and write (what admin-fe asks for: "read write follow") the writes go through.
    expect((await call('PATCH', `/users/${t}/toggle_activation`, both)).body.deactivated).toBe(true);
    expect((await call('PUT', '/users/tag', both, { nicknames: [t], tags: ['scoped'] })).status).toBe(204);
  });
});

describe('bulk create {users: [...]}', () => {
  it('creates every user in one action and answers Pleroma 1.1 per-user results', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const names = [unique('bulk_a'), unique('bulk_b'), unique('bulk_c')];
    const res = await call('POST', '/users', admin.token, { users: names.map((n) => ({ nickname: n, email: `${n}@example.org`, password: PASSWORD })) });
    expect(res).toEqual({ status: 200, body: names.map((n) => ({ type: 'success', code: 200, data: { nickname: n, email: `${n}@example.org` } })) });
    expect(await count('users', `username in ('${names.join("','")}')`)).toBe(3);
    expect(await count('audit_log', `action = 'user.create' and actor_id = ${admin.id}`)).toBe(3);
    const login = await gw.gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }', { u: names[1], p: PASSWORD });
    expect(login.body.data.login.accessToken).toEqual(expect.any(String));
  });

  it('refuses the whole batch when one user is bad or taken: 409 with one result per user, nothing created', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const taken = await gw.user();
    const fresh = unique('bulk_fresh');
    const before = await count('users');
    const conflict = await call('POST', '/users', admin.token, {
      users: [
        { nickname: fresh, email: `${fresh}@example.org`, password: PASSWORD },
        { nickname: taken.username, email: `${fresh}_2@example.org`, password: PASSWORD },
      ],
    });
    expect(conflict).toEqual({
      status: 409,
      body: [
        { type: 'error', code: 409, error: '', data: { nickname: fresh, email: `${fresh}@example.org` } },
        { type: 'error', code: 409, error: 'nickname already taken', data: { nickname: taken.username, email: `${fresh}_2@example.org` } },
      ],
    });
    const short = await call('POST', '/users', admin.token, { users: [{ nickname: fresh, email: `${fresh}@example.org`, password: 'short' }] });
    expect(short.status).toBe(409);
    expect(short.body[0].error).toMatch(/^password /);
    const twice = await call('POST', '/users', admin.token, {
      users: [
        { nickname: fresh, email: `${fresh}@example.org`, password: PASSWORD },
        { nickname: fresh, email: `${fresh}_3@example.org`, password: PASSWORD },
      ],
    });
    expect(twice.body.map((r: { error: string }) => r.error)).toEqual(['', 'nickname same as item 0']);
    for (const bad of [
      { users: [] },
      { users: [{ nickname: fresh }] },
      { users: 'x' },
      { users: [{ nickname: 1, email: 'a@example.org', password: PASSWORD }] },
    ]) {
      const res = await call('POST', '/users', admin.token, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toEqual(expect.stringContaining('users'));
    }
    expect(
      (await call('POST', '/users', (await gw.user()).token, { users: [{ nickname: fresh, email: `${fresh}@example.org`, password: PASSWORD }] })).status,
    ).toBe(403);
    expect(await count('users')).toBe(before + 1);
  });
});

describe('user show and statuses by id or nickname', () => {
  it('finds a user by id first, then by nickname; unknown is 404 "Not found"; others are hidden from non-admins', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const digits = await gw.user({ username: '424242' });
    const byId = await call('GET', `/users/${plain.id}`, admin.token);
    expect(byId).toEqual({ status: 200, body: (await call('GET', `/users/${plain.username}`, admin.token)).body });
    expect(byId.body).toMatchObject({ id: plain.id.toString(), nickname: plain.username, display_name: plain.username, avatar: null });
    // No account has id 424242, so the digits name the account called that.
    expect((await call('GET', '/users/424242', admin.token)).body.id).toBe(digits.id.toString());
    expect(await call('GET', '/users/9223372036854775807', admin.token)).toEqual({ status: 404, body: 'Not found' });
    expect(await call('GET', '/users/99999999999999999999', admin.token)).toEqual({ status: 404, body: 'Not found' });
    expect(await call('GET', `/users/${plain.id}/statuses?godmode=true`, admin.token)).toEqual({ status: 200, body: [] });
    expect(await call('GET', '/users/9223372036854775807/statuses', admin.token)).toEqual({ status: 404, body: 'Not found' });
    expect(await call('GET', `/users/${admin.id}`, plain.token)).toEqual({ status: 403, body: { error: 'User is not admin.' } });
    expect(await call('GET', `/users/${admin.id}/statuses`, plain.token)).toEqual({ status: 403, body: { error: 'User is not admin.' } });
    expect(await call('GET', `/users/${admin.id}/statuses`, null)).toEqual({ status: 403, body: { error: 'Invalid credentials.' } });
    expect((await call('GET', `/users/${plain.id}`, plain.token)).body.nickname).toBe(plain.username);
  });
});

describe('POST /users/invite_token (Pleroma 1.1)', () => {
  it('answers the invite object; bad max_use or expires_at is 400 and creates nothing; non-admins 403', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const one = await call('POST', '/users/invite_token', admin.token, {});
    expect(one).toEqual({
      status: 200,
      body: { id: expect.any(Number), token: expect.any(String), used: false, expires_at: null, uses: 0, max_use: 1, invite_type: 'one_time' },
    });
    const both = await call('POST', '/users/invite_token', admin.token, { max_use: 3, expires_at: '2099-01-31' });
    expect(both.body).toMatchObject({ max_use: 3, expires_at: '2099-01-31', uses: 0, used: false, invite_type: 'reusable_date_limited' });
    // Phoenix reads the same parameters from the query string.
    expect((await call('POST', '/users/invite_token?max_use=4', admin.token)).body).toMatchObject({ max_use: 4, invite_type: 'reusable' });
    const before = await count('invites');
    for (const bad of [
      { max_use: 0 },
      { max_use: 'x' },
      { max_use: 1.5 },
      { expires_at: 'soon' },
      { expires_at: '2001-01-01' },
      { max_use: 2, expires_at: '10000-01-01' },
    ]) {
      expect((await call('POST', '/users/invite_token', admin.token, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await call('POST', '/users/invite_token', (await gw.user()).token, { max_use: 1 })).toEqual({ status: 403, body: { error: 'User is not admin.' } });
    expect(await call('POST', '/users/invite_token', null, { max_use: 1 })).toEqual({ status: 403, body: { error: 'Invalid credentials.' } });
    expect(await count('invites')).toBe(before);
  });
});

describe('POST /users/email_invite', () => {
  it('takes email and name from the query string (or the body, which wins), queues the mail with a new invite; bad input writes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const to = `${unique('invitee')}@example.org`;
    expect(await call('POST', `/users/email_invite?email=${to}&name=Robin`, admin.token)).toEqual({ status: 204, body: null });
    expect(await count('outbox', `kind = 'invite' and to_address = '${to}'`)).toBe(1);
    const [audit] = await gw.database.rows<{ diff: { mailedTo: string } }>(
      sql`select diff from audit_log where action = 'invite.create' order by seq desc limit 1`,
    );
    expect(audit.diff.mailedTo).toBe(to);
    const other = `${unique('invitee')}@example.org`;
    expect((await call('POST', `/users/email_invite?email=${to}`, admin.token, { email: other })).status).toBe(204);
    expect(await count('outbox', `kind = 'invite' and to_address = '${other}'`)).toBe(1);
    expect(await count('outbox', `kind = 'invite' and to_address = '${to}'`)).toBe(1);
    const before = [await count('outbox'), await count('invites')];
    for (const path of ['/users/email_invite', '/users/email_invite?email=not-an-address', `/users/email_invite?email=${to}&name=${'n'.repeat(101)}`]) {
      expect((await call('POST', path, admin.token)).status, path).toBe(400);
    }
    expect(await call('POST', `/users/email_invite?email=${to}`, (await gw.user()).token)).toEqual({ status: 403, body: { error: 'User is not admin.' } });
    expect([await count('outbox'), await count('invites')]).toEqual(before);
  });
});

describe('password reset link', () => {
  it('opens the gateway reset page (strict CSP, own script); remote accounts have no password to reset', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const { link, token } = (await call('GET', `/users/${target.username}/password_reset`, admin.token)).body;
    const page = await gw.request(new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="/api/pleroma/password_reset.js"></script>');
    const script = await gw.request('/api/pleroma/password_reset.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('resetPassword(input: $input)');
    expect(token).toEqual(expect.any(String));
    const remote = await createUser(actingAs(gw), { username: unique('far'), domain: 'remote.example', email: null, password: null });
    const before = await count('password_reset_tokens');
    expect(await call('GET', `/users/${remote.username}@remote.example/password_reset`, admin.token)).toEqual({
      status: 400,
      body: { error: 'Only local accounts have a password to reset' },
    });
    expect(await count('password_reset_tokens')).toBe(before);
  });
});
