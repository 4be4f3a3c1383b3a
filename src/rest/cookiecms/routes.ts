import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { encodeId } from '../../graphql/ids.js';
import { mutationDocument, readJson, readQuery, run, ShimError, storableDate, type ShimDeps } from '../shim.js';
import { cookieError, envelope } from './errors.js';
import {
  COOKIE_USER_FIELDS,
  LEVEL_ROLES,
  levelOf,
  presentAudit,
  presentListUser,
  presentUser,
  type CookieAuditSource,
  type CookieUserSource,
} from './present.js';

const USER = `fragment CookieUser on User { ${COOKIE_USER_FIELDS} }`;
const LIST = `query CookieUsers($first: Int!, $offset: Int!) {
  users(first: $first, offset: $offset, orderBy: ID_ASC, filter: { not: { status: { in: [DELETED] } } }) { edges { node { ...CookieUser } } }
} ${USER}`;
const BY_ID = `query CookieUserById($id: ID!) { user(id: $id) { ...CookieUser } } ${USER}`;
const BY_NAME = `query CookieUserByName($name: String!) { userByUsername(username: $name) { ...CookieUser } } ${USER}`;
const AUDIT = `query CookieAudit($first: Int!) { auditLog(first: $first) { edges { node { seq at actor { id } action targetId } } } }`;
const op = (name: string) => mutationDocument(name, 'user { id }');

const MAIL_ALL = mutationDocument('mailAllUsers', 'job { id total }');

const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1), limit: z.coerce.number().int().min(1).max(100).default(100) });
const level = z.number().int().min(1).max(3);
const patchBody = z.strictObject({
  username: z.string().optional(),
  mail: z.string().optional(),
  mail_verify: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional(),
  mail_verification: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional(),
  password: z.string().optional(),
  perms: level.optional(),
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
const roleBody = z.strictObject({ user: z.number().int().optional(), role_level: level, expired_at: expiry.optional().nullable() });

/** CookieCMS's /api/admin: users, one user, its changes, temporary role levels, audit. */
export function cookieRoutes(deps: ShimDeps) {
  const app = new Hono();

  async function find(c: Context): Promise<CookieUserSource> {
    const ctx = await deps.contextFor(c);
    const identifier = c.req.param('identifier') ?? '';
    const data = /^\d{1,15}$/.test(identifier)
      ? await run<{ user: CookieUserSource | null }>(ctx, BY_ID, { id: encodeId('User', identifier) })
      : await run<{ userByUsername: CookieUserSource | null }>(ctx, BY_NAME, { name: identifier });
    const user = 'user' in data ? data.user : data.userByUsername;
    if (!user) throw new ShimError('NOT_FOUND', 'User not found');
    return user;
  }

  /** The roles to give and take for a permanent level (1: none of the level roles; 2, 3: that one only). */
  function levelChange(user: CookieUserSource, wanted: 1 | 2 | 3): { giveRoles: string[]; takeRoles: string[] } {
    const others = ([2, 3] as const).filter((lvl) => lvl !== wanted && user.roles.some((r) => r.name === LEVEL_ROLES[lvl])).map((lvl) => LEVEL_ROLES[lvl]);
    return { giveRoles: wanted === 1 ? [] : [LEVEL_ROLES[wanted]], takeRoles: others };
  }

  /** Sets the level: 1 takes away the level roles; 2 and 3 give theirs (until `expiresAt`, or for good, replacing the others). */
  async function setLevel(c: Context, user: CookieUserSource, wanted: 1 | 2 | 3, expiresAt: Date | null) {
    const ctx = await deps.contextFor(c);
    if (wanted === 1 && expiresAt) throw new ShimError('BAD_INPUT', 'Level 1 is the base level; it cannot be temporary');
    if (expiresAt) await run(ctx, op('assignRole'), { input: { userId: user.id, role: LEVEL_ROLES[wanted as 2 | 3], expiresAt: expiresAt.toISOString() } });
    // A permanent level gives one level role and takes the other away in one mutation (all or nothing).
    else await run(ctx, op('updateUser'), { input: { id: user.id, ...levelChange(user, wanted) } });
  }

  app.get('/users', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, pageQuery);
    const data = await run<{ users: { edges: { node: CookieUserSource }[] } }>(ctx, LIST, { first: q.limit, offset: (q.page - 1) * q.limit });
    return c.json(
      envelope(
        'Users fetched successfully',
        data.users.edges.map((e) => presentListUser(e.node)),
      ),
    );
  });

  app.get('/user/:identifier', async (c) => c.json(envelope('User data fetched successfully', presentUser(await find(c)))));

  app.patch('/user/:identifier', async (c) => {
    const body = await readJson(c, patchBody);
    const user = await find(c);
    const ctx = await deps.contextFor(c);
    const changes: Record<string, unknown> = Object.fromEntries(
      Object.entries({ username: body.username, email: body.mail, password: body.password }).filter(([, v]) => v !== undefined),
    );
    // The level change and the verified state travel in the same updateUser as the profile (one
    // transaction), so a refused level or a bad field writes nothing at all.
    if (body.perms !== undefined && body.perms !== levelOf(user.roles)) Object.assign(changes, levelChange(user, body.perms as 1 | 2 | 3));
    const verify = body.mail_verify ?? body.mail_verification;
    if (verify !== undefined) changes.verified = Boolean(verify);
    if (Object.keys(changes).length) await run(ctx, op('updateUser'), { input: { id: user.id, ...changes } });
    // Read back by id: the username (an identifier) may just have changed.
    const after = await run<{ user: CookieUserSource }>(ctx, BY_ID, { id: user.id });
    return c.json(envelope('User updated successfully', presentUser(after.user)));
  });

  app.post('/user/role/:identifier', async (c) => {
    const body = await readJson(c, roleBody);
    const user = await find(c);
    await setLevel(c, user, body.role_level as 1 | 2 | 3, body.expired_at ?? null);
    return c.json(
      envelope('User role and expiration updated successfully', {
        id: presentListUser(user).id,
        new_role_level: body.role_level,
        expired_at: body.expired_at ? Math.floor(body.expired_at.getTime() / 1000) : null,
      }),
    );
  });

  app.post('/mail', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, z.strictObject({ subject: z.string(), message: z.string() }));
    const data = await run<{ mailAllUsers: { job: { id: string; total: number } } }>(ctx, MAIL_ALL, { input: body });
    // The mail goes out through the outbox; the job id lets an admin UI follow it (mailJob).
    return c.json(envelope('Email sent successfully to all users', { job: data.mailAllUsers.job.id, recipients: data.mailAllUsers.job.total }));
  });

  app.get('/audit', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, pageQuery);
    const data = await run<{ auditLog: { edges: { node: CookieAuditSource }[] } }>(ctx, AUDIT, { first: q.limit });
    return c.json(
      envelope(
        'Audit fetched successfully',
        data.auditLog.edges.map((e) => presentAudit(e.node)),
      ),
    );
  });

  app.onError((error, c) => cookieError(c, error));
  app.notFound((c) => c.json(envelope('Not found', null, true), 404));
  return app;
}
