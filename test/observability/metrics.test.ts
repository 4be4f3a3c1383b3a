import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { onPostgres } from '../helpers/db.js';
import { makeRole } from '../helpers/factories.js';
import { until } from '../helpers/wait.js';

/** GET /metrics: the scope, what it counts, and the token-less listener on 127.0.0.1 (METRICS_PORT). */
const gw = useGateway({ METRICS_PORT: '0' });

async function scraper() {
  const role = await makeRole(gw, { scopes: ['admin:metrics:read'] });
  return gw.user({ roles: [role.name] });
}

async function scrape(token: string): Promise<string> {
  const res = await gw.request('/metrics', { token });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

/** The value of one sample (`name{labels} value`), labels given in any order; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return 0;
}

describe('access', () => {
  it('refuses a request without a token (401) and a caller without admin:metrics:read (403)', async () => {
    const anonymous = await gw.request('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.text()).not.toMatch(/graphql_envelop/);
    const bad = await gw.request('/metrics', { token: 'not-a-token' });
    expect(bad.status).toBe(401);
    const moderator = await gw.user({ roles: ['moderator'] });
    const forbidden = await gw.request('/metrics', { token: moderator.token });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: 'admin:metrics:read is required' });
  });

  it('answers a holder of admin:metrics:read, and the built-in admin role holds it', async () => {
    expect(await scrape((await scraper()).token)).toMatch(/# TYPE graphql_envelop_request counter/);
    const admin = await gw.user({ roles: ['admin'] });
    expect(await scrape(admin.token)).toMatch(/# TYPE gateway_sessions_active gauge/);
  });
});

describe('request metrics', () => {
  it('counts GraphQL operations by name, errors by code, and shim requests by route pattern', async () => {
    const me = await scraper();
    const before = await scrape(me.token);
    const viewer = { operationName: 'Me', operationType: 'query' };
    for (let i = 0; i < 3; i++) expect((await gw.gql('query Me { viewer { id } }', {}, me.token)).status).toBe(200);
    const denied = await gw.gql('query Everyone { users(first: 1) { totalCount } }', {}, me.token);
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    await gw.request('/api/pleroma/admin/users/nobody_here', { token: me.token });
    await gw.request('/api/pleroma/admin/users/someone_else', { token: me.token });
    const after = await scrape(me.token);

    expect(sample(after, 'graphql_envelop_request', viewer) - sample(before, 'graphql_envelop_request', viewer)).toBe(3);
    expect(sample(after, 'graphql_envelop_request_duration_count', viewer) - sample(before, 'graphql_envelop_request_duration_count', viewer)).toBe(3);
    expect(sample(after, 'graphql_yoga_http_duration_count', { ...viewer, statusCode: '200' })).toBeGreaterThanOrEqual(3);
    const forbidden = { operationName: 'Everyone', code: 'FORBIDDEN' };
    expect(sample(after, 'graphql_envelop_error_result', forbidden) - sample(before, 'graphql_envelop_error_result', forbidden)).toBe(1);
    // The route pattern is the label, never the raw path (which carries names and tokens).
    const route = { method: 'GET', route: '/api/pleroma/admin/users/:nickname' };
    expect(sample(after, 'http_requests_total', route) - sample(before, 'http_requests_total', route)).toBeGreaterThanOrEqual(2);
    expect(after).not.toMatch(/nobody_here|someone_else/);
    expect(sample(after, 'http_request_duration_seconds_count', route)).toBeGreaterThanOrEqual(2);
  });

  it('counts documents that do not parse or validate as BAD_INPUT in their phase', async () => {
    const me = await scraper();
    const before = await scrape(me.token);
    expect((await gw.gql('query Broken { viewer { id }', {}, me.token)).status).toBe(400);
    expect((await gw.gql('query Unknown { noSuchField }', {}, me.token)).status).toBe(400);
    const after = await scrape(me.token);
    const delta = (labels: Record<string, string>) =>
      sample(after, 'graphql_envelop_error_result', labels) - sample(before, 'graphql_envelop_error_result', labels);
    expect(delta({ phase: 'parse', code: 'BAD_INPUT' })).toBe(1);
    expect(delta({ operationName: 'Unknown', operationType: 'query', phase: 'validate', code: 'BAD_INPUT' })).toBe(1);
    expect(sample(after, 'graphql_envelop_request', { operationName: 'Unknown' })).toBe(0);
  });

  it('keeps client-chosen operation names bounded (odd names count as other)', async () => {
    const me = await scraper();
    await gw.gql(`query ${'x'.repeat(80)} { viewer { id } }`, {}, me.token);
    const text = await scrape(me.token);
    expect(text).not.toMatch(/x{80}/);
    expect(sample(text, 'graphql_envelop_request', { operationName: 'other' })).toBeGreaterThanOrEqual(1);
  });
});

describe('state gauges (read at scrape time)', () => {
  it('reports active sessions, outbox depth and age, the pool and event subscribers', async () => {
    const me = await scraper();
    const first = await scrape(me.token);
    expect(sample(first, 'gateway_sessions_active')).toBeGreaterThanOrEqual(1);
    await gw.user();
    expect(sample(await scrape(me.token), 'gateway_sessions_active')).toBe(sample(first, 'gateway_sessions_active') + 1);

    const queued = sample(first, 'gateway_outbox_rows', { outbox: 'relay', status: 'pending' });
    await gw.database.db.execute(
      sql`insert into relay_deliveries (inbox_url, activity, created_at, next_attempt_at) values ('https://relay.invalid/inbox', '{}', now() - interval '1 hour', now() + interval '1 day')`,
    );
    const later = await scrape(me.token);
    expect(sample(later, 'gateway_outbox_rows', { outbox: 'relay', status: 'pending' })).toBe(queued + 1);
    expect(sample(later, 'gateway_outbox_oldest_pending_seconds', { outbox: 'relay' })).toBeGreaterThanOrEqual(3500);
    expect(later).toMatch(/gateway_outbox_rows\{outbox="mail",status="pending"\} \d+/);
    expect(sample(later, 'gateway_db_pool_max')).toBeGreaterThanOrEqual(1);
    // On PostgreSQL the pool's connections by state (the scrape's own statement is active).
    if (onPostgres) expect(sample(later, 'gateway_db_connections', { state: 'active' })).toBeGreaterThanOrEqual(1);
    expect(later).toMatch(/^gateway_event_subscribers 0$/m);
  });

  it('counts an open adminEvents subscription (SSE) while it streams', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const controller = new AbortController();
    const res = await gw.app.fetch(
      new Request('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ query: 'subscription { adminEvents { seq } }' }),
        signal: controller.signal,
      }),
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const reading = reader.read().catch(() => null);
    await until(async () => sample(await scrape(admin.token), 'gateway_event_subscribers') === 1, 'the subscriber counted', { seconds: 20 });
    expect(sample(await scrape(admin.token), 'graphql_envelop_request', { operationName: 'anonymous', operationType: 'subscription' })).toBeGreaterThanOrEqual(
      1,
    );
    await reader.cancel();
    controller.abort();
    await reading;
    // A stream that was left ends at its next event: make one.
    await makeRole(gw, { scopes: [] });
    await until(async () => sample(await scrape(admin.token), 'gateway_event_subscribers') === 0, 'the subscriber gone', { seconds: 20 });
  });
});

describe('METRICS_PORT', () => {
  it('answers /metrics without a token on 127.0.0.1 only, and nothing else', async () => {
    const address = gw.app.metricsServer?.address() as AddressInfo;
    expect(address.address).toBe('127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${address.port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/# TYPE http_requests_total counter/);
    expect((await fetch(`http://127.0.0.1:${address.port}/graphql`)).status).toBe(404);
  });
});
