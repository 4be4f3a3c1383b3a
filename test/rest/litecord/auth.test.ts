import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../../src/access/sign-in.js';
import { useGateway } from '../../helpers/app.js';
import { mutate, restClient } from '../../helpers/clients.js';

const gw = useGateway();
const call = restClient(gw, '', 'bare');
const LOGIN = '/api/v6/auth/login';
const sessionCount = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from sessions`))[0].n);

describe('Litecord POST /api/v6/auth/login', () => {
  it('answers {token, user_id}; the token is a gateway session: used bare, listed, ended by revokeSession', async () => {
    const user = await gw.user({ email: 'Login.Case@litecord.test', password: 'right-password-1', roles: ['admin'] });
    // Emails match without regard to case, as the users' unique index does; `login` is the v9 name.
    const res = await call('POST', LOGIN, null, { login: 'login.case@litecord.test', password: 'right-password-1', undelete: false });
    expect(res.status).toBe(200);
    expect(res.body.user_id).toBe(user.id.toString());
    const token = res.body.token as string;
    expect((await call('GET', '/api/v6/admin/users?username=&discriminator=', token)).status).toBe(200);

    const sessions = await gw.gql('query($id: ID!) { sessions(userId: $id, first: 5) { edges { node { id via } } } }', { id: user.gid }, user.token);
    const litecord = sessions.body.data.sessions.edges.map((e: any) => e.node).filter((n: any) => n.via === 'litecord');
    expect(litecord).toHaveLength(1);
    expect((await mutate(gw, 'revokeSession', { id: litecord[0].id }, user.token)).__typename).toBe('RevokeSessionSuccess');
    expect(await call('GET', '/api/v6/admin/users', token)).toMatchObject({ status: 401, body: { error: true, status: 401 } });
  });

  it('a wrong password and an unknown email get the same 401; bad bodies are 400; nothing is opened', async () => {
    await gw.user({ email: 'wrong@litecord.test', password: 'right-password-1' });
    const before = await sessionCount();
    const wrong = await call('POST', LOGIN, null, { email: 'wrong@litecord.test', password: 'not-the-password' });
    const unknown = await call('POST', LOGIN, null, { email: 'nobody@litecord.test', password: 'not-the-password' });
    expect(wrong).toEqual({ status: 401, body: { error: true, status: 401, message: 'Invalid login or password' } });
    expect(unknown).toEqual(wrong);
    for (const body of [{}, { email: 'wrong@litecord.test' }, { email: 3, password: 'x' }, { email: 'a\u0000b', password: 'x' }]) {
      const bad = await call('POST', LOGIN, null, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error).toBe(true);
    }
    const malformed = await gw.request(LOGIN, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(malformed.status).toBe(400);
    expect(await sessionCount()).toBe(before);
  });

  it('is limited like every password check: 429 once an address has failed too often on an account', async () => {
    await gw.user({ email: 'limited@litecord.test', password: 'right-password-1' });
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) {
      expect((await call('POST', LOGIN, null, { email: 'limited@litecord.test', password: 'nope-nope' })).status).toBe(401);
    }
    const limited = await call('POST', LOGIN, null, { email: 'limited@litecord.test', password: 'right-password-1' });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe(true);
  });
});
