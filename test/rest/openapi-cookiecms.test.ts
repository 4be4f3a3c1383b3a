import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { answerChecker } from '../helpers/openapi.js';
import { capePng, makeCape, makeSkin, pngFile } from '../modules/skins/textures.js';

const gw = useGateway();

describe('CookieCMS /api/admin/openapi.json', () => {
  it('describes every answer the routes give: successes and errors validate against it', async () => {
    const { call, unchecked } = await answerChecker(gw, '/api/admin');
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const target = await gw.user();
    const peer = await gw.user();

    expect((await call('GET', '/users/', admin.token)).body.data.length).toBeGreaterThan(3);
    expect((await call('GET', '/users?page=1&limit=2', admin.token)).body.data).toHaveLength(2);
    expect((await call('GET', '/users?limit=0', admin.token)).status).toBe(400);
    expect((await call('GET', '/users', plain.token)).status).toBe(403);
    expect((await call('GET', `/user/${target.id}`, admin.token)).body.data.Username).toBe(target.username);
    expect((await call('GET', '/user/nobody_at_all', admin.token)).status).toBe(404);
    expect((await call('PUT', `/user/${target.id}/`, admin.token, { Mail_verify: 1, Capes: [], Discord: null })).body.data.Mail_verify).toBe(1);
    expect((await call('PUT', `/user/${target.id}`, admin.token, { PermLvl: 7 })).status).toBe(400);
    expect((await call('PATCH', `/user/${target.username}`, admin.token, { mail_verify: 0, perms: 2 })).body.data.PermLvl).toBe(2);
    expect((await call('PATCH', `/user/${target.id}`, admin.token, { username: peer.username })).status).toBe(409);
    expect((await call('POST', `/user/role/${target.id}`, admin.token, { role_level: 3 })).body.data.new_role_level).toBe(3);
    expect((await call('POST', `/user/role/${target.id}`, admin.token, { role_level: 2, expired_at: 1000 })).status).toBe(400);
    expect((await call('POST', '/mail', admin.token, { subject: 'Hello', message: 'All of you' })).body.data.recipients).toBeGreaterThan(0);
    expect((await call('POST', '/mail', admin.token, { subject: ' ', message: 'All of you' })).status).toBe(400);
    expect((await call('GET', '/audit?limit=5', admin.token)).body.data.length).toBeGreaterThan(0);
    expect((await call('GET', '/audit?limit=0', admin.token)).status).toBe(400);
    expect((await call('GET', '/metrics?days=7', admin.token)).body.data.statistics).toHaveLength(7);
    expect((await call('GET', '/metrics?days=0', admin.token)).status).toBe(400);
    expect((await call('GET', '/metrics', null)).status).toBe(401);

    const cape = (await makeCape(gw, [target.id])).id;
    const stray = (await makeCape(gw, [])).id;
    const skin = (await makeSkin(gw, target.id, { capeId: cape })).id;
    const NO_UUID = '00000000-0000-4000-8000-000000000000';
    expect((await call('GET', '/skins', admin.token)).body.data).toHaveLength(1);
    expect((await call('GET', '/skins', plain.token)).status).toBe(403);
    expect((await call('PATCH', `/skin/${skin}`, admin.token, { cloakid: '0' })).body.data.cloak_id).toBe('0');
    expect((await call('PATCH', `/skin/${skin}`, admin.token, { cloakid: stray })).status).toBe(403);
    expect((await call('PUT', `/skin/${skin}/`, admin.token, { name: 'Renamed', cloak_id: cape, uuid: skin })).body.data.name).toBe('Renamed');
    expect((await call('PUT', `/skin/${skin}`, admin.token, { name: 5 })).status).toBe(400);
    expect((await call('PUT', `/user/${target.id}/capes`, admin.token, { cape: [stray] })).body.data.user.Capes).toHaveLength(2);
    expect((await call('PUT', `/user/${target.id}/capes`, admin.token, { cape: ['x'] })).status).toBe(400);
    expect((await call('DELETE', `/user/${target.id}/capes`, admin.token, { cape: [stray] })).body.data.user.Capes).toHaveLength(1);
    expect((await call('DELETE', `/user/${target.id}/capes`, plain.token, { cape: [stray] })).status).toBe(403);
    expect((await call('GET', `/user/${target.id}`, admin.token)).body.data.Skins).toHaveLength(1);
    for (const path of ['/user/cape/upload', '/cape']) {
      const form = new FormData();
      form.append('cape', pngFile(await capePng()));
      form.append('name', 'Uploaded');
      form.append('owners', JSON.stringify([Number(target.id)]));
      const uploaded = await call('POST', path, admin.token, form);
      expect(uploaded.body.id).toBeTruthy();
      expect((await call('POST', path, admin.token, { name: 'not multipart' })).status).toBe(400);
      expect((await call('DELETE', path, admin.token, { capeid: uploaded.body.id })).body.msg).toBe('Cape deleted');
      expect((await call('DELETE', path, admin.token, { capeid: NO_UUID })).status).toBe(404);
    }
    expect((await call('GET', '/allcapes', admin.token)).body.data).toHaveLength(2);
    expect((await call('GET', '/allcapes', null)).status).toBe(401);
    expect((await call('DELETE', `/skin/${skin}`, admin.token)).body.data.uuid).toBe(skin);
    expect((await call('DELETE', `/skin/${NO_UUID}`, admin.token)).status).toBe(404);

    expect(unchecked()).toEqual([]);
  });
});
