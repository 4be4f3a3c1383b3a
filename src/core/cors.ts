import type { Config } from '../config.js';

/**
 * Cross-origin access, one policy for /graphql (yoga) and every route beside it (Hono): only the
 * origins in CORS_ORIGINS are answered, each with exactly itself, never a reflected one and never
 * with credentials (the gateway reads bearer tokens from a header, not cookies). Without
 * CORS_ORIGINS no cross-origin browser call is allowed.
 */
export const CORS = {
  allowHeaders: ['authorization', 'content-type', 'x-request-id', 'x-graphql-yoga-csrf'],
  exposeHeaders: ['x-request-id'],
  graphqlMethods: ['GET', 'POST', 'OPTIONS'],
  restMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  maxAgeSeconds: 600,
};

/** The request's Origin when it is one of the configured origins, otherwise null. */
export function allowedOrigin(config: Pick<Config, 'corsOrigins'>, origin: string | null | undefined): string | null {
  return origin && config.corsOrigins.includes(origin) ? origin : null;
}
