import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { asShimError } from '../shim.js';

/** Liquid's error body: `{"ok": 0, "error": "<code>", "message": "<text>"}` with 400/401/403/404. */
export function liquidError(c: Context, thrown: unknown) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  const body = (status: ContentfulStatusCode, code: string) => c.json({ ok: 0, error: code, message: error.message }, status);
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return body(401, 'unauthorized');
    case 'FORBIDDEN':
      return body(403, 'forbidden');
    case 'NOT_FOUND':
      return body(404, 'not_found');
    case 'BAD_INPUT':
      return body(400, 'bad_request');
    case 'CONFLICT':
      return body(400, 'conflict');
    case 'RATE_LIMITED':
      return body(429, 'rate_limited');
    case 'UNAVAILABLE':
      return body(503, 'unavailable');
    default:
      return body(500, 'internal_error');
  }
}
