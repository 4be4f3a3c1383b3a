import type { Context } from 'hono';
import { asShimError } from '../shim.js';

/**
 * Pleroma answers `{"error": "..."}`: a failed admin check (no token, not admin, missing scope)
 * is 403, an unknown user 404 `Not found`, bad input 400.
 */
export function pleromaError(c: Context, thrown: unknown) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  switch (error.code) {
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return c.json({ error: error.code === 'UNAUTHENTICATED' ? 'Invalid credentials.' : error.message }, 403);
    case 'NOT_FOUND':
      return c.json({ error: 'Not found' }, 404);
    case 'BAD_INPUT':
    case 'CONFLICT':
      return c.json({ error: error.message }, 400);
    case 'RATE_LIMITED':
      return c.json({ error: error.message }, 429);
    case 'UNAVAILABLE':
      return c.json({ error: error.message }, 503);
    default:
      return c.json({ error: 'Internal server error' }, 500);
  }
}
