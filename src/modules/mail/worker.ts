import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { SecretBox } from '../../core/secret-box.js';
import { queryRows, type Database } from '../../db/client.js';
import { OutboxWorker } from '../../db/outbox-worker.js';
import { users } from '../users/table.js';
import { CLEARED_BODY, outboxRow, RECIPIENTS, sealContext } from './actions.js';
import { mailJobs, outbox } from './table.js';

export const MAX_ATTEMPTS = 8;
const BATCH = 50;
const JOB_BATCH = 500;

export interface MailConfig {
  smtpUrl?: string;
  /** Where each mail is written as `<outbox id>.eml` without SMTP_URL. */
  fileDir: string;
  from: string;
  retrySeconds: number;
}

/**
 * Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED, so several gateway instances
 * share the work without sending a row twice at the same time; a row is marked SENT in the same
 * transaction that claimed it once the SMTP server accepted it (a crash between the two can resend
 * it: delivery is at least once). Failures retry with exponential backoff, then give up as FAILED.
 * Without SMTP_URL, mail goes to the log.
 */
export class MailWorker extends OutboxWorker {
  private transport?: Transporter;

  constructor(
    database: Database,
    private readonly config: MailConfig,
    log: Logger,
    private readonly box: SecretBox,
  ) {
    super(database, log, { channel: 'gateway_mail', name: 'mail worker' });
  }

  /** nodemailer loads on the first mail: an instance that sends none does not carry it in memory. */
  private async getTransport(): Promise<Transporter> {
    if (!this.transport) {
      const nodemailer = (await import('nodemailer')).default;
      this.transport = this.config.smtpUrl
        ? nodemailer.createTransport(this.config.smtpUrl)
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    }
    return this.transport;
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.transport?.close();
  }

  /** One pass: queue a batch of every running job, then deliver what is due. Resolves when idle. */
  async pass(): Promise<void> {
    while (!this.stopped && ((await this.expandJobs()) || (await this.deliverBatch()) > 0));
  }

  private async expandJobs(): Promise<boolean> {
    let progressed = false;
    const jobs = await this.database.db.select().from(mailJobs).where(eq(mailJobs.status, 'RUNNING'));
    for (const job of jobs) {
      await this.database.db.transaction(async (tx) => {
        const [locked] = await tx
          .select()
          .from(mailJobs)
          .where(and(eq(mailJobs.id, job.id), eq(mailJobs.status, 'RUNNING')))
          .for('update', { skipLocked: true });
        if (!locked) return;
        const batch = await queryRows<{ id: string; email: string }>(
          tx,
          sql`select ${users.id}::text as id, ${users.email} as email from ${users} where ${RECIPIENTS} and ${users.id} > ${locked.cursor} order by ${users.id} limit ${JOB_BATCH}`,
        );
        if (batch.length) {
          await tx
            .insert(outbox)
            .values(batch.map((u) => outboxRow(this.box, { kind: 'mail.all-users', to: u.email, subject: locked.subject, body: locked.body }, locked.id)));
          await tx
            .update(mailJobs)
            .set({ cursor: BigInt(batch.at(-1)!.id), queued: locked.queued + batch.length })
            .where(eq(mailJobs.id, locked.id));
          progressed = true;
        } else {
          await tx.update(mailJobs).set({ status: 'DONE', finishedAt: new Date() }).where(eq(mailJobs.id, locked.id));
        }
      });
    }
    return progressed;
  }

  /** Delivers up to BATCH due rows; answers how many it handled. */
  async deliverBatch(): Promise<number> {
    return this.database.db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(outbox)
        .where(and(eq(outbox.status, 'PENDING'), sql`${outbox.nextAttemptAt} <= now()`))
        .orderBy(outbox.id)
        .limit(BATCH)
        .for('update', { skipLocked: true });
      const transport = due.length ? await this.getTransport() : undefined;
      for (const mail of due) {
        const about = { id: mail.id.toString(), kind: mail.kind, to: mail.toAddress };
        const attempts = mail.attempts + 1;
        let text: string;
        try {
          text = mail.bodySealed ? this.box.open(mail.bodySealed, sealContext(mail.kind, mail.toAddress)) : (mail.body ?? '');
        } catch {
          // Another SECRETS_KEY, or an altered row: no retry can read it.
          this.log.error({ mail: about }, 'mail body cannot be decrypted (was SECRETS_KEY changed?); giving up');
          await tx
            .update(outbox)
            .set({ status: 'FAILED', attempts, lastError: 'body cannot be decrypted with this SECRETS_KEY', ...CLEARED_BODY })
            .where(eq(outbox.id, mail.id));
          continue;
        }
        try {
          const info = await transport!.sendMail({ from: this.config.from, to: mail.toAddress, subject: mail.subject, text });
          if (this.config.smtpUrl) this.log.info({ mail: about }, 'mail sent');
          else this.log.info({ mail: about, file: await this.writeFile(mail.id, info.message as Buffer) }, 'mail written to a file (no SMTP_URL)');
          await tx
            .update(outbox)
            .set({ status: 'SENT', sentAt: new Date(), attempts, lastError: null, ...CLEARED_BODY })
            .where(eq(outbox.id, mail.id));
        } catch (error) {
          const delay = this.config.retrySeconds * 2 ** (attempts - 1);
          const failed = attempts >= MAX_ATTEMPTS;
          this.log.warn({ err: error, mail: { ...about, attempts } }, failed ? 'mail delivery failed; giving up' : 'mail delivery failed');
          await tx
            .update(outbox)
            .set({
              attempts,
              lastError: String((error as Error).message ?? error).slice(0, 1000),
              status: failed ? 'FAILED' : 'PENDING',
              nextAttemptAt: new Date(Date.now() + delay * 1000),
              ...(failed ? CLEARED_BODY : {}),
            })
            .where(eq(outbox.id, mail.id));
        }
      }
      return due.length;
    });
  }

  /** Writes a whole message (RFC 822) to fileDir/<id>.eml, readable by the owner only; answers the path. */
  private async writeFile(id: bigint, message: Buffer): Promise<string> {
    await mkdir(this.config.fileDir, { recursive: true, mode: 0o700 });
    await chmod(this.config.fileDir, 0o700);
    const file = join(this.config.fileDir, `${id}.eml`);
    await writeFile(file, message, { mode: 0o600 });
    await chmod(file, 0o600);
    return file;
  }
}
