import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { OUTBOUND_LIMITS, outboundRequest } from '../../core/outbound.js';
import { queryRows, type Database } from '../../db/client.js';
import { OutboxWorker } from '../../db/outbox-worker.js';
import { recordEndpointFailure, recordEndpointSuccess } from './actions.js';
import { secretContext, type WebhookEnv } from './env.js';
import { webhookDeliveries } from './table.js';

/** Attempts of one delivery before it is FAILED (retried after base·2^(n-1) seconds). */
export const WEBHOOK_MAX_ATTEMPTS = 10;
/** How long the delivery log is kept. */
export const WEBHOOK_LOG_DAYS = 30;
const BATCH = 10;
const PRUNE_EVERY_MS = 3_600_000;
/** A claim lasts well beyond one request's total timeout; a crashed worker's claim lapses after it. */
const LEASE_SECONDS = Math.ceil(OUTBOUND_LIMITS.totalTimeoutMs / 1000) * 3;

interface Claimed {
  id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  secret_sealed: Uint8Array;
  seq: string;
  at: Date | string;
  action: string;
  target_type: string;
  target_id: string | null;
  actor_id: string | null;
  request_id: string | null;
  diff: Record<string, unknown> | null;
}

/** The JSON body of a delivery (Standard Webhooks: type, timestamp, data): the audit event as committed. */
export function webhookPayload(row: Pick<Claimed, 'seq' | 'at' | 'action' | 'target_type' | 'target_id' | 'actor_id' | 'request_id' | 'diff'>): string {
  const at = new Date(row.at).toISOString();
  return JSON.stringify({
    type: row.action,
    timestamp: at,
    data: {
      seq: row.seq,
      action: row.action,
      at,
      targetType: row.target_type,
      targetId: row.target_id,
      actorId: row.actor_id,
      requestId: row.request_id,
      diff: row.diff,
    },
  });
}

/**
 * Delivers the webhook outbox (webhook_deliveries, filled by the audit_log trigger in the audit
 * row's transaction): claims due rows of enabled endpoints with a lease, then POSTs each, signed as
 * Standard Webhooks says (webhook-id, webhook-timestamp, webhook-signature), with no transaction or
 * connection held. Outbound requests follow OUTBOUND_ALLOW_PRIVATE (core/outbound.ts). A 2xx answer
 * delivers; anything else retries with exponential backoff up to WEBHOOK_MAX_ATTEMPTS, and
 * WEBHOOK_DISABLE_AFTER failures in a row disable the endpoint. Rows older than WEBHOOK_LOG_DAYS go.
 */
export class WebhookWorker extends OutboxWorker {
  private prunedAt = 0;

  constructor(
    database: Database,
    private readonly env: WebhookEnv,
    log: Logger,
  ) {
    super(database, log, { channel: 'gateway_webhook', name: 'webhook worker' });
  }

  async pass(): Promise<void> {
    if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) await this.prune();
    while (!this.stopped) {
      const claimed = await this.claim();
      if (!claimed.length) return;
      await Promise.all(claimed.map((row) => this.deliver(row)));
    }
  }

  /** Removes delivery log rows older than WEBHOOK_LOG_DAYS; answers how many. */
  async prune(): Promise<number> {
    this.prunedAt = Date.now();
    const gone = await queryRows<{ id: string }>(
      this.database.db,
      sql`delete from ${webhookDeliveries} where created_at < now() - make_interval(days => ${WEBHOOK_LOG_DAYS}) returning id::text as id`,
    );
    return gone.length;
  }

  /** Claims up to BATCH due rows of enabled endpoints with a lease (one statement), with what sending them needs. */
  private claim(): Promise<Claimed[]> {
    return queryRows<Claimed>(
      this.database.db,
      sql`with claimed as (
            update webhook_deliveries d
            set leased_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = attempts + 1, last_attempt_at = now()
            where d.id in (select w.id from webhook_deliveries w join webhook_endpoints e on e.id = w.endpoint_id and e.enabled
                           where w.status = 'PENDING' and w.next_attempt_at <= now() and (w.leased_until is null or w.leased_until < now())
                           order by w.id limit ${BATCH} for update of w skip locked)
            returning d.id, d.endpoint_id, d.audit_seq, d.attempts)
          select c.id::text as id, c.endpoint_id::text as endpoint_id, c.attempts, e.url, e.secret_sealed,
                 a.seq::text as seq, a.at, a.action, a.target_type, a.target_id, a.actor_id::text as actor_id, a.request_id, a.diff
          from claimed c join webhook_endpoints e on e.id = c.endpoint_id join audit_log a on a.seq = c.audit_seq`,
    );
  }

  private async deliver(row: Claimed): Promise<void> {
    const id = BigInt(row.id);
    const endpointId = BigInt(row.endpoint_id);
    const about = { id: row.id, endpoint: row.endpoint_id, type: row.action, attempts: row.attempts };
    let secret: string;
    try {
      secret = this.env.box.open(row.secret_sealed, secretContext(endpointId));
    } catch {
      this.log.error({ delivery: about }, 'webhook secret cannot be decrypted (was SECRETS_KEY changed?); giving up');
      await this.finish(id, { status: 'FAILED', lastError: 'the endpoint secret cannot be decrypted with this SECRETS_KEY; rotate it' });
      return;
    }
    let responseStatus: number | null = null;
    try {
      const body = webhookPayload(row);
      const msgId = `msg_${row.id}`;
      const now = new Date();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'admin-gateway-webhooks',
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(msgId, now, body),
      };
      const answer = await outboundRequest(new URL(row.url), { method: 'POST', headers, body }, this.env.outbound);
      responseStatus = answer.status;
      if (answer.status < 200 || answer.status > 299) throw new Error(`the endpoint answered HTTP ${answer.status}`);
      // The count first: a delivery read as SUCCEEDED has cleared it.
      await recordEndpointSuccess(this.database.db, endpointId);
      await this.finish(id, { status: 'SUCCEEDED', deliveredAt: new Date(), responseStatus, lastError: null });
      this.log.info({ delivery: about }, 'webhook delivered');
    } catch (error) {
      const failed = row.attempts >= WEBHOOK_MAX_ATTEMPTS;
      const delaySeconds = Math.min(this.env.retrySeconds * 2 ** (row.attempts - 1), 86_400);
      this.log.warn({ err: error, delivery: about }, failed ? 'webhook delivery failed; giving up' : 'webhook delivery failed');
      await this.finish(id, {
        status: failed ? 'FAILED' : 'PENDING',
        responseStatus,
        lastError: String((error as Error).message ?? error).slice(0, 1000),
        nextAttemptAt: new Date(Date.now() + delaySeconds * 1000),
      });
      if (await recordEndpointFailure(this.database.db, endpointId))
        this.log.warn({ endpoint: row.endpoint_id }, 'webhook endpoint disabled after repeated failures');
      else if (!failed) this.kickIn(delaySeconds * 1000);
    }
  }

  /** Ends an attempt: the lease is released; a row another action failed meanwhile stays failed. */
  private async finish(id: bigint, set: Partial<typeof webhookDeliveries.$inferInsert>): Promise<void> {
    await this.database.db
      .update(webhookDeliveries)
      .set({ ...set, leasedUntil: null })
      .where(and(eq(webhookDeliveries.id, id), set.status === 'SUCCEEDED' ? undefined : eq(webhookDeliveries.status, 'PENDING')));
  }
}
