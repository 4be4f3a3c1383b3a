import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { asShimError } from '../shim.js';
import type { Database } from '../../db/client.js';
import { ACTIVITY_JSON, actorDocument, orderedCollection, relayUrls } from '../../modules/relays/activities.js';
import type { RelayEnv } from '../../modules/relays/env.js';
import { receiveRelayActivity } from '../../modules/relays/inbox.js';
import { ensureRelayKeys, relayPublicKey } from '../../modules/relays/keys.js';
import { acceptedRelayActors } from '../../modules/relays/queries.js';

export const INBOX_BODY_LIMIT = 1024 * 1024;

export interface ActivityPubDeps {
  database: Database;
  env: RelayEnv;
  /** The client's address (the socket's), for the inbox's per-address limit. */
  addressOf: (c: Context) => string | null;
}

/** What the app's first middleware sets on every request. */
type Env = { Variables: { requestId: string; log: Logger } };

const STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_INPUT: 400, RATE_LIMITED: 429, UNAVAILABLE: 503 } as const;

/**
 * The relay actor's ActivityPub surface, server to server (no admin token): its actor document, its
 * collections, and its inbox. Documents are served as application/activity+json.
 */
export function activityPubRoutes(deps: ActivityPubDeps) {
  const app = new Hono<Env>();
  const urls = relayUrls(deps.env.publicUrl);
  const activityJson = (c: Context<Env>, body: unknown, status: 200 | 202 = 200) => c.body(JSON.stringify(body), status, { 'content-type': ACTIVITY_JSON });

  app.get('/', async (c) => {
    // The public key as stored (no secret opened); the pair is made on the first request that needs it.
    const publicKeyPem = (await relayPublicKey(deps.database.db)) ?? (await ensureRelayKeys(deps.database.db, deps.env.box)).publicKeyPem;
    return activityJson(c, actorDocument(deps.env.publicUrl, publicKeyPem));
  });

  // An accepted relay subscription runs both ways (the relay delivers to the instance and receives from it):
  // the relay actor's followers and following are the relays that accepted.
  app.get('/followers', async (c) => activityJson(c, orderedCollection(urls.followers, await acceptedRelayActors(deps.database.db))));
  app.get('/following', async (c) => activityJson(c, orderedCollection(urls.following, await acceptedRelayActors(deps.database.db))));
  // The relay actor publishes nothing through an outbox of its own.
  app.get('/outbox', (c) => activityJson(c, orderedCollection(urls.outbox, [])));

  app.post('/inbox', bodyLimit({ maxSize: INBOX_BODY_LIMIT, onError: (c) => c.json({ error: 'Request body is larger than 1 MB' }, 413) }), async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    const headers = Object.fromEntries([...c.req.raw.headers.entries()].map(([k, v]) => [k.toLowerCase(), v]));
    const path = new URL(c.req.url).pathname + new URL(c.req.url).search;
    const ctx = { db: deps.database.db, actor: { actorId: null, requestId: c.get('requestId') } };
    const result = await receiveRelayActivity(ctx, deps.env, { method: c.req.method, path, headers, body }, deps.addressOf(c));
    return c.json({ state: result.state }, 202);
  });

  app.onError((thrown, c) => {
    const error = asShimError(thrown);
    const status = error ? (STATUS as Record<string, 400 | 401 | 403 | 404 | 429 | 503>)[error.code] : undefined;
    if (!error || !status) {
      c.get('log').error({ err: thrown }, 'unhandled error');
      return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500);
    }
    c.get('log').info({ code: error.code, message: error.message }, 'relay inbox refused an activity');
    return c.json({ error: error.message }, status);
  });
  return app;
}
