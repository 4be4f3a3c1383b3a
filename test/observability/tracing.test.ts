import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { useGateway } from '../helpers/app.js';
import { until } from '../helpers/wait.js';

/**
 * Traces through the real OTLP/HTTP exporter into a receiver started here on 127.0.0.1, which
 * decodes the JSON it is sent: one trace holds the HTTP, GraphQL and SQL spans of a request, and
 * no SQL parameter value appears anywhere in what was exported.
 */
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}
const received: { resource: unknown; span: Span }[] = [];
const bodies: string[] = [];
let receiver: Server;
let receiverUrl = '';

function collect(req: IncomingMessage, body: string) {
  if (req.url !== '/v1/traces') return;
  bodies.push(body);
  const payload = JSON.parse(body) as { resourceSpans: { resource: unknown; scopeSpans: { spans: Span[] }[] }[] };
  for (const rs of payload.resourceSpans) for (const ss of rs.scopeSpans) for (const span of ss.spans) received.push({ resource: rs.resource, span });
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      collect(req, body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => receiver.close(resolve)));

const gw = useGateway(() => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_SERVICE_NAME: 'gateway-under-test' }));

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => gw.app.listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const MARKER = 'needle_7f3a9c';

describe('traces', () => {
  it('one trace holds the HTTP, GraphQL and SQL spans of a request; no SQL parameter value is exported', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${admin.token}`,
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({
        query: 'query FindUsers($name: String!) { users(first: 5, filter: { username: { contains: $name } }) { totalCount } }',
        variables: { name: MARKER },
      }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).data.users.totalCount).toBe(0);

    const spans = await until(
      async () => {
        await gw.app.tracing!.flush();
        const mine = received.filter((r) => r.span.traceId === traceId).map((r) => r.span);
        return mine.some((s) => s.name === 'POST /graphql') && mine.some((s) => s.name === 'query.FindUsers') && mine.some((s) => s.name === 'select users')
          ? mine
          : null;
      },
      'the spans of the request',
      { seconds: 20 },
    );
    const http = spans.find((s) => s.name === 'POST /graphql')!;
    const graphql = spans.find((s) => s.name === 'query.FindUsers')!;
    // The HTTP span continues the caller's trace; GraphQL runs under it, the SQL of execution under that.
    expect(http.parentSpanId).toBe('00f067aa0ba902b7');
    expect(http.kind).toBe(2); // SERVER
    expect(graphql.parentSpanId).toBe(http.spanId);
    const sqlSpans = spans.filter((s) => s.attributes.some((a) => a.key === 'db.system.name'));
    expect(sqlSpans.length).toBeGreaterThan(0);
    expect(sqlSpans.some((s) => s.parentSpanId === graphql.spanId && s.name === 'select users')).toBe(true);
    expect(sqlSpans.every((s) => [http.spanId, graphql.spanId].includes(s.parentSpanId ?? ''))).toBe(true);
    expect(JSON.stringify(received[0].resource)).toContain('gateway-under-test');
    // Neither the variable (a SQL parameter) nor the caller's token reach the exporter.
    const exported = bodies.join('\n');
    expect(exported).not.toContain(MARKER);
    expect(exported).not.toContain(admin.token);
  });

  it('traces the statements of a write transaction too (begin, the change, its audit row, commit)', async () => {
    const admin = await gw.user({ roles: ['superadmin'] });
    const traceId = '5cf92f3577b34da6a3ce929d0e0e4737';
    const make = (input: Record<string, unknown>, parent: string) =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, traceparent: `00-${traceId}-${parent}-01` },
        body: JSON.stringify({ query: 'mutation Make($input: CreateRoleInput!) { createRole(input: $input) { __typename } }', variables: { input } }),
      });
    // graphql-js quotes a bad variable's value in its error message: the exported error keeps only its type.
    const bad = await make({ name: `role_${MARKER}`, rank: 5 }, '00f067aa0ba902b9');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(MARKER);
    const res = await make({ name: `role_${MARKER}`, rank: 5, description: MARKER, scopes: [] }, '00f067aa0ba902b8');
    expect(res.status).toBe(200);
    expect((await res.json()).data.createRole.__typename).toBe('CreateRoleSuccess');
    const names = await until(
      async () => {
        await gw.app.tracing!.flush();
        const mine = received.filter((r) => r.span.traceId === traceId).map((r) => r.span.name);
        return mine.includes('insert roles') && mine.includes('insert audit_log') ? mine : null;
      },
      'the transaction spans',
      { seconds: 20 },
    );
    expect(names).toContain('mutation.Make');
    expect(bodies.join('\n')).not.toContain(MARKER);
  });

  it('names a shim request by its route pattern, never its raw path', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const res = await fetch(`${base}/api/pleroma/admin/users/${MARKER}`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.status).toBe(404);
    await until(
      async () => {
        await gw.app.tracing!.flush();
        return received.some((r) => r.span.name === 'GET /api/pleroma/admin/users/:nickname');
      },
      'the shim span',
      { seconds: 20 },
    );
    expect(bodies.join('\n')).not.toContain(MARKER);
  });

  it('is off without an endpoint: no tracer is made', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).tracing).toBeNull();
    const on = loadConfig({
      NODE_ENV: 'test',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(on.tracing).toMatchObject({ tracesUrl: 'http://127.0.0.1:4318/v1/traces', sampler: 'traceidratio', samplerArg: 0.25, serviceName: 'admin-gateway' });
    expect(() => loadConfig({ NODE_ENV: 'test', OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/);
  });
});
