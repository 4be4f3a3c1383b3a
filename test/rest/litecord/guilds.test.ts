import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { makeGuild, makeVoiceRegion, unique } from '../../helpers/factories.js';

const gw = useGateway();
const BASE = '/api/v6/admin/guilds';
/** Litecord sends the token without a scheme. */
const call = restClient(gw, BASE, 'bare');

const footprint = async () =>
  (
    await gw.database.rows<{ g: string; a: number }>(
      sql`select (select md5(coalesce(string_agg(t::text, ',' order by t.id), '')) from guilds t) as g, (select count(*)::int from audit_log) as a`,
    )
  )[0];

describe('Litecord /api/v6/admin/guilds', () => {
  it('GET answers the guild; an unknown or non-numeric id is 404 Unknown guild (10004)', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const region = await makeVoiceRegion(gw);
    const g = await makeGuild(gw, { name: 'Litecord Guild', region: region.id, features: ['VANITY_URL'], vanityCode: unique('lc').replace('_', '-') });
    const res = await call('GET', `/${g.id}`, staff.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: g.id.toString(),
      name: 'Litecord Guild',
      owner_id: g.ownerId.toString(),
      region: region.id,
      features: ['VANITY_URL'],
      unavailable: false,
      max_members: 100000,
      preferred_locale: 'en-US',
    });
    expect(res.body.vanity_url_code).toMatch(/^lc/);
    for (const path of ['/1', '/99999999999999999999', '/abc']) {
      expect(await call('GET', path, staff.token), path).toEqual({ status: 404, body: { error: true, status: 404, message: 'Unknown guild', code: 10004 } });
    }
  });

  it('answers 401 "you are not staff" without admin:guilds scopes and without a token; nothing written', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const g = await makeGuild(gw);
    const before = await footprint();
    for (const [method, path, json] of [
      ['GET', `/${g.id}`, undefined],
      ['PATCH', `/${g.id}`, { unavailable: true }],
      ['DELETE', `/${g.id}`, undefined],
      ['PATCH', `/${g.id}/features`, { features: ['NEWS'] }],
      ['PUT', `/${g.id}/features`, { features: ['NEWS'] }],
      ['DELETE', `/${g.id}/features`, { features: ['NEWS'] }],
    ] as const) {
      expect(await call(method, path, mod.token, json), `${method} ${path}`).toEqual({
        status: 401,
        body: { error: true, status: 401, message: 'you are not staff' },
      });
      expect((await call(method, path, null, json)).status).toBe(401);
    }
    expect(await footprint()).toEqual(before);
  });

  it('PATCH stores unavailable (every instance answers alike) and answers the guild', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw);
    const res = await call('PATCH', `/${g.id}`, staff.token, { unavailable: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: g.id.toString(), unavailable: true });
    expect((await call('GET', `/${g.id}`, staff.token)).body.unavailable).toBe(true);
    const [row] = await gw.database.rows<{ unavailable: boolean }>(sql`select unavailable from guilds where id = ${g.id}`);
    expect(row.unavailable).toBe(true);
    // Without `unavailable` nothing changes (Litecord answered 500 here).
    expect(await call('PATCH', `/${g.id}`, staff.token, {})).toMatchObject({ status: 200, body: { unavailable: true } });
    expect(await call('PATCH', '/1', staff.token, { unavailable: false })).toMatchObject({ status: 404, body: { code: 10004 } });
  });

  it('refuses bad bodies with 400 "bad payload", the problems merged at the top level; nothing written', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw, { features: ['NEWS'] });
    const before = await footprint();
    expect(await call('PATCH', `/${g.id}`, staff.token, { unavailable: 'yes' })).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', unavailable: ['must be of boolean type'] },
    });
    expect(await call('PATCH', `/${g.id}`, staff.token, { name: 'x', status: 1 })).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', name: ['unknown field'] },
    });
    expect(await call('PUT', `/${g.id}/features`, staff.token, {})).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', features: ['required field'] },
    });
    expect(await call('PUT', `/${g.id}/features`, staff.token, { features: ['NEWS', 'news'] })).toEqual({
      status: 400,
      body: { error: true, status: 400, message: 'bad payload', features: [{ 1: ['unallowed value news'] }] },
    });
    expect(await call('DELETE', `/${g.id}/features`, staff.token, { features: ['VERIFIED'] })).toMatchObject({
      status: 400,
      body: { error: true, status: 400, message: 'Trying to remove already removed feature.' },
    });
    const raw = await gw.request(`${BASE}/${g.id}/features`, {
      method: 'PUT',
      headers: { authorization: staff.token, 'content-type': 'application/json' },
      body: '{"features": [',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ error: true, status: 400, message: 'No JSON provided' });
    expect(await call('PUT', '/1/features', staff.token, { features: ['NEWS'] })).toMatchObject({ status: 404, body: { code: 10004 } });
    expect(await footprint()).toEqual(before);
  });

  it('features: PATCH replaces, PUT adds, DELETE removes, each answering {features}; losing VANITY_URL loses the code', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw, { features: ['VANITY_URL'], vanityCode: unique('mine').replace('_', '-') });
    expect(await call('PATCH', `/${g.id}/features`, staff.token, { features: ['NEWS', 'VERIFIED', 'NEWS'] })).toEqual({
      status: 200,
      body: { features: ['VERIFIED', 'NEWS'] },
    });
    expect((await call('GET', `/${g.id}`, staff.token)).body.vanity_url_code).toBeNull();
    expect(await call('PUT', `/${g.id}/features`, staff.token, { features: ['INVITE_SPLASH'] })).toEqual({
      status: 200,
      body: { features: ['INVITE_SPLASH', 'VERIFIED', 'NEWS'] },
    });
    expect(await call('DELETE', `/${g.id}/features`, staff.token, { features: ['NEWS', 'INVITE_SPLASH'] })).toEqual({
      status: 200,
      body: { features: ['VERIFIED'] },
    });
  });

  it('parallel PUTs of features lose none', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw);
    const all = ['INVITE_SPLASH', 'VIP_REGIONS', 'VANITY_URL', 'MORE_EMOJI', 'VERIFIED', 'PUBLIC', 'COMMERCE', 'NEWS'];
    const answers = await Promise.all(all.map((f) => call('PUT', `/${g.id}/features`, staff.token, { features: [f] })));
    expect(answers.map((a) => a.status)).toEqual(all.map(() => 200));
    expect((await call('GET', `/${g.id}`, staff.token)).body.features).toEqual(all);
  });

  it('DELETE removes the guild: 204, then GET is 404 code 10004; a second DELETE 404', async () => {
    const staff = await gw.user({ roles: ['admin'] });
    const g = await makeGuild(gw);
    const del = await gw.request(`${BASE}/${g.id}`, { method: 'DELETE', headers: { authorization: staff.token } });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect(await call('GET', `/${g.id}`, staff.token)).toMatchObject({ status: 404, body: { error: true, code: 10004 } });
    expect(await call('DELETE', `/${g.id}`, staff.token)).toMatchObject({ status: 404, body: { code: 10004 } });
  });
});
