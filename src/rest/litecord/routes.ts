import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { encodeId, parseBigintId } from '../../graphql/ids.js';
import { allNodes, mutationDocument, readJson, readQuery, run, ShimError, type ShimDeps } from '../shim.js';
import { litecordError } from './errors.js';
import { litecordGuildRoutes } from './guilds.routes.js';
import { litecordVoiceRoutes } from './voice.routes.js';
import {
  LITECORD_INVITE_FIELDS,
  LITECORD_USER_FIELDS,
  presentInvite,
  presentUser,
  STAFF_FLAG,
  type LitecordInviteSource,
  type LitecordUserSource,
} from './present.js';

const USER = `fragment LitecordUser on User { ${LITECORD_USER_FIELDS} }`;

const CREATE = mutationDocument('createUser', 'user { ...LitecordUser }', USER);

// Litecord pages by number; the GraphQL layer serves that with its capped `offset`.
const SEARCH = `query LitecordSearchUsers($first: Int!, $offset: Int!, $filter: UserFilter) {
  users(first: $first, offset: $offset, filter: $filter, orderBy: CREATED_AT_ASC) { edges { node { ...LitecordUser } } }
} ${USER}`;

const GET = `query LitecordUser($id: ID!) { user(id: $id) { ...LitecordUser } } ${USER}`;

const DELETE = mutationDocument('deleteUser', 'user { ...LitecordUser }', USER);
const UPDATE = mutationDocument('updateUser', 'user { ...LitecordUser }', USER);

export const createBody = z.strictObject({
  username: z.string(),
  email: z.string(),
  password: z.string(),
});

/** Litecord's own tests send `discriminator=` (empty) with every search: an empty value means none. */
const orNone = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const searchQuery = z.object({
  username: orNone(z.string().max(64)),
  discriminator: orNone(z.string().regex(/^\d{4}$/, 'must be 4 digits')),
  page: z.coerce.number().int().min(0).max(10_000).default(0),
  per_page: z.coerce.number().int().min(1).max(50, 'at most 50').default(20),
});

export const patchBody = z.strictObject({
  flags: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});

const INVITES = `query LitecordInvites($after: String) {
  invites(first: 100, after: $after, filter: { revoked: false }) { edges { node { ${LITECORD_INVITE_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
const CREATE_INVITE = mutationDocument('createInvite', `invite { ${LITECORD_INVITE_FIELDS} }`);
const REVOKE_INVITE = mutationDocument('revokeInvite', '__typename');
export const inviteBody = z.strictObject({
  max_uses: z
    .number()
    .int()
    .min(-1)
    .max(1_000_000)
    .refine((n) => n !== 0, 'must be -1 (unlimited) or at least 1'),
});

/** Litecord's /api/v6/admin/users: create, search, soft delete, flags. */
export function litecordRoutes(deps: ShimDeps) {
  const app = new Hono();

  const userId = (c: Context) => {
    // A snowflake is a bigint: anything else (a value above 2^63 - 1 included) names no user.
    const id = parseBigintId(c.req.param('id') ?? '');
    if (id === null) throw new ShimError('NOT_FOUND', 'Unknown user');
    return id;
  };

  async function currentUser(c: Context, id: bigint) {
    const data = await run<{ user: LitecordUserSource | null }>(await deps.contextFor(c), GET, { id: encodeId('User', id) });
    if (!data.user) throw new ShimError('NOT_FOUND', 'Unknown user');
    return data.user;
  }

  // Litecord's route takes PUT and POST alike (its own tests create users with POST).
  app.on(['PUT', 'POST'], '/users', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, createBody);
    const data = await run<{ createUser: { user: LitecordUserSource } }>(ctx, CREATE, { input: body });
    const user = data.createUser.user;
    return c.json(presentUser(user));
  });

  app.get('/users', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, searchQuery);
    const filter: Record<string, unknown> = {};
    if (q.username) filter.username = { containsCaseSensitive: q.username };
    if (q.discriminator) filter.discriminator = q.discriminator;
    const data = await run<{ users: { edges: { node: LitecordUserSource }[] } }>(ctx, SEARCH, {
      first: q.per_page,
      offset: q.page * q.per_page,
      filter,
    });
    return c.json(data.users.edges.map((e) => presentUser(e.node)));
  });

  app.delete('/users/:id', async (c) => {
    const ctx = await deps.contextFor(c);
    const id = userId(c);
    const old = await currentUser(c, id);
    const data = await run<{ deleteUser: { user: LitecordUserSource } }>(ctx, DELETE, { input: { id: encodeId('User', id) } });
    return c.json({ old: presentUser(old), new: presentUser(data.deleteUser.user) });
  });

  app.patch('/users/:id', async (c) => {
    const ctx = await deps.contextFor(c);
    const id = userId(c);
    const body = await readJson(c, patchBody);
    const current = await currentUser(c, id);
    // The staff badge grants the admin API; no one sets or clears it through flags.
    if ((body.flags & STAFF_FLAG) !== (current.isStaff ? STAFF_FLAG : 0)) {
      return c.json({ error: true, status: 403, message: 'cannot change the staff flag' }, 403);
    }
    const data = await run<{ updateUser: { user: LitecordUserSource } }>(ctx, UPDATE, {
      input: { id: encodeId('User', id), flags: body.flags & ~STAFF_FLAG },
    });
    return c.json(presentUser(data.updateUser.user));
  });

  // Instance invites: a DELETE revokes (the invite and its uses stay in the record and the audit log).
  app.get('/instance/invites', async (c) => {
    const all = await allNodes<LitecordInviteSource>(await deps.contextFor(c), INVITES, 'invites');
    return c.json(all.map(presentInvite));
  });

  app.put('/instance/invites', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, inviteBody);
    const input = body.max_uses === -1 ? { unlimited: true } : { maxUses: body.max_uses };
    const data = await run<{ createInvite: { invite: LitecordInviteSource } }>(ctx, CREATE_INVITE, { input });
    return c.json(presentInvite(data.createInvite.invite));
  });

  app.delete('/instance/invites/:code', async (c) => {
    const ctx = await deps.contextFor(c);
    const code = c.req.param('code');
    try {
      await run(ctx, REVOKE_INVITE, { input: { code, reason: 'Litecord instance invite deleted' } });
    } catch (error) {
      // Deleting an invite that is already gone is, to Litecord, an unknown invite.
      if (error instanceof ShimError && error.code === 'CONFLICT') throw new ShimError('NOT_FOUND', 'No such invite');
      throw error;
    }
    return c.body(null, 204);
  });

  app.route('/', litecordGuildRoutes(deps));
  app.route('/', litecordVoiceRoutes(deps));
  app.onError((error, c) => litecordError(c, error));
  app.notFound((c) => c.json({ error: true, status: 404, message: '404: Not Found' }, 404));
  return app;
}
