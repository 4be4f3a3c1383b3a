import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { until } from '../../helpers/wait.js';

const gw = useGateway();
const BASE = '/api/admin';

const call = restClient(gw, BASE);

const roles = async (token: string) => (await gw.gql('{ viewer { roles { name } } }', {}, token)).body.data.viewer.roles.map((r: any) => r.name);

describe('CookieCMS /api/admin', () => {
  it('every route: 401 without a token, 403 without the scope, nothing written', async () => {
    const plain = await gw.user();
    // Anyone may read their own account; the routes are tried on someone else's.
    const other = await gw.user();
    const [{ n: before }] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`);
    for (const [method, path, json] of [
      ['GET', '/users', undefined],
      ['GET', '/users/', undefined],
      ['GET', '/users?limit=10', undefined],
      ['GET', `/user/${other.id}`, undefined],
      ['PATCH', `/user/${other.id}`, { mail_verify: 1 }],
      ['PUT', `/user/${other.id}`, { Mail_verify: 1 }],
      ['POST', `/user/role/${other.id}`, { role_level: 2 }],
      ['GET', '/audit', undefined],
      ['GET', '/metrics', undefined],
    ] as const) {
      expect((await call(method, path, null, json)).status, `${method} ${path}`).toBe(401);
      expect(await call(method, path, plain.token, json), `${method} ${path}`).toMatchObject({ status: 403, body: { error: true, url: null } });
    }
    const [{ n: after }] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`);
    expect(after).toBe(before);
  });

  it('lists users in the envelope, never with password hashes; 401/403 without rights', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const res = await call('GET', '/users?limit=100', admin.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ error: false, msg: 'Users fetched successfully', url: null });
    const me = res.body.data.find((u: any) => u.id === Number(admin.id));
    // Admins are level 4 (3 is moderator); mail is a string even without an address.
    expect(me).toEqual({
      id: Number(admin.id),
      username: admin.username,
      dsid: null,
      mail: `${admin.username}@example.org`,
      mail_verify: 0,
      uuid: null,
      perms: 4,
      hwidId: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('argon2');
    expect(await call('GET', '/users', null)).toMatchObject({ status: 401, body: { error: true, url: null, data: null } });
    expect((await call('GET', '/users', plain.token)).status).toBe(403);
    expect((await call('GET', '/users?limit=1000', admin.token)).status).toBe(400);
  });

  it('shows and patches a user by id or username; unknown keys and users are refused', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    expect((await call('GET', `/user/${target.id}`, admin.token)).body.data).toMatchObject({
      Username: target.username,
      PermLvl: 1,
      Mail_verify: 0,
      Skins: [],
      Capes: [],
    });
    expect((await call('GET', `/user/${target.username}`, admin.token)).body.data.Username).toBe(target.username);
    expect(await call('GET', '/user/nobody_by_that_name', admin.token)).toMatchObject({ status: 404, body: { error: true, msg: 'User not found' } });
    const patched = await call('PATCH', `/user/${target.id}`, admin.token, { mail: 'cookie.new@example.org', mail_verify: 1, perms: 3 });
    expect(patched).toMatchObject({
      status: 200,
      body: { error: false, msg: 'User updated successfully', data: { Mail: 'cookie.new@example.org', Mail_verify: 1, PermLvl: 3 } },
    });
    expect(await roles(target.token)).toEqual(['moderator']);
    // Level 2 is premium (HD skins): the moderator role goes, premium comes, in the same operation.
    expect((await call('PATCH', `/user/${target.id}`, admin.token, { perms: 2 })).body.data.PermLvl).toBe(2);
    expect(await roles(target.token)).toEqual(['premium']);
    expect((await call('PATCH', `/user/${target.id}`, admin.token, { hwid: 'x' })).status).toBe(400);
    expect((await call('PATCH', `/user/${target.id}`, admin.token, { perms: 6 })).status).toBe(400);
    // An admin (4) cannot raise anyone to its own level.
    expect((await call('PATCH', `/user/${target.id}`, admin.token, { perms: 4 })).status).toBe(403);
    expect(await roles(target.token)).toEqual(['premium']);
  });

  it('gives temporary role levels with expired_at in Unix seconds or ISO 8601; they fall back by themselves', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user();
    const expires = Math.floor(Date.now() / 1000) + 2;
    // Level 4 is admin (3 is moderator since the premium level came).
    const res = await call('POST', `/user/role/${target.id}`, root.token, { user: Number(target.id), role_level: 4, expired_at: expires });
    expect(res).toEqual({
      status: 200,
      body: {
        error: false,
        msg: 'User role and expiration updated successfully',
        url: null,
        data: { id: Number(target.id), new_role_level: 4, expired_at: expires },
      },
    });
    expect(await roles(target.token)).toEqual(['admin']);
    const iso = new Date(Date.now() + 3600_000).toISOString();
    expect((await call('POST', `/user/role/${target.username}`, root.token, { role_level: 3, expired_at: iso })).status).toBe(200);
    expect((await call('POST', `/user/role/${target.id}`, root.token, { role_level: 3, expired_at: 1000 })).status).toBe(400);
    expect((await call('POST', `/user/role/${target.id}`, root.token, { role_level: 1, expired_at: expires })).status).toBe(400);
    expect((await call('POST', `/user/role/${target.id}`, root.token, { role_level: 0, expired_at: expires })).status).toBe(400);
    expect((await call('POST', `/user/role/${target.id}`, root.token, { role_level: 6 })).status).toBe(400);
    await until(async () => (await roles(target.token)).join() === 'moderator', 'the temporary admin level to lapse');
    expect((await call('POST', `/user/role/${target.id}`, root.token, { role_level: 2 })).status).toBe(200);
    expect(await roles(target.token)).toEqual(['premium']);
    expect((await call('POST', `/user/role/${target.id}`, root.token, { role_level: 1 })).status).toBe(200);
    expect(await roles(target.token)).toEqual([]);
  });

  it('answers the audit log in CookieCMS rows', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    await call('PATCH', `/user/${target.id}`, admin.token, { mail_verify: true });
    const res = await call('GET', '/audit?limit=5', admin.token);
    expect(res.body.msg).toBe('Audit fetched successfully');
    // cookiecms-js's audit_log rows: target_id, field_changed, old_value, new_value (the document's `for` too).
    expect(res.body.data[0]).toMatchObject({
      iss: admin.id.toString(),
      action: 'user.verify',
      target_id: Number(target.id),
      for: Number(target.id),
      field_changed: 'verifiedAt',
      old_value: null,
      new_value: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(res.body.data[0].time).toBeGreaterThan(Date.now() / 1000 - 60);
    const [{ seq }] = await gw.database.rows<{ seq: string }>(sql`select max(seq)::text as seq from audit_log`);
    expect(res.body.data[0].id).toBe(Number(seq));
    expect((await call('GET', '/audit', target.token)).status).toBe(403);
  });
});
