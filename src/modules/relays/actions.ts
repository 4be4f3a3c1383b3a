import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { NotFoundError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { Tx } from '../../db/client.js';
import type { ActionContext } from '../context.js';
import { followActivity, relayUrls, undoActivity } from './activities.js';
import type { RelayEnv } from './env.js';
import { ensureRelayKeys } from './keys.js';
import { findSubscriptionByUrl, hostOf, type RelaySubscriptionRow } from './queries.js';
import { fetchRelayActor } from './remote.js';
import { relayDeliveries, relaySubscriptions } from './table.js';
import { relayUrlSchema } from './validation.js';

/** Queues an activity for the worker (it is sent only if the change commits) and wakes the workers. */
export async function enqueueDelivery(tx: Tx, inboxUrl: string, activity: Record<string, unknown>): Promise<void> {
  await tx.insert(relayDeliveries).values({ inboxUrl, activity });
  await tx.execute(sql`select pg_notify('gateway_relay', 'delivery')`);
}

const activityId = (env: RelayEnv) => `${relayUrls(env.publicUrl).id}/activities/${randomUUID()}`;
const view = (s: RelaySubscriptionRow) => ({ actorUrl: s.actorUrl, inboxUrl: s.inboxUrl, state: s.state });

/**
 * Subscribes the instance to a relay: fetches the relay's actor (before any transaction, so a slow
 * relay holds no connection), stores the subscription and queues a signed Follow to its inbox in one
 * transaction. Following a relay that accepted already changes nothing; one still pending or that
 * refused gets a new Follow. BAD_INPUT for a malformed URL, UPSTREAM when the relay cannot be reached
 * or is not an actor.
 */
export async function followRelay(ctx: ActionContext, env: RelayEnv, input: z.input<typeof relayUrlSchema>): Promise<RelaySubscriptionRow> {
  const { url } = parseInput(relayUrlSchema, input);
  const keys = await ensureRelayKeys(ctx.db, env.box);
  const self = relayUrls(env.publicUrl);
  const actor = await fetchRelayActor(url, { keyId: self.keyId, privateKeyPem: keys.privateKeyPem }, env.outbound);
  return ctx.db.transaction(async (tx) => {
    const followId = activityId(env);
    const values = {
      actorUrl: actor.id,
      host: hostOf(actor.id),
      inboxUrl: actor.inbox,
      publicKeyId: actor.publicKeyId,
      publicKeyPem: actor.publicKeyPem,
      followActivityId: followId,
      state: 'PENDING' as const,
      answeredAt: null,
    };
    // Parallel follows of one new relay: one inserts, the others wait for its row and find it.
    const [inserted] = await tx.insert(relaySubscriptions).values(values).onConflictDoNothing({ target: relaySubscriptions.actorUrl }).returning();
    let existing: RelaySubscriptionRow | null = null;
    let row = inserted;
    if (!inserted) {
      [existing] = await tx.select().from(relaySubscriptions).where(eq(relaySubscriptions.actorUrl, actor.id)).for('update');
      if (existing.state === 'ACCEPTED') return existing;
      [row] = await tx.update(relaySubscriptions).set(values).where(eq(relaySubscriptions.id, existing.id)).returning();
    }
    await enqueueDelivery(tx, row.inboxUrl, followActivity(env.publicUrl, followId, row.actorUrl));
    await writeAudit(tx, ctx.actor, [
      {
        action: 'relay.follow',
        targetType: 'RelaySubscription',
        targetId: row.id.toString(),
        diff: { from: existing ? view(existing) : null, to: view(row) },
      },
    ]);
    return row;
  });
}

/**
 * Ends a relay subscription: removes it and queues the signed Undo of its Follow, in one transaction.
 * NOT_FOUND when the instance does not follow that relay (matched by actor URL, or the only one on
 * the URL's host, as admin-fe names relays by host).
 */
export async function unfollowRelay(ctx: ActionContext, env: RelayEnv, input: z.input<typeof relayUrlSchema>): Promise<RelaySubscriptionRow> {
  const { url } = parseInput(relayUrlSchema, input);
  return ctx.db.transaction(async (tx) => {
    const found = await findSubscriptionByUrl(tx, url, { lock: true });
    if (!found) throw new NotFoundError('The instance does not follow that relay');
    await tx.delete(relaySubscriptions).where(eq(relaySubscriptions.id, found.id));
    const follow = followActivity(env.publicUrl, found.followActivityId, found.actorUrl);
    await enqueueDelivery(tx, found.inboxUrl, undoActivity(env.publicUrl, activityId(env), follow, found.actorUrl));
    await writeAudit(tx, ctx.actor, [
      { action: 'relay.unfollow', targetType: 'RelaySubscription', targetId: found.id.toString(), diff: { from: view(found), to: null } },
    ]);
    return found;
  });
}
