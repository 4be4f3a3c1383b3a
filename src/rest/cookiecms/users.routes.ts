import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { GraphQLContext } from '../../graphql/context.js';
import { encodeId } from '../../graphql/ids.js';
import { mutationDocument, readJson, readQuery, run, ShimError, storableDate, type ShimDeps } from '../shim.js';
import { envelope, withSlash } from './errors.js';
import { levelChange, levelOf, levelRole, type Level } from './levels.js';
import { COOKIE_DETAIL_FIELDS, COOKIE_USER_FIELDS, presentListUser, presentUser, type CookieUserSource } from './present.js';
import { streamAllUsers } from './users-stream.js';

export const USER_FRAGMENT = `fragment CookieUser on User { ${COOKIE_DETAIL_FIELDS} }`;
const LIVE = 'filter: { not: { status: { in: [DELETED] } } }';
const PAGE = `query CookieUsers($first: Int!, $offset: Int!) {
  users(first: $first, offset: $offset, orderBy: ID_ASC, ${LIVE}) { edges { node { ${COOKIE_USER_FIELDS} } } }
}`;
const BY_ID = `query CookieUserById($id: ID!) { user(id: $id) { ...CookieUser } } ${USER_FRAGMENT}`;
const BY_NAME = `query CookieUserByName($name: String!) { userByUsername(username: $name) { ...CookieUser } } ${USER_FRAGMENT}`;
const UPDATE = mutationDocument('updateUser', 'user { ...CookieUser }', USER_FRAGMENT);
const ASSIGN = mutationDocument('assignRole', 'user { id }');

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
const level = z.number().int().min(0).max(5);
const flag = z.union([z.boolean(), z.literal(0), z.literal(1)]);

/** The documented lowercase PATCH body (unknown keys refused). */
export const patchBody = z.strictObject({
  username: z.string().optional(),
  mail: z.string().optional(),
  mail_verify: flag.optional(),
  mail_verification: flag.optional(),
  password: z.string().optional(),
  perms: level.optional(),
});

/**
 * The panels' PUT body: the detail object back in PascalCase (plus Capes, Skins, Discord, Uuid, ...).
 * The fields the gateway stores are applied; everything else is ignored, since the panel sends all.
 */
export const putBody = z.object({
  Username: z.string().optional(),
  Mail: z.string().nullable().optional(),
  Mail_verify: flag.optional(),
  Mail_verification: flag.optional(),
  PermLvl: level.optional(),
});

// expired_at is Unix seconds in practice; the documentation's ISO 8601 is accepted too.
const expiry = z
  .union([
    z
      .number()
      .int()
      .positive()
      .transform((s) => new Date(s * 1000)),
    z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  ])
  .pipe(storableDate());
export const roleBody = z.strictObject({ user: z.number().int().optional(), role_level: level, expired_at: expiry.optional().nullable() });

interface Edit {
  username?: string;
  mail?: string | null;
  verified?: boolean;
  password?: string;
  level?: Level;
}

