import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { allNodes, asShimError, mutationDocument, readJson, run, type ShimDeps } from '../shim.js';
import { pleromaError } from './errors.js';

const LIST = `query PleromaRelays($after: String) { relaySubscriptions(first: 100, after: $after) { edges { node { host } } pageInfo { hasNextPage endCursor } } }`;
const FOLLOW = mutationDocument('followRelay', 'subscription { actorUrl }');
const UNFOLLOW = mutationDocument('unfollowRelay', 'subscription { actorUrl }');

export const relayBody = z.strictObject({ relay_url: z.string().max(4096) });

/** The relay URL: Pleroma takes `relay_url` from the query or the JSON body (admin-fe sends the body). */
async function relayUrlOf(c: Context): Promise<string> {
  const inQuery = c.req.query('relay_url');
  return inQuery !== undefined ? inQuery : (await readJson(c, relayBody)).relay_url;
}

/**
 * Pleroma's relay routes: GET /relay `{relays: [host, ...]}` (as admin-fe 2019-10 reads it), POST and
 * DELETE /relay with `relay_url`, answering the JSON string relay_url. Where Pleroma answers 500 with
 * it, this answers 502 (the relay cannot be reached or is not an actor) or 404 (not followed); a
 * malformed URL is 400.
 */
export function pleromaRelayRoutes(deps: ShimDeps) {
  const app = new Hono();

  app.get('/relay', async (c) => {
    const nodes = await allNodes<{ host: string }>(await deps.contextFor(c), LIST, 'relaySubscriptions');
    return c.json({ relays: [...new Set(nodes.map((n) => n.host))] });
  });

  const change = (mutation: string) => async (c: Context) => {
    const ctx = await deps.contextFor(c);
    const url = await relayUrlOf(c);
    try {
      await run(ctx, mutation, { input: { url } });
    } catch (thrown) {
      const error = asShimError(thrown);
      if (error?.code === 'UPSTREAM') return c.json(url, 502);
      if (error?.code === 'NOT_FOUND') return c.json(url, 404);
      throw thrown;
    }
    return c.json(url);
  };

  app.post('/relay', change(FOLLOW));
  app.delete('/relay', change(UNFOLLOW));
  app.onError((error, c) => pleromaError(c, error));
  return app;
}
