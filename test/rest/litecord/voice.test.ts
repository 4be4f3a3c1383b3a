import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { makeGuild, makeVoiceRegion, unique } from '../../helpers/factories.js';

const gw = useGateway();
const BASE = '/api/v6/admin/voice/regions';
const call = restClient(gw, BASE, 'bare');

const footprint = async () =>
  (
    await gw.database.rows<{ r: number; s: number; a: number }>(
      sql`select (select count(*)::int from voice_regions) as r, (select count(*)::int from voice_servers) as s, (select count(*)::int from audit_log) as a`,
    )
  )[0];

describe('Litecord /api/v6/admin/voice', () => {
  it('PUT /regions creates a region (id lowercased) and answers every region; GET lists them', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const id = unique('Region-');
    const res = await call('PUT', '', staff.token, { id, name: 'Somewhere', vip: true });
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual({ id: id.toLowerCase(), name: 'Somewhere', vip: true, deprecated: false, custom: false });
    const list = await call('GET', '', staff.token);
    expect(list.status).toBe(200);
    expect(list.body).toEqual(res.body);
  });

  it('a taken region id or hostname is a 400, never a 500; bad bodies are "bad payload"; nothing written', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const region = await makeVoiceRegion(gw);
    const host = `${unique('h')}.example.org`;
    expect((await call('PUT', `/${region.id}/server`, staff.token, { hostname: host })).status).toBe(204);
    const before = await footprint();
    expect(await call('PUT', '', staff.token, { id: region.id.toUpperCase(), name: 'Again' })).toMatchObject({
      status: 400,
      body: { error: true, status: 400 },
    });
    expect(await call('PUT', `/${region.id}/server`, staff.token, { hostname: host })).toEqual({
      status: 400,
      body: {
        error: true,
        status: 400,
        message: 'voice server already exists with given hostname',
        hostname: ['voice server already exists with given hostname'],
      },
    });
    expect(await call('PUT', '', staff.token, { id: 'x' })).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', name: ['required field'] },
    });
    expect(await call('PUT', '', staff.token, { id: 'x', name: 'X', admin: true })).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', admin: ['unknown field'] },
    });
    expect(await call('PUT', '', staff.token, { id: 'x'.repeat(256), name: 'X' })).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', id: ['max length is 255'] },
    });
    expect(await call('PUT', `/${region.id}/server`, staff.token, {})).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', hostname: ['required field'] },
    });
    expect(await call('PUT', '/no-such-region/server', staff.token, { hostname: `z.${host}` })).toMatchObject({
      status: 404,
      body: { error: true, status: 404 },
    });
    expect(await footprint()).toEqual(before);
  });

  it('GET /regions/<region> lists its servers (last_health 0.5); an unknown region has none', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const region = await makeVoiceRegion(gw);
    const hosts = [`${unique('a')}.example.org`, `${unique('b')}.example.org`];
    for (const hostname of hosts) expect((await call('PUT', `/${region.id}/server`, staff.token, { hostname })).status).toBe(204);
    expect(await call('GET', `/${region.id.toUpperCase()}`, staff.token)).toEqual({
      status: 200,
      body: hosts.map((hostname) => ({ hostname, last_health: 0.5 })),
    });
    expect(await call('GET', '/nowhere', staff.token)).toEqual({ status: 200, body: [] });
  });

  it('PUT /regions/<region>/deprecate takes the region from its guilds and marks it (204); unknown: 204, no change', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const region = await makeVoiceRegion(gw);
    const g = await makeGuild(gw, { region: region.id });
    const res = await gw.request(`${BASE}/${region.id}/deprecate`, { method: 'PUT', headers: { authorization: staff.token } });
    expect(res.status).toBe(204);
    const guild = await restClient(gw, '/api/v6/admin/guilds', 'bare')('GET', `/${g.id}`, staff.token);
    expect(guild.body.region).toBeNull();
    const list = await call('GET', '', staff.token);
    expect(list.body).toContainEqual(expect.objectContaining({ id: region.id, deprecated: true }));
    const before = await footprint();
    expect((await gw.request(`${BASE}/nowhere/deprecate`, { method: 'PUT', headers: { authorization: staff.token } })).status).toBe(204);
    expect(await footprint()).toEqual(before);
  });

  it('answers 401 "you are not staff" without admin:voice scopes; nothing written', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const region = await makeVoiceRegion(gw);
    const before = await footprint();
    for (const [method, path, json] of [
      ['GET', '', undefined],
      ['PUT', '', { id: 'mod-region', name: 'Mod' }],
      ['GET', `/${region.id}`, undefined],
      ['PUT', `/${region.id}/server`, { hostname: 'mod.example.org' }],
      ['PUT', `/${region.id}/deprecate`, undefined],
    ] as const) {
      expect(await call(method, path, mod.token, json), `${method} ${path}`).toEqual({
        status: 401,
        body: { error: true, status: 401, message: 'you are not staff' },
      });
      expect((await call(method, path, null, json)).status).toBe(401);
    }
    expect(await footprint()).toEqual(before);
  });
});
