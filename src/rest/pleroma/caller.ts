import type { Context } from 'hono';
import type { Viewer } from '../../access/caller.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { ShimError, type ShimDeps } from '../shim.js';

/** Until the sign-in core lands tokens are never narrowed, so every signed-in token carries both OAuth scopes. */
const viewerMay = (_viewer: Viewer, _scope: 'read' | 'write'): boolean => true;

/**
 * The caller of a Pleroma admin route, checked as Pleroma's pipeline does before the controller
 * runs: no valid token is 403 "Invalid credentials.", a token without the OAuth scope the route
 * needs (`write` for writes, `read` for reads) is 403 "Insufficient permissions: <scope>.". Whether
 * the caller is an admin is the GraphQL operation's check (its FORBIDDEN is "User is not admin.").
 */
export async function pleromaCaller(deps: ShimDeps, c: Context, need: 'read' | 'write'): Promise<GraphQLContext> {
  const ctx = await deps.contextFor(c);
  if (!ctx.viewer) throw new ShimError('UNAUTHENTICATED', 'Invalid credentials.');
  if (!viewerMay(ctx.viewer, need)) throw new ShimError('FORBIDDEN', `Insufficient permissions: ${need}.`);
  return ctx;
}
