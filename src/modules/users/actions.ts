import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { hashPassword } from '../../auth/passwords.js';
import { queryRows, type Tx } from '../../db/client.js';
import { uniqueViolation } from '../../db/errors.js';
import { BadInputError, ConflictError, fromZodIssues, NotFoundError } from '../../graphql/errors.js';
import { diffOf, writeAudit } from '../audit/actions.js';
import type { ActionContext } from '../context.js';
import { roles, userRoles } from '../roles/table.js';
import { sessions } from '../sessions/table.js';
import { findUserById, type UserJson } from './queries.js';
import { externalIdentities, users, userTombstones } from './table.js';
import { createUserSchema, updateUserSchema, type CreateUserInput, type UpdateUserInput } from './validation.js';

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
  if (constraint.includes('username')) return new ConflictError('A user with this username already exists', [{ path: [prefix, 'username'], message: 'already taken' }]);
  return new ConflictError('A user with these values already exists');
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodIssues(result.error.issues, ['input']);
  return result.data;
}

async function loadForUpdate(tx: Tx, id: bigint): Promise<UserRow> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  if (!row) throw new NotFoundError('No such user');
  return row;
}

/** Creates a user (and optionally grants roles by name, for bootstrap and the CLI). */
export async function createUser(ctx: ActionContext, input: CreateUserInput, opts: { roleNames?: string[] } = {}): Promise<UserJson> {
  const data = parse(createUserSchema, input);
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  try {
    return await ctx.db.transaction(async (tx) => {
      const { password: _p, ...fields } = data;
      const [row] = await tx
        .insert(users)
        .values({ ...fields, tags: fields.tags ?? [], customData: fields.customData ?? {}, flags: fields.flags ?? 0, passwordHash })
        .returning();
      const audit = [{ action: 'user.create', targetType: 'User', targetId: row.id.toString(), diff: diffOf(null, auditView(row)) }];
      for (const name of opts.roleNames ?? []) {
        const [role] = await tx.select().from(roles).where(sql`lower(${roles.name}) = lower(${name})`);
        if (!role) throw new BadInputError(`No role named ${name}`, [{ path: ['roles'], message: 'no such role' }]);
        await tx.insert(userRoles).values({ userId: row.id, roleId: role.id, grantedBy: ctx.actor.actorId });
        audit.push({ action: 'role.assign', targetType: 'User', targetId: row.id.toString(), diff: { role: { from: null, to: role.name } } });
      }
      await writeAudit(tx, ctx.actor, audit);
      return (await findUserById(tx, row.id))!;
    });
  } catch (error) {
    throw conflictFor(error) ?? error;
  }
}

export async function updateUser(ctx: ActionContext, id: bigint, input: UpdateUserInput): Promise<UserJson> {
  const data = parse(updateUserSchema, input);
  const passwordHash = data.password ? await hashPassword(data.password) : undefined;
  try {
    return await ctx.db.transaction(async (tx) => {
      const before = await loadForUpdate(tx, id);
      if (before.status === 'DELETED') throw new ConflictError('The user is deleted; restore it first');
      const { password: _p, ...fields } = data;
      const changes: Partial<UserRow> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      for (const key of ['tags', 'customData', 'flags'] as const) {
        if (changes[key] === null) throw new BadInputError(`${key} cannot be null`, [{ path: ['input', key], message: 'cannot be null' }]);
      }
      if (passwordHash) changes.passwordHash = passwordHash;
      const diff = diffOf(auditView(before), auditView({ ...before, ...changes }));
      if (Object.keys(diff).length > 0) {
        await tx.update(users).set({ ...changes, updatedAt: new Date() }).where(eq(users.id, id));
        await writeAudit(tx, ctx.actor, [{ action: 'user.update', targetType: 'User', targetId: id.toString(), diff }]);
      }
      return (await findUserById(tx, id))!;
    });
  } catch (error) {
    throw conflictFor(error) ?? error;
  }
}

/** The identity a soft delete scrubs and a restore brings back. */
const SEALED_FIELDS = [
  'username', 'email', 'passwordHash', 'displayName', 'firstName', 'middleName', 'lastName',
  'phone', 'bio', 'pronouns', 'avatarHash', 'status', 'customData', 'timezone',
] as const satisfies readonly (keyof UserRow)[];

/**
 * Soft delete: renames to `Deleted User <hex>`, clears personal fields, makes the password unusable,
 * revokes every session, and seals the original identity in user_tombstones for restoreUser.
 */
