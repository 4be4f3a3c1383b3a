import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { mediaRoutes } from '../media/routes.js';
import { mutationDocument, readJson, run, type ShimDeps } from '../shim.js';
import { pronounsBody, pronounsError, type Overrides } from './errors.js';
import { patchInput, presentFlag, presentProfile, PRONOUNS_FLAG_FIELDS, PRONOUNS_PROFILE_FIELDS, type FlagSource, type ProfileSource } from './present.js';

/** pronouns.cc takes bodies up to 4 MB (its 4001 beyond), so an avatar of MEDIA_MAX_BYTES fits as base64. */
export const PRONOUNS_BODY_LIMIT = 4 * 1024 * 1024;

const PROFILE = `fragment PronounsUser on PronounsProfile { ${PRONOUNS_PROFILE_FIELDS} }`;
const GET = `query PronounsUser($ref: String!) { pronounsProfile(ref: $ref) { ...PronounsUser } } ${PROFILE}`;
const ME = `mutation PronounsMe { claimMyPronounsProfile { __typename ... on ClaimMyPronounsProfileSuccess { profile { ...PronounsUser } } ... on Error { message code } } } ${PROFILE}`;
const PATCH = mutationDocument('updateMyPronounsProfile', 'profile { ...PronounsUser }', PROFILE);
const REROLL = `mutation PronounsReroll { rerollMyShortId { __typename ... on RerollMyShortIdSuccess { profile { ...PronounsUser } } ... on Error { message code } } } ${PROFILE}`;
const FLAGS = `query PronounsFlags { myPrideFlags { ${PRONOUNS_FLAG_FIELDS} } }`;
const CREATE_FLAG = mutationDocument('createMyPrideFlag', `flag { ${PRONOUNS_FLAG_FIELDS} }`);
const UPDATE_FLAG = mutationDocument('updateMyPrideFlag', `flag { ${PRONOUNS_FLAG_FIELDS} }`);
const DELETE_FLAG = mutationDocument('deleteMyPrideFlag', 'flag { id }');

/** Bodies are JSON objects; the action checks every field and its limits. */
const object = z.record(z.string(), z.unknown());
export const flagBody = z.object({ flag: z.string(), name: z.string(), description: z.string().nullish() });
export const flagPatch = z.object({ name: z.string().optional(), description: z.string().optional() });

const FLAG_NOT_FOUND: Overrides = { notFound: [404, 'Pride flag not found'] };

/**
 * pronouns.cc's user API at /api/v1/users and /users (README "pronouns.cc"): each route is one
 * GraphQL operation as the caller; the images its readers build URLs for are served from the same
 * prefix (`/users/<id>/<avatar>.webp`) and from `/flags/<hash>.webp` (pronounsFlagRoutes).
 */
export function pronounsRoutes(deps: ShimDeps, database: Database): Hono {
  const app = new Hono();
  const images = mediaRoutes(database);
  app.use('*', bodyLimit({ maxSize: PRONOUNS_BODY_LIMIT, onError: (c) => pronounsBody(c, 413, 4001, 'Request too big (at most 4 MB)') }));

  const handle =
    (work: (c: Context) => Promise<Response>, o: Overrides = {}) =>
    async (c: Context) => {
      try {
        return await work(c);
      } catch (error) {
        return pronounsError(c, error, o);
      }
    };
  const me = (c: Context) => deps.contextFor(c);

  app.get(
    '/@me',
    handle(async (c) => {
      const data = await run<{ claimMyPronounsProfile: { profile: ProfileSource } }>(await me(c), ME);
      return c.json(presentProfile(data.claimMyPronounsProfile.profile));
    }),
  );
  app.patch(
    '/@me',
    handle(
      async (c) => {
        const ctx = await me(c);
        const body = await readJson(c, object);
        const data = await run<{ updateMyPronounsProfile: { profile: ProfileSource } }>(ctx, PATCH, { input: patchInput(body) });
        return c.json(presentProfile(data.updateMyPronounsProfile.profile));
      },
      { conflict: [1007, 'Username is already taken'] },
    ),
  );
  app.get(
    '/@me/reroll',
    handle(
      async (c) => {
        const data = await run<{ rerollMyShortId: { profile: ProfileSource } }>(await me(c), REROLL);
        return c.json(presentProfile(data.rerollMyShortId.profile));
      },
      { rateLimited: [403, 2004, 'Rerolling short IDs too quickly (once an hour)'] },
    ),
  );
  app.get(
    '/@me/flags',
    handle(async (c) => {
      const data = await run<{ myPrideFlags: FlagSource[] }>(await me(c), FLAGS);
      return c.json(data.myPrideFlags.map(presentFlag));
    }),
  );
  app.post(
    '/@me/flags',
    handle(
      async (c) => {
        const ctx = await me(c);
        const body = await readJson(c, flagBody);
        const data = await run<{ createMyPrideFlag: { flag: FlagSource } }>(ctx, CREATE_FLAG, { input: body });
        return c.json(presentFlag(data.createMyPrideFlag.flag));
      },
      { conflict: [2003, 'Maximum number of pride flags reached'] },
    ),
  );
  app.patch(
    '/@me/flags/:id',
    handle(async (c) => {
      const ctx = await me(c);
      const body = await readJson(c, flagPatch);
      const data = await run<{ updateMyPrideFlag: { flag: FlagSource } }>(ctx, UPDATE_FLAG, { input: { id: c.req.param('id'), ...body } });
      return c.json(presentFlag(data.updateMyPrideFlag.flag));
    }, FLAG_NOT_FOUND),
  );
  app.delete(
    '/@me/flags/:id',
    handle(async (c) => {
      await run(await me(c), DELETE_FLAG, { input: { id: c.req.param('id') } });
      return c.body(null, 204);
    }, FLAG_NOT_FOUND),
  );
  // app.ts serves <mount>/openapi.json before this app (rest/openapi.ts); the name stays no user's
  // (profiles/validation.ts RESERVED_NAMES), and this answers pronouns.cc's 404 should that mount move.
  app.get('/openapi.json', (c) => pronounsBody(c, 404, 404, 'Not found'));
  // Avatars, where pronouns.cc's readers look for them: /users/<user id>/<avatar hash>.webp.
  app.get('/:id{[0-9]{1,19}}/:file{[0-9a-f]{64}\\.webp}', (c) => images.request(`/${c.req.param('file')}`, { headers: c.req.raw.headers }));
  app.get(
    '/:ref',
    handle(async (c) => {
      const ref = c.req.param('ref');
      const ctx = await me(c);
      // No token is fine here; a token that is not valid is pronouns.cc's 401, not an anonymous read.
      if (ctx.authError) throw ctx.authError;
      const data = await run<{ pronounsProfile: ProfileSource | null }>(ctx, GET, { ref });
      if (!data.pronounsProfile) return pronounsBody(c, 404, 2001, 'User not found');
      return c.json(presentProfile(data.pronounsProfile));
    }),
  );
  app.notFound((c) => pronounsBody(c, 404, 404, 'Not found'));
  app.onError((error, c) => pronounsError(c, error));
  return app;
}

/** /flags/<hash>.webp: the flag images (the media store, by hash). */
export const pronounsFlagRoutes = (database: Database): Hono => mediaRoutes(database);
