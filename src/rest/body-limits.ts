import type { MiddlewareHandler } from 'hono';

/**
 * Every route takes bodies up to 1 MB (app.ts), except the upload routes of systems that promise more:
 * each of those applies its own `bodyLimit` with its system's envelope (pronouns.cc 4 MB, 413
 * `{code: 4001}`; CookieCMS multipart 3 MB, 400 "File too large"), and is listed here so the
 * 1 MB limit in front of it steps aside. Paths are matched whole (a RegExp over the request path).
 */
export const OWN_BODY_LIMITS: readonly RegExp[] = [
  // pronouns.cc (rest/pronouns/routes.ts): 4 MB, 413 {code: 4001}.
  /^\/(api\/v1\/)?users(\/.*)?$/,
  // CookieCMS cape uploads (rest/cookiecms/capes.routes.ts: 3 MB, 400 "File too large").
  /^\/api\/admin\/user\/cape\/upload\/?$/,
  /^\/api\/admin\/cape\/?$/,
  // pronouns.cc (rest/pronouns/routes.ts): 4 MB, 413 {code: 4001}.
  /^\/(api\/v1\/)?users(\/.*)?$/,
];

export const hasOwnBodyLimit = (path: string): boolean => OWN_BODY_LIMITS.some((route) => route.test(path));

/** `limit` for every path but those with a body limit of their own. */
export const unlessOwnBodyLimit =
  (limit: MiddlewareHandler): MiddlewareHandler =>
  (c, next) =>
    hasOwnBodyLimit(c.req.path) ? next() : limit(c, next);
