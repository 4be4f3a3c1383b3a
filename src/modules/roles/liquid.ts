import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { enforcingScope, planLiquidScopes, type LiquidHolder, type LiquidPlan } from '../../access/liquid-scopes.js';
import { assertHoldsScopes, assertOutranksAll, assertRoleBelow, requireScope } from '../../access/policy.js';
import { findStanding, type Standing } from '../../access/standing.js';
import { accountName } from '../../access/status.js';
import { forbidden, NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit, type AuditEntry } from '../../db/audit.js';
import { queryRows, type Tx } from '../../db/client.js';
import { assertRoleAllows } from '../applications/actions.js';
import { applications } from '../applications/table.js';
import type { ActionContext } from '../context.js';
import { registerUserField } from '../users/extensions.js';
import { users } from '../users/table.js';
import { liquidScopeSets, roles, userScopes } from './table.js';
import { setLiquidScopesSchema } from './validation.js';

/**
 * Liquid scope names on users, applications and roles: reading them (User/Application/Role
 * .liquidScopes) and setting them (setLiquidScopes, Liquid's POST /user/admin-api/access). What the
 * names mean is access/liquid-scopes.ts; here they are stored (liquid_scope_sets) beside the catalog
 * grants they enforce, in one transaction.
 */

/** What an entity's Liquid names are read from: its catalog scopes and its stored names. */
export interface LiquidSource {
  scopes: string[];
  names: string[];
}

// A direct grant counts for Liquid's view until it expires (one scheduled to start is listed too).
const unexpired = sql`(${userScopes.expiresAt} is null or ${userScopes.expiresAt} > now())`;

const userScopesOf = (id: SQL) =>
  sql`coalesce((select array_agg(${userScopes.scope} order by ${userScopes.scope}) from ${userScopes} where ${userScopes.userId} = ${id} and ${unexpired}), '{}'::text[])`;
const storedOf = (column: SQL, id: SQL) => sql`coalesce((select ${liquidScopeSets.names} from ${liquidScopeSets} where ${column} = ${id}), '{}'::text[])`;

/** The Liquid sources of many users in one statement (ids as text). */
export async function liquidSourcesOfUsers(db: Tx, ids: readonly string[]): Promise<Map<string, LiquidSource>> {
  if (ids.length === 0) return new Map();
  const id = sql.raw('u.id');
  const rows = await queryRows<{ id: string; scopes: string[]; names: string[] }>(
    db,
    sql`select u.id::text as id, ${userScopesOf(id)} as scopes, ${storedOf(sql`${liquidScopeSets.userId}`, id)} as names
      from unnest(${`{${ids.join(',')}}`}::bigint[]) u(id)`,
  );
  return new Map(rows.map((r) => [r.id, { scopes: r.scopes, names: r.names }]));
}

// User.liquidScopes (liquid.schema.ts): a page of users reads it in its own statement.
registerUserField('liquidScopes', {
  all: [],
  empty: (): LiquidSource => ({ scopes: [], names: [] }),
  project: () => sql`json_build_object('scopes', ${userScopesOf(sql`${users.id}`)}, 'names', ${storedOf(sql`${liquidScopeSets.userId}`, sql`${users.id}`)})`,
  load: (db, ids) => liquidSourcesOfUsers(db, ids),
});

/** The stored names of many applications or roles (ids as text), in one statement. */
export async function storedLiquidNames(db: Tx, owner: 'application' | 'role', ids: readonly string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map();
  const column = owner === 'application' ? liquidScopeSets.applicationId : liquidScopeSets.roleId;
  const rows = await db
    .select({ id: sql<string>`${column}::text`, names: liquidScopeSets.names })
    .from(liquidScopeSets)
    .where(inArray(column, ids.map(BigInt)));
  return new Map(rows.map((r) => [r.id, r.names]));
}

