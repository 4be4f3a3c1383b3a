import { getTableColumns, inArray, sql } from 'drizzle-orm';
import { batched, type RequestScope } from '../../db/batch.js';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import { mailJobs, outbox } from './table.js';

export type MailJobRow = typeof mailJobs.$inferSelect;

export const MAIL_JOB_STATUSES = ['RUNNING', 'DONE'] as const;

/** The jobs of `ids`, in one statement. */
export async function findMailJobsByIds(db: Tx, ids: readonly bigint[]): Promise<Map<bigint, MailJobRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(mailJobs)
    .where(inArray(mailJobs.id, [...ids]));
  return new Map(rows.map((j) => [j.id, j]));
}

/** What mail jobs can be filtered by (db/filter.ts). */
export const mailJobFilterTable = {
  status: { kind: 'oneOf', sql: sql`${mailJobs.status}::text`, enumName: 'MailJobStatus', values: MAIL_JOB_STATUSES },
  subject: { kind: 'text', sql: sql`${mailJobs.subject}` },
  createdBy: { kind: 'ref', sql: sql`${mailJobs.createdBy}`, node: 'User', description: 'Started by this user' },
  createdAt: { kind: 'range', sql: sql`${mailJobs.createdAt}` },
} as const;

const id = { sql: sql`${mailJobs.id}`, type: 'bigint' } as const;
const createdAt = { sql: sql`${mailJobs.createdAt}`, type: 'timestamptz' } as const;

const mailJobOrders = bothWays({ CREATED_AT: createdAt });
export type MailJobOrder = keyof typeof mailJobOrders;

export const mailJobList: ListSource<typeof mailJobFilterTable, MailJobOrder> = {
  name: 'mail_jobs',
  table: mailJobs,
  id,
  orders: mailJobOrders,
  defaultOrder: 'CREATED_AT_DESC',
  filter: mailJobFilterTable,
};

/** A page of mail jobs, newest first unless ordered otherwise. */
export const findMailJobPage = (db: Tx, args: ListArgs<typeof mailJobFilterTable, MailJobOrder>, wants: ListWants): Promise<Connection<MailJobRow>> =>
  findPage(db, mailJobList, { select: () => getTableColumns(mailJobs), selectKey: 'all' }, args, wants);

export interface DeliveryCounts {
  sent: number;
  failed: number;
}

/** Sent and failed mails of a job, batched: one statement for every job of a page. */
export function loadDeliveryCounts(ctx: RequestScope, jobId: bigint): Promise<DeliveryCounts> {
  return batched<DeliveryCounts>(ctx, 'mail.counts', jobId.toString(), async (db, keys) => {
    const rows = await db
      .select({
        jobId: sql<string>`${outbox.jobId}::text`,
        sent: sql<number>`count(*) filter (where ${outbox.status} = 'SENT')::int`,
        failed: sql<number>`count(*) filter (where ${outbox.status} = 'FAILED')::int`,
      })
      .from(outbox)
      .where(inArray(outbox.jobId, keys.map(BigInt)))
      .groupBy(outbox.jobId);
    return new Map(rows.map((r) => [r.jobId, { sent: r.sent, failed: r.failed }]));
  }).then((found) => found ?? { sent: 0, failed: 0 });
}
