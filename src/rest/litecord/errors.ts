import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { asShimError } from '../shim.js';

/** Litecord's error body: `{"error": true, "status": N, "message": "..."}`, sometimes with `code`. */
export function litecordError(c: Context, thrown: unknown) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  const body = (status: ContentfulStatusCode, message: string, extra: Record<string, unknown> = {}) =>
    c.json({ error: true, status, message, ...extra }, status);
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return body(401, error.message === 'Invalid login or password' ? error.message : 'unauthorized');
    case 'FORBIDDEN':
      // Litecord answers a caller without the staff flag with 401, not 403.
      return body(401, 'you are not staff');
    case 'NOT_FOUND':
      // Discord's codes: 10006 unknown invite, 10013 unknown user.
      return /invite/i.test(error.message) ? body(404, 'Unknown invite', { code: 10006 }) : body(404, 'Unknown user', { code: 10013 });
    case 'BAD_INPUT':
    case 'CONFLICT':
      return body(400, error.message, {
        code: 50035,
        errors: Object.fromEntries(error.fields.map((f) => [f.path.filter((p) => p !== 'input').join('.') || '_', f.message])),
      });
    case 'RATE_LIMITED':
      return body(429, error.message);
    case 'UNAVAILABLE':
      return body(503, error.message);
    default:
      return body(500, 'internal error');
  }
}
