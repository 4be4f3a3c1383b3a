import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { queryRows, type Database } from '../db/client.js';
import type { AuditEvents } from '../modules/audit/events.js';

/**
 * The outbox tables: rows waiting for delivery, those given up on, and how long the oldest waiting
 * row has waited. A new outbox is one line here (its table has `status` and `created_at`).
 */
export const OUTBOXES: readonly { name: string; table: string; pending?: string; failed?: string }[] = [
  { name: 'mail', table: 'outbox' },
  { name: 'relay', table: 'relay_deliveries' },
  { name: 'webhook', table: 'webhook_deliveries' },
];

interface Deps {
  database: Database;
  events: AuditEvents;
  poolMax: number;
  log: Logger;
}

/**
 * Gauges read at scrape time, on the reserved pool (like health), never per request. A query that
 * fails leaves the gauge at its last value and logs a warning, so one broken table does not fail
 * the whole scrape.
 */
export function registerStateGauges(registry: Registry, deps: Deps): void {
  const { database, log } = deps;
  const db = database.reserved;
  const guarded = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      log.warn({ err: error, metric: what }, 'metric not collected');
    }
  };

  new Gauge({
    name: 'gateway_db_pool_max',
    help: 'Connections the gateway may open (DB_POOL_MAX; 1 on the embedded database)',
    registers: [registry],
    collect() {
      this.set(database.kind === 'pglite' ? 1 : deps.poolMax);
    },
  });

  new Gauge({
    name: 'gateway_db_write_transactions',
    help: 'Write transactions running now',
    registers: [registry],
    collect() {
      this.set(database.writes.running().length);
    },
  });

  new Gauge({
    name: 'gateway_db_connections',
    help: "This database's connections opened by admin-gateway instances, by state (PostgreSQL only)",
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (database.kind !== 'postgres') return;
      await guarded('gateway_db_connections', async () => {
        const rows = await queryRows<{ state: string | null; n: number }>(
          db,
          sql`select state, count(*)::int as n from pg_stat_activity
              where datname = current_database() and application_name = 'admin-gateway' group by state`,
        );
        this.reset();
        for (const state of ['active', 'idle', 'idle in transaction']) this.set({ state }, 0);
        for (const row of rows) this.set({ state: row.state ?? 'unknown' }, row.n);
      });
    },
  });

  const depth = new Gauge({
    name: 'gateway_outbox_rows',
    help: 'Outbox rows waiting for delivery (status="pending") or given up on (status="failed")',
    labelNames: ['outbox', 'status'],
    registers: [registry],
    collect: () => outboxes(),
  });
  const age = new Gauge({
    name: 'gateway_outbox_oldest_pending_seconds',
    help: 'Age of the oldest outbox row still waiting for delivery (0 when none waits)',
    labelNames: ['outbox'],
    registers: [registry],
    collect: () => outboxes(),
  });
  // prom-client collects gauges in parallel: both outbox gauges share one round of queries per scrape.
  let collecting: Promise<void> | null = null;
  const outboxes = () =>
    (collecting ??= Promise.all(OUTBOXES.map((o) => guarded(`outbox ${o.name}`, () => collectOutbox(o)))).then(() => {
      collecting = null;
    }));
  async function collectOutbox(o: (typeof OUTBOXES)[number]): Promise<void> {
    const pending = o.pending ?? 'PENDING';
    const failed = o.failed ?? 'FAILED';
    const [row] = await queryRows<{ pending: number; failed: number; age: number | null }>(
      db,
      sql`select count(*) filter (where status = ${pending})::int as pending,
                 count(*) filter (where status = ${failed})::int as failed,
                 extract(epoch from now() - min(created_at) filter (where status = ${pending}))::float8 as age
          from ${sql.identifier(o.table)} where status in (${pending}, ${failed})`,
    );
    depth.set({ outbox: o.name, status: 'pending' }, row?.pending ?? 0);
    depth.set({ outbox: o.name, status: 'failed' }, row?.failed ?? 0);
    age.set({ outbox: o.name }, Math.max(0, row?.age ?? 0));
  }

  new Gauge({
    name: 'gateway_sessions_active',
    help: 'Sign-in sessions neither revoked nor expired',
    registers: [registry],
    async collect() {
      await guarded('gateway_sessions_active', async () => {
        const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from sessions where revoked_at is null and expires_at > now()`);
        this.set(row?.n ?? 0);
      });
    },
  });

  new Gauge({
    name: 'gateway_event_subscribers',
    help: 'Open adminEvents subscriptions (SSE streams) on this instance',
    registers: [registry],
    collect() {
      this.set(deps.events.subscribers);
    },
  });
}
