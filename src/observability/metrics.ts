import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { createCounter, createHistogram } from '@graphql-yoga/plugin-prometheus';
import { prometheus } from '@hono/prometheus';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { AuditEvents } from '../modules/audit/events.js';
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

/** An error's code as clients see it: `extensions.code`, else the AppError's code, else INTERNAL. */
function codeOf(error: unknown): string {
  const e = error as GraphQLError | undefined;
  const code = e?.extensions?.code ?? (e?.originalError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'INTERNAL';
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One registry per app. Request metrics are counters and histograms updated as requests end; the
 * state of the database (pool, outboxes, sessions) is read only when someone scrapes.
 */
export function createMetrics(deps: { database: Database; events: AuditEvents; poolMax: number; log: Logger }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const operation = boundedNames();
  const labels = (params: { operationName?: string; operationType?: string }) => ({
    operationName: operation(params.operationName),
    operationType: params.operationType ?? 'unknown',
  });

  const graphqlPlugin = usePrometheus({
    registry,
    endpoint: false,
    skipIntrospection: false,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed', labelNames: ['operationName', 'operationType'] },
        fillLabelsFn: labels,
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'Time to execute a GraphQL operation (seconds)',
          labelNames: ['operationName', 'operationType'],
          buckets: SECONDS,
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'GraphQL errors by phase and code',
          labelNames: ['operationName', 'operationType', 'phase', 'code'],
        },
        fillLabelsFn: (params, raw: { errorPhase?: string; error?: unknown }) => ({
          ...labels(params),
          phase: raw?.errorPhase ?? params.errorPhase ?? 'execute',
          code: codeOf(raw?.error ?? params.error),
        }),
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_yoga_http_duration',
          help: 'Time of a /graphql HTTP request (seconds)',
          labelNames: ['operationName', 'operationType', 'method', 'statusCode'],
          buckets: SECONDS,
        },
        fillLabelsFn: (params, raw: { request: Request; response: Response }) => ({
          ...labels(params),
          method: raw.request.method,
          statusCode: raw.response.status,
        }),
      }),
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_execute_resolver: false,
      graphql_envelop_schema_change: false,
    },
  });

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
