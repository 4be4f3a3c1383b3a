import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { encodeId } from '../../../src/graphql/ids.js';
import { createUsers } from '../../../src/modules/users/actions.js';
import { useGateway } from '../../helpers/app.js';
import { actingAs, unique } from '../../helpers/factories.js';
import { capePng, makeSkin, pixels } from '../../modules/skins/textures.js';

/**
 * The CookieCMS admin panels (Cookie-cms/cookie-cms-frontend @ cf862cc, and Cookie-cms/frontend @
 * cea1942 where it differs), replayed request by request as clients.md §3 lists them: the panel signs
 * in at `${NEXT_PUBLIC_API_URL}/auth/login`, keeps `data.jwt` (cookie `cookiecms_cookie`) and calls
 * `fetch(API_URL + path)` with `Authorization: Bearer <jwt>` and `Content-Type: application/json`,
 * GETs included. Each step asserts the fields the panel's code reads.
 */
const gw = useGateway();
const API_URL = '/api';

/** What the panel's fetch sends (headers exactly as its pages write them). */
async function panel(path: string, jwt: string, init: { method?: string; body?: unknown } = {}) {
  const res = await gw.app.fetch(
    new Request(`http://gateway.test${API_URL}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  );
  return { ok: res.ok, status: res.status, result: await res.json() };
}

/** app/signin/page.tsx: POST `${API_URL}/auth/login` with `{ username, password }`, no Authorization. */
async function signIn(username: string, password: string) {
  const response = await gw.app.fetch(
    new Request(`http://gateway.test${API_URL}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  );
  return { ok: response.ok, responseData: await response.json() };
}

const PASSWORD = 'panel-password-1';

describe('CookieCMS admin panels, replayed', () => {
  it('sign in, home, users (all of them, over 1,000), one user, PUT it back edited, audit, metrics', async () => {
    const admin = await gw.user({ roles: ['admin'], password: PASSWORD });
    const noMail = await gw.user();
    await gw.gql('mutation($i: UpdateUserInput!) { updateUser(input: $i) { __typename } }', { i: { id: noMail.gid, email: null } }, admin.token);
    // 1,200 more accounts (no passwords, so nothing to hash), through the users' own batch action.
    const tag = unique('cc');
    for (const part of [0, 1]) {
      await createUsers(
        actingAs(gw),
        Array.from({ length: 600 }, (_, i) => ({ username: `${tag}_${part}_${i}`, email: `${tag}_${part}_${i}@example.org` })),
      );
    }
    const gone = await gw.user();
    await gw.gql('mutation($i: DeleteUserInput!) { deleteUser(input: $i) { __typename } }', { i: { id: gone.gid } }, admin.token);

    // ---- sign in: `response.ok && !responseData.error`, then `responseData.data.jwt` and `responseData.url`
    const login = await signIn(admin.username, PASSWORD);
    expect(login.ok).toBe(true);
    expect(login.responseData.error).toBe(false);
    expect(typeof login.responseData.data.jwt).toBe('string');
    expect(typeof login.responseData.url).toBe('string');
    const jwt: string = login.responseData.data.jwt;

    // ---- app/home/page.tsx: GET /home; keeps data.Username and data.PermLvl (cookies), reads Uuid, Skins, Capes
    const home = await panel('/home', jwt);
    expect(home.result.error).toBe(false);
    expect(home.result.data.Username).toBe(admin.username);
    expect(home.result.data.PermLvl).toBe(4);
    // NEXT_PUBLIC_ADMIN_LEVEL=3: the admin pages open for 3 and up.
    expect(home.result.data.PermLvl).toBeGreaterThanOrEqual(3);
    expect(home.result.data.Uuid).toBeNull();
    expect(Array.isArray(home.result.data.Skins) && Array.isArray(home.result.data.Capes)).toBe(true);

    // ---- app/admin/users/page.tsx: GET /admin/users/ (trailing slash, no paging); every user, paged client-side
    const list = await panel('/admin/users/', jwt);
    expect(list.ok).toBe(true);
    expect(list.result.error).toBe(false);
    const [{ live }] = await gw.database.rows<{ live: number }>(sql`select count(*)::int as live from users where status <> 'DELETED'`);
    expect(live).toBeGreaterThan(1200);
    const rows: any[] = list.result.data;
    expect(rows).toHaveLength(live);
    // The batches join: every id once, in id order, across the 1,000-row boundary.
    const ids = rows.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).not.toContain(Number(gone.id));
    for (const user of rows) {
      expect(Object.keys(user).sort()).toEqual(['dsid', 'hwidId', 'id', 'mail', 'mail_verify', 'perms', 'username', 'uuid']);
      // filterUserData: user.id.toString(), user.mail.toLowerCase(), user.uuid?., user.dsid?., user.mail_verify === 1, user.perms.toString()
      expect(typeof user.id).toBe('number');
      expect(typeof user.mail).toBe('string');
      expect([0, 1]).toContain(user.mail_verify);
      expect(typeof user.perms).toBe('number');
    }
    expect(rows.find((u) => u.id === Number(noMail.id)).mail).toBe('');
    expect(rows.find((u) => u.id === Number(admin.id))).toMatchObject({ username: admin.username, perms: 4 });
    expect(rows.filter((u) => u.username.startsWith(`${tag}_`))).toHaveLength(1200);
    expect(JSON.stringify(list.result)).not.toMatch(/argon2|password/i);

    // ---- app/admin/user/[id]/page.tsx: GET /admin/user/<id> (router.push(`/admin/user/${user.id}`))
    const target = rows.find((u) => u.username === `${tag}_1_7`);
    const detail = await panel(`/admin/user/${target.id}`, jwt);
    expect(detail.ok).toBe(true);
    const user = detail.result.data;
    expect(user).toMatchObject({ Username: target.username, Mail: target.mail, Mail_verify: 0, PermLvl: 1 });
    for (const key of ['Uuid', 'Selected_Cape', 'Selected_Skin', 'Mail_verification', 'Discord']) expect(user).toHaveProperty(key);
    // setUserOwnedCapeIds(userResult.data.Capes.map((cape) => cape.Id)); user.Discord?.userid
    expect(user.Capes.map((cape: { Id: string }) => cape.Id)).toEqual([]);
    expect(user.Skins).toEqual([]);
    // No link: empty strings, never null (the panel builds the avatar URL only with a userid).
    expect(user.Discord?.userid).toBe('');

    // GET /admin/allcapes follows in the same try block (its skins-and-capes steps: the test below).
    expect((await panel('/admin/allcapes', jwt)).ok).toBe(true);

    // ---- handleSubmit: PUT /admin/user/<id> with { ...formData, Capes: [{ Id }] } (the detail object back, edited)
    const formData = { ...user, Mail: `${tag}.edited@example.org`, Mail_verify: 1, PermLvl: 2 };
    const put = await panel(`/admin/user/${target.id}`, jwt, { method: 'PUT', body: { ...formData, Capes: [] } });
    expect(put.ok).toBe(true);
    // setUser(result.data)
    expect(put.result.data).toMatchObject({ Username: target.username, Mail: `${tag}.edited@example.org`, Mail_verify: 1, PermLvl: 2 });
    const roles = await gw.gql('query($id: ID!) { user(id: $id) { roles { name } } }', { id: encodeId('User', target.id) }, admin.token);
    expect(roles.body.data.user.roles).toEqual([{ name: 'premium' }]);
    expect((await panel(`/admin/user/${target.id}`, jwt)).result.data).toMatchObject({ Mail_verify: 1, PermLvl: 2 });

    // ---- app/admin/audit/page.tsx: GET /admin/audit; filters call target_id.toString(), action.toLowerCase(), iss.toString()
    const audit = await panel('/admin/audit', jwt);
    expect(audit.ok).toBe(true);
    expect(audit.result.error).toBe(false);
    for (const row of audit.result.data) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['id', 'iss', 'action', 'target_id', 'old_value', 'new_value', 'field_changed', 'time']));
      expect(() => [row.target_id.toString(), row.action.toLowerCase(), row.iss.toString(), row.id.toString()]).not.toThrow();
      expect(Number.isInteger(row.time)).toBe(true);
    }
    const mine = audit.result.data.filter((r: any) => r.target_id === target.id && r.iss === admin.id.toString());
    expect(mine.map((r: any) => r.action).sort()).toEqual(['role.assign', 'user.update', 'user.verify']);
    expect(mine.find((r: any) => r.action === 'user.update')).toMatchObject({
      field_changed: 'email',
      old_value: target.mail,
      new_value: `${tag}.edited@example.org`,
    });
    expect(mine.find((r: any) => r.action === 'role.assign').field_changed).toContain('role');
    expect(mine[0].time).toBeGreaterThan(Date.now() / 1000 - 600);

    // ---- app/admin/page.tsx: GET /admin/metrics; result.data.statistics[].date (new Date(item.date)), .registrations (summed)
    const metrics = await panel('/admin/metrics', jwt);
    expect(metrics.result.error).toBe(false);
    const statistics: { date: string; registrations: number }[] = metrics.result.data.statistics;
    expect(statistics.length).toBeGreaterThanOrEqual(30);
    for (const item of statistics) {
      expect(Number.isNaN(new Date(item.date).getTime())).toBe(false);
      expect(Number.isInteger(item.registrations)).toBe(true);
    }
    expect(statistics.at(-1)!.date).toBe(new Date().toISOString().slice(0, 10));
    const [{ since }] = await gw.database.rows<{ since: number }>(
      sql`select count(*)::int as since from users where domain is null and created_at >= ${statistics[0].date}::date::timestamp at time zone 'UTC'`,
    );
    expect(since).toBeGreaterThan(1200);
    expect(statistics.reduce((sum, stat) => sum + stat.registrations, 0)).toBe(since);
  });

  it('skins and capes: the skins page and its images, the user page with its capes, skin edit and delete; cape upload, give, take, delete (cea1942)', async () => {
    const admin = await gw.user({ roles: ['admin'], password: PASSWORD });
    const jwt: string = (await signIn(admin.username, PASSWORD)).responseData.data.jwt;
    const player = await gw.user();
    const skin = await makeSkin(gw, player.id, { name: 'Steve' });

    // ---- cea1942 app/admin/capes: POST /admin/user/cape/upload with FormData { cape, name } (no owners; the browser sets the multipart type)
    const form = new FormData();
    form.append('cape', new File([new Uint8Array(await capePng({ seed: 123 }))], 'cape.png', { type: 'image/png' }));
    form.append('name', 'Founder');
    const uploaded = await gw.app.fetch(
      new Request(`http://gateway.test${API_URL}/admin/user/cape/upload`, { method: 'POST', headers: { Authorization: `Bearer ${jwt}` }, body: form }),
    );
    const upload = await uploaded.json();
    expect(uploaded.ok && !upload.error).toBe(true);
    const capeId: string = upload.id;

    // ---- GET /admin/allcapes: cf862cc reads data[].uuid/name; cea1942 renders cape.id and name
    const capes = await panel('/admin/allcapes', jwt);
    expect(capes.result.data).toContainEqual(expect.objectContaining({ uuid: capeId, name: 'Founder', id: capeId }));

    // ---- cea1942 user page: PUT /admin/user/<id>/capes { cape: [ids] }, reads data.user.Capes
    const given = await panel(`/admin/user/${player.id}/capes`, jwt, { method: 'PUT', body: { cape: [capeId] } });
    expect(given.ok).toBe(true);
    expect(given.result.data.user.Capes.map((c: { Id: string }) => c.Id)).toEqual([capeId]);

    // ---- app/admin/skins/page.tsx: GET /admin/skins; data[]: uuid, name, ownerid, slim, hd, cloak_id; images by <img src> (no token)
    const skins = await panel('/admin/skins', jwt);
    expect(skins.result.error).toBe(false);
    const row = skins.result.data.find((s: { uuid: string }) => s.uuid === skin.id);
    expect(row).toMatchObject({ uuid: skin.id, name: 'Steve', ownerid: Number(player.id), slim: 0, hd: 0, cloak_id: '0' });
    for (const kind of ['body', 'head']) {
      const img = await gw.app.fetch(new Request(`http://gateway.test/api/skin/${kind}/${row.uuid}?size=128`));
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
      const { width, height } = await pixels(new Uint8Array(await img.arrayBuffer()));
      expect([width, height]).toEqual(kind === 'head' ? [128, 128] : [128, 256]);
    }

    // ---- app/admin/user/[id]: GET /admin/user/<id>; Skins[] (uuid, name, cloak_id, slim), Capes[].Id
    const detail = (await panel(`/admin/user/${player.id}`, jwt)).result.data;
    expect(detail.Skins).toEqual([expect.objectContaining({ uuid: skin.id, name: 'Steve', cloak_id: '0', slim: 0 })]);
    expect(detail.Capes.map((c: { Id: string }) => c.Id)).toEqual([capeId]);

    // ---- skin edit: cf862cc PUTs the whole skin object with cloak_id; cea1942 only the changed fields, then compares result.data[key]
    const whole = await panel(`/admin/skin/${skin.id}`, jwt, { method: 'PUT', body: { ...row, name: 'Caped', cloak_id: capeId } });
    expect(whole.ok).toBe(true);
    expect(whole.result.data).toMatchObject({ uuid: skin.id, name: 'Caped', ownerid: Number(player.id), cloak_id: capeId });
    const changed = { slim: 1 };
    const partial = await panel(`/admin/skin/${skin.id}`, jwt, { method: 'PUT', body: changed });
    for (const [key, value] of Object.entries(changed)) expect(partial.result.data[key]).toBe(value);
    expect((await panel(`/admin/user/${player.id}`, jwt)).result.data.Skins[0]).toMatchObject({ cloak_id: capeId, slim: 1 });

    // ---- cea1942: DELETE /admin/user/<id>/capes { cape: [ids] }: the cape comes off the player's skin too
    const taken = await panel(`/admin/user/${player.id}/capes`, jwt, { method: 'DELETE', body: { cape: [capeId] } });
    expect(taken.result.data.user).toMatchObject({ Capes: [], Skins: [{ cloak_id: '0' }] });

    // ---- cea1942: DELETE /admin/user/cape/upload { capeid }; DELETE /admin/skin/<uuid> (reads ok only)
    expect((await panel('/admin/user/cape/upload', jwt, { method: 'DELETE', body: { capeid: capeId } })).ok).toBe(true);
    expect((await panel('/admin/allcapes', jwt)).result.data.some((c: { uuid: string }) => c.uuid === capeId)).toBe(false);
    expect((await panel(`/admin/skin/${skin.id}`, jwt, { method: 'DELETE' })).ok).toBe(true);
    expect((await panel('/admin/skins', jwt)).result.data.some((s: { uuid: string }) => s.uuid === skin.id)).toBe(false);
    expect((await gw.app.fetch(new Request(`http://gateway.test/api/skin/head/${skin.id}`))).status).toBe(404);
  });
});
