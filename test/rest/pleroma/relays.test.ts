import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mutate, restClient } from '../../helpers/clients.js';
import { until } from '../../helpers/wait.js';
import { useRelayGateway } from '../../modules/relays/setup.js';

const { gw, relay, newRelay } = useRelayGateway();
const call = restClient(gw, '/api/pleroma/admin');
const counts = async () =>
  (
    await gw.database.rows<{ subs: number; deliveries: number; audit: number }>(
      sql`select (select count(*)::int from relay_subscriptions) as subs, (select count(*)::int from relay_deliveries) as deliveries, (select count(*)::int from audit_log) as audit`,
    )
  )[0];

describe('Pleroma /relay, as admin-fe (47dd8691) uses it', () => {
  it('follows with POST {relay_url}, lists hosts with GET, unfollows with DELETE {relay_url: "https://<host>/actor"}', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = relay();
    expect(await call('POST', '/relay', admin.token, { relay_url: r.actorUrl })).toEqual({ status: 200, body: r.actorUrl });
    await until(() => r.received.find((x) => x.activity?.type === 'Follow' && x.verified), 'the signed Follow');
    const host = new URL(r.base).host;
    expect(await call('GET', '/relay', admin.token)).toEqual({ status: 200, body: { relays: [host] } });
    await until(async () => (await gw.database.rows(sql`select 1 from relay_subscriptions where state = 'ACCEPTED'`)).length === 1, 'the Accept');
    // admin-fe builds the URL from the host it listed: https, path /actor.
    const adminFeUrl = `https://${host}/actor`;
    expect(await call('DELETE', '/relay', admin.token, { relay_url: adminFeUrl })).toEqual({ status: 200, body: adminFeUrl });
    const undo = await until(() => r.received.find((x) => x.activity?.type === 'Undo'), 'the Undo');
    expect(undo.verified).toBe(true);
    expect(await call('GET', '/relay', admin.token)).toEqual({ status: 200, body: { relays: [] } });
    // Not followed (any more): 404 with the URL, as Pleroma answers its relay errors with it.
    expect(await call('DELETE', '/relay', admin.token, { relay_url: adminFeUrl })).toEqual({ status: 404, body: adminFeUrl });
  });

  it('takes relay_url from the query too', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = await newRelay();
    expect(await call('POST', `/relay?relay_url=${encodeURIComponent(r.actorUrl)}`, admin.token)).toEqual({ status: 200, body: r.actorUrl });
    expect((await call('GET', '/relay', admin.token)).body.relays).toContain(new URL(r.base).host);
    await until(
      async () => (await gw.database.rows(sql`select 1 from relay_subscriptions where actor_url = ${r.actorUrl} and state = 'ACCEPTED'`)).length === 1,
      'the Accept',
    );
  });

  it('answers 502 with the URL for a relay that is not an actor, and 400 {"error"} for a malformed URL or body, writing nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = relay();
    r.documents.set('/page', { status: 200, contentType: 'text/html', body: '<html></html>' });
    const before = await counts();
    expect(await call('POST', '/relay', admin.token, { relay_url: `${r.base}/page` })).toEqual({ status: 502, body: `${r.base}/page` });
    for (const body of [{}, { relay_url: 5 }, { relay_url: 'not a url' }, { relay_url: 'gopher://relay.example/actor' }, { relay_url: r.actorUrl, extra: 1 }]) {
      for (const method of ['POST', 'DELETE']) {
        const res = await call(method, '/relay', admin.token, body);
        expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(400);
        expect(typeof res.body.error).toBe('string');
      }
    }
    const notJson = await gw.request('/api/pleroma/admin/relay', {
      method: 'POST',
      token: admin.token,
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses callers who are not admins with 403, fetching and writing nothing', async () => {
    const plain = await gw.user();
    const moderator = await gw.user({ roles: ['moderator'] });
    const r = await newRelay();
    const before = await counts();
    for (const token of [plain.token, moderator.token, null]) {
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', { relay_url: r.actorUrl }],
        ['DELETE', { relay_url: relay().actorUrl }],
      ] as const) {
        const res = await call(method, '/relay', token, body);
        expect(res.status, `${method} /relay`).toBe(403);
        expect(typeof res.body.error).toBe('string');
      }
    }
    expect(r.actorRequests).toHaveLength(0);
    expect(await counts()).toEqual(before);
  });

  it('a relay that never answers costs the request its timeout and holds nothing meanwhile', { timeout: 60_000 }, async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = await newRelay();
    r.hang.add('/actor');
    const before = await counts();
    const started = Date.now();
    const following = call('POST', '/relay', admin.token, { relay_url: r.actorUrl });
    // While the fetch hangs, writes go through: no transaction or connection is held for it.
    await until(() => r.hanging > 0, 'the fetch to reach the relay');
    expect(r.abandoned).toBe(0);
    const a = await gw.user();
    const b = await gw.user();
    const writeStarted = Date.now();
    expect(await mutate(gw, 'followUser', { followerId: a.gid, followedId: b.gid }, admin.token, 'result { changed }')).toMatchObject({
      result: { changed: true },
    });
    expect(Date.now() - writeStarted).toBeLessThan(8_000);
    expect(await following).toEqual({ status: 502, body: r.actorUrl });
    expect(Date.now() - started).toBeLessThan(30_000);
    await until(() => r.abandoned > 0, 'the gateway to close the hanging socket');
    const after = await counts();
    expect({ subs: after.subs, deliveries: after.deliveries }).toEqual({ subs: before.subs, deliveries: before.deliveries });
  });

  it('a relay inbox that never answers: the delivery times out, holds no transaction, and waits for its retry', { timeout: 60_000 }, async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = await newRelay();
    r.hang.add('/inbox');
    expect((await call('POST', '/relay', admin.token, { relay_url: r.actorUrl })).status).toBe(200);
    const inbox = `${r.base}/inbox`;
    await until(
      async () => (await gw.database.rows(sql`select 1 from relay_deliveries where inbox_url = ${inbox} and leased_until > now()`)).length === 1,
      'the claim',
    );
    // PGlite has one connection: had the worker kept a transaction open, this write would wait for it.
    const a = await gw.user();
    const b = await gw.user();
    const writeStarted = Date.now();
    await mutate(gw, 'followUser', { followerId: a.gid, followedId: b.gid }, admin.token);
    expect(Date.now() - writeStarted).toBeLessThan(8_000);
    const failed = await until(
      async () =>
        (
          await gw.database.rows<{ status: string; attempts: number; last_error: string | null; leased: boolean }>(
            sql`select status::text, attempts, last_error, leased_until is not null as leased from relay_deliveries where inbox_url = ${inbox} and last_error is not null`,
          )
        )[0],
      'the timed-out attempt to be recorded',
      { seconds: 40 },
    );
    expect(failed).toMatchObject({ status: 'PENDING', last_error: expect.stringMatching(/within 10000 ms/) });
    r.hang.delete('/inbox');
    await until(
      async () => (await gw.database.rows(sql`select 1 from relay_subscriptions where actor_url = ${r.actorUrl} and state = 'ACCEPTED'`)).length === 1,
      'the Follow on retry and its Accept',
      { seconds: 40 },
    );
  });
});
