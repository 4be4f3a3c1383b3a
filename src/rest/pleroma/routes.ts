import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { MAX_OFFSET } from '../../db/connection.js';
import { mutationDocument, run, ShimError, type ShimDeps } from '../shim.js';
import { pleromaCaller } from './caller.js';
import { pleromaError } from './errors.js';
import { inviteRoutes } from './invites.js';
import { USER_FRAGMENT, userByIdOrName, userNamed, splitNickname } from './lookup.js';
import { checked, params } from './params.js';
import { groupsOf, nicknameOf, presentUser, type PleromaUserSource } from './present.js';
import { bulkFailure, createdList, createUsersInput } from './create.js';
import { pleromaFollowRoutes } from './follows.routes.js';
import { pleromaRelayRoutes } from './relays.routes.js';

// `count` is exact where the gateway keeps it (the whole list: every account but the deleted ones; no
// Pleroma filter keeps to clock-free statuses); others are counted up to the cap (COUNT_CAP), never every match.
const LIST = `query PleromaUsers($first: Int!, $offset: Int!, $filter: UserFilter) {
  users(first: $first, offset: $offset, filter: $filter, orderBy: USERNAME_ASC) { count(strategy: CAPPED) { value } edges { node { ...PleromaUser } } }
} ${USER_FRAGMENT}`;
const withUser = (name: string) => mutationDocument(name, 'user { ...PleromaUser }', USER_FRAGMENT);
const CREATE = withUser('createUser');
const CREATE_MANY = mutationDocument('createUsers', 'result { users { username domain email } }');
const ACTIVATE = withUser('activateUser');
const DEACTIVATE = withUser('deactivateUser');
const TAG = mutationDocument('tagUsers', 'result { changedCount }');
const UNTAG = mutationDocument('untagUsers', 'result { changedCount }');
const ASSIGN = withUser('assignRole');
const REVOKE = withUser('revokeRole');

const FILTERS = ['local', 'external', 'active', 'deactivated', 'is_admin', 'is_moderator'] as const;
const text = (max: number) => z.string().max(max);
/** A list parameter: `tags[]=a&tags[]=b` (or a JSON array); a single `tags=a` is a list of one. */
const list = (item: z.ZodString) => z.union([z.array(item), item.transform((s) => [s])]);

export const listParams = z.object({
  query: text(256).optional(),
  filters: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : []))
    .pipe(z.array(z.enum(FILTERS, { message: `filters are ${FILTERS.join(', ')}` }))),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  page_size: z.coerce.number().int().min(1).max(100, 'at most 100').default(50),
  tags: list(text(64)).optional(),
  name: text(256).optional(),
  email: text(256).optional(),
});

const nickname = z.string().min(1).max(320);
export const byNickname = z.object({ nickname });
export const singleCreate = z.object({ nickname, email: text(320), password: text(1024) });
export const tagParams = z.object({
  nicknames: list(nickname).pipe(z.array(nickname).min(1).max(1000)),
  tags: list(text(64)).pipe(z.array(z.string()).min(1).max(100)),
});
/** Ecto's boolean cast: true/false and their strings, "1"/"0". */
const ectoBoolean = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1')]);
export const activationParams = z.object({ nickname, status: ectoBoolean });
const GROUPS = ['admin', 'moderator'] as const;
export const groupParams = z.object({ nickname, permission_group: z.string() });
export const statusesParams = byNickname.extend({
  godmode: z.union([z.boolean(), z.string()]).optional(),
  page_size: z.coerce.number().int().min(1).optional(),
});

