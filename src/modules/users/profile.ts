import { eq, sql } from 'drizzle-orm';
import { bigintArray, textArray } from '../../db/arrays.js';
import { queryRows, type Tx } from '../../db/client.js';
import { BadInputError, NotFoundError } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { lockTarget } from './lifecycle.js';
import { findUserById, type UserJson } from './queries.js';
import { users } from './table.js';
import { profileFields } from './validation.js';
import { assertOutranksAll, type BatchTarget } from '../../access/policy.js';
import { findStanding } from '../../access/standing.js';
import { accountName } from '../../access/status.js';

/**
 * Users named by ID or by username (`name` local, `name@domain` remote); all must exist.
 * Missing names are reported together. Each target keeps the input field that named it
 * (`input.ids.<n>`, `input.usernames.<n>`), so a refusal can point at it.
 */
export async function resolveUsers(db: Tx, ids: readonly bigint[], usernames: readonly string[]): Promise<BatchTarget[]> {
  const targets: BatchTarget[] = [];
  if (ids.length) {
    const rows = await db
      .select({ id: users.id, name: accountName })
      .from(users)
      .where(sql`${users.id} = any(${bigintArray(ids)})`);
    const byId = new Map(rows.map((r) => [r.id, r.name]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) throw new NotFoundError(`No such user: ${missing.join(', ')}`);
    for (const [i, id] of ids.entries()) targets.push({ id, name: byId.get(id) ?? id.toString(), path: ['ids', String(i)] });
  }
  if (usernames.length) {
    const rows = await queryRows<{ id: string; n: number; name: string }>(
      db,
      sql`select ${users.id}::text as id, n.i::int as n, ${accountName} as name from unnest(${textArray(usernames)}) with ordinality n(name, i)
        join ${users} on lower(${users.username}) = lower(split_part(n.name, '@', 1))
          and coalesce(${users.domain}, '') = lower(coalesce(nullif(split_part(n.name, '@', 2), ''), ''))`,
    );
    const byPosition = new Map(rows.map((r) => [r.n - 1, r]));
    const missing = usernames.filter((_, i) => !byPosition.has(i));
    if (missing.length) throw new NotFoundError(`No such user: ${missing.join(', ')}`);
    for (const i of usernames.keys()) {
      const row = byPosition.get(i);
      if (row) targets.push({ id: BigInt(row.id), name: row.name, path: ['usernames', String(i)] });
    }
  }
  return targets;
}

const tagList = profileFields.tags.unwrap().unwrap();

/**
 * Adds (or removes) tags on many users in one statement (callers have checked ranks: tagUsers, bulk); each user whose tags changed gets an
 * audit row. Returns the number changed.
 */
export async function retagUsers(ctx: ActionContext, tx: Tx, ids: readonly bigint[], tags: readonly string[], op: 'add' | 'remove'): Promise<number> {
  const parsed = tagList.min(1, 'at least one tag').safeParse(tags);
  if (!parsed.success) throw new BadInputError(`tags: ${parsed.error.issues[0].message}`, [{ path: ['tags'], message: parsed.error.issues[0].message }]);
  if (ids.length === 0) return 0;
  const t = textArray(parsed.data);
  const rows = await queryRows<{ id: string; before: string[]; after: string[] }>(
    tx,
    sql`update ${users} u set tags = ${op === 'add' ? sql`(select array_agg(distinct x order by x) from unnest(old.tags || ${t}) x)` : sql`array(select x from unnest(old.tags) x where x <> all(${t}))`},
        updated_at = now()
      from (select id, tags from ${users} where id = any(${bigintArray(ids)}) and status <> 'DELETED' order by id for update) old
      where u.id = old.id and ${op === 'add' ? sql`not (old.tags @> ${t})` : sql`old.tags && ${t}`}
      returning u.id::text as id, old.tags as before, u.tags as after`,
  );
  if (rows.some((r) => r.after.length > 100))
    throw new BadInputError('A user may carry at most 100 tags', [{ path: ['tags'], message: 'at most 100 tags per user' }]);
  await writeAudit(
    tx,
    ctx.actor,
    rows.map((r) => ({
      action: op === 'add' ? 'user.tag' : 'user.untag',
      targetType: 'User',
      targetId: r.id,
      diff: { tags: { from: r.before, to: r.after } },
    })),
  );
  return rows.length;
}

/**
 * tagUsers / untagUsers: the whole batch is refused (FORBIDDEN, nothing written) when the actor may
 * not act on one of the accounts, by the same rank rule as every other account write.
 */
export async function tagUsers(
  ctx: ActionContext,
  ids: bigint[],
  usernames: string[],
  tags: string[],
  op: 'add' | 'remove',
): Promise<{ changedCount: number; ids: bigint[] }> {
  return ctx.db.transaction(async (tx) => {
    const targets = await resolveUsers(tx, ids, usernames);
    await assertOutranksAll(tx, await findStanding(tx, ctx.actor.actorId), targets);
    const unique = [...new Set(targets.map((t) => t.id))];
    return { changedCount: await retagUsers(ctx, tx, unique, tags, op), ids: unique };
  });
}

const MAX_CUSTOM_DATA = 64 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, anything else replaces; null deletes the key. */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = deepMerge(out[key] as Record<string, unknown>, value);
    else out[key] = value;
  }
  return out;
}

