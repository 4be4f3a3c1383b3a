import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { asShimError } from '../shim.js';

/** CookieCMS wraps everything in `{"error": bool, "msg": string, "url": string|null, "data": ...}`. */
export const envelope = (msg: string, data: unknown, error = false, url: string | null = null) => ({ error, msg, url, data });

/** A route's path with and without its trailing slash: the panels call `/api/admin/users/`. */
export const withSlash = (path: string): string[] => [path, `${path}/`];

const STATUSES: Record<string, ContentfulStatusCode> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/**
 * A failure in the envelope with its status. `home` is GET /api/home: the home page signs out only
 * on `{error: true, msg: "Token has expired", code: 401}`, so a revoked or expired token says that.
 * `notFound` is what a 404 says (default "User not found"; the skin and cape routes name theirs).
 */
export function cookieError(c: Context, thrown: unknown, opts: { home?: boolean; notFound?: string } = {}) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  const status = STATUSES[error.code] ?? 500;
  if (opts.home && status === 401) return c.json({ ...envelope('Token has expired', null, true), code: 401 }, 401);
  const msg = status === 500 ? 'Internal server error' : error.code === 'NOT_FOUND' ? (opts.notFound ?? 'User not found') : error.message;
  return c.json(envelope(msg, error.fields.length ? { fields: error.fields } : null, true), status);
}