/** CookieCMS's users: the whole list (streamed) or a page, one user, its edits (PUT and PATCH), role levels. */
export function registerUserRoutes(app: Hono, deps: ShimDeps) {
  async function find(c: Context, ctx: GraphQLContext): Promise<CookieUserSource> {
    const identifier = c.req.param('identifier') ?? '';
    const data = /^\d{1,15}$/.test(identifier)
      ? await run<{ user: CookieUserSource | null }>(ctx, BY_ID, { id: encodeId('User', identifier) })
      : await run<{ userByUsername: CookieUserSource | null }>(ctx, BY_NAME, { name: identifier });
    const user = 'user' in data ? data.user : data.userByUsername;
    if (!user) throw new ShimError('NOT_FOUND', 'User not found');
    return user;
  }

  /**
   * One updateUser with every change that differs from the user as found: profile, verified state
   * and the level's role grants travel together, so a refused level or a bad field writes nothing.
   */
  async function edit(c: Context, edit: Edit) {
    const ctx = await deps.contextFor(c);
    const user = await find(c, ctx);
    const changes: Record<string, unknown> = {};
    if (edit.username !== undefined && edit.username !== user.username) changes.username = edit.username;
    // '' is what the panels show for no address: clearing one takes '' (or null), an unchanged '' is no change.
    const mail = edit.mail === '' ? null : edit.mail;
    if (mail !== undefined && mail !== user.email) changes.email = mail;
    if (edit.password !== undefined) changes.password = edit.password;
    if (edit.verified !== undefined && edit.verified !== user.verified) changes.verified = edit.verified;
    if (edit.level !== undefined && Math.max(edit.level, 1) !== levelOf(user.roles)) Object.assign(changes, levelChange(user.roles, edit.level));
    if (!Object.keys(changes).length) return c.json(envelope('User updated successfully', presentUser(user)));
    const data = await run<{ updateUser: { user: CookieUserSource } }>(ctx, UPDATE, { input: { id: user.id, ...changes } });
    return c.json(envelope('User updated successfully', presentUser(data.updateUser.user)));
  }

  app.on('GET', withSlash('/admin/users'), async (c) => {
    const ctx = await deps.contextFor(c);
    const asked = c.req.query();
    // Without paging parameters the panels expect every user (they page client-side).
    if (asked.page === undefined && asked.limit === undefined) return streamAllUsers(c, ctx);
    const q = readQuery(c, pageQuery);
    const data = await run<{ users: { edges: { node: CookieUserSource }[] } }>(ctx, PAGE, { first: q.limit, offset: (q.page - 1) * q.limit });
    return c.json(
      envelope(
        'Users fetched successfully',
        data.users.edges.map((e) => presentListUser(e.node)),
      ),
    );
  });

  app.on('GET', withSlash('/admin/user/:identifier'), async (c) =>
    c.json(envelope('User data fetched successfully', presentUser(await find(c, await deps.contextFor(c))))),
  );

  app.on('PUT', withSlash('/admin/user/:identifier'), async (c) => {
    const body = await readJson(c, putBody);
    const verify = body.Mail_verify ?? body.Mail_verification;
    return edit(c, {
      username: body.Username,
      mail: body.Mail,
      verified: verify === undefined ? undefined : Boolean(verify),
      level: body.PermLvl as Level | undefined,
    });
  });

  app.on('PATCH', withSlash('/admin/user/:identifier'), async (c) => {
    const body = await readJson(c, patchBody);
    const verify = body.mail_verify ?? body.mail_verification;
    return edit(c, {
      username: body.username,
      mail: body.mail,
      password: body.password,
      verified: verify === undefined ? undefined : Boolean(verify),
      level: body.perms as Level | undefined,
    });
  });

  app.on('POST', withSlash('/admin/user/role/:identifier'), async (c) => {
    const body = await readJson(c, roleBody);
    const wanted = body.role_level as Level;
    const expiresAt = body.expired_at ?? null;
    const role = levelRole(wanted);
    if (expiresAt && !role) throw new ShimError('BAD_INPUT', 'Levels 0 and 1 are the base level; they cannot be temporary');
    const ctx = await deps.contextFor(c);
    const user = await find(c, ctx);
    // A temporary level is a grant with an end (the user falls back by itself); a permanent one gives
    // its role and takes the other level roles away in one mutation (all or nothing).
    if (expiresAt) await run(ctx, ASSIGN, { input: { userId: user.id, role, expiresAt: expiresAt.toISOString() } });
    else await run(ctx, UPDATE, { input: { id: user.id, ...levelChange(user.roles, wanted) } });
    return c.json(
      envelope('User role and expiration updated successfully', {
        id: presentListUser(user).id,
        new_role_level: wanted,
        expired_at: expiresAt ? Math.floor(expiresAt.getTime() / 1000) : null,
      }),
    );
  });
}
