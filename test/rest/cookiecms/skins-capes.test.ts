import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setDiscordLink } from '../../../src/modules/skins/capes.js';
import { selectSkin } from '../../../src/modules/skins/actions.js';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { actingAs } from '../../helpers/factories.js';
import { makeImage, makeNoise, SVG } from '../../modules/media/images.js';
import { capePng, makeCape, makeSkin } from '../../modules/skins/textures.js';

/** The CookieCMS skin and cape routes: access for each, the cape upload's limits and envelopes, the skin edit's cape rule, the user detail. */
const gw = useGateway();
const call = restClient(gw, '/api/admin');

async function uploadForm(path: string, token: string | null, parts: { cape?: { bytes: Uint8Array; type?: string }; name?: string; owners?: string }) {
  const form = new FormData();
  if (parts.cape) form.append('cape', new File([new Uint8Array(parts.cape.bytes)], 'cape.png', { type: parts.cape.type ?? 'image/png' }));
  if (parts.name !== undefined) form.append('name', parts.name);
  if (parts.owners !== undefined) form.append('owners', parts.owners);
  const res = await gw.request(`/api/admin${path}`, { method: 'POST', token, body: form });
  return { status: res.status, body: await res.json() };
}

const count = async (table: string) => (await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n;
const written = async () => ({ capes: await count('capes'), owners: await count('cape_owners'), media: await count('media'), audit: await count('audit_log') });

describe('CookieCMS skins and capes: access', () => {
  it('every route: no token 401, a token without the scope (levels 1 and 2) 403, with it 2xx', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const moderator = await gw.user({ roles: ['moderator'] });
    const plain = await gw.user();
    const premium = await gw.user({ roles: ['premium'] });
    const owner = await gw.user();
    const fresh = async () => {
      const cape = await makeCape(gw, [owner.id]);
      return { cape, skin: await makeSkin(gw, owner.id) };
    };
    const png = await capePng();
    type Route = [string, (token: string | null, t: Awaited<ReturnType<typeof fresh>>) => Promise<{ status: number; body: any }>];
    const routes: Route[] = [
      ['GET /skins', (tk) => call('GET', '/skins', tk)],
      ['PUT /skin', (tk, t) => call('PUT', `/skin/${t.skin.id}`, tk, { name: 'renamed', cloak_id: t.cape.id })],
      ['PATCH /skin', (tk, t) => call('PATCH', `/skin/${t.skin.id}`, tk, { cloakid: t.cape.id })],
      ['DELETE /skin', (tk, t) => call('DELETE', `/skin/${t.skin.id}`, tk)],
      ['POST /user/cape/upload', (tk) => uploadForm('/user/cape/upload', tk, { cape: { bytes: png }, name: 'n', owners: `[${owner.id}]` })],
      ['POST /cape', (tk) => uploadForm('/cape', tk, { cape: { bytes: png }, name: 'n' })],
      ['DELETE /user/cape/upload', (tk, t) => call('DELETE', '/user/cape/upload', tk, { capeid: t.cape.id })],
      ['DELETE /cape', (tk, t) => call('DELETE', '/cape', tk, { capeid: t.cape.id })],
      ['PUT /user/<id>/capes', (tk, t) => call('PUT', `/user/${plain.id}/capes`, tk, { cape: [t.cape.id] })],
      ['DELETE /user/<id>/capes', (tk, t) => call('DELETE', `/user/${owner.id}/capes`, tk, { cape: [t.cape.id] })],
      ['GET /allcapes', (tk) => call('GET', '/allcapes', tk)],
      ['GET /user/<id>', (tk) => call('GET', `/user/${owner.id}`, tk)],
    ];
    for (const [name, route] of routes) {
      const t = await fresh();
      expect([name, (await route(null, t)).status]).toEqual([name, 401]);
      for (const who of [plain, premium]) {
        const refused = await route(who.token, t);
        expect([name, refused.status, refused.body.error]).toEqual([name, 403, true]);
      }
      for (const who of [moderator, admin]) {
        const allowed = await route(who.token, who === admin ? await fresh() : t);
        expect([name, allowed.status, allowed.body.error]).toEqual([name, 200, false]);
      }
    }
  });
});

