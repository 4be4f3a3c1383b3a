import { sql } from 'drizzle-orm';
import { Tokens } from '../access/tokens.js';
import { grantIsActive } from '../access/standing.js';
import { AppError } from '../core/errors.js';
import type { Database } from '../db/client.js';
import type { ActionContext } from '../modules/context.js';
import { roles, userRoles } from '../modules/roles/table.js';
import { openSession, revokeAllSessions } from '../modules/sessions/actions.js';
import { users } from '../modules/users/table.js';
import { createUser, linkExternalIdentity, updateUser } from '../modules/users/actions.js';
import { findUserByUsername, USER_SCALAR_FIELDS, userJsonSql } from '../modules/users/queries.js';
import { type CommandEnv, progress } from './output.js';

export type Values = Record<string, string | boolean | undefined>;

const TTL = /^(\d+)(s|m|h|d)$/;

function ttlSeconds(value: string): number {
  const m = TTL.exec(value);
  if (!m) throw new AppError('BAD_INPUT', `--ttl must look like 30m, 1h or 7d (got "${value}")`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's'];
}

function count(value: string | boolean | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new AppError('BAD_INPUT', `--${name} must be a whole number from 1 to ${max}`);
  return n;
}

async function userId(database: Database, username: string): Promise<bigint> {
  const user = await findUserByUsername(database.db, username, null, { fields: ['id'] });
  if (!user) throw new AppError('NOT_FOUND', `No local user named "${username}"`);
  return BigInt(user.id);
}

const actor = (env: CommandEnv, command: string): ActionContext => ({ db: env.database.db, actor: { actorId: null, requestId: `${env.via}:${command}` } });
const str = (v: string | boolean | undefined) => v as string;

export async function createAdmin(env: CommandEnv, v: Values): Promise<void> {
  const user = await createUser(
    actor(env, 'create-admin'),
    { username: str(v.username), email: str(v.email), password: str(v.password) },
    { roleNames: ['superadmin'] },
  );
  env.output.out(`Created superadmin ${user.username} (id ${user.id})\n`);
}

export async function token(env: CommandEnv, v: Values): Promise<void> {
  const ready = await env.secrets();
  const id = await userId(env.database, str(v.username));
  const ttl = v.ttl ? ttlSeconds(str(v.ttl)) : ready.jwt.accessTtlSeconds;
  const session = await openSession(
    actor(env, 'token'),
    new Tokens(ready.jwt),
    id,
    { ip: null, userAgent: 'cli' },
    { ttlSeconds: ttl, refreshTtlSeconds: ready.jwt.refreshTtlSeconds, action: 'session.cli-token' },
  );
  env.output.out(`Access token for ${str(v.username)}, valid until ${new Date(Date.now() + ttl * 1000).toISOString()}:\n${session.accessToken}\n`);
}

export async function linkIdentity(env: CommandEnv, v: Values): Promise<void> {
  const id = await userId(env.database, str(v.username));
  await linkExternalIdentity(actor(env, 'link-identity'), id, str(v.issuer), str(v.subject));
  env.output.out(`Linked ${str(v.issuer)} / ${str(v.subject)} to ${str(v.username)}\n`);
}

/** The same action as GraphQL's updateUser with a password: every session of the user ends. */
export async function setPassword(env: CommandEnv, v: Values): Promise<void> {
  const id = await userId(env.database, str(v.username));
  await updateUser(actor(env, 'set-password'), id, { password: str(v.password) });
  env.output.out(`Password of ${str(v.username)} changed; every session of theirs has ended\n`);
}

export async function revokeSessions(env: CommandEnv, v: Values): Promise<void> {
  const id = await userId(env.database, str(v.username));
  const ended = await revokeAllSessions(actor(env, 'revoke-sessions'), id, 'revoked from the CLI');
  env.output.out(`Ended ${ended} session${ended === 1 ? '' : 's'} of ${str(v.username)}\n`);
}

const roleNames = sql`(select coalesce(json_agg(${roles.name} order by ${roles.name}), '[]'::json) from ${userRoles}
  join ${roles} on ${roles.id} = ${userRoles.roleId} where ${userRoles.userId} = ${users.id} and ${grantIsActive})`;

/** Users by id after `after`: the API's own JSON of a user (no hash, no secret) and its role names. */
async function page(database: Database, after: bigint, limit: number): Promise<Record<string, unknown>[]> {
  const rows = await database.rows<{ u: Record<string, unknown> }>(
    sql`select ${userJsonSql({ fields: USER_SCALAR_FIELDS }, [['roles', roleNames]])} as u from ${users}
      where ${users.id} > ${after}::bigint order by ${users.id} limit ${limit}`,
  );
  return rows.map((r) => {
    const { __typename: _t, ...user } = typeof r.u === 'string' ? (JSON.parse(r.u) as Record<string, unknown>) : r.u;
    return user;
  });
}

/** A page of users as a table: id, username, email, status, roles. */
export async function listUsers(env: CommandEnv, v: Values): Promise<void> {
  const limit = count(v.limit, 'limit', 50, 1000);
  if (v.after !== undefined && !/^\d{1,19}$/.test(str(v.after))) throw new AppError('BAD_INPUT', '--after must be a user id');
  const after = v.after === undefined ? 0n : BigInt(str(v.after));
  const rows = await page(env.database, after, limit);
  const lines = [
    ['id', 'username', 'email', 'status', 'roles'],
    ...rows.map((u) => [u.id, u.username, u.email ?? '-', u.status, (u.roles as string[]).join(',') || '-']),
  ];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  for (const line of lines)
    env.output.out(
      `${line
        .map((c, i) => String(c).padEnd(widths[i]))
        .join('  ')
        .trimEnd()}\n`,
    );
  if (rows.length === limit) env.output.err(`more: --after ${String(rows.at(-1)?.id)}\n`);
}

/** Every user as one JSON line on stdout (the API's fields and role names; never a hash or secret). */
export async function exportUsers(env: CommandEnv): Promise<void> {
  const [{ n }] = await env.database.rows<{ n: string }>(sql`select count(*)::text as n from ${users}`);
  const step = progress(env.output, 'exported users', Number(n));
  let after = 0n;
  let done = 0;
  for (;;) {
    const rows = await page(env.database, after, 1000);
    if (rows.length === 0) break;
    env.output.out(rows.map((u) => `${JSON.stringify(u)}\n`).join(''));
    done += rows.length;
    after = BigInt(String(rows.at(-1)?.id));
    step(done);
    await env.output.flush?.();
  }
  step(done, true);
}
