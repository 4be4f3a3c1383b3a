import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createUser } from '../../../src/modules/users/actions.js';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { actingAs } from '../../helpers/factories.js';

const gw = useGateway();
const call = restClient(gw, '/api/admin');
const audits = async () => (await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`))[0].n;
const roleNames = async (gid: string, token: string) =>
  (await gw.gql('query($id: ID!) { user(id: $id) { roles { name } } }', { id: gid }, token)).body.data.user.roles.map((r: any) => r.name);

describe('CookieCMS panel routes', () => {
  it('PUT /user/<id> takes the detail back in PascalCase: stored fields applied, the rest ignored, PermLvl onto role grants', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user({ roles: ['moderator'] });
    const detail = (await call('GET', `/user/${target.id}/`, admin.token)).body.data;
    expect(detail.PermLvl).toBe(3);
    // Sent back unchanged: nothing is written.
    const before = await audits();
    expect(await call('PUT', `/user/${target.id}`, admin.token, { ...detail, Capes: [] })).toMatchObject({ status: 200, body: { data: detail } });
    expect(await audits()).toBe(before);

    const [{ seq }] = await gw.database.rows<{ seq: string }>(sql`select max(seq)::text as seq from audit_log`);
    const body = {
      ...detail,
      Username: `${target.username}_x`,
      Mail_verify: 1,
      PermLvl: 2,
      Capes: [{ Id: 'c1' }],
      Discord: { userid: 5 },
      Selected_Skin: 'abc',
    };
    const res = await call('PUT', `/user/${target.id}/`, admin.token, body);
    expect(res).toMatchObject({
      status: 200,
      body: {
        error: false,
        msg: 'User updated successfully',
        data: { Username: `${target.username}_x`, Mail_verify: 1, PermLvl: 2, Capes: [], Discord: { userid: '', username: '', avatar: '' } },
      },
    });
    expect(await roleNames(target.gid, admin.token)).toEqual(['premium']);
    const rows = await gw.database.rows<{ action: string }>(sql`select action from audit_log where seq > ${seq}::bigint order by seq`);
    expect(rows.map((r) => r.action)).toEqual(['user.update', 'user.verify', 'role.assign', 'role.revoke']);
    // PermLvl 0 and 1 are a plain account: every level role goes.
    expect((await call('PUT', `/user/${target.id}`, admin.token, { PermLvl: 0 })).body.data.PermLvl).toBe(1);
    expect(await roleNames(target.gid, admin.token)).toEqual([]);
    // '' (what the panels show for no address) clears the address.
    expect((await call('PUT', `/user/${target.id}`, admin.token, { Mail: '' })).body.data.Mail).toBe('');
  });

  it('PUT refuses bad values with a 400 and writes nothing; levels at or above the caller are 403', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const detail = (await call('GET', `/user/${target.id}`, admin.token)).body.data;
    const before = await audits();
    for (const bad of [
      { PermLvl: 9 },
      { PermLvl: '3' },
      { Username: 'x' },
      { Mail: 'not-an-address' },
      { Mail_verify: 2 },
      { ...detail, Username: 'x', PermLvl: 2 },
    ]) {
      expect(await call('PUT', `/user/${target.id}`, admin.token, bad), JSON.stringify(bad)).toMatchObject({ status: 400, body: { error: true, url: null } });
    }
    const notJson = await gw.request(`/api/admin/user/${target.id}`, {
      method: 'PUT',
      token: admin.token,
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await call('PUT', `/user/${target.id}`, admin.token, { ...detail, Mail_verify: 1, PermLvl: 4 })).status).toBe(403);
    expect((await call('PUT', '/user/99999999', admin.token, { PermLvl: 2 })).status).toBe(404);
    expect(await audits()).toBe(before);
    expect((await call('GET', `/user/${target.id}`, admin.token)).body.data).toEqual(detail);
    // A moderator (3) reads and edits accounts but gives no roles.
    const moderator = await gw.user({ roles: ['moderator'] });
    expect((await call('PUT', `/user/${target.id}`, moderator.token, { Mail_verify: 1 })).status).toBe(200);
    expect((await call('PUT', `/user/${target.id}`, moderator.token, { PermLvl: 2 })).status).toBe(403);
  });

  it('GET /users/ without paging answers every live user; with page or limit one page; bad paging is 400', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const remote = await createUser(actingAs(gw), { username: 'cc_remote', domain: 'remote.example' });
    const all = await call('GET', '/users/', admin.token);
    expect(all).toMatchObject({ status: 200, body: { error: false, msg: 'Users fetched successfully', url: null } });
    const [{ live }] = await gw.database.rows<{ live: number }>(sql`select count(*)::int as live from users where status <> 'DELETED'`);
    expect(all.body.data).toHaveLength(live);
    expect(all.body.data.map((u: any) => u.id)).toContain(Number(remote.id));
    expect((await call('GET', '/users', admin.token)).body).toEqual(all.body);
    const paged = await call('GET', '/users/?page=2&limit=2', admin.token);
    expect(paged.body.data.map((u: any) => u.id)).toEqual(all.body.data.slice(2, 4).map((u: any) => u.id));
    for (const q of ['?limit=0', '?limit=101', '?page=0', '?page=x']) expect((await call('GET', `/users${q}`, admin.token)).status, q).toBe(400);
  });

  it('GET /metrics: registrations per UTC day for the last 30 days (or ?days=), local accounts only, oldest first', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const moderator = await gw.user({ roles: ['moderator'] });
    const old = await gw.user();
    // Backdated: the gateway never sets created_at itself, so the fixture does.
    await gw.database.db.execute(sql`update users set created_at = now() - interval '3 days' where id = ${old.id}`);
    await gw.database.db.execute(sql`update users set created_at = now() - interval '90 days' where id = ${moderator.id}`);
    await createUser(actingAs(gw), { username: 'cc_metrics_remote', domain: 'remote.example' });
    const res = await call('GET', '/metrics/', admin.token);
    expect(res).toMatchObject({ status: 200, body: { error: false, url: null } });
    const stats: { date: string; registrations: number }[] = res.body.data.statistics;
    expect(stats).toHaveLength(30);
    expect(stats.map((s) => s.date)).toEqual([...stats.map((s) => s.date)].sort());
    expect(stats.at(-1)!.date).toBe(new Date().toISOString().slice(0, 10));
    const [{ expected }] = await gw.database.rows<{ expected: { date: string; n: number }[] }>(
      sql`select coalesce(json_agg(json_build_object('date', d, 'n', n) order by d), '[]') as expected from (
        select to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as d, count(*)::int as n from users
        where domain is null and created_at >= (now() at time zone 'UTC')::date - 29 group by 1) x`,
    );
    expect(stats.filter((s) => s.registrations > 0).map((s) => ({ date: s.date, n: s.registrations }))).toEqual(expected);
    expect(stats.at(-4)!.registrations).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/metrics?days=120', moderator.token)).body.data.statistics).toHaveLength(120);
    for (const q of ['?days=0', '?days=367', '?days=x']) expect((await call('GET', `/metrics${q}`, admin.token)).status, q).toBe(400);
    const plain = await gw.user({ roles: ['premium'] });
    expect(await call('GET', '/metrics', plain.token)).toMatchObject({ status: 403, body: { error: true } });
  });

  it('userRegistrations (GraphQL) needs admin:users:read and takes 1 to 366 days', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const Q = 'query($d: Int!) { userRegistrations(days: $d) { date registrations } }';
    expect((await gw.gql(Q, { d: 7 }, admin.token)).body.data.userRegistrations).toHaveLength(7);
    expect((await gw.gql('{ userRegistrations { date } }', {}, admin.token)).body.data.userRegistrations).toHaveLength(30);
    for (const d of [0, 367]) expect((await gw.gql(Q, { d }, admin.token)).body.errors[0].extensions.code).toBe('BAD_INPUT');
    expect((await gw.gql(Q, { d: 7 }, (await gw.user({ roles: ['premium'] })).token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('premium is a built-in role without admin scopes, ranked below moderator', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const res = await gw.gql('{ roles(first: 10) { edges { node { name rank scopes builtIn } } } }', {}, root.token);
    const byName = Object.fromEntries(res.body.data.roles.edges.map((e: any) => [e.node.name, e.node]));
    expect(byName.premium).toMatchObject({ scopes: [], builtIn: true });
    expect(byName.premium.rank).toBeLessThan(byName.moderator.rank);
  });

  it('every route answers with and without a trailing slash', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    for (const path of ['/users', '/users?limit=1', `/user/${target.id}`, '/audit', '/metrics']) {
      const [bare, slash] = [await call('GET', path, admin.token), await call('GET', path.replace(/(\?|$)/, '/$1'), admin.token)];
      expect([bare.status, slash.status], path).toEqual([200, 200]);
    }
    for (const [method, path, body] of [
      ['PUT', `/user/${target.id}/`, { Mail_verify: 1 }],
      ['PATCH', `/user/${target.id}/`, { mail_verify: 0 }],
      ['POST', `/user/role/${target.id}/`, { role_level: 2 }],
    ] as const) {
      expect((await call(method, path, admin.token, body)).status, `${method} ${path}`).toBe(200);
    }
  });
});
