import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { asShimError, type ShimError } from '../shim.js';

/** pronouns.cc's error object: `{code, message, details?}`; the code is the HTTP status or one of its own. */
export const pronounsBody = (c: Context, status: ContentfulStatusCode, code: number, message: string, details?: string) =>
  c.json(details ? { code, message, details } : { code, message }, status);

/** Per route, which gateway codes mean one of pronouns.cc's own (2001 user not found, 1006/1007, 2003, 2004). */
export interface Overrides {
  notFound?: [number, string];
  conflict?: [number, string];
  rateLimited?: [ContentfulStatusCode, number, string];
}

const details = (e: ShimError) => e.fields.map((f) => `${f.path.filter((p) => p !== 'input').join('.')}: ${f.message}`).join('; ') || e.message;

export function pronounsError(c: Context, thrown: unknown, o: Overrides = {}) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  switch (error.code) {
    case 'UNAUTHENTICATED':
      // No token: 403; a token that is not valid (expired, revoked, malformed): 401.
      return c.req.header('authorization') ? pronounsBody(c, 401, 403, 'Invalid token') : pronounsBody(c, 403, 403, 'Forbidden');
    case 'FORBIDDEN':
      return pronounsBody(c, 403, 403, 'Forbidden');
    case 'NOT_FOUND':
      return pronounsBody(c, 404, ...(o.notFound ?? [2001, 'User not found']));
    case 'BAD_INPUT':
      if (error.fields.some((f) => f.path.filter((p) => p !== 'input')[0] === 'name')) return pronounsBody(c, 400, 1006, 'Invalid username', details(error));
      return pronounsBody(c, 400, 400, 'Bad request', details(error));
    case 'CONFLICT':
      return pronounsBody(c, 400, ...(o.conflict ?? [400, error.message]));
    case 'RATE_LIMITED': {
      if (o.rateLimited) return pronounsBody(c, o.rateLimited[0], o.rateLimited[1], o.rateLimited[2]);
      const reset = Math.ceil(Date.now() / 60_000) * 60;
      return c.json({ code: 429, message: error.message, ratelimit_reset: reset }, 429);
    }
    case 'UNAVAILABLE':
      return pronounsBody(c, 503, 500, 'Service unavailable');
    default:
      return pronounsBody(c, 500, 500, 'Internal server error');
  }
}
