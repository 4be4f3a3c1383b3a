import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/client.js';
import { useGateway } from '../../helpers/app.js';
import { dataUri, makeImage, SVG, truncated } from '../../modules/media/images.js';

/** pronouns.cc's user API (/api/v1/users and /users), as its readers and its own client call it. */
const gw = useGateway();

type Json = Record<string, any>;
const call = async (path: string, init: { method?: string; token?: string; json?: unknown; body?: string; bare?: boolean } = {}) => {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = init.bare === false ? `Bearer ${init.token}` : init.token;
  const res = await gw.request(path, { method: init.method ?? 'GET', headers, json: init.json, body: init.body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
};
const mediaCount = async (hash: string) =>
  (await queryRows<{ ref_count: number }>(gw.database.db, sql`select ref_count from media where hash = ${hash}`))[0]?.ref_count ?? 0;
const auditCount = async (action: string, target: bigint) =>
  Number(
    (
      await queryRows<{ n: number }>(
        gw.database.db,
        sql`select count(*)::int as n from audit_log where action = ${action} and target_id = ${target.toString()}`,
      )
    )[0].n,
  );

describe('GET /users/{id|name}', () => {
  it('answers 404 {code: 2001} for a user who never signed in to it, for unknown names, and for suspended and deleted accounts', async () => {
    const quiet = await gw.user();
    expect(await call(`/api/v1/users/${quiet.username}`)).toMatchObject({ status: 404, body: { code: 2001 } });
    expect(await call(`/users/${quiet.id}`)).toMatchObject({ status: 404, body: { code: 2001 } });
    expect(await call('/api/v1/users/nobody-at-all')).toMatchObject({ status: 404, body: { code: 2001 } });
    for (const status of ['SUSPENDED', 'DELETED'] as const) {
      const u = await gw.user();
      expect((await call('/api/v1/users/@me', { token: u.token })).status).toBe(200);
      expect((await call(`/api/v1/users/${u.username}`)).status).toBe(200);
      await gw.database.db.execute(sql`update users set status = ${status} where id = ${u.id}`);
      expect(await call(`/api/v1/users/${u.username}`), status).toMatchObject({ status: 404, body: { code: 2001 } });
    }
  });

  it('is public once the user signed in to it (any call with a token, with or without Bearer); self-only fields only to that user', async () => {
    const u = await gw.user();
    const other = await gw.user();
    const me = await call('/api/v1/users/@me', { token: u.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: u.id.toString(), name: u.username, members: [], list_private: false, is_admin: false, timezone: null });
    expect(me.body.sid).toMatch(/^[a-z]{5}$/);
    expect((await call('/users/@me', { token: u.token, bare: false })).status).toBe(200);

    for (const path of [`/api/v1/users/${u.username}`, `/users/${u.id}`, `/users/${u.username.toUpperCase()}`]) {
      const anon = await call(path);
      expect(anon.status, path).toBe(200);
      expect(anon.body.id).toBe(u.id.toString());
      expect(anon.body).not.toHaveProperty('created_at');
      expect(anon.body).not.toHaveProperty('timezone');
      expect(Object.keys(anon.body).sort()).toEqual(
        [
          'avatar',
          'badges',
          'bio',
          'custom_preferences',
          'display_name',
          'fields',
          'flags',
          'id',
          'links',
          'member_title',
          'members',
          'name',
          'names',
          'pronouns',
          'sid',
          'utc_offset',
        ].sort(),
      );
    }
    expect((await call(`/users/${u.username}`, { token: other.token })).body).not.toHaveProperty('created_at');
    expect((await call(`/users/${u.username}`, { token: u.token })).body).toHaveProperty('created_at');
  });

  it('answers 403 without a token and 401 with a token that is not valid on every @me route', async () => {
    for (const [method, path] of [
      ['GET', '/@me'],
      ['PATCH', '/@me'],
      ['GET', '/@me/flags'],
      ['POST', '/@me/flags'],
      ['PATCH', '/@me/flags/1'],
      ['DELETE', '/@me/flags/1'],
      ['GET', '/@me/reroll'],
    ]) {
      const json = method === 'GET' || method === 'DELETE' ? undefined : { name: 'x', flag: 'x' };
      expect(await call(`/api/v1/users${path}`, { method, json }), `${method} ${path}`).toMatchObject({ status: 403, body: { code: 403 } });
      expect((await call(`/api/v1/users${path}`, { method, json, token: 'not-a-token' })).status, `${method} ${path}`).toBe(401);
    }
  });
});

describe('PATCH /users/@me', () => {
  it('changes what is sent, keeps what is omitted, clears zero values; utc_offset follows the timezone', async () => {
    const u = await gw.user();
    const prefId = '6d2b1d7e-8c1f-4a51-9b1e-0d4c1f2a3b4c';
    const body = {
      display_name: 'Rain',
      bio: 'hello',
      member_title: 'Headmates',
      links: ['https://example.org'],
      names: [{ value: 'Rain', status: 'favourite' }],
      pronouns: [{ pronouns: 'they/them', display_text: 'they', status: prefId }],
      fields: [{ name: 'Honorifics', entries: [{ value: 'mx', status: 'okay' }] }],
      timezone: 'Asia/Kolkata',
      list_private: true,
      custom_preferences: { [prefId]: { icon: 'star', tooltip: 'Lovely', size: 'large', muted: false, favourite: true } },
    };
    const res = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      display_name: 'Rain',
      bio: 'hello',
      member_title: 'Headmates',
      links: ['https://example.org'],
      names: [{ value: 'Rain', status: 'favourite' }],
      pronouns: [{ pronouns: 'they/them', display_text: 'they', status: prefId }],
      fields: [{ name: 'Honorifics', entries: [{ value: 'mx', status: 'okay' }] }],
      timezone: 'Asia/Kolkata',
      utc_offset: 19800,
      list_private: true,
      custom_preferences: { [prefId]: { tooltip: 'Lovely', size: 'large', favourite: true } },
    });
    const again = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { bio: '', links: [], timezone: '' } });
    expect(again.body).toMatchObject({ bio: null, links: [], timezone: null, utc_offset: null, display_name: 'Rain', member_title: 'Headmates' });
    expect(await auditCount('profile.update', u.id)).toBe(2);
  });

  it('applies pronouns.cc’s name rule (1006), refuses a taken name (1007), and audits a rename', async () => {
    const u = await gw.user();
    for (const name of ['a', 'x'.repeat(41), 'has space', 'ünï', '12345!'])
      expect(await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { name } }), name).toMatchObject({ status: 400, body: { code: 1006 } });
    const clash = await gw.user({
      username: `Taken_${Math.random()
        .toString(36)
        .replace(/[^a-z]/g, '')
        .slice(0, 6)}`,
    });
    expect(await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { name: clash.username.toLowerCase() } })).toMatchObject({
      status: 400,
      body: { code: 1007 },
    });
    const fresh = `renamed_${Math.random()
      .toString(36)
      .replace(/[^a-z]/g, '')
      .slice(0, 6)}`;
    const ok = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { name: fresh } });
    expect(ok).toMatchObject({ status: 200, body: { name: fresh } });
    expect(await auditCount('user.rename', u.id)).toBe(1);
    expect((await call(`/users/${fresh}`)).status).toBe(200);
  });

  it('refuses bad input with 400 and writes nothing (never a 500)', async () => {
    const u = await gw.user();
    await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { bio: 'before' } });
    const bad: unknown[] = [
      { bio: 'x'.repeat(1001) },
      { display_name: 'x'.repeat(101) },
      { member_title: 'x'.repeat(151) },
      { links: Array.from({ length: 26 }, () => 'https://example.org') },
      { links: ['x'.repeat(257)] },
      { names: [{ value: 'a', status: 'unknown-status' }] },
      { pronouns: [{ pronouns: 'she/her', status: '00000000-0000-4000-8000-000000000000' }] },
      { fields: [{ name: 'f', entries: 'no' }] },
      { flags: ['999999'] },
      { timezone: 'Mars/Olympus' },
      { custom_preferences: { 'not-a-uuid': { icon: 'a', tooltip: 'b', size: 'large', muted: false, favourite: false } } },
      { avatar: 'not a data uri' },
      { avatar: `data:image/png;base64,${SVG.toString('base64')}` },
      { list_private: 'yes' },
      { bio: 'changed', names: 5 },
      [],
      'text',
    ];
    for (const json of bad) {
      const res = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json });
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      expect(res.body.code).toBe(400);
    }
    const broken = await gw.request('/api/v1/users/@me', {
      method: 'PATCH',
      headers: { authorization: u.token, 'content-type': 'application/json' },
      body: '{"bio":',
    });
    expect(broken.status).toBe(400);
    expect((await call('/api/v1/users/@me', { token: u.token })).body).toMatchObject({ bio: 'before', names: [], avatar: null });
  });

  it('takes a body up to 4 MB and answers 413 {code: 4001} beyond', async () => {
    const u = await gw.user();
    const big = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { bio: 'x'.repeat(4 * 1024 * 1024 + 10) } });
    expect(big).toMatchObject({ status: 413, body: { code: 4001 } });
    const mid = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { bio: 'x'.repeat(1.5 * 1024 * 1024) } });
    expect(mid).toMatchObject({ status: 400, body: { code: 400 } });
  });
});

