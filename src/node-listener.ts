import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { clientAddress, type compileTrust } from './core/client-address.js';
import type { GraphQLContext } from './graphql/context.js';
import type { ServerContext } from './graphql/yoga.js';
import { lazyChild } from './log.js';
import type { Tracing } from './observability/tracing.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const TOO_LARGE = { errors: [{ message: 'Request body is larger than 1 MB', extensions: { code: 'BAD_INPUT' } }] };
const LENGTH_REQUIRED = { errors: [{ message: 'POST bodies need a Content-Length', extensions: { code: 'BAD_INPUT' } }] };

export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Begins a request: its id (the caller's X-Request-Id when sane), its logger, and the line logged at its end. */
export type BeginRequest = (
  given: string | string[] | undefined,
  method: string,
  path: string,
) => { requestId: string; requestLog: Logger; done: (status: number) => void };

export function requestLifecycle(log: Logger): BeginRequest {
  return (given, method, path) => {
    const requestId = typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    const requestLog = lazyChild(log, { requestId });
    const started = performance.now();
    // Health probes arrive every few seconds: logged only at debug, unless they fail.
    const probe = path === '/healthz' || path === '/readyz';
    const done = (status: number) => {
      const line = { method, path, status, ms: Math.round(performance.now() - started) };
      if (probe && status < 400) requestLog.debug(line, 'request');
      else requestLog.info(line, 'request');
    };
    return { requestId, requestLog, done };
  };
}

/**
 * Node's http listener: GET and POST /graphql go to yoga's native Node path (no web Request objects
 * for the body), everything else to Hono. A POST body's length is checked before it is read, and
 * the body is read whole.
 */
export function nodeListener(deps: {
  hono: Listener;
  yoga: YogaServerInstance<ServerContext, GraphQLContext>;
  beginRequest: BeginRequest;
  trust: ReturnType<typeof compileTrust> | null;
  tracing: Tracing | null;
  buildContext: (request: Request, requestId: string, requestLog: Logger, ip: string | null) => Promise<GraphQLContext>;
}): Listener {
  const { hono, yoga, beginRequest, trust, tracing, buildContext } = deps;
  return (req, res) => {
    if (!req.url || !/^\/graphql(\?|$)/.test(req.url) || (req.method !== 'POST' && req.method !== 'GET')) {
      hono(req, res);
      return;
    }
    const { requestId, requestLog, done } = beginRequest(req.headers['x-request-id'], req.method, '/graphql');
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => done(res.statusCode));
    if (req.method === 'POST') {
      const length = Number(req.headers['content-length'] ?? NaN);
      // The limit is checked before reading; a body of unknown length is refused rather than buffered.
      if (!Number.isFinite(length) || length > BODY_LIMIT_BYTES) {
        const [status, body] = Number.isFinite(length) ? [413, TOO_LARGE] : [411, LENGTH_REQUIRED];
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        req.resume();
        return;
      }
    }
    const forwarded = req.headers['x-forwarded-for'];
    const ip = clientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trust);
    const serverContext = { buildContext: (request: Request) => buildContext(request, requestId, requestLog, ip) };
    const run = () => void (yoga.requestListener as (...args: unknown[]) => unknown)(req, res, serverContext);
    if (req.method !== 'POST') {
      run();
      return;
    }
    // The body (its length known and capped above) is read whole first: yoga then parses the bytes
    // as they are instead of wrapping the socket in a web stream (and an async iterator over it).
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const end = () => {
      (req as IncomingMessage & { body?: Buffer }).body = Buffer.concat(chunks);
      run();
    };
    // With traces on, bound to this request's async context: 'end' fires in the socket's, which would
    // lose the trace the request was started under. Nothing else keeps AsyncLocalStorage state, and a
    // bind costs about 3% of a small request's CPU.
    req.once('end', tracing ? AsyncResource.bind(end) : end);
  };
}
