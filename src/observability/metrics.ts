import { prometheus } from '@hono/prometheus';
import type { Plugin } from 'graphql-yoga';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { AuditEvents } from '../modules/audit/events.js';
import { graphqlMetrics } from './graphql-metrics.js';
import { registerStateGauges } from './state-gauges.js';

export interface Metrics {
  registry: Registry;
  /** For yoga: GraphQL requests, latencies and errors (by code) per operation. */
  graphqlPlugin: Plugin;
  /** For Hono (every route but /graphql): requests and latencies per route pattern and status. */
  httpMiddleware: MiddlewareHandler;
  /** The route pattern Hono matched for a Node request (tracing names its HTTP span with it). */
  routeOf: WeakMap<object, string>;
  /** The exposition text and its content type, collected now. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * Operation names come from clients: a bounded set of well-formed ones is kept as label values,
 * the rest count as `other`, so no one can grow the registry without end.
 */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function boundedNames() {
  const seen = new Set<string>();
  return (name: string | undefined): string => {
    if (!name) return 'anonymous';
    if (seen.has(name)) return name;
    if (!OPERATION_NAME.test(name) || seen.size >= MAX_OPERATION_NAMES) return 'other';
    seen.add(name);
    return name;
  };
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One registry per app. Request metrics are counters and histograms updated as requests end; the
 * state of the database (pool, outboxes, sessions) is read only when someone scrapes.
 */
export function createMetrics(deps: { database: Database; events: AuditEvents; poolMax: number; log: Logger }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const graphqlPlugin = graphqlMetrics(registry, boundedNames(), SECONDS);

  const hono = prometheus({ registry });
  const routeOf = new WeakMap<object, string>();
  const httpMiddleware: MiddlewareHandler = async (c, next) => {
    // /graphql is measured by the GraphQL metrics (the Node listener serves it without Hono).
    if (c.req.path === '/graphql') return next();
    await hono.registerMetrics(c, next);
    const incoming = (c.env as { incoming?: object } | undefined)?.incoming;
    if (incoming) routeOf.set(incoming, c.req.routePath);
  };

  registerStateGauges(registry, deps);

  return {
    registry,
    graphqlPlugin,
    httpMiddleware,
    routeOf,
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