describe('avatars', () => {
  it('re-encodes a data URI to a 512×512 WebP served at /users/<id>/<hash>.webp; the same image is stored once; a new one frees the old', async () => {
    const a = await gw.user();
    const b = await gw.user();
    const png = await makeImage('png', 300, 200);
    const first = await call('/api/v1/users/@me', { method: 'PATCH', token: a.token, json: { avatar: dataUri(png) } });
    expect(first.status).toBe(200);
    const hash = first.body.avatar as string;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const served = await gw.request(`/users/${a.id}/${hash}.webp`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 512, height: 512 });
    expect((await gw.request(`/api/v1/users/${a.id}/${hash}.webp`)).status).toBe(200);

    // The same picture (declared as JPEG: the content decides) for another user: one stored image, two references.
    const second = await call('/api/v1/users/@me', { method: 'PATCH', token: b.token, json: { avatar: dataUri(png, 'image/jpeg') } });
    expect(second.body.avatar).toBe(hash);
    expect(await mediaCount(hash)).toBe(2);

    const other = await call('/api/v1/users/@me', {
      method: 'PATCH',
      token: a.token,
      json: { avatar: dataUri(await makeImage('jpeg', 64, 64, { r: 1, g: 2, b: 3 })) },
    });
    expect(other.body.avatar).not.toBe(hash);
    expect(await mediaCount(hash)).toBe(1);
    await call('/api/v1/users/@me', { method: 'PATCH', token: b.token, json: { avatar: '' } });
    expect(await mediaCount(hash)).toBe(0);
    expect((await gw.request(`/users/${b.id}/${hash}.webp`)).status).toBe(404);
  });

  it('refuses a truncated image with 400 and keeps the avatar', async () => {
    const u = await gw.user();
    const res = await call('/api/v1/users/@me', { method: 'PATCH', token: u.token, json: { avatar: dataUri(truncated(await makeImage('png', 64, 64))) } });
    expect(res.status).toBe(400);
    expect((await call('/api/v1/users/@me', { token: u.token })).body.avatar).toBeNull();
  });
});

describe('GET /users/@me/reroll', () => {
  it('gives a new 5-letter short id once an hour, then 403 {code: 2004}', async () => {
    const u = await gw.user();
    const before = (await call('/api/v1/users/@me', { token: u.token })).body.sid;
    const rolled = await call('/api/v1/users/@me/reroll', { token: u.token });
    expect(rolled.status).toBe(200);
    expect(rolled.body.sid).toMatch(/^[a-z]{5}$/);
    expect(rolled.body.sid).not.toBe(before);
    expect(rolled.body.last_sid_reroll).toBeTruthy();
    expect(await call('/api/v1/users/@me/reroll', { token: u.token })).toMatchObject({ status: 403, body: { code: 2004 } });
    expect((await call('/api/v1/users/@me', { token: u.token })).body.sid).toBe(rolled.body.sid);
  });
});
