import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { answerChecker } from '../helpers/openapi.js';
import { dataUri, makeImage } from '../modules/media/images.js';

const gw = useGateway();

describe('pronouns.cc /api/v1/users/openapi.json', () => {
  it('describes every answer the routes give: successes and errors validate against it', async () => {
    const { call, unchecked } = await answerChecker(gw, '/api/v1/users', 'bare');
    const u = await gw.user();
    const png = await makeImage('png', 64, 64);

    expect((await call('GET', '/@me', u.token)).body.name).toBe(u.username);
    expect((await call('GET', '/@me', null)).status).toBe(403);
    const patched = await call('PATCH', '/@me', u.token, { bio: 'hello', avatar: dataUri(png), pronouns: [{ pronouns: 'they/them', status: 'favourite' }] });
    expect(patched.body.bio).toBe('hello');
    expect((await call('PATCH', '/@me', u.token, { bio: 'x'.repeat(1001) })).status).toBe(400);
    // The document's name is reserved: no user takes it (1006).
    expect((await call('PATCH', '/@me', u.token, { name: 'openapi.json' })).body.code).toBe(1006);
    expect((await call('GET', '/@me/reroll', u.token)).status).toBe(200);
    expect((await call('GET', '/@me/reroll', u.token)).body.code).toBe(2004);
    const made = await call('POST', '/@me/flags', u.token, { flag: dataUri(png), name: 'Trans' });
    expect(made.body.name).toBe('Trans');
    expect((await call('POST', '/@me/flags', u.token, { flag: dataUri(png) })).status).toBe(400);
    expect((await call('GET', '/@me/flags', u.token)).body).toHaveLength(1);
    expect((await call('GET', '/@me/flags', null)).status).toBe(403);
    expect((await call('PATCH', `/@me/flags/${made.body.id}`, u.token, { name: 'Renamed' })).body.name).toBe('Renamed');
    expect((await call('PATCH', '/@me/flags/999999', u.token, { name: 'x' })).status).toBe(404);
    expect((await call('DELETE', `/@me/flags/${made.body.id}`, u.token)).status).toBe(204);
    expect((await call('DELETE', '/@me/flags/999999', u.token)).status).toBe(404);
    expect((await call('GET', `/${u.id}/${patched.body.avatar}.webp`, null)).status).toBe(200);
    expect((await call('GET', `/${u.id}/${'0'.repeat(64)}.webp`, null)).status).toBe(404);
    expect((await call('GET', `/${u.username}`, null)).body.id).toBe(String(u.id));
    expect((await call('GET', `/${u.username}`, u.token)).body.is_admin).toBe(false);
    expect((await call('GET', '/nobody_at_all', null)).body.code).toBe(2001);

    expect(unchecked()).toEqual([]);
  });
});
