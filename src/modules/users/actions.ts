import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { textArray } from '../../db/arrays.js';
import { hashPassword } from '../../access/passwords.js';
import { queryRows, type Tx } from '../../db/client.js';
import { uniqueViolation } from '../../db/errors.js';
import { BadInputError, ConflictError, fromZodIssues, parseInput, type FieldProblem } from '../../core/errors.js';
import { assignRoleTx, revokeRoleTx } from '../../access/grants.js';
import { roles, userRoles } from '../roles/table.js';
import { diffOf, writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { endSessions, endSessionsOnPasswordChange } from '../../access/session-ending.js';
import { lifecycleTx, lockTarget } from './lifecycle.js';
import { findUserById, findUsersByIds, type UserJson } from './queries.js';
import { externalIdentities, users, userTombstones } from './table.js';
import { createUserSchema, updateUserSchema, type CreateUserInput, type UpdateUserInput } from './validation.js';
import { findStanding, grantIsActive } from '../../access/standing.js';

type UserRow = typeof users.$inferSelect;

/** The fields an audit diff shows of a user (the password hash only as "changed"). */
function auditView(row: Partial<UserRow>): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = row;
  return rest;
}

function conflictFor(error: unknown, prefix = 'input'): ConflictError | null {
  const constraint = uniqueViolation(error);
  if (!constraint) return null;
  if (constraint.includes('email')) return new ConflictError('A user with this email already exists', [{ path: [prefix, 'email'], message: 'already taken' }]);
  if (constraint.includes('username'))
    return new ConflictError('A user with this username already exists', [{ path: [prefix, 'username'], message: 'already taken' }]);
  return new ConflictError('A user with these values already exists');
}

export const MAX_BATCH = 1000;

/** Passwords hashed a few at a time: argon2 takes 64 MiB each, and the pool has four threads. */
async function hashAll(passwords: (string | null | undefined)[]): Promise<(string | null)[]> {
  const out: (string | null)[] = new Array(passwords.length).fill(null);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < passwords.length; i = next++) out[i] = passwords[i] ? await hashPassword(passwords[i]!) : null;
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

/**
 * Creates users, all or nothing: every item is validated first and every problem is reported with
 * its item's path (`input.users.3.email`); names and emails taken (in the batch or already) are
 * conflicts. Each item may name a role, given under the rank rules. One audit row per user.
 */