/** The Liquid sources of many roles (their scopes and stored names), in one statement. */
export async function liquidSourcesOfRoles(db: Tx, ids: readonly string[]): Promise<Map<string, LiquidSource>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: sql<string>`${roles.id}::text`, scopes: roles.scopes, names: sql<string[]>`${storedOf(sql`${liquidScopeSets.roleId}`, sql`${roles.id}`)}` })
    .from(roles)
    .where(inArray(roles.id, ids.map(BigInt)));
  return new Map(rows.map((r) => [r.id, { scopes: r.scopes, names: r.names }]));
}

/** One entity a change applies to, locked, with what its names are read from. */
interface Target extends LiquidSource {
  key: bigint;
  name: string;
  path: string[];
  role?: { name: string; rank: number };
  appRole?: 'INTERNAL' | 'EXTERNAL';
}

type Input = z.output<typeof setLiquidScopesSchema>;

const HOLDER: Record<Input['targetType'], LiquidHolder> = { USER: 'user', APPLICATION: 'client', ROLE: 'role' };
const TARGET_TYPE = { USER: 'User', APPLICATION: 'Application', ROLE: 'Role' } as const;

function assertAllFound<T>(wanted: readonly T[], found: readonly T[], what: string, show: (t: T) => string = String): void {
  const missing = wanted.filter((w) => !found.includes(w));
  if (missing.length) throw new NotFoundError(`No such ${what}: ${missing.map(show).join(', ')}`);
}

async function lockTargets(tx: Tx, input: Input): Promise<Target[]> {
  const keys = [...new Set(input.targets ?? [])];
  const pathOf = (i: number) => ['targets', String(i)];
  if (input.targetType === 'USER') {
    const rows = await tx.select({ id: users.id, name: accountName }).from(users).where(inArray(users.id, keys)).orderBy(users.id).for('update');
    assertAllFound(
      keys,
      rows.map((r) => r.id),
      'user',
    );
    const sources = await liquidSourcesOfUsers(
      tx,
      rows.map((r) => r.id.toString()),
    );
    return rows.map((r) => ({ key: r.id, name: r.name, path: pathOf(keys.indexOf(r.id)), ...sources.get(r.id.toString())! }));
  }
  if (input.targetType === 'APPLICATION') {
    const rows = await tx.select().from(applications).where(inArray(applications.id, keys)).orderBy(applications.id).for('update');
    assertAllFound(
      keys,
      rows.map((r) => r.id),
      'application',
    );
    const stored = await storedLiquidNames(
      tx,
      'application',
      rows.map((r) => r.id.toString()),
    );
    return rows.map((r) => ({
      key: r.id,
      name: r.clientId,
      path: pathOf(keys.indexOf(r.id)),
      scopes: r.scopes,
      names: stored.get(r.id.toString()) ?? [],
      appRole: r.role,
    }));
  }
  const names = [...new Set((input.roleNames ?? []).map((n) => n.toLowerCase()))];
  const rows = await tx
    .select()
    .from(roles)
    .where(or(inArray(roles.id, keys), inArray(sql`lower(${roles.name})`, names)))
    .orderBy(roles.id)
    .for('update');
  assertAllFound(
    keys,
    rows.map((r) => r.id),
    'role',
  );
  assertAllFound(
    names,
    rows.map((r) => r.name.toLowerCase()),
    'role',
  );
  const stored = await storedLiquidNames(
    tx,
    'role',
    rows.map((r) => r.id.toString()),
  );
  return rows.map((r) => ({
    key: r.id,
    name: r.name,
    path: keys.includes(r.id) ? pathOf(keys.indexOf(r.id)) : ['roleNames', String(names.indexOf(r.name.toLowerCase()))],
    scopes: r.scopes,
    names: stored.get(r.id.toString()) ?? [],
    role: { name: r.name, rank: r.rank },
  }));
}

/** Nobody gives or takes away a Liquid name it does not hold (held: its enforcing catalog scope), nor a catalog scope. */
function assertHoldsPlan(actor: Standing, plan: LiquidPlan): void {
  const missing = plan.changedNames.filter((n) => !actor.scopes.has(enforcingScope(n)));
  if (missing.length) throw forbidden(`You cannot grant or take away scopes you do not hold: ${missing.join(', ')}`);
  assertHoldsScopes(actor, plan.changedScopes);
}

