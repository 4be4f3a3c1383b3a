import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundError, outboundRequest } from '../../../src/core/outbound.js';
import { useGateway } from '../../helpers/app.js';
import { mutate, restClient } from '../../helpers/clients.js';
import { TestRelay } from './relay-server.js';

// OUTBOUND_ALLOW_PRIVATE is not set: the gateway must refuse every loopback relay.
const gw = useGateway({ PUBLIC_URL: 'http://gateway.test' });

let server: Server;
let base = '';
let connections = 0;
let closedByClient = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') {
      req.socket.on('close', () => closedByClient++);
      return;
    }
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 4 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 4 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      res.on('close', () => closedByClient++);
      return pump();
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('outbound requests', () => {
  it('refuse loopback addresses, by IP or by name, without connecting, unless private addresses are allowed', async () => {
    const port = new URL(base).port;
    const before = connections;
    for (const url of [`${base}/ok`, `http://localhost:${port}/ok`, `http://[::1]:${port}/ok`, `http://127.1.2.3:${port}/ok`]) {
      await expect(outboundRequest(new URL(url), { method: 'GET', headers: {} }, { allowPrivate: false }), url).rejects.toBeInstanceOf(OutboundError);
    }
    expect(connections).toBe(before);
    const allowed = await outboundRequest(new URL(`${base}/ok`), { method: 'GET', headers: {} }, { allowPrivate: true });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body.toString())).toEqual({ ok: true });
  });

  it('give up on a server that never answers at the total timeout, and close the socket', async () => {
    const started = Date.now();
    const closed = closedByClient;
    await expect(outboundRequest(new URL(`${base}/hang`), { method: 'GET', headers: {} }, { allowPrivate: true, totalTimeoutMs: 300 })).rejects.toThrow(
      /within 300 ms/,
    );
    // Far below the test's own timeout, however slow the machine; the message above says which timeout fired.
    expect(Date.now() - started).toBeLessThan(25_000);
    await new Promise<void>((resolve) => {
      const check = () => (closedByClient > closed ? resolve() : setTimeout(check, 20));
      check();
    });
  });

  it('stop reading an answer larger than the cap', async () => {
    await expect(outboundRequest(new URL(`${base}/huge`), { method: 'GET', headers: {} }, { allowPrivate: true })).rejects.toThrow(/larger than 1048576 bytes/);
  });

  it('refuse other schemes', async () => {
    await expect(outboundRequest(new URL('file:///etc/passwd'), { method: 'GET', headers: {} }, { allowPrivate: true })).rejects.toBeInstanceOf(OutboundError);
  });
});

describe('a gateway without OUTBOUND_ALLOW_PRIVATE', () => {
  it('refuses to follow a relay on a loopback address: UPSTREAM (Pleroma 502), nothing fetched, nothing written', async () => {
    const relay = new TestRelay({ fetchGatewayActor: async () => ({ contentType: null, body: null }) });
    await relay.start();
    try {
      const admin = await gw.user({ roles: ['admin'] });
      const res = await gw.gql(`mutation($i: FollowRelayInput!) { followRelay(input: $i) { __typename } }`, { i: { url: relay.actorUrl } }, admin.token);
      expect(res.body.errors[0].extensions.code).toBe('UPSTREAM');
      expect(res.body.errors[0].message).toMatch(/could not be reached/);
      const shim = await restClient(gw, '/api/pleroma/admin')('POST', '/relay', admin.token, { relay_url: relay.actorUrl });
      expect(shim).toEqual({ status: 502, body: relay.actorUrl });
      expect(relay.actorRequests).toHaveLength(0);
      const [n] = await gw.database.rows<{ subs: number; deliveries: number }>(
        sql`select (select count(*)::int from relay_subscriptions) as subs, (select count(*)::int from relay_deliveries) as deliveries`,
      );
      expect(n).toEqual({ subs: 0, deliveries: 0 });
      expect((await mutate(gw, 'followRelay', { url: 'mailto:relay@example.org' }, admin.token)).code).toBe('BAD_INPUT');
    } finally {
      await relay.stop();
    }
  });
});
