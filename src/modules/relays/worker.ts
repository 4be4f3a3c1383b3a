import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Database } from '../../db/client.js';
import { OutboxWorker } from '../../db/outbox-worker.js';
import { ACTIVITY_JSON, relayUrls } from './activities.js';
import type { RelayEnv } from './env.js';
import { ensureRelayKeys } from './keys.js';
import { OutboundError, outboundRequest, OUTBOUND_LIMITS } from '../../core/outbound.js';
import { signedHeaders, type SigningKey } from './signatures.js';
import { relayDeliveries } from './table.js';

export const RELAY_MAX_ATTEMPTS = 8;
const BATCH = 10;
/** A claim lasts well beyond one request's total timeout; a crashed worker's claim lapses after it. */
const LEASE_SECONDS = Math.ceil(OUTBOUND_LIMITS.totalTimeoutMs / 1000) * 3;

interface Claimed {
  id: string;
  inbox_url: string;
  activity: Record<string, unknown>;
  attempts: number;
}

/**
 * Delivers the relay outbox (relay_deliveries) on the loop outbox workers share (db/outbox-worker.ts:
 * LISTEN/NOTIFY to wake, a poll as a fallback, one pass at a time), with exponential backoff and
 * FAILED after RELAY_MAX_ATTEMPTS. Unlike mail, a row is claimed with a lease in a short statement and delivered with no
 * transaction or connection held, since a remote inbox may take its whole timeout to answer. Several
 * instances share the work (SKIP LOCKED on the claim; an unexpired lease is never claimed again).
 * Each activity is POSTed signed (HTTP Signatures, the relay actor's key).
 */
export class RelayWorker extends OutboxWorker {
  constructor(
    database: Database,
    private readonly env: RelayEnv,
    log: Logger,
  ) {
    super(database, log, { channel: 'gateway_relay', name: 'relay worker' });
  }

  /** Delivers what is due until nothing is; rows waiting for a retry wake the poll or a kick later. */
  async pass(): Promise<void> {
    while (!this.stopped) {
      const claimed = await this.claim();
      if (!claimed.length) return;
      await Promise.all(claimed.map((row) => this.deliver(row)));
    }
  }

  /** Claims up to BATCH due rows with a lease; one statement, no transaction kept open. */
  private claim(): Promise<Claimed[]> {
    return queryRows<Claimed>(
      this.database.db,
      sql`update ${relayDeliveries} set leased_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = attempts + 1
          where id in (select id from ${relayDeliveries}
                       where status = 'PENDING' and next_attempt_at <= now() and (leased_until is null or leased_until < now())
                       order by id limit ${BATCH} for update skip locked)
          returning id::text as id, inbox_url, activity, attempts`,
    );
  }

  /** Read for each delivery (one row, one AES open), so a key another instance replaced is used at once. */
  private async signingKey(): Promise<SigningKey> {
    const keys = await ensureRelayKeys(this.database.db, this.env.box);
    return { keyId: relayUrls(this.env.publicUrl).keyId, privateKeyPem: keys.privateKeyPem };
  }

  private async deliver(row: Claimed): Promise<void> {
    const about = { id: row.id, inbox: row.inbox_url, type: row.activity.type, attempts: row.attempts };
    const id = BigInt(row.id);
    try {
      const url = new URL(row.inbox_url);
      const body = JSON.stringify(row.activity);
      const headers = signedHeaders('POST', url, await this.signingKey(), body, { 'content-type': ACTIVITY_JSON, accept: ACTIVITY_JSON });
      const answer = await outboundRequest(url, { method: 'POST', headers, body }, this.env.outbound);
      if (answer.status < 200 || answer.status > 299) throw new OutboundError(`the inbox answered HTTP ${answer.status}`);
      await this.database.db
        .update(relayDeliveries)
        .set({ status: 'SENT', sentAt: new Date(), leasedUntil: null, lastError: null })
        .where(eq(relayDeliveries.id, id));
      this.log.info({ delivery: about }, 'relay activity delivered');
    } catch (error) {
      const failed = row.attempts >= RELAY_MAX_ATTEMPTS;
      const delay = this.env.retrySeconds * 2 ** (row.attempts - 1);
      this.log.warn({ err: error, delivery: about }, failed ? 'relay delivery failed; giving up' : 'relay delivery failed');
      await this.database.db
        .update(relayDeliveries)
        .set({
          status: failed ? 'FAILED' : 'PENDING',
          leasedUntil: null,
          lastError: String((error as Error).message ?? error).slice(0, 1000),
          nextAttemptAt: new Date(Date.now() + delay * 1000),
        })
        .where(and(eq(relayDeliveries.id, id), eq(relayDeliveries.status, 'PENDING')));
      // A retry due soon (tests, short RELAY_RETRY_SECONDS) should not wait for the next poll.
      if (!failed) this.kickIn(delay * 1000);
    }
  }
}
