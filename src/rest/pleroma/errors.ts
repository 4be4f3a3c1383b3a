import type { Context } from 'hono';
import { asShimError } from '../shim.js';

/** The message of a failed scope check (the caller may not use the admin API at all). */
const NOT_ALLOWED = 'Not allowed';

/**
 * Errors as Pleroma words them: a failed admin check is 403 `{"error": …}` ("Invalid credentials."
 * without a valid token, "User is not admin." without the scope, "Insufficient permissions: write."
 * for a token without the OAuth scope), anything not found 404 with the JSON string "Not found",
 * bad input 400 `{"error": …}`.
 */
export function pleromaError(c: Context, thrown: unknown) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return c.json({ error: 'Invalid credentials.' }, 403);
    case 'FORBIDDEN':
      return c.json({ error: error.message === NOT_ALLOWED ? 'User is not admin.' : error.message }, 403);
    case 'NOT_FOUND':
      return c.json('Not found', 404);
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
