import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Tx } from '../../db/client.js';
import { parseInput } from '../../graphql/errors.js';
import { writeAudit } from '../audit/actions.js';
import type { ActionContext } from '../context.js';
import { users } from '../users/table.js';
import { mailJobs, outbox } from './table.js';

export interface Mail {
  kind: string;
  to: string;
  subject: string;
  body: string;
}

/** Queues mail inside the caller's transaction: it is sent only if the change commits. */
export async function enqueueMail(tx: Tx, mails: Mail[]): Promise<void> {
  if (!mails.length) return;
  await tx.insert(outbox).values(mails.map((m) => ({ kind: m.kind, toAddress: m.to, subject: m.subject, body: m.body })));
  await tx.execute(sql`select pg_notify('gateway_mail', 'outbox')`);
}

/** Who "all users" are: active accounts with an email address. */
export const RECIPIENTS = sql`${users.status} = 'ACTIVE' and ${users.email} is not null`;

export const mailAllSchema = z.object({ subject: z.string().trim().min(1, 'required').max(200), message: z.string().trim().min(1, 'required').max(50_000) });

export type MailJobRow = typeof mailJobs.$inferSelect;

/** Starts a mail-to-all-users job; the worker queues its recipients in batches and reports progress. */
export async function mailAllUsers(ctx: ActionContext, input: z.input<typeof mailAllSchema>): Promise<MailJobRow> {
  const data = parseInput(mailAllSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [{ n }] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${users} where ${RECIPIENTS}`);
    const [job] = await tx.insert(mailJobs).values({ subject: data.subject, body: data.message, total: Number(n), createdBy: ctx.actor.actorId }).returning();
    await writeAudit(tx, ctx.actor, [{ action: 'mail.all-users', targetType: 'MailJob', targetId: job.id.toString(), diff: { subject: job.subject, total: job.total } }]);
    await tx.execute(sql`select pg_notify('gateway_mail', 'job')`);
    return job;
  });
}
