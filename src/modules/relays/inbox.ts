import { and, eq, sql } from 'drizzle-orm';
import { BadInputError, forbidden, unauthenticated } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { reserveAttempt } from '../../access/limits.js';
import { inboundActivitySchema, relayUrls, type InboundActivity } from './activities.js';
import type { RelayEnv } from './env.js';
import { findSubscriptionByKeyId, type RelaySubscriptionRow } from './queries.js';
import { claimedKeyId, SignatureError, verifyArrived, type ArrivedRequest } from './signatures.js';
import { relaySubscriptions } from './table.js';

/** Activities per address and minute the relay inbox takes (relays answer a follow with one or two). */
export const INBOX_LIMIT = { max: 60, windowSeconds: 60 } as const;

const STATE_OF = { Accept: 'ACCEPTED', Reject: 'REJECTED', Undo: 'REJECTED' } as const;

/** Whether `object` is the Follow the instance sent to `sub` (by its id, or the Follow itself re-created). */
function isOurFollow(object: InboundActivity['object'], sub: RelaySubscriptionRow, env: RelayEnv): boolean {
  if (typeof object === 'string') return object === sub.followActivityId;
  if (object.id === sub.followActivityId) return true;
  const actor = typeof object.actor === 'string' ? object.actor : (object.actor as { id?: unknown } | undefined)?.id;
  return object.type === 'Follow' && actor === relayUrls(env.publicUrl).id && object.object === sub.actorUrl;
}

/** An Undo the subscription follows from: of the relay's Accept (or of our Follow by its id), or of the relay's own Follow of the relay actor. */
function undoesSubscription(object: InboundActivity['object'], sub: RelaySubscriptionRow): boolean {
  if (typeof object === 'string') return object === sub.followActivityId;
  return object.type === 'Accept' || object.type === 'Follow';
}

export interface InboxResult {
  subscriptionId: bigint;
  state: RelaySubscriptionRow['state'];
  changed: boolean;
}

/**
 * An activity POSTed to the relay inbox, handled here (not through GraphQL: the sender is a server).
 * Limited per address; the signature must verify with the key of a relay the instance follows and
 * cover (request-target), host, date and digest, the digest must be the body's, the activity's actor
 * must be that relay. Only Accept and Reject of our Follow, and the Undo of an Accept or a Follow,
 * are taken: Accept marks the subscription ACCEPTED; Reject and Undo (the relay withdraws) REJECTED. Audited when the state changes.
 */
export async function receiveRelayActivity(ctx: ActionContext, env: RelayEnv, request: ArrivedRequest, address: string | null): Promise<InboxResult> {
  await reserveAttempt(ctx.db, `relay-inbox:${address ?? 'unknown'}`, INBOX_LIMIT);
  let sub: RelaySubscriptionRow | null;
  try {
    const { keyId, parsed } = claimedKeyId(request);
    sub = await findSubscriptionByKeyId(ctx.db, keyId);
    if (!sub) throw unauthenticated('The signing key is not the key of a relay this instance follows');
    verifyArrived(request, parsed, sub.publicKeyPem);
  } catch (error) {
    if (error instanceof SignatureError) throw unauthenticated(error.message);
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new BadInputError('The body is not JSON');
  }
  const parsed = inboundActivitySchema.safeParse(body);
  if (!parsed.success) throw new BadInputError(`Not an activity: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const activity = parsed.data;
  if (activity.actor !== sub.actorUrl) throw forbidden('The activity is not by the relay that signed it');
  if (!Object.hasOwn(STATE_OF, activity.type)) throw new BadInputError('The relay inbox takes only Accept, Reject and Undo');
  const type = activity.type as keyof typeof STATE_OF;
  if (type === 'Undo' ? !undoesSubscription(activity.object, sub) : !isOurFollow(activity.object, sub, env))
    throw new BadInputError(`The ${type} is not about this instance's Follow`);
  const state = STATE_OF[type];
  const subscription = sub;
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(relaySubscriptions)
      .set({ state, answeredAt: sql`now()` })
      .where(and(eq(relaySubscriptions.id, subscription.id), sql`${relaySubscriptions.state} <> ${state}`))
      .returning({ id: relaySubscriptions.id });
    if (!updated) return { subscriptionId: subscription.id, state, changed: false };
    await writeAudit(tx, ctx.actor, [
      {
        action: `relay.${type.toLowerCase()}`,
        targetType: 'RelaySubscription',
        targetId: subscription.id.toString(),
        diff: { state: { from: subscription.state, to: state }, activity: activity.id ?? null },
      },
    ]);
    return { subscriptionId: subscription.id, state, changed: true };
  });
}
