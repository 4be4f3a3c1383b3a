import { and, eq, gt } from 'drizzle-orm';
import type { z } from 'zod';
import { NotFoundError, parseInput } from '../../core/errors.js';
import { diffOf, writeAudit, type AuditActor } from '../../db/audit.js';
import type { Db, Tx } from '../../db/client.js';
import type { ActionContext } from '../context.js';
import { newWebhookSecret, secretContext, type WebhookEnv } from './env.js';
import { findEndpoint, webhookEndpointColumns, type WebhookEndpointRow } from './queries.js';
import { webhookDeliveries, webhookEndpoints } from './table.js';
import { createWebhookSchema, updateWebhookSchema } from './validation.js';

/** Consecutive failed attempts after which an endpoint is disabled. */
export const WEBHOOK_DISABLE_AFTER = 20;

export interface EndpointWithSecret {
  endpoint: WebhookEndpointRow;
  /** The signing secret (`whsec_…`): answered once, when made or rotated, never readable again. */
  secret: string;
}

const view = (e: WebhookEndpointRow) => ({ url: e.url, events: e.events, description: e.description, enabled: e.enabled });
const notFound = () => new NotFoundError('No such webhook endpoint');

/** Deliveries of an endpoint that will not be attempted any more (it was disabled) end as FAILED. */
async function failPending(tx: Tx, endpointId: bigint, reason: string): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({ status: 'FAILED', lastError: reason, leasedUntil: null })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'PENDING')));
}

/**
 * Registers an endpoint: validates the URL and patterns, generates its secret and stores it sealed,
 * with the audit row, in one transaction. The secret is answered here and never again.
 */
export async function createWebhookEndpoint(ctx: ActionContext, env: WebhookEnv, input: z.input<typeof createWebhookSchema>): Promise<EndpointWithSecret> {
  const data = parseInput(createWebhookSchema, input);
  const secret = newWebhookSecret();
  return ctx.db.transaction(async (tx) => {
    // The sealed secret names its row (the context), so the row is made first.
    const [made] = await tx
      .insert(webhookEndpoints)
      .values({ url: data.url, events: data.events, description: data.description ?? '', secretSealed: Buffer.alloc(0), createdBy: ctx.actor.actorId })
      .returning({ id: webhookEndpoints.id });
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ secretSealed: env.box.seal(secret, secretContext(made.id)) })
      .where(eq(webhookEndpoints.id, made.id))
      .returning(webhookEndpointColumns);
    await writeAudit(tx, ctx.actor, [
      { action: 'webhook.create', targetType: 'WebhookEndpoint', targetId: endpoint.id.toString(), diff: { to: view(endpoint) } },
    ]);
    return { endpoint, secret };
  });
}

/**
 * Changes an endpoint's URL, patterns, description or state. Disabling it fails its pending
 * deliveries; enabling it clears its failure count. NOT_FOUND for an unknown endpoint.
 */
export async function updateWebhookEndpoint(ctx: ActionContext, id: bigint, input: z.input<typeof updateWebhookSchema>): Promise<WebhookEndpointRow> {
  const data = parseInput(updateWebhookSchema, input);
  return ctx.db.transaction(async (tx) => {
    const before = await findEndpoint(tx, id, { lock: true });
    if (!before) throw notFound();
    const changes: Partial<typeof webhookEndpoints.$inferInsert> = { ...data, updatedAt: new Date() };
    if (data.enabled === false && before.enabled) {
      Object.assign(changes, { disabledAt: new Date(), disabledReason: 'disabled by an administrator' });
      await failPending(tx, id, 'the endpoint was disabled');
    }
    if (data.enabled === true && !before.enabled) Object.assign(changes, { disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
    const [after] = await tx.update(webhookEndpoints).set(changes).where(eq(webhookEndpoints.id, id)).returning(webhookEndpointColumns);
    const diff = diffOf(view(before), view(after));
    if (Object.keys(diff).length) await writeAudit(tx, ctx.actor, [{ action: 'webhook.update', targetType: 'WebhookEndpoint', targetId: id.toString(), diff }]);
    return after;
  });
}

/** A new secret, answered once; deliveries from now on are signed with it. NOT_FOUND for an unknown endpoint. */
export async function rotateWebhookSecret(ctx: ActionContext, env: WebhookEnv, id: bigint): Promise<EndpointWithSecret> {
  const secret = newWebhookSecret();
  return ctx.db.transaction(async (tx) => {
    if (!(await findEndpoint(tx, id, { lock: true }))) throw notFound();
    const now = new Date();
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ secretSealed: env.box.seal(secret, secretContext(id)), secretRotatedAt: now, updatedAt: now })
      .where(eq(webhookEndpoints.id, id))
      .returning(webhookEndpointColumns);
    await writeAudit(tx, ctx.actor, [
      { action: 'webhook.rotate-secret', targetType: 'WebhookEndpoint', targetId: id.toString(), diff: { secret: { changed: true } } },
    ]);
    return { endpoint, secret };
  });
}

/** Removes an endpoint and its delivery log. NOT_FOUND for an unknown endpoint. Answers it as it was. */
export async function deleteWebhookEndpoint(ctx: ActionContext, id: bigint): Promise<WebhookEndpointRow> {
  return ctx.db.transaction(async (tx) => {
    const found = await findEndpoint(tx, id, { lock: true });
    if (!found) throw notFound();
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await writeAudit(tx, ctx.actor, [{ action: 'webhook.delete', targetType: 'WebhookEndpoint', targetId: id.toString(), diff: { from: view(found) } }]);
    return found;
  });
}

/**
 * Counts one failed attempt against an endpoint; the WEBHOOK_DISABLE_AFTER-th in a row disables it
 * (its pending deliveries fail), audited as the system's `webhook.disable`. Answers whether it did.
 */
export async function recordEndpointFailure(db: Db, id: bigint, requestId = 'webhook-worker'): Promise<boolean> {
  const system: AuditActor = { actorId: null, requestId };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ failures: webhookEndpoints.consecutiveFailures, enabled: webhookEndpoints.enabled })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, id))
      .for('update');
    // Attempts in flight when it was disabled do not count: the count says why it was disabled.
    if (!row?.enabled) return false;
    const failures = row.failures + 1;
    const disable = failures >= WEBHOOK_DISABLE_AFTER;
    const reason = `${WEBHOOK_DISABLE_AFTER} consecutive failed deliveries`;
    await tx
      .update(webhookEndpoints)
      .set(disable ? { consecutiveFailures: failures, enabled: false, disabledAt: new Date(), disabledReason: reason } : { consecutiveFailures: failures })
      .where(eq(webhookEndpoints.id, id));
    if (!disable) return false;
    await failPending(tx, id, 'the endpoint was disabled');
    await writeAudit(tx, system, [
      { action: 'webhook.disable', targetType: 'WebhookEndpoint', targetId: id.toString(), diff: { enabled: { from: true, to: false }, reason } },
    ]);
    return true;
  });
}

/** A delivered attempt clears the endpoint's failure count (no write when it is 0 already). */
export async function recordEndpointSuccess(db: Db, id: bigint): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({ consecutiveFailures: 0 })
    .where(and(eq(webhookEndpoints.id, id), gt(webhookEndpoints.consecutiveFailures, 0)));
}