/** The users list's filter tree from Pleroma's search parameters. */
function listFilter(q: z.output<typeof listParams>) {
  const and: Record<string, unknown>[] = [];
  if (q.query) {
    const { username, domain } = splitNickname(q.query);
    and.push(
      domain !== null
        ? { username: { contains: username }, domain: { contains: domain } }
        : { or: [{ username: { contains: q.query } }, { domain: { contains: q.query } }] },
    );
  }
  const f = new Set(q.filters);
  if (f.has('local') && !f.has('external')) and.push({ local: true });
  if (f.has('external') && !f.has('local')) and.push({ local: false });
  const statuses = [...(f.has('active') ? ['ACTIVE'] : []), ...(f.has('deactivated') ? ['DEACTIVATED', 'SUSPENDED'] : [])];
  if (statuses.length) and.push({ status: { in: statuses } });
  if (f.has('is_admin')) and.push({ or: [{ role: 'admin' }, { role: 'superadmin' }] });
  if (f.has('is_moderator')) and.push({ role: 'moderator' });
  if (q.tags?.length) and.push({ tags: { any: q.tags } });
  if (q.name) and.push({ displayName: { contains: q.name } });
  if (q.email) and.push({ email: { contains: q.email } });
  // Accounts soft-deleted elsewhere (GraphQL deleteUser, other shims) are gone for Pleroma's admins;
  // Pleroma's own DELETE deactivates, so those stay listed.
  and.push({ not: { status: { in: ['DELETED'] } } });
  return { and };
}

