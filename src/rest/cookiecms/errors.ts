import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { asShimError } from '../shim.js';

/** CookieCMS wraps everything in `{"error": bool, "msg": string, "url": string|null, "data": ...}`. */
export const envelope = (msg: string, data: unknown, error = false) => ({ error, msg, url: null, data });

export function cookieError(c: Context, thrown: unknown) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  const statuses: Record<string, ContentfulStatusCode> = {
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    BAD_INPUT: 400,
    CONFLICT: 409,
    RATE_LIMITED: 429,
    UNAVAILABLE: 503,
  };
  const status = statuses[error.code] ?? 500;
  const msg = status === 500 ? 'Internal server error' : error.code === 'NOT_FOUND' ? 'User not found' : error.message;
  return c.json(envelope(msg, error.fields.length ? { fields: error.fields } : null, true), status);
}
