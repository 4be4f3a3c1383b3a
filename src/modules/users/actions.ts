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
import { endSessionsOnPasswordChange } from '../../access/session-ending.js';
import { lifecycleTx, lockTarget } from './lifecycle.js';
import { findUserById, findUsersByIds, type UserJson } from './queries.js';
import { externalIdentities, users } from './table.js';
import { createUserSchema, updateUserSchema, type CreateUserInput, type UpdateUserInput } from './validation.js';
import { findStanding, grantIsActive } from '../../access/standing.js';
import { auditView, conflictFor, type UserRow } from './write-helpers.js';
import { swapAvatarReference } from './avatar.js';

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
  const prefix = opts.prefix ?? ['users'];
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
            emailVerified: fields.emailVerified ?? false,
            passwordHash: hashes[i],
          })),
        )
        .returning();
      for (const row of rows) if (row.avatarHash) await swapAvatarReference(tx, null, row.avatarHash);
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
  const [user] = await createUsers(ctx, [input], { ...opts, prefix: [] });
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
      for (const key of ['tags', 'customData', 'flags', 'emailVerified'] as const) {
        if (changes[key] === null) throw new BadInputError(`${key} cannot be null`, [{ path: [key], message: 'cannot be null' }]);
      }
      if (passwordHash) changes.passwordHash = passwordHash;
      if (changes.avatarHash !== undefined && changes.avatarHash !== before.avatarHash) await swapAvatarReference(tx, before.avatarHash, changes.avatarHash);
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
