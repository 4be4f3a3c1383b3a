import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate, restClient } from '../../helpers/clients.js';

const gw = useGateway();
const call = restClient(gw, '/api');
const PASSWORD = 'cookie-password-1';

const login = (username: string, password: unknown) => call('POST', '/auth/login', null, { username, password });
const count = async (table: 'sessions' | 'audit_log') => (await gw.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;

describe('CookieCMS sign-in: POST /api/auth/login and GET /api/home', () => {
  it('answers a token that is a gateway session: listed by sessions, ended by revokeSession, refused on the next request', async () => {
    const user = await gw.user({ password: PASSWORD });
    const res = await login(user.username, PASSWORD);
    expect(res).toMatchObject({ status: 200, body: { error: false, msg: 'Login successful', url: '/home', data: { jwt: expect.any(String) } } });
    const jwt: string = res.body.data.jwt;
    // The panels keep this one token: it lives as long as its session (LEGACY_TOKEN_TTL, 7 days by default).
    const { exp } = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    expect(exp - Date.now() / 1000).toBeGreaterThan(6 * 86400);

    const home = await call('GET', '/home', jwt);
    expect(home).toMatchObject({ status: 200, body: { error: false, data: { Username: user.username, PermLvl: 1, Mail: `${user.username}@example.org` } } });

    const listed = await gw.gql(
      'query($u: ID!) { sessions(userId: $u, filter: { active: true }) { edges { node { id key via } } } }',
      { u: user.gid },
      user.token,
    );
    const opened = listed.body.data.sessions.edges.map((e: any) => e.node).filter((s: any) => s.via === 'cookiecms');
    expect(opened).toHaveLength(1);
    const [{ action }] = await gw.database.rows<{ action: string }>(
      sql`select action from audit_log where target_type = 'Session' and target_id = ${opened[0].key} order by seq limit 1`,
    );
    expect(action).toBe('session.login');

    expect(await mutate(gw, 'revokeSession', { id: opened[0].id }, user.token, 'result { revokedCount }')).toMatchObject({ result: { revokedCount: 1 } });
    // The home page signs out on exactly this answer.
    expect(await call('GET', '/home', jwt)).toEqual({ status: 401, body: { error: true, msg: 'Token has expired', url: null, data: null, code: 401 } });
    expect((await call('GET', '/admin/users/', jwt)).status).toBe(401);
  });

  it('gives staff a token for the admin routes; level 3 (moderator) and up as PermLvl', async () => {
    for (const [roles, level] of [
      [['premium'], 2],
      [['moderator'], 3],
      [['admin'], 4],
      [['superadmin'], 5],
    ] as const) {
      const user = await gw.user({ password: PASSWORD, roles: [...roles] });
      const { jwt } = (await login(user.username, PASSWORD)).body.data;
      expect((await call('GET', '/home/', jwt)).body.data.PermLvl, roles.join()).toBe(level);
      expect((await call('GET', '/admin/users?limit=1', jwt)).status, roles.join()).toBe(level >= 3 ? 200 : 403);
    }
  });

  it('a wrong password and an unknown name get the same 401 envelope; nothing is opened', async () => {
    const user = await gw.user({ password: PASSWORD });
    const before = await count('sessions');
    const wrong = await login(user.username, 'not-the-password');
    const unknown = await login('nobody_by_that_name', 'not-the-password');
    expect(wrong).toEqual({ status: 401, body: { error: true, msg: 'Invalid username or password', url: null, data: null } });
    expect(unknown).toEqual(wrong);
    expect(await count('sessions')).toBe(before);
  });

  it('bad bodies are a 400 envelope and check no password', async () => {
    const user = await gw.user({ password: PASSWORD });
    const [before, audits] = [await count('sessions'), await count('audit_log')];
    for (const body of [{ username: user.username }, { username: user.username, password: 5 }, { password: PASSWORD }, { username: '', password: PASSWORD }]) {
      expect(await call('POST', '/auth/login', null, body), JSON.stringify(body)).toMatchObject({ status: 400, body: { error: true, url: null } });
    }
    const notJson = await gw.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: true, msg: 'Request body is not valid JSON' });
    expect([await count('sessions'), await count('audit_log')]).toEqual([before, audits]);
    // The right password still works (with a trailing slash too): nothing counted against the account.
    expect((await call('POST', '/auth/login/', null, { username: user.username, password: PASSWORD })).status).toBe(200);
  });

  it('is rate limited with every password check: 429 in the envelope, even for the right password', async () => {
    const user = await gw.user({ password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await login(user.username, `wrong-${i}`)).status).toBe(401);
    const limited = await login(user.username, PASSWORD);
    expect(limited).toMatchObject({ status: 429, body: { error: true, url: null, data: null } });
    expect(limited.body.msg).toEqual(expect.any(String));
  });

  it('GET /api/home: 401 without a token or with a bad one; every signed-in account reads itself', async () => {
    expect(await call('GET', '/home', null)).toMatchObject({ status: 401, body: { error: true, msg: 'Token has expired', code: 401 } });
    expect((await call('GET', '/home', 'not-a-jwt')).status).toBe(401);
    const plain = await gw.user();
    expect(await call('GET', '/home', plain.token)).toMatchObject({
      status: 200,
      body: { data: { Username: plain.username, PermLvl: 1, Skins: [], Capes: [] } },
    });
  });
});
