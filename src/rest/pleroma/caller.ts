import type { Context } from 'hono';
import { viewerMay } from '../../access/caller.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { ShimError, type ShimDeps } from '../shim.js';

/**
 * The caller of a Pleroma admin route, checked as Pleroma's pipeline does before the controller
 * runs: no valid token is 403 "Invalid credentials.", a token without an OAuth scope the route
 * needs is 403 "Insufficient permissions: <scope>." (`read` for reads; `write` and `read` for
 * writes, which look their user up or read back what they changed through GraphQL). Whether the caller is an admin
 * is the GraphQL operation's check (its FORBIDDEN is "User is not admin.").
 */
export async function pleromaCaller(deps: ShimDeps, c: Context, ...need: ('read' | 'write')[]): Promise<GraphQLContext> {
  const ctx = await deps.contextFor(c);
  if (!ctx.viewer) throw new ShimError('UNAUTHENTICATED', 'Invalid credentials.');
  for (const scope of need) if (!viewerMay(ctx.viewer, scope)) throw new ShimError('FORBIDDEN', `Insufficient permissions: ${scope}.`);
  return ctx;
}
