import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Plugin } from 'graphql-yoga';
import type { TracingConfig } from '../config.js';
import { setSqlTracer } from '../db/tracing.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface Tracing {
  /** For yoga: one span per GraphQL operation, under the request's HTTP span. */
  graphqlPlugin: Plugin;
  /** Wraps the Node listener: one server span per request, named `<method> <route pattern>`. */
  wrap(listener: Listener, routeOf: WeakMap<object, string>): Listener;
  /** Exports every finished span now (tests; shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK from the configuration (never from the environment: config.ts read
 * it). Loaded only when traces are configured, so a gateway without them carries none of it.
 * Spans: HTTP (server, W3C traceparent honoured), GraphQL (operation; never variables or results)
 * and SQL (operation and table from the db layer; never parameter values or the statement text).
 */
export async function startTracing(config: TracingConfig, opts: { exporter?: SpanExporter } = {}): Promise<Tracing> {
  const [api, sdk, { resourceFromAttributes }, { OTLPTraceExporter }, { useOpenTelemetry }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@envelop/opentelemetry'),
  ]);
  const { trace, context, propagation, SpanKind, SpanStatusCode } = api;
  const ratio = new sdk.TraceIdRatioBasedSampler(config.samplerArg);
  const root = {
    always_on: new sdk.AlwaysOnSampler(),
    always_off: new sdk.AlwaysOffSampler(),
    traceidratio: ratio,
    parentbased_always_on: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    parentbased_always_off: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() }),
    parentbased_traceidratio: new sdk.ParentBasedSampler({ root: ratio }),
  }[config.sampler];
  const exporter = withoutMessages(opts.exporter ?? new OTLPTraceExporter({ url: config.tracesUrl, headers: config.headers }));
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler: root,
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  // Sets the global provider, the AsyncLocalStorage context manager and the W3C propagators.
  provider.register();
  const tracer = provider.getTracer('admin-gateway');

  setSqlTracer({
    start(summary) {
      const span = tracer.startSpan(summary, {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'postgresql', 'db.operation.name': summary.split(' ')[0] },
      });
      return {
        end(error) {
          if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code ?? 'error' });
          span.end();
        },
      };
    },
  });

  const graphqlPlugin = useOpenTelemetry({ resolvers: false, variables: false, result: false }, provider, SpanKind.INTERNAL, {}, 'admin-gateway') as Plugin;

  return {
    graphqlPlugin,
    wrap(listener, routeOf) {
      return (req, res) => {
        const method = req.method ?? 'GET';
        // The raw path is never recorded (a reset link's token is in it): the route pattern names the span.
        const graphql = /^\/graphql(\?|$)/.test(req.url ?? '');
        const parent = propagation.extract(context.active(), req.headers);
        const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
        res.once('finish', () => {
          const route = graphql ? '/graphql' : routeOf.get(req);
          if (route) {
            span.updateName(`${method} ${route}`);
            span.setAttribute('http.route', route);
          }
          span.setAttribute('http.response.status_code', res.statusCode);
          if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        });
        context.with(trace.setSpan(parent, span), () => listener(req, res));
      };
    },
    flush: () => provider.forceFlush(),
    async shutdown() {
      setSqlTracer(null);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Error messages can quote input (graphql-js words a bad variable with its value, and the GraphQL
 * plugin records `JSON.stringify(result.errors)`): spans leave with the exception's type only and
 * a bare status code, so no caller-supplied value reaches the collector.
 */
function withoutMessages(exporter: SpanExporter): SpanExporter {
  const clean = (span: ReadableSpan): ReadableSpan =>
    span.events.length === 0 && !span.status.message
      ? span
      : (Object.create(span, {
          events: {
            value: span.events.map((e) => ({ ...e, attributes: e.attributes?.['exception.type'] ? { 'exception.type': e.attributes['exception.type'] } : {} })),
          },
          status: { value: { code: span.status.code } },
        }) as ReadableSpan);
  return {
    export: (spans, done) => exporter.export(spans.map(clean), done),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
