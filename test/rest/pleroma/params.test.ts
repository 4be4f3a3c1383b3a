import { describe, expect, it } from 'vitest';
import { decodePairs } from '../../../src/rest/pleroma/params.js';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';

const gw = useGateway();
const call = restClient(gw, '/api/pleroma/admin');
const show = async (nickname: string, token: string) => (await call('GET', `/users/${nickname}`, token)).body;

describe('Plug-style decoding of query strings and form bodies', () => {
  it('reads lists, nested maps and repeated keys as Plug does, and drops prototype keys', () => {
    expect(decodePairs(new URLSearchParams('tags[]=a&tags[]=b&invite[max_use]=5&invite[expires_at]=2099-01-01&page=1&page=2'))).toEqual({
      tags: ['a', 'b'],
      invite: { max_use: '5', expires_at: '2099-01-01' },
      page: '2',
    });
    expect(decodePairs(new URLSearchParams('a[b][]=1&a[b][]=2&a[c]=x'))).toEqual({ a: { b: ['1', '2'], c: 'x' } });
    expect(decodePairs(new URLSearchParams('q=a+b&r=50%&s=%zz'))).toEqual({ q: 'a b', r: '50%', s: '%zz' });
    const odd = decodePairs(new URLSearchParams('__proto__[admin]=1&constructor[x]=1&x[__proto__]=1&ok=1'));
    expect(odd).toEqual({ ok: '1' });
    expect(({} as { admin?: string }).admin).toBeUndefined();
  });
});

describe('path, body and query parameters merged as Phoenix merges them', () => {
  it('a path parameter wins over the body and the query; the body wins over the query', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const b = await gw.user();
    // Body over query: the query says active, the body deactivated.
    expect((await call('PUT', `/users/${a.username}/activation_status?status=true`, admin.token, { status: false })).status).toBe(204);
    expect((await show(a.username, admin.token)).deactivated).toBe(true);
    // Path over body and query: b is named twice, a by the path.
    expect(
      (await call('PUT', `/users/${a.username}/activation_status?nickname=${b.username}`, admin.token, { nickname: b.username, status: true })).status,
    ).toBe(204);
    expect((await show(a.username, admin.token)).deactivated).toBe(false);
    expect((await show(b.username, admin.token)).deactivated).toBe(false);
    expect((await call('PUT', `/users/${a.username}/activation_status?status=false`, admin.token)).status).toBe(204);
    expect((await show(a.username, admin.token)).deactivated).toBe(true);
  });

  it('lists from the query string, form-encoded bodies and JSON bodies read the same', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    expect((await call('PUT', `/users/tag?nicknames[]=${a.username}&tags[]=from_query`, admin.token)).status).toBe(204);
    const form = await gw.request('/api/pleroma/admin/users/tag', {
      method: 'PUT',
      token: admin.token,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `nicknames[]=${a.username}&tags[]=from_form`,
    });
    expect(form.status).toBe(204);
    expect((await call('PUT', '/users/tag', admin.token, { nicknames: a.username, tags: 'from_json' })).status).toBe(204);
    expect((await show(a.username, admin.token)).tags.sort()).toEqual(['from_form', 'from_json', 'from_query']);
    expect((await call('GET', `/users?query=${a.username}&tags[]=from_form&tags[]=nope`, admin.token)).body.count).toBe(1);
  });

  it('malformed bodies, non-object JSON, NUL characters and deep nesting are 400 and change nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const raw = (body: string, type = 'application/json;charset=utf-8') =>
      gw.request(`/api/pleroma/admin/users/${a.username}/activation_status`, { method: 'PUT', token: admin.token, headers: { 'content-type': type }, body });
    for (const body of [
      '{"status": false',
      '[{"status": false}]',
      '"false"',
      `{"status": false, "x": "a\\u0000b"}`,
      `${'{"a":'.repeat(70)}1${'}'.repeat(70)}`,
    ]) {
      const res = await raw(body);
      expect(res.status, body.slice(0, 30)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toEqual(expect.any(String));
    }
    expect((await call('PUT', `/users/${a.username}/activation_status?status=false&x=%00`, admin.token)).status).toBe(400);
    expect((await call('PUT', `/users/${a.username}/activation_status`, admin.token, { status: 'maybe' })).status).toBe(400);
    expect((await show(a.username, admin.token)).deactivated).toBe(false);
  });
});
