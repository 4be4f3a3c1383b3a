import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { mutationDocument, readJson, run, ShimError, type ShimDeps } from '../shim.js';
import { pleromaError } from './errors.js';

const PAIR = `query PleromaFollowPair($follower: String!, $followerDomain: String, $followed: String!, $followedDomain: String) {
  follower: userByUsername(username: $follower, domain: $followerDomain) { id }
  followed: userByUsername(username: $followed, domain: $followedDomain) { id }
}`;
const FOLLOW = mutationDocument('followUser', 'result { changed }');
const UNFOLLOW = mutationDocument('unfollowUser', 'result { changed }');

const nickname = z.string().min(1).max(320);
export const pairSchema = z.strictObject({ follower: nickname, followed: nickname });

/** `name@domain` names a remote account; a bare name a local one. */
function account(value: string): { username: string; domain: string | null } {
  const at = value.indexOf('@');
  return at > 0 ? { username: value.slice(0, at), domain: value.slice(at + 1) } : { username: value, domain: null };
}

/** Pleroma takes params from the query or the JSON body (Phoenix merges them). */
async function pairOf(c: Context): Promise<z.output<typeof pairSchema>> {
  const follower = c.req.query('follower');
  const followed = c.req.query('followed');
  if (follower !== undefined || followed !== undefined) {
    const parsed = pairSchema.safeParse({ follower, followed });
    if (!parsed.success) throw new ShimError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return parsed.data;
  }
  return readJson(c, pairSchema);
}

/**
 * Pleroma's POST /users/follow and /users/unfollow: stored follows, never federated. Always 200 `"ok"`
 * as Pleroma answers, for unknown nicknames too; only a caller who may not do it is refused (403).
 */
export function pleromaFollowRoutes(deps: ShimDeps) {
  const app = new Hono();

  const route = (mutation: string) => async (c: Context) => {
    const ctx = await deps.contextFor(c);
    const pair = await pairOf(c);
    const a = account(pair.follower);
    const b = account(pair.followed);
    const found = await run<{ follower: { id: string } | null; followed: { id: string } | null }>(ctx, PAIR, {
      follower: a.username,
      followerDomain: a.domain,
      followed: b.username,
      followedDomain: b.domain,
    });
    if (found.follower && found.followed) {
      try {
        await run(ctx, mutation, { input: { followerId: found.follower.id, followedId: found.followed.id } });
      } catch (error) {
        // An account removed in between: Pleroma's "ok" all the same.
        if (!(error instanceof ShimError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    return c.json('ok');
  };

  app.post('/users/follow', route(FOLLOW));
  app.post('/users/unfollow', route(UNFOLLOW));
  app.onError((error, c) => pleromaError(c, error));
  return app;
}