export async function createUsers(ctx: ActionContext, inputs: CreateUserInput[], opts: { prefix?: string[]; roleNames?: string[] } = {}): Promise<UserJson[]> {
  const prefix = opts.prefix ?? ['input', 'users'];
  const at = (i: number) => (opts.prefix ? prefix : [...prefix, String(i)]);
  if (inputs.length === 0 || inputs.length > MAX_BATCH)
    throw new BadInputError(`between 1 and ${MAX_BATCH} users at once`, [{ path: prefix, message: `between 1 and ${MAX_BATCH} users` }]);
  const problems: FieldProblem[] = [];
  const items = inputs.map((input, i) => {
    const result = createUserSchema.safeParse(input);
    if (!result.success) problems.push(...fromZodIssues(result.error.issues, at(i)).fields);
    return result.data;
  });
  if (problems.length)
    throw new BadInputError(
      `${problems[0].path.join('.')}: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      problems,
    );
  const valid = items as NonNullable<(typeof items)[number]>[];

  const conflicts: FieldProblem[] = [];
  const seen = new Map<string, number>();
  valid.forEach((u, i) => {
    for (const [field, key] of [
      ['username', `u:${u.username.toLowerCase()}@${u.domain ?? ''}`],
      ['email', u.email ? `e:${u.email.toLowerCase()}` : null],
    ] as const) {
      if (!key) continue;
      if (seen.has(key)) conflicts.push({ path: [...at(i), field], message: `same as item ${seen.get(key)}` });
      else seen.set(key, i);
    }
  });
  const taken = await queryRows<{ key: string }>(
    ctx.db,
    sql`select 'u:' || lower(username) || '@' || coalesce(domain, '') as key from ${users}
        where (lower(username), coalesce(domain, '')) in (select lower(n), d from unnest(${textArray(valid.map((u) => u.username))}, ${textArray(valid.map((u) => u.domain ?? ''))}) x(n, d))
      union all
      select 'e:' || lower(email) from ${users} where lower(email) = any(${textArray(valid.flatMap((u) => (u.email ? [u.email.toLowerCase()] : [])))})`,
  );
  for (const { key } of taken) {
    const i = seen.get(key);
    if (i !== undefined) conflicts.push({ path: [...at(i), key.startsWith('u:') ? 'username' : 'email'], message: 'already taken' });
  }
  if (conflicts.length) {
    const field = conflicts[0].path.at(-1);
    throw new ConflictError(
      conflicts.length === 1 ? `A user with this ${field} already exists` : `${conflicts.length} usernames or emails are already taken`,
      conflicts,
    );
  }

  const hashes = await hashAll(valid.map((u) => u.password));
  try {
    return await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .insert(users)
        .values(
          valid.map(({ password: _p, role: _r, ...fields }, i) => ({
            ...fields,
            tags: fields.tags ?? [],
            customData: fields.customData ?? {},
            flags: fields.flags ?? 0,
            passwordHash: hashes[i],
          })),
        )
        .returning();
      await writeAudit(
        tx,
        ctx.actor,
        rows.map((row) => ({ action: 'user.create', targetType: 'User', targetId: row.id.toString(), diff: diffOf(null, auditView(row)) })),
      );
      const grants = valid.map((u, i) => [rows[i].id, [...(u.role ? [u.role] : []), ...(opts.roleNames ?? [])]] as const).filter(([, names]) => names.length);
      if (grants.length) {
        const actor = await findStanding(tx, ctx.actor.actorId);
        for (const [id, names] of grants) for (const name of names) await assignRoleTx(tx, ctx, actor, id, name, {});
      }
      return findUsersByIds(
        tx,
        rows.map((r) => r.id),
      );
    });
  } catch (error) {
    throw conflictFor(error) ?? error;
  }
}

/** Creates one user (and optionally grants roles by name, for bootstrap and the CLI). */
export async function createUser(ctx: ActionContext, input: CreateUserInput, opts: { roleNames?: string[] } = {}): Promise<UserJson> {
  const [user] = await createUsers(ctx, [input], { ...opts, prefix: ['input'] });
  return user;
}

export async function updateUser(ctx: ActionContext, id: bigint, input: UpdateUserInput): Promise<UserJson> {
  const data = parseInput(updateUserSchema, input);
  const passwordHash = data.password ? await hashPassword(data.password) : undefined;
  try {
    const user = await ctx.db.transaction(async (tx) => {
      const actor = await findStanding(tx, ctx.actor.actorId);
      const before = await lockTarget(tx, ctx, id, 'update', { actor });
      const { password: _p, giveRoles, takeRoles, verified, ...fields } = data;
      const changes: Partial<UserRow> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      for (const key of ['tags', 'customData', 'flags'] as const) {
        if (changes[key] === null) throw new BadInputError(`${key} cannot be null`, [{ path: ['input', key], message: 'cannot be null' }]);
      }
      if (passwordHash) changes.passwordHash = passwordHash;
      const diff = diffOf(auditView(before), auditView({ ...before, ...changes }));
      if (Object.keys(diff).length > 0) {
        await tx
          .update(users)
          .set({ ...changes, updatedAt: new Date() })
          .where(eq(users.id, id));
        const revoked = passwordHash ? await endSessionsOnPasswordChange(tx, ctx, id, 'change') : 0;
        await writeAudit(tx, ctx.actor, [
          { action: 'user.update', targetType: 'User', targetId: id.toString(), diff: passwordHash ? { ...diff, sessionsRevoked: revoked } : diff },
        ]);
      }
      // verifyUser's change and audit row (same scope, same rank rule: lockTarget above), in this transaction.
      if (verified !== undefined) await lifecycleTx(tx, ctx, id, { kind: 'verify', on: verified }, null, actor);
      // In the same transaction, so a refused role change leaves the profile unchanged too.
      if (giveRoles?.length || takeRoles?.length) await changeRoles(tx, ctx, id, giveRoles ?? [], takeRoles ?? []);
      return (await findUserById(tx, id))!;
    });
    return user;
  } catch (error) {
    throw conflictFor(error) ?? error;
  }
}

/** The identity a soft delete scrubs and a restore brings back. */
const SEALED_FIELDS = [
  'username',
  'email',
  'passwordHash',
  'displayName',
  'firstName',
  'middleName',
  'lastName',
  'phone',
  'bio',
  'pronouns',
  'avatarHash',
  'status',
  'customData',
  'timezone',
] as const satisfies readonly (keyof UserRow)[];

/**
 * Soft delete: renames to `Deleted User <hex>`, clears personal fields, makes the password unusable,
 * revokes every session, and seals the original identity in user_tombstones for restoreUser.
 */
/** Gives the roles of `give` (open-ended from now, as assignRole) and takes away those of `take` held now (and not given), under the rank rules. */
async function changeRoles(tx: Tx, ctx: ActionContext, id: bigint, give: string[], take: string[]): Promise<void> {
  const actor = await findStanding(tx, ctx.actor.actorId);
  const rows = await tx
    .select({ name: roles.name })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(userRoles.userId, id), grantIsActive));
  const held = new Set(rows.map((r) => r.name));
  for (const name of new Set(give)) await assignRoleTx(tx, ctx, actor, id, name, {});
  for (const name of new Set(take)) if (held.has(name) && !give.includes(name)) await revokeRoleTx(tx, ctx, actor, id, name);
}

export async function deleteUser(ctx: ActionContext, id: bigint, reason: string | null = null): Promise<{ before: UserJson; after: UserJson }> {
  const result = await ctx.db.transaction(async (tx) => {
    const row = await lockTarget(tx, ctx, id, 'delete', { notSelf: true, allowDeleted: true });
    if (row.status === 'DELETED') throw new ConflictError('The user is already deleted');
    const before = (await findUserById(tx, id))!;
    const snapshot = Object.fromEntries(SEALED_FIELDS.map((f) => [f, row[f]]));
    await tx
      .insert(userTombstones)
      .values({ userId: id, snapshot })
      .onConflictDoUpdate({ target: userTombstones.userId, set: { snapshot, createdAt: new Date() } });
    const scrubbed = {
      username: `Deleted User ${randomBytes(4).toString('hex')}`,
      email: null,
      // Not an argon2 hash, so no password can ever match it.
      passwordHash: `!deleted:${randomBytes(16).toString('hex')}`,
      displayName: null,
      firstName: null,
      middleName: null,
      lastName: null,
      phone: null,
      bio: null,
      pronouns: null,
      avatarHash: null,
      timezone: null,
      customData: {},
      status: 'DELETED' as const,
      deletedAt: new Date(),
      updatedAt: new Date(),
    };
    await tx.update(users).set(scrubbed).where(eq(users.id, id));
    const revoked = (await endSessions(tx, [id])).length;
    await writeAudit(tx, ctx.actor, [
      {
        action: 'user.delete',
        targetType: 'User',
        targetId: id.toString(),
        diff: { ...diffOf(auditView(row), auditView({ ...row, ...scrubbed })), sessionsRevoked: revoked, reason },
      },
    ]);
    return { before, after: (await findUserById(tx, id))! };
  });
  return result;
}

export async function restoreUser(ctx: ActionContext, id: bigint, reason: string | null = null): Promise<UserJson> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const row = await lockTarget(tx, ctx, id, 'restore', { allowDeleted: true });
      const [tomb] = await tx.select().from(userTombstones).where(eq(userTombstones.userId, id));
      if (row.status !== 'DELETED' || !tomb)
        throw new ConflictError(row.erasedAt ? 'The user was erased; nothing is left to restore' : 'The user is not deleted');
      const snapshot = tomb.snapshot as Partial<UserRow>;
      const restored = { ...snapshot, status: (snapshot.status ?? 'ACTIVE') as UserRow['status'], deletedAt: null, updatedAt: new Date() };
      await tx.update(users).set(restored).where(eq(users.id, id));
      await tx.delete(userTombstones).where(eq(userTombstones.userId, id));
      await writeAudit(tx, ctx.actor, [
        {
          action: 'user.restore',
          targetType: 'User',
          targetId: id.toString(),
          diff: { ...diffOf(auditView(row), auditView({ ...row, ...restored })), reason },
        },
      ]);
      return (await findUserById(tx, id))!;
    });
  } catch (error) {
    const conflict = conflictFor(error);
    if (conflict) throw new ConflictError(`Cannot restore: ${conflict.message.toLowerCase()} now`, conflict.fields);
    throw error;
  }
}

const FIRST = [
  'Abigail',
  'Abraham',
  'Ada',
  'Alan',
  'Barbara',
  'Bea',
  'Carlos',
  'Chen',
  'Dana',
  'Diego',
  'Elif',
  'Emma',
  'Fabian',
  'Fatima',
  'Gabriel',
  'Grace',
  'Hana',
  'Ibrahim',
  'Ines',
  'Jonas',
  'Kai',
  'Layla',
  'Liam',
  'Mateo',
  'Mia',
  'Noah',
  'Nour',
  'Olga',
  'Omar',
  'Priya',
  'Quinn',
  'Rafael',
  'Sara',
  'Sabine',
  'Tariq',
  'Uma',
  'Valentina',
  'Wei',
  'Yara',
  'Zainab',
];
const LAST = [
  'Abbott',
  'Akhtar',
  'Baker',
  'Becker',
  'Costa',
  'Dubois',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Laban',
  'Morales',
  'Nakamura',
  'Novak',
  'Okafor',
  'Petrov',
  'Rossi',
  'Sabbagh',
  'Schmidt',
  'Silva',
  'Tanaka',
  'Wagner',
  'Yilmaz',
  'Zhang',
];
const COUNTRIES = ['DE', 'US', 'BR', 'FR', 'JP', 'IN', 'NG', 'TR', 'PL', 'GB'];
const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Sao_Paulo', 'Europe/Paris', 'Asia/Tokyo', 'Asia/Kolkata', 'Africa/Lagos'];

/**
 * Demo users for development and the bench: realistic names spread over three years, about 1% moderators
 * and 0.2% admins, all sharing one precomputed password hash. One INSERT ... SELECT does the rows; each
 * user still gets its own chained audit row.
 */
export async function seedUsers(ctx: ActionContext, count: number, password: string): Promise<{ inserted: number }> {
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) throw new BadInputError('count must be between 1 and 10,000,000');
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async (tx) => {
    const [{ base }] = await queryRows<{ base: string }>(tx, sql`select (coalesce(max(id), 0) + 1)::text as base from users`);
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`
      with names as (
        select g, (${textArray(FIRST)})[1 + (g * 7919) % ${FIRST.length}::int] as first, (${textArray(LAST)})[1 + (g * 104729) % ${LAST.length}::int] as last
        from generate_series(1::bigint, ${count}::bigint) g
      )
      insert into users (username, email, password_hash, display_name, first_name, last_name, country_code, timezone, status, custom_data, created_at, updated_at)
      select lower(first) || '.' || lower(last) || '.' || (${base}::bigint + g),
             lower(first) || '.' || lower(last) || '.' || (${base}::bigint + g) || '@example.org',
             ${passwordHash}::text, first || ' ' || last, first, last,
             (${textArray(COUNTRIES)})[1 + g % ${COUNTRIES.length}::int], (${textArray(ZONES)})[1 + g % ${ZONES.length}::int],
             (case when g % 97 = 0 then 'DEACTIVATED' when g % 211 = 0 then 'SUSPENDED' else 'ACTIVE' end)::user_status,
             jsonb_build_object('plan', (array['free', 'free', 'pro', 'team'])[1 + (g * 31) % 4], 'newsletter', g % 5 = 0),
             now() - make_interval(secs => (g * 7793 % 94608000)), now()
      from names
      returning id::text`,
    );
    await tx.execute(sql`
      insert into user_roles (user_id, role_id, granted_by)
      select u.id, r.id, ${ctx.actor.actorId}::bigint
      from users u join roles r on r.name = case when u.id % 500 = 0 then 'admin' else 'moderator' end
      where u.id >= ${base}::bigint and (u.id % 100 = 0)`);
    await writeAudit(
      tx,
      ctx.actor,
      rows.map((r) => ({ action: 'user.create', targetType: 'User', targetId: r.id, diff: { seeded: true } })),
    );
    return { inserted: rows.length };
  });
}

/** Maps an identity provider's (issuer, subject) to a local user, so its JWTs act as that user. */
export async function linkExternalIdentity(ctx: ActionContext, userId: bigint, issuer: string, subject: string): Promise<void> {
  if (!issuer || !subject) throw new BadInputError('issuer and subject are required');
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(externalIdentities).values({ issuer, subject, userId });
      await writeAudit(tx, ctx.actor, [{ action: 'user.link-identity', targetType: 'User', targetId: userId.toString(), diff: { issuer, subject } }]);
    });
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError('This identity is already linked to a user');
    throw error;
  }
}
