import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Logger } from 'pino';
import { AuthService } from './access/caller.js';
import { SecretBox } from './core/secret-box.js';
import { configurePasswordHashing } from './access/passwords.js';
import { Tokens } from './access/tokens.js';
import type { Config } from './config.js';
import { clientAddress, compileTrust } from './core/client-address.js';
import { allowedOrigin, CORS } from './core/cors.js';
import type { Database } from './db/client.js';
import type { GraphQLContext } from './graphql/context.js';
import { createGraphQLHandler } from './graphql/yoga.js';
import { createLogger } from './log.js';
import { BODY_LIMIT_BYTES, nodeListener, requestLifecycle, TOO_LARGE } from './node-listener.js';
import { AuditEvents } from './modules/audit/events.js';
import { MailWorker } from './modules/mail/worker.js';
import { relayEnvOf } from './modules/relays/env.js';
import { RelayWorker } from './modules/relays/worker.js';
import { webhookEnvOf } from './modules/webhooks/env.js';
import { WebhookWorker } from './modules/webhooks/worker.js';
import { activityPubRoutes } from './rest/activitypub/routes.js';
import { registerPageRoutes } from './rest/litecord/register-page.js';
import { litecordAuthRoutes } from './rest/litecord/auth.routes.js';
import { litecordRoutes } from './rest/litecord/routes.js';
import { skinImageRoutes } from './rest/cookiecms/render.js';
import { cookieRoutes } from './rest/cookiecms/routes.js';
import { liquidClientRoutes } from './rest/liquid/clients.js';
import { liquidMeRoutes } from './rest/liquid/me.routes.js';
import { liquidRoutes } from './rest/liquid/routes.js';
import { liquidSystemRoutes } from './rest/liquid/system.routes.js';
import { mediaRoutes } from './rest/media/routes.js';
import { liquidRoleRoutes } from './rest/liquid/roles.routes.js';
import { liquidScopeRoutes } from './rest/liquid/scopes.routes.js';
import { pleromaResetPageRoutes } from './rest/pleroma/reset-page.js';
import { pleromaRoutes } from './rest/pleroma/routes.js';
import { oauthRoutes } from './rest/oauth/routes.js';
import { mastodonRoutes } from './rest/mastodon/routes.js';
import { unlessOwnBodyLimit } from './rest/body-limits.js';
import { listenMetrics, metricsRoute } from './observability/endpoint.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { Tracing } from './observability/tracing.js';
import { openApiHandler } from './rest/openapi.js';
import { litecordOpenApi } from './rest/litecord/openapi.js';
import { pleromaOpenApi } from './rest/pleroma/openapi.js';
import { liquidClientsOpenApi, liquidRolesOpenApi, liquidUsersOpenApi } from './rest/liquid/openapi.js';
import { cookieOpenApi } from './rest/cookiecms/openapi.js';
import { pronounsOpenApi } from './rest/pronouns/openapi.js';
import { pronounsFlagRoutes, pronounsRoutes } from './rest/pronouns/routes.js';

const READY_TIMEOUT_MS = 1000;

export interface App {
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  /** Node's http listener: /graphql goes to yoga's native Node path (no web Request objects), the rest to fetch. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  auth: AuthService;
  tokens: Tokens;
  log: Logger;
  /** Delivers the mail outbox (started with the app). */
  mail: MailWorker;
  /** Seals mail bodies in the outbox (from SECRETS_KEY); the worker opens them. */
  mailBox: SecretBox;
  /** Committed audit events for subscriptions; `stop()` ends open streams (before draining). */
  events: AuditEvents;
  /** Delivers the relay outbox (signed Follow and Undo activities; started with the app). */
  relays: RelayWorker;
  /** Delivers the webhook outbox (signed audit events; started with the app). */
  webhooks: WebhookWorker;
  /** The Prometheus registry behind /metrics. */
  metrics: Metrics;
  /** The METRICS_PORT listener on 127.0.0.1 (null without METRICS_PORT). */
  metricsServer: Server | null;
  /** OpenTelemetry traces (null unless configured; the SDK is then never loaded). */
  tracing: Tracing | null;
  /** Stops the mail and relay workers and the auth notifications (the caller closes the database). */
  close(): Promise<void>;
}

