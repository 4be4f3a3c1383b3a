import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { makeGuild, makeInvite, makeVoiceRegion, unique } from '../helpers/factories.js';
import { answerChecker } from '../helpers/openapi.js';

const gw = useGateway();

describe('Litecord /api/v6/admin/openapi.json', () => {
  it('describes every answer the routes give: successes and errors validate against it', async () => {
    const { call, unchecked } = await answerChecker(gw, '/api/v6/admin', 'bare');
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const target = await gw.user();
    const person = () => {
      const username = unique('lc_oa');
      return { username, email: `${username}@example.org`, password: 'litecord-pass-1' };
    };

    expect((await call('PUT', '/users', admin.token, person())).status).toBe(200);
    expect((await call('PUT', '/users', admin.token, { ...person(), email: 'nope' })).status).toBe(400);
    expect((await call('POST', '/users', admin.token, person())).status).toBe(200);
    expect((await call('POST', '/users', null, person())).status).toBe(401);
    expect((await call('GET', '/users?username=lc_oa&discriminator=', admin.token)).body.length).toBeGreaterThan(0);
    expect((await call('GET', '/users?per_page=51', admin.token)).status).toBe(400);
    expect((await call('PATCH', `/users/${target.id}`, admin.token, { flags: 2 })).status).toBe(200);
    expect((await call('PATCH', `/users/${target.id}`, admin.token, { flags: 3 })).status).toBe(403);
    expect((await call('PATCH', `/users/${target.id}`, admin.token, { flags: 'x' })).status).toBe(400);
    expect((await call('DELETE', `/users/${target.id}`, admin.token)).status).toBe(200);
    expect((await call('DELETE', '/users/99999999999', admin.token)).status).toBe(404);

    expect((await call('PUT', '/instance/invites', admin.token, { max_uses: -1 })).status).toBe(200);
    expect((await call('PUT', '/instance/invites', admin.token, { max_uses: 0 })).status).toBe(400);
    expect((await call('GET', '/instance/invites', admin.token)).body.length).toBeGreaterThan(0);
    expect((await call('GET', '/instance/invites', null)).status).toBe(401);
    const invite = await makeInvite(gw, { code: unique('OA-INVITE-') });
    expect((await call('DELETE', `/instance/invites/${invite.code}`, admin.token)).status).toBe(204);
    expect((await call('DELETE', '/instance/invites/NO-SUCH-CODE', admin.token)).status).toBe(404);

    const region = await makeVoiceRegion(gw);
    const guild = await makeGuild(gw, { ownerId: admin.id, region: region.id, features: ['NEWS'] });
    expect((await call('GET', `/guilds/${guild.id}`, admin.token)).status).toBe(200);
    expect((await call('GET', '/guilds/1', admin.token)).status).toBe(404);
    expect((await call('PATCH', `/guilds/${guild.id}`, admin.token, { unavailable: true })).status).toBe(200);
    expect((await call('PATCH', `/guilds/${guild.id}`, admin.token, { unavailable: 'yes' })).status).toBe(400);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await call(method, `/guilds/${guild.id}/features`, admin.token, { features: ['NEWS'] })).status).toBe(200);
      expect((await call(method, `/guilds/${guild.id}/features`, admin.token, { features: ['nope'] })).status).toBe(400);
    }
    expect((await call('DELETE', `/guilds/${guild.id}`, admin.token)).status).toBe(204);
    expect((await call('DELETE', '/guilds/1', admin.token)).status).toBe(404);

    expect((await call('GET', '/voice/regions', admin.token)).body.length).toBeGreaterThan(0);
    expect((await call('GET', '/voice/regions', mod.token)).status).toBe(401);
    expect((await call('PUT', '/voice/regions', admin.token, { id: unique('oa-region-'), name: 'OpenAPI' })).status).toBe(200);
    expect((await call('PUT', '/voice/regions', admin.token, { id: 'x', name: 'X', admin: true })).status).toBe(400);
    expect((await call('PUT', `/voice/regions/${region.id}/server`, admin.token, { hostname: `${unique('oa')}.example.org` })).status).toBe(204);
    expect((await call('PUT', '/voice/regions/nowhere/server', admin.token, { hostname: 'nowhere.example.org' })).status).toBe(404);
    expect((await call('GET', `/voice/regions/${region.id}`, admin.token)).body.length).toBe(1);
    expect((await call('GET', `/voice/regions/${region.id}`, null)).status).toBe(401);
    expect((await call('PUT', `/voice/regions/${region.id}/deprecate`, admin.token)).status).toBe(204);
    expect((await call('PUT', `/voice/regions/${region.id}/deprecate`, mod.token)).status).toBe(401);

    expect(unchecked()).toEqual([]);
  });
});
