import { Hono } from 'hono';
import { z } from 'zod';
import { encodeListCursor } from '../../db/connection.js';
import { parseBigintId } from '../../db/values.js';
import { encodeId } from '../../graphql/ids.js';
import { allNodes, idText, mutationDocument, run, ShimError, type ShimDeps } from '../shim.js';
import { accountRoutes } from './account.routes.js';
import { LiquidError, liquidError, liquidNotFound, readBody, readParams } from './errors.js';
import {
  LIQUID_USER_FIELDS,
  LIST_LIMITS,
  ok,
  presentInviteCode,
  presentUser,
  phoneOf,
  toRoleName,
  type LiquidInviteSource,
  type LiquidUserSource,
} from './present.js';
import { updateRoute } from './update.routes.js';

const USER = `fragment LiquidUser on User { ${LIQUID_USER_FIELDS} }`;

const INVITE_CODES = `query LiquidInviteCodes($after: String, $owner: ID!) {
  invites(first: 100, after: $after, filter: { owner: $owner }) { edges { node { code createdAt registeredUsers { id } } } pageInfo { hasNextPage endCursor } }
}`;
const LIST = `query LiquidUsers($first: Int!, $after: String, $filter: UserFilter) {
  users(first: $first, after: $after, filter: $filter, orderBy: ID_ASC) { totalCount edges { node { ...LiquidUser } } }
} ${USER}`;
const FIND = `query LiquidFindUsers($first: Int!, $filter: UserFilter) { users(first: $first, filter: $filter, orderBy: ID_ASC) { edges { node { ...LiquidUser } } } } ${USER}`;

const target = idText('must be a user id');
const targets = z.union([target, z.array(target).length(1)]).transform((t) => (Array.isArray(t) ? t[0] : t));
const username = z.string().regex(/^[A-Za-z0-9_]{8,64}$/, 'letters, digits and _, at least 8');
const phone = z.string().max(32);
const phoneCountryCode = z.string().regex(/^\+\d{1,4}$/, 'like +49');

export const createItem = z.strictObject({
  username,
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  email: z.string(),
  password: z.string(),
  role: z.string().max(64).optional(),
  phoneCountryCode: phoneCountryCode.optional(),
  phone: phone.optional(),
});

export const stateBody = z.strictObject({ target: targets, state: z.boolean() });
export const customDataBody = z.strictObject({ target, customData: z.record(z.string(), z.unknown()) });
// The documentation names the operation `operation`, the implementation reads `type`: accept both.
export const creditsBody = z
  .strictObject({
    target: targets,
    operation: z.enum(['increment', 'decrement', 'set']).optional(),
    type: z.enum(['increment', 'decrement', 'set']).optional(),
    value: z.number().int().min(0),
  })
  .refine((b) => (b.operation ?? b.type) !== undefined, { message: 'operation (or type) is required', path: ['operation'] });

// As Liquid's getPaginationLimit: no (or a zero) limit is the default, a larger one is cut to the maximum.
const limit = z.coerce
  .number()
  .int()
  .min(0)
  .optional()
  .transform((n) => Math.min(n || LIST_LIMITS.default, LIST_LIMITS.max));
export const listQuery = z.object({ limit, offset: target.optional() });
export const infoQuery = z.object({
  targets: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(target).min(1).max(LIST_LIMITS.max)),
});
// Liquid also matches emails here (`field`); Nitrogen sends ids only, and so does the gateway.
export const infoBody = z.strictObject({ targets: z.array(target).min(1).max(LIST_LIMITS.max), field: z.literal('_id').optional() });
// Liquid also takes a MongoDB query object as `query`; the gateway serves the quick search (a string).
export const searchBody = z.strictObject({ query: z.string({ message: 'a search text (query objects are not served)' }).trim().min(1).max(200) });
export const createBody = z.array(createItem).min(1).max(1000);
export const inviteCodesQuery = z.object({ target });

const gid = (id: string) => encodeId('User', id);
/** Liquid's quick search as a users filter: username, email or name containing the text, or the user's id. */
const searchFilter = (text: string) => ({
  or: [
    { username: { contains: text } },
    { email: { contains: text } },
    { displayName: { contains: text } },
    ...(parseBigintId(text) !== null ? [{ id: { in: [gid(text)] } }] : []),
  ],
});