type Env = { Variables: { requestId: string; log: Logger }; Bindings: { incoming?: { socket?: { remoteAddress?: string } } } };

/** The whole HTTP surface as a fetch handler: tests call it directly, main.ts serves it. */
export async function createApp(
  config: Config & { jwt: { secret: string }; secretsKey: string },
  database: Database,
  opts: { log?: Logger } = {},
): Promise<App> {
  const log = opts.log ?? createLogger(config.logLevel);
  const trust = config.trustedProxies.length ? compileTrust(config.trustedProxies) : null;
  configurePasswordHashing(config.passwordHashing);
  const tokens = new Tokens(config.jwt);
  const auth = new AuthService(database, tokens);
  const mailBox = new SecretBox(config.secretsKey, 'outbox mail');
  const mail = new MailWorker(database, config.mail, log, mailBox);
  await mail.start();
  const events = new AuditEvents(database, log);
  await events.start();
  const relayEnv = relayEnvOf(config);
  const relays = new RelayWorker(database, relayEnv, log);
  await relays.start();
  const webhooks = new WebhookWorker(database, webhookEnvOf(config), log);
  await webhooks.start();
  const metrics = createMetrics({ database, events, poolMax: config.dbPoolMax, log });
  const tracing = config.tracing ? await (await import('./observability/tracing.js')).startTracing(config.tracing) : null;

  /**
   * Builds a request's GraphQL context. `/graphql` reads the caller later, once the operation (and so
   * its pool) is known (graphql/yoga.ts); shims read it at once, on the general pool.
   */
  async function buildContext(
    request: Request,
    requestId: string,
    requestLog: Logger,
    ip: string | null,
    caller: 'now' | 'per-operation',
  ): Promise<GraphQLContext> {
    const authorization = request.headers.get('authorization');
    const { viewer, authError } = caller === 'now' ? await auth.callerOf(authorization, database.db) : { viewer: null, authError: null };
    return {
      config,
      database,
      tokens,
      auth,
      mailBox,
      viewer,
      authError,
      authorization,
      requestId,
      ip,
      userAgent: request.headers.get('user-agent'),
      log: requestLog,
      events,
    };
  }

  const beginRequest = requestLifecycle(log);

  const yoga = await createGraphQLHandler(config, log, [metrics.graphqlPlugin, ...(tracing ? [tracing.graphqlPlugin] : [])]);
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const request = beginRequest(c.req.header('x-request-id'), c.req.method, c.req.path);
    c.set('requestId', request.requestId);
    c.set('log', request.requestLog);
    await next();
    c.header('x-request-id', request.requestId);
    request.done(c.res.status);
  });

  app.use('*', metrics.httpMiddleware);

  // /graphql answers CORS itself (yoga, also on the Node listener's path); the rest by the same policy.
  const restCors = cors({
    origin: (origin) => allowedOrigin(config, origin),
    allowMethods: CORS.restMethods,
    allowHeaders: CORS.allowHeaders,
    exposeHeaders: CORS.exposeHeaders,
    maxAge: CORS.maxAgeSeconds,
    credentials: false,
  });
  app.use('*', (c, next) => (c.req.path === '/graphql' ? next() : restCors(c, next)));

  // 1 MB everywhere but the upload routes that apply their system's own limit (rest/body-limits.ts).
  const limit = unlessOwnBodyLimit(bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: (c) => c.json(TOO_LARGE, 413) }));

  app.get('/metrics', metricsRoute(metrics, auth, database));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Ready means the database answers on the reserved pool within a second.
  app.get('/readyz', async (c) => {
    if (await database.ping(READY_TIMEOUT_MS)) return c.json({ status: 'ready' });
    c.get('log').warn('database not ready');
    return c.json({ status: 'unavailable' }, 503);
  });

  const contextFor = (c: { req: { raw: Request }; env: Env['Bindings'] | undefined; get: (k: 'requestId' | 'log') => never }) => {
    const ip = clientAddress(c.env?.incoming?.socket?.remoteAddress, c.req.raw.headers.get('x-forwarded-for'), trust);
    return (request: Request, caller: 'now' | 'per-operation') => buildContext(request, c.get('requestId'), c.get('log'), ip, caller);
  };

  // Hono's handler context is generic in its route; contextFor reads only the request, its id, logger and socket.
  app.use('/graphql', limit);
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', (c) =>
    yoga.fetch(c.req.raw, { buildContext: (request: Request) => contextFor(c as never)(request, 'per-operation') }),
  );

  app.use('/api/*', limit);
  const shimDeps = { contextFor: (c: { req: { raw: Request } }) => contextFor(c as never)(c.req.raw, 'now') };
  // Each shim's OpenAPI 3.1 document at <mount>/openapi.json, for any caller (rest/openapi.ts).
  for (const doc of [
    litecordOpenApi(),
    pleromaOpenApi(),
    liquidUsersOpenApi(),
    liquidClientsOpenApi(),
    liquidRolesOpenApi(),
    cookieOpenApi(),
    pronounsOpenApi(),
    pronounsOpenApi('/users'),
  ])
    app.get(`${doc.mount}/openapi.json`, openApiHandler(doc));
  // pronouns.cc: its user API (4 MB bodies of its own) at /api/v1/users and /users, its flag images at /flags.
  for (const mount of ['/api/v1/users', '/users']) app.route(mount, pronounsRoutes(shimDeps, database));
  app.route('/flags', pronounsFlagRoutes(database));
  app.route('/api/v6/admin', litecordRoutes(shimDeps));
  app.route('/api/v6/auth', litecordAuthRoutes(shimDeps));
  registerPageRoutes(app);
  app.route('/api/pleroma/admin', pleromaRoutes(shimDeps));
  pleromaResetPageRoutes(app);
  app.use('/user/*', limit);
  app.route('/user/admin-api', liquidRoutes(shimDeps));
  app.route('/user', liquidMeRoutes(shimDeps));
  app.use('/system/*', limit);
  app.route('/system', liquidSystemRoutes(shimDeps));
  app.use('/user/scopes', limit);
  app.route('/user', liquidScopeRoutes(shimDeps));
  app.use('/roles/*', limit);
  app.route('/roles', liquidRoleRoutes(shimDeps));
  app.use('/client/admin-api/*', limit);
  app.route('/client/admin-api', liquidClientRoutes(shimDeps));
  // CookieCMS: /api/auth/login, /api/home and /api/admin/* (NEXT_PUBLIC_API_URL = <gateway>/api).
  app.route('/api/skin', skinImageRoutes(database, config.media));
  app.route('/api', cookieRoutes(shimDeps));
  // The relay actor (ActivityPub, server to server): its document, collections and inbox (1 MB body limit of its own).
  app.route(
    '/relay',
    activityPubRoutes({
      database,
      env: relayEnv,
      addressOf: (c) => clientAddress((c.env as Env['Bindings'] | undefined)?.incoming?.socket?.remoteAddress, c.req.raw.headers.get('x-forwarded-for'), trust),
    }),
  );
  app.use('/oauth/*', limit);
  app.route('/', oauthRoutes(shimDeps, config));
  app.route('/api/v1', mastodonRoutes(shimDeps, config.mail.publicUrl));
  app.route('/media', mediaRoutes(database));

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((error, c) => {
    c.get('log')?.error({ err: error }, 'unhandled error');
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500);
  });

  const serve = nodeListener({
    hono: getRequestListener(app.fetch),
    yoga,
    beginRequest,
    trust,
    tracing,
    buildContext: (request, requestId, requestLog, ip) => buildContext(request, requestId, requestLog, ip, 'per-operation'),
  });
  const listener = tracing ? tracing.wrap(serve, metrics.routeOf) : serve;
  const metricsServer = config.metricsPort === null ? null : await listenMetrics(metrics, config.metricsPort);

  return {
    // Hono types env by the app's Bindings; callers (tests) pass the Node server's { incoming } shape.
    fetch: (request, env) => app.fetch(request, env as never),
    listener,
    auth,
    tokens,
    log,
    mail,
    mailBox,
    events,
    relays,
    webhooks,
    metrics,
    metricsServer,
    tracing,
    close: async () => {
      await mail.stop();
      await relays.stop();
      await webhooks.stop();
      await events.stop();
      await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(null)));
      await tracing?.shutdown();
    },
  };
}