/** Pleroma's /api/pleroma/admin: users, tags, activation, permission groups, invites and password resets. */
export function pleromaRoutes(deps: ShimDeps) {
  const app = new Hono();
  const reading = (c: Context) => pleromaCaller(deps, c, 'read');
  // Every write reads back what it changed (or looks its user up first), so it needs `read` too.
  const writing = (c: Context) => pleromaCaller(deps, c, 'write', 'read');
  type UserResult = Record<string, { user: PleromaUserSource }>;
  const userOf = (data: UserResult) => Object.values(data)[0].user;

  app.get('/users', async (c) => {
    const ctx = await reading(c);
    const q = await params(c, listParams);
    const offset = (q.page - 1) * q.page_size;
    // Numbered pages reach MAX_OFFSET users deep (as far as a capped count goes): further is a clear 400.
    if (offset > MAX_OFFSET)
      throw new ShimError('BAD_INPUT', `page ${q.page} starts beyond the first ${MAX_OFFSET.toLocaleString('en')} users; narrow the search (query, filters)`, [
        { path: ['page'], message: `at most ${Math.floor(MAX_OFFSET / q.page_size) + 1} with page_size ${q.page_size}` },
      ]);
    const data = await run<{ users: { count: { value: number }; edges: { node: PleromaUserSource }[] } }>(ctx, LIST, {
      first: q.page_size,
      offset,
      filter: listFilter(q),
    });
    return c.json({ users: data.users.edges.map((e) => presentUser(e.node)), count: data.users.count.value, page_size: q.page_size });
  });

  // Two forms: `{users: [{nickname, email, password}]}` (Pleroma 1.1, admin-fe from 2019-09), all
  // or nothing in one createUsers, answering Pleroma's per-user list; and the earlier single
  // `{nickname, email, password}`, answering the nickname.
  app.post('/users', async (c) => {
    const ctx = await writing(c);
    const p = await params(c, z.looseObject({ users: z.unknown().optional() }));
    if (p.users !== undefined) {
      const { input, items } = createUsersInput(p.users);
      try {
        const data = await run<{ createUsers: { result: { users: { username: string; domain: string | null; email: string | null }[] } } }>(ctx, CREATE_MANY, {
          input,
        });
        return c.json(createdList(data.createUsers.result.users));
      } catch (error) {
        const failure = bulkFailure(error, items);
        if (failure) return c.json(failure, 409);
        throw error;
      }
    }
    const body = checked(singleCreate, p);
    if (body.nickname.includes('@')) throw new ShimError('BAD_INPUT', 'Only local accounts can be created');
    const data = await run<{ createUser: { user: PleromaUserSource } }>(ctx, CREATE, {
      input: { username: body.nickname, email: body.email, password: body.password },
    });
    return c.json(nicknameOf(data.createUser.user));
  });

  // Pleroma's delete deactivates the account and keeps it (User.delete): it stays listed, shown
  // `deactivated: true`, and GET /users/:nickname still answers it. So this is deactivateUser,
  // not the gateway's soft delete (which renames and hides the account).
  app.delete('/users', async (c) => {
    const ctx = await writing(c);
    const p = await params(c, byNickname);
    const user = await userNamed(ctx, p.nickname);
    await run(ctx, DEACTIVATE, { input: { id: user.id, reason: 'Pleroma admin API: delete' } });
    return c.json(nicknameOf(user));
  });

  app.on(['PUT', 'DELETE'], '/users/tag', async (c) => {
    const ctx = await writing(c);
    const p = await params(c, tagParams);
    await run(ctx, c.req.method === 'PUT' ? TAG : UNTAG, { input: { usernames: p.nicknames, tags: p.tags } });
    return c.body(null, 204);
  });

  // Before /users/:nickname, which would otherwise take `invites`, `invite_token` … as nicknames.
  inviteRoutes(app, deps);

  app.get('/users/:nickname', async (c) => {
    const ctx = await reading(c);
    return c.json(presentUser(await userByIdOrName(ctx, (await params(c, byNickname)).nickname)));
  });

  // The gateway keeps no statuses (posts are outside what it administers): an existing account has
  // none, an unknown one is 404. admin-fe loads a profile page with this beside GET /users/:id.
  app.get('/users/:nickname/statuses', async (c) => {
    const ctx = await reading(c);
    const p = await params(c, statusesParams);
    await userByIdOrName(ctx, p.nickname);
    return c.json([]);
  });

  // Pleroma renders the whole user (show.json) after the toggle; admin-fe swaps its table row for it.
  app.patch('/users/:nickname/toggle_activation', async (c) => {
    const ctx = await writing(c);
    const user = await userNamed(ctx, (await params(c, byNickname)).nickname);
    const op = user.status === 'ACTIVE' ? DEACTIVATE : ACTIVATE;
    const data = await run<UserResult>(ctx, op, { input: { id: user.id, reason: 'Pleroma admin API: toggle_activation' } });
    return c.json(presentUser(userOf(data)));
  });

  app.put('/users/:nickname/activation_status', async (c) => {
    const ctx = await writing(c);
    const p = await params(c, activationParams);
    const user = await userNamed(ctx, p.nickname);
    await run(ctx, p.status ? ACTIVATE : DEACTIVATE, { input: { id: user.id, reason: 'Pleroma admin API: activation_status' } });
    return c.body(null, 204);
  });

  app.get('/users/:nickname/permission_group', async (c) => {
    const ctx = await reading(c);
    return c.json(groupsOf(await userNamed(ctx, (await params(c, byNickname)).nickname)));
  });

  const group = (name: string) => {
    if (!(GROUPS as readonly string[]).includes(name)) throw new ShimError('NOT_FOUND', 'No such permission_group');
    return name as (typeof GROUPS)[number];
  };

  app.get('/users/:nickname/permission_group/:permission_group', async (c) => {
    const ctx = await reading(c);
    const p = await params(c, groupParams);
    group(p.permission_group);
    return c.json(groupsOf(await userNamed(ctx, p.nickname)));
  });

  app.on(['POST', 'DELETE'], '/users/:nickname/permission_group/:permission_group', async (c) => {
    const ctx = await writing(c);
    const p = await params(c, groupParams);
    const name = group(p.permission_group);
    const user = await userNamed(ctx, p.nickname);
    const data = await run<UserResult>(ctx, c.req.method === 'POST' ? ASSIGN : REVOKE, { input: { userId: user.id, role: name } });
    // Pleroma answers only the changed flag.
    return c.json({ [`is_${name}`]: groupsOf(userOf(data))[`is_${name}`] });
  });

  app.route('/', pleromaFollowRoutes(deps));
  app.route('/', pleromaRelayRoutes(deps));
  app.onError((error, c) => pleromaError(c, error));
  app.notFound((c) => c.json('Not found', 404));
  return app;
}