export async function deleteUser(ctx: ActionContext, id: bigint, reason: string | null = null): Promise<{ before: UserJson; after: UserJson }> {
  const result = await ctx.db.transaction(async (tx) => {
    const row = await loadForUpdate(tx, id);
    if (row.status === 'DELETED') throw new ConflictError('The user is already deleted');
    const before = (await findUserById(tx, id))!;
    const snapshot = Object.fromEntries(SEALED_FIELDS.map((f) => [f, row[f]]));
    await tx.insert(userTombstones).values({ userId: id, snapshot }).onConflictDoUpdate({ target: userTombstones.userId, set: { snapshot, createdAt: new Date() } });
    const scrubbed = {
      username: `Deleted User ${randomBytes(4).toString('hex')}`,
      email: null,
      // Not an argon2 hash, so no password can ever match it.
      passwordHash: `!deleted:${randomBytes(16).toString('hex')}`,
      displayName: null, firstName: null, middleName: null, lastName: null, phone: null, bio: null,
      pronouns: null, avatarHash: null, timezone: null, customData: {},
      status: 'DELETED' as const,
      deletedAt: new Date(),
      updatedAt: new Date(),
    };
    await tx.update(users).set(scrubbed).where(eq(users.id, id));
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    await writeAudit(tx, ctx.actor, [
      { action: 'user.delete', targetType: 'User', targetId: id.toString(), diff: { ...diffOf(auditView(row), auditView({ ...row, ...scrubbed })), sessionsRevoked: revoked.length, reason } },
    ]);
    return { before, after: (await findUserById(tx, id))! };
  });
  ctx.forgetAuth?.('all');
  return result;
}

export async function restoreUser(ctx: ActionContext, id: bigint, reason: string | null = null): Promise<UserJson> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const row = await loadForUpdate(tx, id);
      const [tomb] = await tx.select().from(userTombstones).where(eq(userTombstones.userId, id));
      if (row.status !== 'DELETED' || !tomb) throw new ConflictError('The user is not deleted');
      const snapshot = tomb.snapshot as Partial<UserRow>;
      const restored = { ...snapshot, status: (snapshot.status ?? 'ACTIVE') as UserRow['status'], deletedAt: null, updatedAt: new Date() };
      await tx.update(users).set(restored).where(eq(users.id, id));
      await tx.delete(userTombstones).where(eq(userTombstones.userId, id));
      await writeAudit(tx, ctx.actor, [
        { action: 'user.restore', targetType: 'User', targetId: id.toString(), diff: { ...diffOf(auditView(row), auditView({ ...row, ...restored })), reason } },
      ]);
      return (await findUserById(tx, id))!;
    });
  } catch (error) {
    const conflict = conflictFor(error);
    if (conflict) throw new ConflictError(`Cannot restore: ${conflict.message.toLowerCase()} now`, conflict.fields);
    throw error;
  }
}

const FIRST = ['Abigail', 'Abraham', 'Ada', 'Alan', 'Barbara', 'Bea', 'Carlos', 'Chen', 'Dana', 'Diego', 'Elif', 'Emma', 'Fabian', 'Fatima', 'Gabriel', 'Grace', 'Hana', 'Ibrahim', 'Ines', 'Jonas', 'Kai', 'Layla', 'Liam', 'Mateo', 'Mia', 'Noah', 'Nour', 'Olga', 'Omar', 'Priya', 'Quinn', 'Rafael', 'Sara', 'Sabine', 'Tariq', 'Uma', 'Valentina', 'Wei', 'Yara', 'Zainab'];
const LAST = ['Abbott', 'Akhtar', 'Baker', 'Becker', 'Costa', 'Dubois', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jansen', 'Kowalski', 'Laban', 'Morales', 'Nakamura', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Sabbagh', 'Schmidt', 'Silva', 'Tanaka', 'Wagner', 'Yilmaz', 'Zhang'];
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
  const arr = (values: string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;
  return ctx.db.transaction(async (tx) => {
    const [{ base }] = await queryRows<{ base: string }>(tx, sql`select (coalesce(max(id), 0) + 1)::text as base from users`);
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`
      with names as (
        select g, (${arr(FIRST)})[1 + (g * 7919) % ${FIRST.length}::int] as first, (${arr(LAST)})[1 + (g * 104729) % ${LAST.length}::int] as last
        from generate_series(1::bigint, ${count}::bigint) g
      )
      insert into users (username, email, password_hash, display_name, first_name, last_name, country_code, timezone, status, created_at, updated_at)
      select lower(first) || '.' || lower(last) || '.' || (${base}::bigint + g),
             lower(first) || '.' || lower(last) || '.' || (${base}::bigint + g) || '@example.org',
             ${passwordHash}::text, first || ' ' || last, first, last,
             (${arr(COUNTRIES)})[1 + g % ${COUNTRIES.length}::int], (${arr(ZONES)})[1 + g % ${ZONES.length}::int],
             (case when g % 97 = 0 then 'DEACTIVATED' when g % 211 = 0 then 'SUSPENDED' else 'ACTIVE' end)::user_status,
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
