import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { SecretBox } from '../../core/secret-box.js';
import { queryRows, type Tx } from '../../db/client.js';
import { parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { users } from '../users/table.js';
import { mailJobs, outbox } from './table.js';
import type { MailJobRow } from './queries.js';
import { mailAllSchema } from './validation.js';

export interface Mail {
  kind: string;
  to: string;
  subject: string;
  body: string;
}

/**
 * Queues mail inside the caller's transaction: it is sent only if the change commits. Every body is
 * stored encrypted (bodies carry reset tokens and invite codes); subjects are kept in clear and must
 * never carry a secret.
 */
export async function enqueueMail(tx: Tx, ctx: Pick<ActionContext, 'mailBox'>, mails: Mail[]): Promise<void> {
  if (!mails.length) return;
  if (!ctx.mailBox) throw new Error('queueing mail needs the mail box (SECRETS_KEY) in the action context');
  const box = ctx.mailBox;
  await tx.insert(outbox).values(mails.map((m) => outboxRow(box, m)));
  await tx.execute(sql`select pg_notify('gateway_mail', 'outbox')`);
}

/** The outbox row of a mail: its body sealed, bound to its kind and recipient. */
export function outboxRow(box: SecretBox, mail: Mail, jobId?: bigint): typeof outbox.$inferInsert {
  return { kind: mail.kind, toAddress: mail.to, subject: mail.subject, bodySealed: box.seal(mail.body, sealContext(mail.kind, mail.to)), jobId };
}

/** What a sealed body is bound to: it opens only in the row (kind, recipient) it was queued for. */
export const sealContext = (kind: string, to: string) => `outbox\0${kind}\0${to}`;

/** Values that empty a row's body once it is SENT or FAILED (set in the statement that marks it). */
export const CLEARED_BODY = { body: null, bodySealed: null } as const;

/** Who "all users" are: active accounts with an email address. */
export const RECIPIENTS = sql`${users.status} = 'ACTIVE' and ${users.email} is not null`;

/** Starts a mail-to-all-users job; the worker queues its recipients in batches and reports progress. */
export async function mailAllUsers(ctx: ActionContext, input: z.input<typeof mailAllSchema>): Promise<MailJobRow> {
  const data = parseInput(mailAllSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [{ n }] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${users} where ${RECIPIENTS}`);
    const [job] = await tx
      .insert(mailJobs)
      .values({ subject: data.subject, body: data.message, total: Number(n), createdBy: ctx.actor.actorId })
      .returning();
    await writeAudit(tx, ctx.actor, [
      { action: 'mail.all-users', targetType: 'MailJob', targetId: job.id.toString(), diff: { subject: job.subject, total: job.total } },
    ]);
    await tx.execute(sql`select pg_notify('gateway_mail', 'job')`);
    return job;
  });
}