/** Replaces or deep-merges customData under a row lock; the result must stay within 64 KB. */
export async function updateCustomData(ctx: ActionContext, id: bigint, data: unknown, mode: 'REPLACE' | 'MERGE'): Promise<UserJson> {
  if (!isObject(data)) throw new BadInputError('data must be a JSON object', [{ path: ['data'], message: 'must be a JSON object' }]);
  return ctx.db.transaction(async (tx) => {
    const row = await lockTarget(tx, ctx, id, 'change');
    const next = mode === 'MERGE' ? deepMerge(row.customData, data) : data;
    if (Buffer.byteLength(JSON.stringify(next)) > MAX_CUSTOM_DATA)
      throw new BadInputError('customData must stay within 64 KB', [{ path: ['data'], message: 'the result exceeds 64 KB' }]);
    await tx.update(users).set({ customData: next, updatedAt: new Date() }).where(eq(users.id, id));
    await writeAudit(tx, ctx.actor, [
      { action: 'user.custom-data', targetType: 'User', targetId: id.toString(), diff: { customData: { from: row.customData, to: next }, mode } },
    ]);
    return (await findUserById(tx, id))!;
  });
}

export type CreditOperation = 'INCREMENT' | 'DECREMENT' | 'SET';

/**
 * One UPDATE computes the new balance from the locked row, so parallel adjustments never lose one;
 * a result below zero changes nothing and is BAD_INPUT.
 */
export async function adjustCredits(ctx: ActionContext, id: bigint, operation: CreditOperation, value: number): Promise<UserJson> {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new BadInputError('value must be a whole number of at least 0', [{ path: ['value'], message: 'a whole number of at least 0' }]);
  return ctx.db.transaction(async (tx) => {
    await lockTarget(tx, ctx, id, 'change');
    const next =
      operation === 'SET' ? sql`${value}::bigint` : operation === 'INCREMENT' ? sql`old.credits + ${value}::bigint` : sql`old.credits - ${value}::bigint`;
    const [row] = await queryRows<{ before: string; after: string }>(
      tx,
      sql`update ${users} u set credits = ${next}, updated_at = now()
        from (select id, credits from ${users} where id = ${id}) old
        where u.id = old.id and ${next} >= 0
        returning old.credits::text as before, u.credits::text as after`,
    );
    if (!row) throw new BadInputError('Credits cannot go below zero', [{ path: ['value'], message: 'the balance would go below zero' }]);
    await writeAudit(tx, ctx.actor, [
      {
        action: 'user.credits',
        targetType: 'User',
        targetId: id.toString(),
        diff: { credits: { from: Number(row.before), to: Number(row.after) }, operation, value },
      },
    ]);
    return (await findUserById(tx, id))!;
  });
}
