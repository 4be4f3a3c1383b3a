import { and, asc, gte, lte } from 'drizzle-orm';
import { createPubSub, filter, pipe } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import type { AuditRow } from './queries.js';
import { auditLog } from './table.js';

export interface AdminEventFilter {
  actions?: string[] | null;
  targetType?: string | null;
  targetId?: string | null;
}

/**
 * Audit events as they commit, for the adminEvents subscription. writeAudit notifies
 * `gateway_audit` with the sequence range it wrote; PostgreSQL delivers a NOTIFY only after its
 * transaction commits, and to every listening instance, so each instance loads those rows and
 * hands them to its own subscribers: changes made through one instance reach UIs on all of them.
 */
export class AuditEvents {
  private readonly pubsub = createPubSub<{ audit: [AuditRow] }>();
  private unlisten?: () => Promise<void>;
  /** Open subscriptions on this instance (the metrics read it when scraped). */
  subscribers = 0;
  private endStreams!: () => void;
  /** Resolves when the instance shuts down: every open subscription then completes. */
  private readonly closed = new Promise<IteratorReturnResult<undefined>>((resolve) => (this.endStreams = () => resolve({ done: true, value: undefined })));

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen('gateway_audit', (payload) => {
      this.publish(payload).catch((error) => this.log.error({ err: error }, 'could not publish audit events'));
    });
  }

  /** Ends every open subscription (so SSE connections can close on SIGTERM) and stops listening. */
  async stop(): Promise<void> {
    this.endStreams();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  private async publish(payload: string): Promise<void> {
    const match = /^(\d+):(\d+)$/.exec(payload);
    if (!match) return;
    const rows = await this.database.db
      .select()
      .from(auditLog)
      .where(and(gte(auditLog.seq, BigInt(match[1])), lte(auditLog.seq, BigInt(match[2]))))
      .orderBy(asc(auditLog.seq));
    for (const row of rows) this.pubsub.publish('audit', row);
  }

  async *subscribe(f: AdminEventFilter | null | undefined): AsyncGenerator<AuditRow> {
    const events = pipe(
      this.pubsub.subscribe('audit'),
      filter(
        (row: AuditRow) =>
          (!f?.actions?.length || f.actions.some((a) => row.action === a || row.action.startsWith(`${a}.`))) &&
          (!f?.targetType || row.targetType === f.targetType) &&
          (!f?.targetId || row.targetId === f.targetId),
      ),
    )[Symbol.asyncIterator]();
    this.subscribers++;
    try {
      for (;;) {
        const next = await Promise.race([events.next(), this.closed]);
        if (next.done) return;
        yield next.value;
      }
    } finally {
      this.subscribers--;
      await events.return?.();
    }
  }
}
