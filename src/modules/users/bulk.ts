import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import { Params } from '../../db/prepared.js';
import { compileFilter } from '../../db/filter.js';
import { BadInputError } from '../../core/errors.js';
import type { ActionContext } from '../context.js';
import { assignRoleTx, revokeRoleTx } from '../../access/grants.js';
import { lifecycleTx } from './lifecycle.js';
import { retagUsers } from './profile.js';
import { userFilterTable, type UserFilter } from './list.js';
import { users } from './table.js';
import { findStanding } from '../../access/standing.js';
import { assertOutranksAll, requireScope } from '../../access/policy.js';
import type { Scope } from '../../access/scopes.js';
import { accountName } from '../../access/status.js';

export const BULK_ACTIONS = ['TAG', 'UNTAG', 'SUSPEND', 'UNSUSPEND', 'ASSIGN_ROLE', 'REVOKE_ROLE'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
/** Actions that need a scope beyond admin:users:write. */
const BULK_SCOPE: Partial<Record<BulkAction, Scope>> = {
  SUSPEND: 'admin:users:ban',
  UNSUSPEND: 'admin:users:ban',
  ASSIGN_ROLE: 'admin:roles:grant',
  REVOKE_ROLE: 'admin:roles:grant',
};

/** More matches than this need a narrower filter: one transaction should not hold that many rows. */
export const MAX_BULK = 10_000;

export interface BulkArgs {
  filter: UserFilter;
  action: BulkAction;
  tags?: string[] | null;
  role?: string | null;
  until?: Date | null;
  expiresAt?: Date | null;
  reason?: string | null;
  dryRun: boolean;
}

/**
 * Applies one action to every user the filter matches, all or nothing, each user with its own
 * audit row and under the same rules as the single mutations. A match ranked at or above the actor
 * refuses the whole batch. With dryRun it only counts (and refuses what the run would refuse; over
 * MAX_BULK matches the ranks of the first MAX_BULK are checked, as the run itself is refused then).
 */
export async function bulkUpdateUsers(ctx: ActionContext, args: BulkArgs): Promise<{ matchedCount: number; changedCount: number; dryRun: boolean }> {
  const need = (field: 'tags' | 'role') => {
    if (!args[field] || (Array.isArray(args[field]) && !args[field].length))
      throw new BadInputError(`${args.action} needs ${field}`, [{ path: [field], message: `required for ${args.action}` }]);
  };
  if (args.action === 'TAG' || args.action === 'UNTAG') need('tags');
  if (args.action === 'ASSIGN_ROLE' || args.action === 'REVOKE_ROLE') need('role');
  const where = compileFilter(userFilterTable, args.filter, new Params(true)) ?? sql`true`;
  const result = await ctx.db.transaction(async (tx) => {
    const matched = await queryRows<{ id: string; name: string }>(
      tx,
      sql`select ${users.id}::text as id, ${accountName} as name from ${users} where ${where} order by ${users.id} limit ${MAX_BULK + 1}`,
    );
    // Where the actor stands is read once for the whole action, not once per user.
    const actor = await findStanding(tx, ctx.actor.actorId);
    const extra = BULK_SCOPE[args.action];
    if (extra) requireScope(actor, extra, `${args.action} needs ${extra}`);
    const targets = matched.slice(0, MAX_BULK).map((r) => ({ id: BigInt(r.id), name: r.name, path: ['filter'] }));
    // Every action, dry run or not: one match the actor may not act on refuses the whole batch,
    // naming every such match (the per-user steps below check again, by the same rule).
    await assertOutranksAll(tx, actor, targets);
    if (args.dryRun) {
      const [{ n }] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${users} where ${where}`);
      return { matchedCount: Number(n), changedCount: 0 };
    }
    if (matched.length > MAX_BULK)
      throw new BadInputError(`The filter matches more than ${MAX_BULK} users; narrow it`, [
        { path: ['filter'], message: `matches more than ${MAX_BULK} users` },
      ]);
    const ids = targets.map((t) => t.id);
    let changed = 0;
    switch (args.action) {
      case 'TAG':
      case 'UNTAG':
        changed = await retagUsers(ctx, tx, ids, args.tags!, args.action === 'TAG' ? 'add' : 'remove');
        break;
      case 'SUSPEND':
      case 'UNSUSPEND':
        for (const id of ids) {
          const change = args.action === 'SUSPEND' ? { kind: 'suspend' as const, until: args.until } : { kind: 'unsuspend' as const };
          if (await lifecycleTx(tx, ctx, id, change, args.reason ?? null, actor)) changed += 1;
        }
        break;
      case 'ASSIGN_ROLE':
      case 'REVOKE_ROLE': {
        for (const id of ids) {
          // Giving a role always (re)writes its grant; taking it away changes only those who held it.
          if (args.action === 'ASSIGN_ROLE') {
            await assignRoleTx(tx, ctx, actor, id, args.role!, { expiresAt: args.expiresAt });
            changed += 1;
          } else if ((await revokeRoleTx(tx, ctx, actor, id, args.role!, args.reason ?? null)).changed) {
            changed += 1;
          }
        }
        break;
      }
    }
    return { matchedCount: ids.length, changedCount: changed };
  });
  return { ...result, dryRun: args.dryRun };
}
