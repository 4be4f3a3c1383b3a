import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from './helpers/app.js';

const gw = useGateway();
const prod = useGateway({ NODE_ENV: 'production', JWT_SECRET: 'production-secret-production-secret-0000' });

const post = (body: string, headers: Record<string, string> = {}) =>
  gw.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('operations endpoints', () => {
  it('/healthz and /readyz answer, with a request id', async () => {
    const health = await gw.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const ready = await gw.request('/readyz', { headers: { 'x-request-id': 'probe-1' } });
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBe('probe-1');
  });

  it('serves GraphiQL from the gateway itself, nothing from a CDN', async () => {
    const res = await gw.request('/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('renderYogaGraphiQL');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).not.toMatch(/@import\s+url\(["']?https?:/);
  });
});

describe('request errors are 4xx and change nothing', () => {
  it('malformed JSON, invalid documents and wrong variable types', async () => {
    expect((await post('{"query": ')).status).toBe(400);
    expect((await post(JSON.stringify({ query: '{ nope }' }))).status).toBe(400);
    expect((await post(JSON.stringify({ query: '{ users(first: "x") { totalCount } }' }))).status).toBe(400);
    const vars = await post(JSON.stringify({ query: 'query($n: Int) { users(first: $n) { totalCount } }', variables: { n: 'ten' } }));
    expect(vars.status).toBe(400);
  });

  it('NUL bytes in strings', async () => {
    const before = (await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from users`))[0].n;
    const admin = await gw.user({ roles: ['admin'] });
    const res = await post(
      JSON.stringify({ query: 'mutation($i: CreateUserInput!) { createUser(input: $i) { __typename } }', variables: { i: { username: 'nul\u0000name' } } }),
      { authorization: `Bearer ${admin.token}` },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_INPUT');
    expect((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from users`))[0].n).toBe(before + 1);
  });

  it('depth, aliases and token limits', async () => {
    const errorOf = async (query: string) => {
      const res = await post(JSON.stringify({ query }));
      return { status: res.status, message: ((await res.json()) as any).errors?.map((e: any) => e.message).join(' | ') ?? '' };
    };
    expect((await errorOf('{ users(first: 1) { edges { node { roles { id } } } } }')).status).toBe(200);
    let deep = 'leaf';
    for (let i = 0; i < 11; i++) deep = `f${i} { ${deep} }`;
    const depth = await errorOf(`{ ${deep} }`);
    expect(depth.status).toBe(400);
    expect(depth.message).toMatch(/depth/i);
    const aliases = await errorOf(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(aliases.status).toBe(400);
    expect(aliases.message).toMatch(/alias/i);
    const tokens = await errorOf(`{ ${Array.from({ length: 2100 }, () => '__typename').join(' ')} }`);
    expect(tokens.status).toBe(400);
    expect(tokens.message).toMatch(/token/i);
  });

  it('batching is off and CSRF prevention is on', async () => {
    const batch = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.status).toBeLessThan(500);
    const simpleGet = await gw.request('/graphql?query=%7B__typename%7D', { headers: { accept: 'application/json' } });
    expect(simpleGet.status).toBe(403);
    const withHeader = await gw.request('/graphql?query=%7B__typename%7D', { headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' } });
    expect(withHeader.status).toBe(200);
    const form = await gw.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B__typename%7D',
    });
    expect(form.status).toBe(403);
  });

  it('shim bodies over 1 MB get 413', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const big = JSON.stringify({ username: 'x'.repeat(1_100_000), email: 'a@b.org', password: 'p' });
    const res = await gw.request('/api/v6/admin/users', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: admin.token, 'content-length': String(big.length) },
      body: big,
    });
    expect(res.status).toBe(413);
  });
});

describe('the Node listener', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => gw.app.listener(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const send = (body: string | null, headers: Record<string, string>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      if (body !== null) req.write(body);
      req.end();
    });

  it('answers GraphQL, refuses bodies over 1 MB (413) and of unknown length (411)', async () => {
    const small = JSON.stringify({ query: '{ __typename }' });
    const ok = await send(small, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(small)) });
    expect(ok).toEqual({ status: 200, text: '{"data":{"__typename":"Query"}}' });
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1_100_000) } });
    expect((await send(big, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) })).status).toBe(413);
    expect((await send(small, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })).status).toBe(411);
  });
});

describe('production defaults', () => {
  it('turns introspection and GraphiQL off', async () => {
    const intro = await prod.request('/graphql', { method: 'POST', json: { query: '{ __schema { types { name } } }' } });
    expect(intro.status).toBe(400);
    const page = await prod.request('/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('renderYogaGraphiQL');
  });

  it('masks unexpected errors', async () => {
    const admin = await prod.user({ roles: ['admin'] });
    // A statement the database refuses (a closed pool would do too): break the users table's reads.
    await prod.database.rows(sql`alter table users rename column bio to bio_gone`);
    try {
      const res = await prod.gql('{ users(first: 1) { edges { node { bio } } } }', {}, admin.token);
      expect(res.body.errors[0].message).toBe('Unexpected error');
      expect(res.body.errors[0].extensions.code).toBe('INTERNAL');
      expect(res.body.errors[0].extensions.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(res.body)).not.toContain('bio_gone');
    } finally {
      await prod.database.rows(sql`alter table users rename column bio_gone to bio`);
    }
  });
});
