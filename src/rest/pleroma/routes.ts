import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { allNodes, mutationDocument, readJson, readQuery, run, ShimError, type ShimDeps } from '../shim.js';
import { isStorableDate } from '../../db/values.js';
import { pleromaError } from './errors.js';
import { pleromaFollowRoutes } from './follows.routes.js';
import { pleromaRelayRoutes } from './relays.routes.js';
import {
  expiryOfDate,
  groupsOf,
  nicknameOf,
  PLEROMA_INVITE_FIELDS,
  PLEROMA_USER_FIELDS,
  presentInvite,
  presentUser,
  type PleromaInviteSource,
  type PleromaUserSource,
} from './present.js';

const USER = `fragment PleromaUser on User { ${PLEROMA_USER_FIELDS} }`;

const LIST = `query PleromaUsers($first: Int!, $offset: Int!, $filter: UserFilter) {
  users(first: $first, offset: $offset, filter: $filter, orderBy: USERNAME_ASC) { totalCount edges { node { ...PleromaUser } } }
} ${USER}`;
const BY_NAME = `query PleromaUser($username: String!, $domain: String) { userByUsername(username: $username, domain: $domain) { ...PleromaUser } } ${USER}`;
const withUser = (name: string) => mutationDocument(name, 'user { ...PleromaUser }', USER);
const CREATE = withUser('createUser');
const DELETE = withUser('deleteUser');
const ACTIVATE = withUser('activateUser');
const DEACTIVATE = withUser('deactivateUser');
const TAG = mutationDocument('tagUsers', 'result { changedCount }');
const UNTAG = mutationDocument('untagUsers', 'result { changedCount }');
const ASSIGN = withUser('assignRole');
const REVOKE = withUser('revokeRole');

const INVITE = `fragment PleromaInvite on Invite { ${PLEROMA_INVITE_FIELDS} }`;
const CREATE_INVITE = mutationDocument('createInvite', 'invite { ...PleromaInvite }', INVITE);
const REVOKE_INVITE = mutationDocument('revokeInvite', 'invite { ...PleromaInvite }', INVITE);
const LIST_INVITES = `query PleromaInvites($after: String) { invites(first: 100, after: $after) { edges { node { ...PleromaInvite } } pageInfo { hasNextPage endCursor } } } ${INVITE}`;

const inviteTokenQuery = z.object({
  'invite[max_use]': z.coerce.number().int().min(1).max(1_000_000).optional(),
  'invite[expires_at]': z.iso
    .date('a date like 2019-04-07')
    .refine((d) => isStorableDate(expiryOfDate(d)), 'must be a date before 9999-12-31')
    .optional(),
});

const EMAIL_INVITE = mutationDocument('createInvite', 'invite { code }');
const RESET_TOKEN = mutationDocument('createPasswordResetToken', 'result { token }');

const FILTERS = ['local', 'external', 'active', 'deactivated', 'is_admin', 'is_moderator'] as const;

const listQuery = z.object({
  query: z.string().max(256).optional(),
  filters: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : []))
    .pipe(z.array(z.enum(FILTERS, { message: `filters are ${FILTERS.join(', ')}` }))),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  page_size: z.coerce.number().int().min(1).max(100, 'at most 100').default(50),
  name: z.string().max(256).optional(),
  email: z.string().max(256).optional(),
});

const nickname = z.string().min(1).max(320);
const createBody = z.strictObject({ nickname, email: z.string(), password: z.string() });
const tagBody = z.strictObject({ nicknames: z.array(nickname).min(1).max(1000), tags: z.array(z.string()).min(1).max(100) });
const activationBody = z.strictObject({ status: z.boolean() });
const GROUPS = { admin: 'admin', moderator: 'moderator' } as const;

/** `name@domain` names a remote account; a bare name a local one. */
function splitNickname(value: string): { username: string; domain: string | null } {
  const at = value.indexOf('@');
  return at > 0 ? { username: value.slice(0, at), domain: value.slice(at + 1) } : { username: value, domain: null };
}