/** Liquid's /user/admin-api: access provisioning, bulk create, list, info, search, update, custom data, ban, restrict, verify, credits, and more (account.routes.ts). */
export function liquidRoutes(deps: ShimDeps) {
  const app = new Hono();
  type Users = { users: { totalCount?: number; edges: { node: LiquidUserSource }[] } };

  // POST /access (Liquid names kept exactly) is in scopes.routes.ts.

  app.post('/create', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readBody(c, createBody);
    const users = body.map((u) => ({
      username: u.username,
      firstName: u.firstName,
      lastName: u.lastName,
      email: u.email,
      password: u.password,
      phone: phoneOf(u),
      role: u.role && u.role !== 'user' ? toRoleName(u.role) : undefined,
    }));
    try {
      const data = await run<{ createUsers: { result: { insertedCount: number } } }>(ctx, mutationDocument('createUsers', 'result { insertedCount }'), {
        input: { users },
      });
      return ok(c, { insertedCount: data.createUsers.result.insertedCount }, 201);
    } catch (error) {
      // As Liquid: taken names or emails are a 400 ClientInputError listing them as existingUsers.
      if (!(error instanceof ShimError) || error.code !== 'CONFLICT') throw error;
      const existingUsers = error.fields.map((f) => {
        const [i, field] = f.path.slice(-2);
        return { [field]: (body[Number(i)] as Record<string, unknown> | undefined)?.[field] ?? null };
      });
      throw new LiquidError(400, 'ClientInputError', { message: error.message, existingUsers });
    }
  });

  app.get('/list', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readParams(c, listQuery);
    // `offset` is the _id of the last record of the previous page: in ID order that is a keyset cursor,
    // and totalUsers (the whole list, every page) is what Nitrogen walks to.
    const after = q.offset ? encodeListCursor('ID_ASC', q.offset, q.offset) : null;
    const filter = { not: { status: { in: ['DELETED'] } } };
    const data = await run<Users>(ctx, LIST, { first: q.limit, after, filter });
    const baseTier = ctx.config.subscriptions.baseTier;
    return ok(c, { users: data.users.edges.map((e) => presentUser(e.node, baseTier)), totalUsers: data.users.totalCount });
  });

  /** The users of `ids` (Nitrogen's user-info, both forms), in Liquid's shape. */
  const usersById = async (c: Parameters<typeof deps.contextFor>[0], ids: string[]) => {
    const ctx = await deps.contextFor(c);
    const data = await run<Users>(ctx, FIND, { first: LIST_LIMITS.max, filter: { id: { in: ids.map(gid) } } });
    return ok(c, { users: data.users.edges.map((e) => presentUser(e.node, ctx.config.subscriptions.baseTier)) });
  };
  app.get('/user-info', async (c) => usersById(c, readParams(c, infoQuery).targets));
  // Liquid a989461 (2025-02) replaced GET /user-info with this; Nitrogen 8d76351 on calls it.
  app.post('/retrieve-user-info', async (c) => usersById(c, (await readBody(c, infoBody)).targets));

  app.post('/search', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readBody(c, searchBody);
    // Liquid's admin-api.user.search-results.limit (10).
    const data = await run<Users>(ctx, FIND, { first: 10, filter: searchFilter(body.query) });
    return ok(c, { results: data.users.edges.map((e) => presentUser(e.node, ctx.config.subscriptions.baseTier)) });
  });

  updateRoute(app, deps);

  app.put('/custom-data', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readBody(c, customDataBody);
    await run(ctx, mutationDocument('updateCustomData', 'user { id }'), { input: { id: gid(body.target), data: body.customData, mode: 'REPLACE' } });
    return ok(c);
  });

  // Liquid's own ban skipped the rank check; here every state change goes through the gateway's rules.
  const toggles: Record<string, (on: boolean) => [string, Record<string, boolean>]> = {
    ban: (on) => (on ? ['suspendUser', {}] : ['unsuspendUser', {}]),
    restrict: (on) => ['restrictUser', { restricted: on }],
    verify: (on) => ['verifyUser', { verified: on }],
  };
  for (const [path, choose] of Object.entries(toggles)) {
    app.post(`/${path}`, async (c) => {
      const ctx = await deps.contextFor(c);
      const body = await readBody(c, stateBody);
      const [name, extra] = choose(body.state);
      await run(ctx, mutationDocument(name, 'user { id }'), { input: { id: gid(body.target), reason: `Liquid ${path}`, ...extra } });
      return ok(c);
    });
  }

  app.post('/credits', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readBody(c, creditsBody);
    const operation = (body.operation ?? body.type)!.toUpperCase();
    await run(ctx, mutationDocument('adjustCredits', 'user { id }'), { input: { userId: gid(body.target), operation, value: body.value } });
    return ok(c);
  });

  app.get('/invite-codes', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readParams(c, inviteCodesQuery);
    const codes = await allNodes<LiquidInviteSource>(ctx, INVITE_CODES, 'invites', { owner: gid(q.target) });
    return ok(c, { inviteCodes: codes.map(presentInviteCode) });
  });

  accountRoutes(app, deps);

  app.onError((error, c) => liquidError(c, error));
  app.notFound(liquidNotFound);
  return app;
}