describe('CookieCMS cape upload', () => {
  it('multipart cape/name/owners: PNG only, file ≤ 2 MB and body ≤ 3 MB ("File too large", 400 not 413), owners a JSON array; a refusal writes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const [a, b] = [await gw.user(), await gw.user()];
    const png = await capePng({ seed: 44 });
    const before = await written();
    const twoAndAHalf = await makeNoise('png', 920, 920);
    const overThree = await makeNoise('png', 1050, 1050);
    expect(twoAndAHalf.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(overThree.length).toBeGreaterThan(3 * 1024 * 1024);
    const cases: [string, Parameters<typeof uploadForm>[2], string | RegExp][] = [
      ['declared JPEG', { cape: { bytes: png, type: 'image/jpeg' }, name: 'x' }, 'Only PNG files allowed'],
      ['SVG', { cape: { bytes: SVG, type: 'image/svg+xml' }, name: 'x' }, 'Only PNG files allowed'],
      ['a JPEG declared PNG', { cape: { bytes: await makeImage('jpeg', 64, 32) }, name: 'x' }, /JPEG/],
      ['a skin-sized PNG', { cape: { bytes: await makeImage('png', 64, 64) }, name: 'x' }, /64×32/],
      ['a file over 2 MB', { cape: { bytes: twoAndAHalf }, name: 'x' }, 'File too large'],
      ['a body over 3 MB', { cape: { bytes: overThree }, name: 'x' }, 'File too large'],
      ['no file', { name: 'x' }, /No file/],
      ['no name', { cape: { bytes: png } }, /name/],
      ['owners not JSON', { cape: { bytes: png }, name: 'x', owners: '[1,' }, /owners/],
      ['owners not ids', { cape: { bytes: png }, name: 'x', owners: '["abc"]' }, /owners/],
      ['an unknown owner', { cape: { bytes: png }, name: 'x', owners: `[${a.id}, 999999999]` }, /owner/],
    ];
    for (const [what, parts, msg] of cases) {
      const res = await uploadForm('/user/cape/upload', admin.token, parts);
      expect([what, res.status, res.body.error]).toEqual([what, 400, true]);
      expect(res.body.msg).toMatch(msg);
    }
    // Not a multipart body at all.
    expect((await call('POST', '/cape', admin.token, { name: 'x' })).status).toBe(400);
    expect(await written()).toEqual(before);
    // Every other route keeps the 1 MB limit (413).
    expect((await call('POST', '/mail', admin.token, { subject: 's', message: 'x'.repeat(1_100_000) })).status).toBe(413);

    const ok = await uploadForm('/user/cape/upload', admin.token, {
      cape: { bytes: png },
      name: 'Founder',
      owners: JSON.stringify([Number(a.id), String(b.id)]),
    });
    expect(ok).toMatchObject({ status: 200, body: { error: false, msg: 'Cape uploaded' } });
    expect(ok.body.id).toMatch(/^[0-9a-f-]{36}$/);
    for (const who of [a, b]) expect((await call('GET', `/user/${who.id}`, admin.token)).body.data.Capes).toEqual([{ Id: ok.body.id, Name: 'Founder' }]);
    // The same texture again is stored once.
    const again = await uploadForm('/cape', admin.token, { cape: { bytes: png }, name: 'Founder 2' });
    expect(again.status).toBe(200);
    const hashes = await gw.database.rows<{ n: number }>(
      sql`select count(distinct texture_hash)::int as n from capes where id in (${ok.body.id}::uuid, ${again.body.id}::uuid)`,
    );
    expect(hashes[0].n).toBe(1);

    const deleted = await call('DELETE', '/user/cape/upload', admin.token, { capeid: ok.body.id });
    expect(deleted).toMatchObject({ status: 200, body: { error: false, msg: 'Cape deleted' } });
    expect((await call('DELETE', '/cape', admin.token, { capeid: ok.body.id })).status).toBe(404);
    for (const bad of [{}, { capeid: 'nope' }, { capeid: 5 }]) expect((await call('DELETE', '/cape', admin.token, bad)).status).toBe(400);
  });
});