/** Pleroma's /api/pleroma/admin users, tags, activation and permission groups. */
export function pleromaRoutes(deps: ShimDeps) {
  const app = new Hono();

  async function userNamed(c: Context, name: string): Promise<PleromaUserSource> {
    const data = await run<{ userByUsername: PleromaUserSource | null }>(await deps.contextFor(c), BY_NAME, splitNickname(name));
    if (!data.userByUsername) throw new ShimError('NOT_FOUND', 'Not found');
    return data.userByUsername;
  }

  app.get('/users', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, listQuery);
    const tags = c.req.queries('tags[]') ?? c.req.queries('tags') ?? [];
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
    if (tags.length) and.push({ tags: { any: tags } });
    if (q.name) and.push({ displayName: { contains: q.name } });
    if (q.email) and.push({ email: { contains: q.email } });
    // Deleted accounts are gone as far as Pleroma's admins are concerned.
    and.push({ not: { status: { in: ['DELETED'] } } });
    const data = await run<{ users: { totalCount: number; edges: { node: PleromaUserSource }[] } }>(ctx, LIST, {
      first: q.page_size,
      offset: (q.page - 1) * q.page_size,
      filter: { and },
    });
    return c.json({ page_size: q.page_size, count: data.users.totalCount, users: data.users.edges.map((e) => presentUser(e.node)) });
  });

  app.post('/users', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, createBody);
    if (body.nickname.includes('@')) throw new ShimError('BAD_INPUT', 'Only local accounts can be created');
    const data = await run<{ createUser: { user: PleromaUserSource } }>(ctx, CREATE, {
      input: { username: body.nickname, email: body.email, password: body.password },
    });
    return c.json(nicknameOf(data.createUser.user));
  });

  app.delete('/users', async (c) => {
    const ctx = await deps.contextFor(c);
    const name = c.req.query('nickname') ?? (await readJson(c, z.strictObject({ nickname }))).nickname;
    const user = await userNamed(c, name);
    await run(ctx, DELETE, { input: { id: user.id, reason: 'Pleroma admin API' } });
    return c.json(nicknameOf(user));
  });

  app.on(['PUT', 'DELETE'], '/users/tag', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, tagBody);
    await run(ctx, c.req.method === 'PUT' ? TAG : UNTAG, { input: { usernames: body.nicknames, tags: body.tags } });
    return c.body(null, 204);
  });

  app.get('/users/invite_token', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, inviteTokenQuery);
    const input = { maxUses: q['invite[max_use]'] ?? 1, expiresAt: q['invite[expires_at]'] ? expiryOfDate(q['invite[expires_at]']).toISOString() : undefined };
    const data = await run<{ createInvite: { invite: PleromaInviteSource } }>(ctx, CREATE_INVITE, { input });
    return c.json(data.createInvite.invite.code);
  });

  app.get('/users/invites', async (c) => {
    const all = await allNodes<PleromaInviteSource>(await deps.contextFor(c), LIST_INVITES, 'invites');
    return c.json({ invites: all.map(presentInvite) });
  });

  app.post('/users/email_invite', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, z.strictObject({ email: z.string().max(254), name: z.string().max(100).optional() }));
    await run(ctx, EMAIL_INVITE, { input: { email: body.email, name: body.name } });
    return c.body(null, 204);
  });

  app.post('/users/revoke_invite', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, z.strictObject({ token: z.string().min(1).max(64) }));
    const data = await run<{ revokeInvite: { invite: PleromaInviteSource } }>(ctx, REVOKE_INVITE, {
      input: { code: body.token, reason: 'Pleroma revoke_invite' },
    });
    return c.json(presentInvite(data.revokeInvite.invite));
  });

  app.get('/users/:nickname', async (c) => c.json(presentUser(await userNamed(c, c.req.param('nickname')))));

  app.patch('/users/:nickname/toggle_activation', async (c) => {
    const ctx = await deps.contextFor(c);
    const user = await userNamed(c, c.req.param('nickname'));
    const op = user.status === 'ACTIVE' ? DEACTIVATE : ACTIVATE;
    const data = await run<Record<string, { user: PleromaUserSource }>>(ctx, op, { input: { id: user.id, reason: 'Pleroma toggle_activation' } });
    const after = Object.values(data)[0].user;
    const shown = presentUser(after);
    return c.json({ deactivated: shown.deactivated, id: shown.id, nickname: shown.nickname });
  });

  app.put('/users/:nickname/activation_status', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, activationBody);
    const user = await userNamed(c, c.req.param('nickname'));
    const data = await run<Record<string, { user: PleromaUserSource }>>(ctx, body.status ? ACTIVATE : DEACTIVATE, {
      input: { id: user.id, reason: 'Pleroma activation_status' },
    });
    return c.json(presentUser(Object.values(data)[0].user));
  });

  app.get('/users/:nickname/password_reset', async (c) => {
    const ctx = await deps.contextFor(c);
    const user = await userNamed(c, c.req.param('nickname'));
    const data = await run<{ createPasswordResetToken: { result: { token: string } } }>(ctx, RESET_TOKEN, { input: { userId: user.id } });
    return c.json(data.createPasswordResetToken.result.token);
  });

  app.get('/users/:nickname/permission_group', async (c) => c.json(groupsOf(await userNamed(c, c.req.param('nickname')))));

  const group = (c: Context) => {
    const name = c.req.param('group') as keyof typeof GROUPS;
    if (!Object.hasOwn(GROUPS, name)) throw new ShimError('NOT_FOUND', 'Not found');
    return name;
  };

  app.get('/users/:nickname/permission_group/:group', async (c) => {
    group(c);
    return c.json(groupsOf(await userNamed(c, c.req.param('nickname'))));
  });

  app.on(['POST', 'DELETE'], '/users/:nickname/permission_group/:group', async (c) => {
    const ctx = await deps.contextFor(c);
    const name = group(c);
    const user = await userNamed(c, c.req.param('nickname'));
    const adding = c.req.method === 'POST';
    const data = await run<Record<string, { user: PleromaUserSource }>>(ctx, adding ? ASSIGN : REVOKE, { input: { userId: user.id, role: GROUPS[name] } });
    // Pleroma answers only the changed flag.
    return c.json({ [`is_${name}`]: groupsOf(Object.values(data)[0].user)[`is_${name}`] });
  });

  app.route('/', pleromaFollowRoutes(deps));
  app.route('/', pleromaRelayRoutes(deps));
  app.onError((error, c) => pleromaError(c, error));
  app.notFound((c) => c.json({ error: 'Not found' }, 404));
  return app;
}
