import { Hono } from 'hono';
import { z } from 'zod';
import { encodeId } from '../../graphql/ids.js';
import { allNodes, idText, mutationDocument, readJson, readQuery, run, ShimError, type ShimDeps } from '../shim.js';
import { liquidError } from './errors.js';
import { LIQUID_USER_FIELDS, ok, presentInviteCode, presentUser, toRoleName, type LiquidInviteSource, type LiquidUserSource } from './present.js';

const USER = `fragment LiquidUser on User { ${LIQUID_USER_FIELDS} }`;

const INVITE_CODES = `query LiquidInviteCodes($after: String, $owner: ID!) {
  invites(first: 100, after: $after, filter: { owner: $owner }) { edges { node { code createdAt registeredUsers { id } } } pageInfo { hasNextPage endCursor } }
}`;
const ROLES = `query LiquidRoles($id: ID!) { user(id: $id) { roles { name } } }`;
const LIST = `query LiquidUsers($first: Int!, $filter: UserFilter) { users(first: $first, filter: $filter, orderBy: ID_ASC) { edges { node { ...LiquidUser } } } } ${USER}`;

const target = idText('must be a user id');
const targets = z.union([target, z.array(target).length(1)]).transform((t) => (Array.isArray(t) ? t[0] : t));
const username = z.string().regex(/^[A-Za-z0-9_]{8,64}$/, 'letters, digits and _, at least 8');
const phone = z.string().max(32);

const createItem = z.strictObject({
  username,
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  email: z.string(),
  password: z.string(),
  role: z.string().max(64).optional(),
  phoneCountryCode: z
    .string()
    .regex(/^\+\d{1,4}$/, 'like +49')
    .optional(),
  phone: phone.optional(),
});

const updateBody = z.strictObject({
  target,
  username: username.optional(),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  email: z.string().optional(),
  password: z.string().optional(),
  role: z.string().max(64).optional(),
  phoneCountryCode: z
    .string()
    .regex(/^\+\d{1,4}$/, 'like +49')
    .optional(),
  phone: phone.optional(),
});

const stateBody = z.strictObject({ target: targets, state: z.boolean() });
const customDataBody = z.strictObject({ target, customData: z.record(z.string(), z.unknown()) });
// The documentation names the operation `operation`, the implementation reads `type`: accept both.
const creditsBody = z
  .strictObject({
    target: targets,
    operation: z.enum(['increment', 'decrement', 'set']).optional(),
    type: z.enum(['increment', 'decrement', 'set']).optional(),
    value: z.number().int().min(0),
  })
  .refine((b) => (b.operation ?? b.type) !== undefined, { message: 'operation (or type) is required', path: ['operation'] });

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), offset: target.optional() });
const infoQuery = z.object({
  targets: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(target).min(1).max(100)),
});

/** Liquid's phone number arrives as a dialing code plus number; the gateway keeps one phone field. */
const phoneOf = (b: { phoneCountryCode?: string; phone?: string }) =>
  b.phone === undefined ? undefined : b.phoneCountryCode ? `${b.phoneCountryCode} ${b.phone}` : b.phone;
const gid = (id: string) => encodeId('User', id);

/** Liquid's /user/admin-api: access provisioning, bulk create, list, info, update, custom data, ban, restrict, verify, credits. */
export function liquidRoutes(deps: ShimDeps) {
  const app = new Hono();

  // POST /access (Liquid names kept exactly) is in scopes.routes.ts.

  app.post('/create', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, z.array(createItem).min(1).max(1000));
    const users = body.map((u) => ({
      username: u.username,
      firstName: u.firstName,
      lastName: u.lastName,
      email: u.email,
      password: u.password,
      phone: phoneOf(u),
      role: u.role && u.role !== 'user' ? toRoleName(u.role) : undefined,
    }));
    const data = await run<{ createUsers: { result: { insertedCount: number } } }>(ctx, mutationDocument('createUsers', 'result { insertedCount }'), {
      input: { users },
    });
    return ok(c, { insertedCount: data.createUsers.result.insertedCount }, 201);
  });

  app.get('/list', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, listQuery);
    // `offset` is the _id of the last record of the previous page: ID order makes that a keyset.
    const filter = { and: [{ not: { status: { in: ['DELETED'] } } }, ...(q.offset ? [{ id: { gt: gid(q.offset) } }] : [])] };
    const data = await run<{ users: { edges: { node: LiquidUserSource }[] } }>(ctx, LIST, { first: q.limit, filter });
    return ok(c, { users: data.users.edges.map((e) => presentUser(e.node)) });
  });

  app.get('/user-info', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, infoQuery);
    const data = await run<{ users: { edges: { node: LiquidUserSource }[] } }>(ctx, LIST, { first: 100, filter: { id: { in: q.targets.map(gid) } } });
    return ok(c, { users: data.users.edges.map((e) => presentUser(e.node)) });
  });

  app.patch('/update', async (c) => {
    const ctx = await deps.contextFor(c);
    const { target: id, role, phoneCountryCode: _cc, ...fields } = await readJson(c, updateBody);
    const changes: Record<string, unknown> = Object.fromEntries(
      Object.entries({ ...fields, phone: phoneOf({ phone: fields.phone, phoneCountryCode: _cc }) }).filter(([, v]) => v !== undefined),
    );
    if (role !== undefined) {
      // A Liquid account has one role ('user': none): give the new one, take away the others, in the
      // same mutation as the other changes, so a refused role writes nothing.
      const wanted = role === 'user' ? null : toRoleName(role);
      const current = await run<{ user: { roles: { name: string }[] } | null }>(ctx, ROLES, { id: gid(id) });
      if (!current.user) throw new ShimError('NOT_FOUND', 'No such user');
      const held = current.user.roles.map((r) => r.name);
      changes.giveRoles = wanted && !held.includes(wanted) ? [wanted] : [];
      changes.takeRoles = held.filter((n) => n !== wanted);
    }
    await run(ctx, mutationDocument('updateUser', 'user { id }'), { input: { id: gid(id), ...changes } });
    return ok(c);
  });

  app.put('/custom-data', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, customDataBody);
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
      const body = await readJson(c, stateBody);
      const [name, extra] = choose(body.state);
      await run(ctx, mutationDocument(name, 'user { id }'), { input: { id: gid(body.target), reason: `Liquid ${path}`, ...extra } });
      return ok(c);
    });
  }

  app.post('/credits', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, creditsBody);
    const operation = (body.operation ?? body.type)!.toUpperCase();
    await run(ctx, mutationDocument('adjustCredits', 'user { id }'), { input: { userId: gid(body.target), operation, value: body.value } });
    return ok(c);
  });

  app.get('/invite-codes', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, z.object({ target }));
    const codes = await allNodes<LiquidInviteSource>(ctx, INVITE_CODES, 'invites', { owner: gid(q.target) });
    return ok(c, { inviteCodes: codes.map(presentInviteCode) });
  });

  app.onError((error, c) => liquidError(c, error));
  app.notFound((c) => c.json({ ok: 0, error: 'not_found', message: 'No such route' }, 404));
  return app;
}