describe('CookieCMS skin edits and the user detail', () => {
  it('PUT/PATCH /skin/<uuid>: cloak_id or cloakid, a cape of the owner only (403 "You do not own this cape"), 0 clears; bad input 400, unknown 404', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    const mine = await makeCape(gw, [owner.id]);
    const notMine = await makeCape(gw, []);
    const skin = await makeSkin(gw, owner.id, { name: 'Steve' });
    const audit = await count('audit_log');
    expect(await call('PUT', `/skin/${skin.id}`, admin.token, { cloak_id: notMine.id })).toMatchObject({
      status: 403,
      body: { error: true, msg: 'You do not own this cape' },
    });
    expect(await call('PATCH', `/skin/${skin.id}`, admin.token, { cloakid: 'garbage' })).toMatchObject({
      status: 403,
      body: { msg: 'You do not own this cape' },
    });
    for (const bad of [{ name: 5 }, { slim: 'yes' }, { cloakid: mine.id, cloak_id: notMine.id }, { name: '' }]) {
      expect((await call('PUT', `/skin/${skin.id}`, admin.token, bad)).status).toBe(400);
    }
    expect(await count('audit_log')).toBe(audit);
    for (const path of [`/skin/${crypto.randomUUID()}`, '/skin/not-a-uuid']) {
      expect(await call('PUT', path, admin.token, { name: 'x' })).toMatchObject({ status: 404, body: { msg: 'Skin not found' } });
      expect((await call('DELETE', path, admin.token)).status).toBe(404);
    }

    // The panel's PUT: the whole skin object back, edited.
    const listed = (await call('GET', '/skins', admin.token)).body.data.find((s: { uuid: string }) => s.uuid === skin.id);
    expect(listed).toEqual({ uuid: skin.id, name: 'Steve', ownerid: Number(owner.id), slim: 0, hd: 0, disabled: 0, cloak_id: '0' });
    const put = await call('PUT', `/skin/${skin.id}`, admin.token, { ...listed, name: 'Caped', slim: 1, cloak_id: mine.id });
    expect(put).toMatchObject({ status: 200, body: { error: false, data: { ...listed, name: 'Caped', slim: 1, cloak_id: mine.id } } });
    expect((await call('PATCH', `/skin/${skin.id}`, admin.token, { cloakid: '0' })).body.data.cloak_id).toBe('0');
    expect((await call('PATCH', `/skin/${skin.id}`, admin.token, { cloakid: mine.id, disabled: true })).body.data).toMatchObject({
      cloak_id: mine.id,
      disabled: 1,
    });
    expect((await call('DELETE', `/skin/${skin.id}`, admin.token)).body).toMatchObject({ error: false });
    expect(await gw.database.rows(sql`select 1 from skins where id = ${skin.id}`)).toEqual([]);
  });

  it("GET /user/<id>: the target's Capes, Skins, Selected_Skin, Selected_Cape and Discord (not the caller's); PUT/DELETE /user/<id>/capes", async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    await setDiscordLink(actingAs(gw), { userId: admin.id, discord: { discordId: '1', username: 'the-admin' } });
    const empty = (await call('GET', `/user/${target.id}`, admin.token)).body.data;
    expect(empty).toMatchObject({
      Capes: [],
      Skins: [],
      Selected_Skin: 0,
      Selected_Cape: 0,
      Discord_integration: false,
      Discord: { userid: '', username: '', avatar: '' },
    });

    const cape = await makeCape(gw, [], { name: 'Gold' });
    const add = await call('PUT', `/user/${target.id}/capes`, admin.token, { cape: [cape.id] });
    expect(add).toMatchObject({ status: 200, body: { error: false, data: { user: { Capes: [{ Id: cape.id, Name: 'Gold' }] } } } });
    const skin = await makeSkin(gw, target.id, { name: 'Alex', slim: true, capeId: cape.id });
    await selectSkin(actingAs(gw), { userId: target.id, skinId: skin.id });
    await setDiscordLink(actingAs(gw), {
      userId: target.id,
      discord: { discordId: '80351110224678912', username: 'nelly', avatar: 'a_8342729096ea3675442027381ff50dfe' },
    });
    const detail = (await call('GET', `/user/${target.id}`, admin.token)).body.data;
    expect(detail).toMatchObject({
      Capes: [{ Id: cape.id, Name: 'Gold' }],
      Skins: [{ uuid: skin.id, name: 'Alex', cloak_id: cape.id, slim: 1 }],
      Selected_Skin: skin.id,
      Selected_Cape: cape.id,
      Discord_integration: true,
      Discord: { userid: '80351110224678912', username: 'nelly', avatar: 'a_8342729096ea3675442027381ff50dfe' },
    });
    // The user's own /home shows the same.
    expect((await gw.request('/api/home', { token: target.token }).then((r) => r.json())).data).toMatchObject({
      Selected_Skin: skin.id,
      Capes: [{ Id: cape.id }],
    });

    for (const bad of [{ cape: ['x'] }, { cape: 'a' }, {}, { cape: [crypto.randomUUID()] }]) {
      expect((await call('PUT', `/user/${target.id}/capes`, admin.token, bad)).status).toBe(400);
    }
    expect((await call('PUT', '/user/999999999/capes', admin.token, { cape: [cape.id] })).status).toBe(404);
    expect((await call('PUT', '/user/abc/capes', admin.token, { cape: [cape.id] })).status).toBe(404);
    const removed = await call('DELETE', `/user/${target.id}/capes`, admin.token, { cape: [cape.id] });
    expect(removed.body.data.user).toMatchObject({ Capes: [], Skins: [{ cloak_id: '0' }], Selected_Cape: 0 });
    const all = await call('GET', '/allcapes', admin.token);
    expect(all.body.data).toContainEqual({ uuid: cape.id, name: 'Gold', id: cape.id });
  });
});
