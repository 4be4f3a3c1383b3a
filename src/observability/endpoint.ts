import { createServer, type Server } from 'node:http';
import type { Context } from 'hono';
import type { AuthService } from '../access/caller.js';
import type { Database } from '../db/client.js';
import type { Metrics } from './metrics.js';

export const METRICS_SCOPE = 'admin:metrics:read';

/**
 * GET /metrics on the main port: a Bearer token whose caller holds `admin:metrics:read` (401
 * without a valid token, 403 without the scope). The caller is read on the reserved pool, like health.
 */
export function metricsRoute(metrics: Metrics, auth: AuthService, database: Database) {
  return async (c: Context) => {
    const { viewer, authError } = await auth.callerOf(c.req.header('authorization'), database.reserved);
    if (!viewer) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      return c.json({ error: authError?.message ?? `a Bearer token with ${METRICS_SCOPE} is required` }, 401);
    }
    if (!viewer.scopes.has(METRICS_SCOPE)) return c.json({ error: `${METRICS_SCOPE} is required` }, 403);
    const { contentType, body } = await metrics.scrape();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  };
}

/**
 * METRICS_PORT: GET /metrics without a token, bound to 127.0.0.1 only (a Prometheus or agent on
 * the same host). Port 0 picks a free port (tests read it from the server's address).
 */
export function listenMetrics(metrics: Metrics, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"metrics not collected"}'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
