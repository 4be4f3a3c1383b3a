import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';

const gw = useGateway();
const BASE = '/api/v6/admin/users';

/** Litecord sends the token without a scheme. */
const call = restClient(gw, '', 'bare');

const count = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from users`))[0].n);

describe('Litecord /api/v6/admin/users', () => {
  it('PUT creates a user and answers a Litecord user object', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const res = await call('PUT', BASE, staff.token, { username: 'lc_new', email: 'lc_new@example.org', password: 'lc-password-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'lc_new', email: 'lc_new@example.org', bot: false, flags: 0, verified: false, avatar: null });
    expect(res.body.id).toMatch(/^\d+$/);
    expect(res.body.discriminator).toMatch(/^\d{4}$/);
    const login = await gw.gql(`mutation { login(username: "lc_new", password: "lc-password-1") { user { username } } }`);
    expect(login.body.data.login.user.username).toBe('lc_new');
  });

  it('answers 401 "you are not staff" without the scope, 401 without a token; nothing written', async () => {
    const plain = await gw.user();
    const before = await count();
    const notStaff = await call('PUT', BASE, plain.token, { username: 'lc_x', email: 'lc_x@example.org', password: 'lc-password-1' });
    expect(notStaff).toEqual({ status: 401, body: { error: true, status: 401, message: 'you are not staff' } });
    expect((await call('GET', BASE, plain.token)).status).toBe(401);
    const anon = await call('GET', BASE, null);
    expect(anon.status).toBe(401);
    expect(anon.body.error).toBe(true);
    expect(await count()).toBe(before);
  });

  it('rejects unknown keys, wrong types, malformed JSON and NUL bytes with 400; nothing written', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const before = await count();
    for (const body of [
      { username: 'lc_y', email: 'lc_y@example.org', password: 'lc-password-1', admin: true },
      { username: 12, email: 'lc_y@example.org', password: 'lc-password-1' },
      { username: 'lc_y', email: 'not-mail', password: 'lc-password-1' },
      { username: 'lc\u0000y', email: 'lc_y@example.org', password: 'lc-password-1' },
    ]) {
      const res = await call('PUT', BASE, staff.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: true, status: 400 });
    }
    const malformed = await gw.request(BASE, {
      method: 'PUT',
      headers: { authorization: staff.token, 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(malformed.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('GET searches case-sensitively by username substring and discriminator, with numbered pages', async () => {
    const staff = await gw.user({ roles: ['moderator'] });
    for (const name of ['Searchy_1', 'searchy_2', 'Searchy_3', 'Searchy_4']) await gw.user({ username: name });
    const page0 = await call('GET', `${BASE}?username=Searchy&per_page=2`, staff.token);
    expect(page0.status).toBe(200);
    expect(page0.body.map((u: any) => u.username)).toEqual(['Searchy_1', 'Searchy_3']);
    const page1 = await call('GET', `${BASE}?username=Searchy&per_page=2&page=1`, staff.token);
    expect(page1.body.map((u: any) => u.username)).toEqual(['Searchy_4']);
    const disc = page0.body[0].discriminator;
    const byDisc = await call('GET', `${BASE}?username=Searchy_1&discriminator=${disc}`, staff.token);
    expect(byDisc.body.map((u: any) => u.username)).toEqual(['Searchy_1']);
    expect((await call('GET', `${BASE}?per_page=51`, staff.token)).status).toBe(400);
    expect((await call('GET', `${BASE}?page=-1`, staff.token)).status).toBe(400);
    expect((await call('GET', `${BASE}?discriminator=12`, staff.token)).status).toBe(400);
  });

  it('presents the staff bit from scopes and refuses to change it with 403', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const other = await gw.user({ roles: ['moderator'] });
    const path = `${BASE}/${target.id}`;
    expect((await call('PATCH', path, staff.token, { flags: 1 })).status).toBe(403);
    const ok = await call('PATCH', path, staff.token, { flags: 4 | 64 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: target.id.toString(), flags: 68 });
    const staffUser = await call('PATCH', `${BASE}/${other.id}`, staff.token, { flags: 1 | 8 });
    expect(staffUser.status).toBe(200);
    expect(staffUser.body.flags).toBe(9);
    expect((await call('PATCH', `${BASE}/${other.id}`, staff.token, { flags: 8 })).status).toBe(403);
    expect((await call('PATCH', path, staff.token, { flags: 4, nitro: true })).status).toBe(400);
    expect((await call('PATCH', `${BASE}/999999999`, staff.token, { flags: 4 })).status).toBe(404);
    expect((await call('PATCH', path, target.token, { flags: 4 })).body.message).toBe('you are not staff');
  });

  it('DELETE renames to Deleted User <hex>, clears the email, ends sessions, answers old and new', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const target = await gw.user({ username: 'lc_doomed' });
    expect((await call('DELETE', `${BASE}/${target.id}`, mod.token)).body.message).toBe('you are not staff');
    const res = await call('DELETE', `${BASE}/${target.id}`, staff.token);
    expect(res.status).toBe(200);
    expect(res.body.old).toMatchObject({ id: target.id.toString(), username: 'lc_doomed', email: 'lc_doomed@example.org' });
    expect(res.body.new.username).toMatch(/^Deleted User [0-9a-f]{8}$/);
    expect(res.body.new.email).toBeNull();
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await call('DELETE', `${BASE}/${target.id}`, staff.token)).status).toBe(400);
    expect((await call('DELETE', `${BASE}/424242424242`, staff.token)).status).toBe(404);
    expect((await call('DELETE', `${BASE}/abc`, staff.token)).status).toBe(404);
  });
});

describe('Litecord /api/v6/admin/instance/invites', () => {
  const INV = '/api/v6/admin/instance/invites';
  it('lists, creates (max_uses, -1 unlimited) and deletes with 204 and 404; staff only', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    expect((await call('PUT', INV, plain.token, { max_uses: 3 })).status).toBe(401);
    expect((await call('GET', INV, null)).status).toBe(401);
    expect((await call('GET', INV, plain.token)).status).toBe(401);
    expect((await call('DELETE', `${INV}/whatever`, plain.token)).status).toBe(401);
    const made = await call('PUT', INV, staff.token, { max_uses: 3 });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ max_uses: 3, uses: 0 });
    expect(Date.parse(made.body.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await call('PUT', INV, staff.token, { max_uses: -1 })).body.max_uses).toBe(-1);
    expect((await call('PUT', INV, staff.token, { max_uses: 0 })).status).toBe(400);
    expect((await call('PUT', INV, staff.token, { max_uses: 2, code: 'x' })).status).toBe(400);
    const list = await call('GET', INV, staff.token);
    expect(list.body.map((i: any) => i.code)).toContain(made.body.code);
    expect(await call('DELETE', `${INV}/${made.body.code}`, staff.token)).toEqual({ status: 204, body: null });
    expect((await call('GET', INV, staff.token)).body.map((i: any) => i.code)).not.toContain(made.body.code);
    expect(await call('DELETE', `${INV}/${made.body.code}`, staff.token)).toMatchObject({
      status: 404,
      body: { error: true, message: 'Unknown invite', code: 10006 },
    });
    expect((await call('DELETE', `${INV}/never-was`, staff.token)).status).toBe(404);
  });
});