async function writeCatalog(tx: Tx, ctx: ActionContext, type: Input['targetType'], t: Target, plan: LiquidPlan): Promise<void> {
  if (type === 'USER') {
    const removed = t.scopes.filter((s) => !plan.scopes.includes(s));
    if (removed.length) await tx.delete(userScopes).where(and(eq(userScopes.userId, t.key), inArray(userScopes.scope, removed)));
    for (const scope of plan.scopes.filter((s) => !t.scopes.includes(s))) {
      await tx
        .insert(userScopes)
        .values({ userId: t.key, scope, grantedBy: ctx.actor.actorId })
        .onConflictDoUpdate({ target: [userScopes.userId, userScopes.scope], set: { startsAt: sql`now()`, expiresAt: null, grantedBy: ctx.actor.actorId } });
    }
  } else if (type === 'APPLICATION') {
    await tx.update(applications).set({ scopes: plan.scopes, updatedAt: new Date() }).where(eq(applications.id, t.key));
  } else {
    await tx.update(roles).set({ scopes: plan.scopes }).where(eq(roles.id, t.key));
  }
  const owner = type === 'USER' ? liquidScopeSets.userId : type === 'APPLICATION' ? liquidScopeSets.applicationId : liquidScopeSets.roleId;
  await tx.delete(liquidScopeSets).where(eq(owner, t.key));
  const column = type === 'USER' ? 'userId' : type === 'APPLICATION' ? 'applicationId' : 'roleId';
  await tx.insert(liquidScopeSets).values({ [column]: t.key, names: plan.after, updatedBy: ctx.actor.actorId });
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Liquid's access provisioning: sets, adds or takes away Liquid names on users, applications or
 * roles, all or nothing, in one transaction with one audit row per changed target. `SET` with the
 * names an entity reads back changes nothing. The gateway's rules hold: the rank rule on accounts,
 * roles ranked below the actor (and admin:roles:write to change a role), an external application
 * holds only reading scopes, and nobody gives or takes away a name or scope it does not hold.
 */
export async function setLiquidScopes(ctx: ActionContext, input: z.input<typeof setLiquidScopesSchema>): Promise<{ changedCount: number }> {
  const data = parseInput(setLiquidScopesSchema, input);
  const changed = await ctx.db.transaction(async (tx) => {
    const actor = await findStanding(tx, ctx.actor.actorId);
    if (data.targetType === 'ROLE') requireScope(actor, 'admin:roles:write', "Changing a role's scopes needs admin:roles:write");
    const targets = await lockTargets(tx, data);
    if (data.targetType === 'USER')
      await assertOutranksAll(
        tx,
        actor,
        targets.map((t) => ({ id: t.key, name: t.name, path: t.path })),
      );
    for (const t of targets) if (t.role) assertRoleBelow(actor, t.role);
    const audit: AuditEntry[] = [];
    for (const t of targets) {
      const plan = planLiquidScopes(HOLDER[data.targetType], t.scopes, t.names, data.scopes, data.operation);
      if (sameSet(plan.before, plan.after)) continue;
      assertHoldsPlan(actor, plan);
      if (t.appRole) assertRoleAllows(t.appRole, plan.scopes);
      await writeCatalog(tx, ctx, data.targetType, t, plan);
      audit.push({
        action: 'scopes.set',
        targetType: TARGET_TYPE[data.targetType],
        targetId: t.key.toString(),
        diff: {
          scopes: { from: [...t.scopes].sort(), to: [...plan.scopes].sort() },
          liquidScopes: { from: plan.before, to: plan.after },
          operation: data.operation,
        },
      });
    }
    await writeAudit(tx, ctx.actor, audit);
    return audit.length;
  });
  return { changedCount: changed };
}
