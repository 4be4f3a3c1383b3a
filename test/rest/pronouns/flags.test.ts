import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/client.js';
import { useGateway } from '../../helpers/app.js';
import { dataUri, makeImage, makePngBomb } from '../../modules/media/images.js';

/** pronouns.cc's pride flags: /users/@me/flags (self-service only) and /flags/<hash>.webp. */
const gw = useGateway();

type Json = Record<string, any>;
const call = async (path: string, init: { method?: string; token?: string; json?: unknown } = {}) => {
  const headers: Record<string, string> = init.token ? { authorization: init.token } : {};
  const res = await gw.request(path, { method: init.method ?? 'GET', headers, json: init.json });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
};
const flagRows = async (userId: bigint) =>
  (await queryRows<{ n: number }>(gw.database.db, sql`select count(*)::int as n from pride_flags where user_id = ${userId}`))[0].n;
const mediaCount = async (hash: string) =>
  (await queryRows<{ ref_count: number }>(gw.database.db, sql`select ref_count from media where hash = ${hash}`))[0]?.ref_count ?? 0;

describe('pride flags', () => {
  it('creates (WebP within 256×256), lists, edits, shows in order on the profile, and deletes (204) a flag', async () => {
    const u = await gw.user();
    const made = await call('/api/v1/users/@me/flags', {
      method: 'POST',
      token: u.token,
      json: { flag: dataUri(await makeImage('png', 600, 300)), name: 'Trans', description: 'the trans flag' },
    });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ name: 'Trans', description: 'the trans flag' });
    const image = await gw.request(`/flags/${made.body.hash}.webp`);
    expect(image.status).toBe(200);
    expect(await sharp(Buffer.from(await image.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 256, height: 128 });

    const second = await call('/users/@me/flags', { method: 'POST', token: u.token, json: { flag: dataUri(await makeImage('webp', 20, 10)), name: 'Bi' } });
    expect((await call('/users/@me/flags', { token: u.token })).body.map((f: Json) => f.name)).toEqual(['Trans', 'Bi']);

    const shown = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { flags: [second.body.id, made.body.id] } });
    expect(shown.body.flags.map((f: Json) => f.name)).toEqual(['Bi', 'Trans']);
    expect((await call(`/api/v1/users/${u.username}`)).body.flags.map((f: Json) => f.hash)).toEqual([second.body.hash, made.body.hash]);

    const edited = await call(`/api/v1/users/@me/flags/${made.body.id}`, { method: 'PATCH', token: u.token, json: { name: 'Transgender' } });
    expect(edited.body).toMatchObject({ id: made.body.id, name: 'Transgender', description: 'the trans flag', hash: made.body.hash });

    expect((await call(`/api/v1/users/@me/flags/${made.body.id}`, { method: 'DELETE', token: u.token })).status).toBe(204);
    expect(await mediaCount(made.body.hash)).toBe(0);
    expect((await call('/api/v1/users/@me', { token: u.token })).body.flags.map((f: Json) => f.name)).toEqual(['Bi']);
  });

  it('the same image twice is stored once; another user’s flag cannot be edited or deleted (404)', async () => {
    const a = await gw.user();
    const b = await gw.user();
    const png = dataUri(await makeImage('png', 40, 40, { r: 9, g: 9, b: 9 }));
    const one = await call('/api/v1/users/@me/flags', { method: 'POST', token: a.token, json: { flag: png, name: 'One' } });
    const two = await call('/api/v1/users/@me/flags', { method: 'POST', token: b.token, json: { flag: png, name: 'Two' } });
    expect(two.body.hash).toBe(one.body.hash);
    expect(await mediaCount(one.body.hash)).toBe(2);

    expect(await call(`/api/v1/users/@me/flags/${one.body.id}`, { method: 'PATCH', token: b.token, json: { name: 'Mine now' } })).toMatchObject({
      status: 404,
    });
    expect((await call(`/api/v1/users/@me/flags/${one.body.id}`, { method: 'DELETE', token: b.token })).status).toBe(404);
    expect(await call('/api/v1/users/@me', { method: 'PATCH', token: b.token, json: { flags: [one.body.id] } })).toMatchObject({ status: 400 });
    expect((await call('/users/@me/flags', { token: a.token })).body).toEqual([one.body]);
  });

  it('refuses bad flags with 400 and writes nothing; at 500 flags answers {code: 2003}', async () => {
    const u = await gw.user();
    for (const json of [
      { name: 'x' },
      { flag: dataUri(await makeImage('png', 8, 8)), name: '' },
      { flag: dataUri(await makeImage('png', 8, 8)), name: 'x'.repeat(101) },
      { flag: dataUri(await makeImage('gif', 8, 8)), name: 'gif' },
      { flag: dataUri(makePngBomb()), name: 'bomb' },
      { flag: 'data:image/png;base64,!!!', name: 'garbage' },
      { flag: 42, name: 'n' },
    ]) {
      const res = await call('/api/v1/users/@me/flags', { method: 'POST', token: u.token, json });
      expect(res.status, JSON.stringify(json).slice(0, 60)).toBe(400);
    }
    expect(await flagRows(u.id)).toBe(0);
    const flag = await call('/api/v1/users/@me/flags', { method: 'POST', token: u.token, json: { flag: dataUri(await makeImage('png', 8, 8)), name: 'ok' } });
    for (const json of [{ name: '' }, { description: 'x'.repeat(501) }, { name: 5 }])
      expect((await call(`/api/v1/users/@me/flags/${flag.body.id}`, { method: 'PATCH', token: u.token, json })).status).toBe(400);
    expect((await call('/api/v1/users/@me/flags/not-an-id', { method: 'DELETE', token: u.token })).status).toBe(400);

    await gw.database.db.execute(
      sql`insert into pride_flags (user_id, hash, name) select ${u.id}, ${flag.body.hash}, 'filler' || g from generate_series(1, 499) g`,
    );
    const full = await call('/api/v1/users/@me/flags', {
      method: 'POST',
      token: u.token,
      json: { flag: dataUri(await makeImage('png', 8, 8)), name: 'one more' },
    });
    expect(full).toMatchObject({ status: 400, body: { code: 2003 } });
    expect(await flagRows(u.id)).toBe(500);
  });
});
