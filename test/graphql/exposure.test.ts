import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';

// Defaults: introspection on (not production), no CORS origins configured.
const open = useGateway();
// Introspection off, two browser origins allowed.
const closed = useGateway({ INTROSPECTION: 'false', CORS_ORIGINS: 'https://admin.example.org, http://localhost:5173' });

const ALLOWED = 'https://admin.example.org';
const EVIL = 'https://evil.example';

/** Documents and variables whose errors graphql-js words with "Did you mean …", and the name it would suggest. */
const MISSPELT: [string, Record<string, unknown>, string][] = [
  ['{ usrs(first: 1) { totalCount } }', {}, 'users'],
  ['{ users(frist: 1) { totalCount } }', {}, 'first'],
  ['query($f: UserFiltr) { users(first: 1, filter: $f) { totalCount } }', {}, 'UserFilter'],
  ['{ users(first: 1, filter: { status: { in: [ACTIVEE] } }) { totalCount } }', {}, 'ACTIVE'],
  ['query($f: UserFilter) { users(first: 1, filter: $f) { totalCount } }', { f: { usernme: { equals: 'x' } } }, 'username'],
  ['query($f: UserFilter) { users(first: 1, filter: $f) { totalCount } }', { f: { status: { in: ['ACTIVEE'] } } }, 'ACTIVE'],
];

const messages = (body: any) => (body.errors ?? []).map((e: any) => e.message).join(' | ');

describe('field suggestions', () => {
  it('are never given when introspection is off, for fields, arguments, types, enum values and input fields', async () => {
    for (const [query, variables, hidden] of MISSPELT) {
      const res = await closed.gql(query, variables);
      expect(res.status, query).toBe(400);
      expect(res.body.errors?.length, query).toBeGreaterThan(0);
      expect(messages(res.body), query).not.toMatch(/did you mean/i);
      expect(messages(res.body), query).not.toContain(`"${hidden}"`);
    }
  });

  it('are given when introspection is on (the schema is readable anyway)', async () => {
    for (const [query, variables, hidden] of MISSPELT) {
      const res = await open.gql(query, variables);
      expect(messages(res.body), query).toMatch(/Did you mean/);
      expect(messages(res.body), query).toContain(`"${hidden}"`);
    }
  });
});

/** A preflight as a browser sends it before a cross-origin POST with a token. */
const preflight = (gw: typeof open, path: string, origin: string) =>
  gw.request(path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('CORS', () => {
  it('without CORS_ORIGINS nothing is allowed cross-origin, on /graphql and on the shims, and nothing is reflected', async () => {
    const post = await open.request('/graphql', { method: 'POST', headers: { origin: EVIL }, json: { query: '{ __typename }' } });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    const pre = await preflight(open, '/graphql', EVIL);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    for (const path of ['/api/pleroma/admin/users', '/api/v6/admin/users', '/user/admin-api/list', '/api/admin/users', '/healthz']) {
      const res = await open.request(path, { headers: { origin: EVIL } });
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull();
      expect((await preflight(open, path, EVIL)).headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('with CORS_ORIGINS, a listed origin gets exactly itself (no credentials), an unlisted one nothing', async () => {
    const post = await closed.request('/graphql', { method: 'POST', headers: { origin: ALLOWED }, json: { query: '{ __typename }' } });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    expect(post.headers.get('vary')).toMatch(/origin/i);
    const other = await closed.request('/graphql', { method: 'POST', headers: { origin: 'http://localhost:5173' }, json: { query: '{ __typename }' } });
    expect(other.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const evil = await closed.request('/graphql', { method: 'POST', headers: { origin: EVIL }, json: { query: '{ __typename }' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // A near miss is not the origin.
    const near = await closed.request('/graphql', {
      method: 'POST',
      headers: { origin: 'https://admin.example.org.evil.example' },
      json: { query: '{ __typename }' },
    });
    expect(near.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('preflight works for a listed origin on /graphql and on a shim, and not for others', async () => {
    for (const path of ['/graphql', '/api/pleroma/admin/users/tag']) {
      const ok = await preflight(closed, path, ALLOWED);
      expect(ok.status, path).toBeLessThan(300);
      expect(ok.headers.get('access-control-allow-origin'), path).toBe(ALLOWED);
      expect(ok.headers.get('access-control-allow-methods'), path).toMatch(/POST/);
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase(), path).toMatch(/authorization/);
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase(), path).toMatch(/content-type/);
      expect(ok.headers.get('access-control-allow-credentials'), path).toBeNull();
      const no = await preflight(closed, path, EVIL);
      expect(no.headers.get('access-control-allow-origin'), path).toBeNull();
    }
    const shim = await closed.request('/api/pleroma/admin/users', { headers: { origin: ALLOWED } });
    expect(shim.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  describe('on the Node listener (how /graphql is served)', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((req, res) => closed.app.listener(req, res));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const send = (method: string, origin: string, body: string | null) =>
      new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
        const headers: Record<string, string> = { origin, 'content-type': 'application/json' };
        if (body) headers['content-length'] = String(Buffer.byteLength(body));
        if (method === 'OPTIONS')
          Object.assign(headers, { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' });
        const req = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        });
        req.on('error', reject);
        if (body) req.write(body);
        req.end();
      });

    it('answers the listed origin only', async () => {
      const body = JSON.stringify({ query: '{ __typename }' });
      expect((await send('POST', ALLOWED, body))['access-control-allow-origin']).toBe(ALLOWED);
      const evil = await send('POST', EVIL, body);
      expect(evil['access-control-allow-origin']).toBeUndefined();
      expect(evil['access-control-allow-credentials']).toBeUndefined();
      expect((await send('OPTIONS', ALLOWED, null))['access-control-allow-origin']).toBe(ALLOWED);
      expect((await send('OPTIONS', EVIL, null))['access-control-allow-origin']).toBeUndefined();
    });
  });
});
