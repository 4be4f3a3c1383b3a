import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { capturedLogger, useGateway } from '../../helpers/app.js';
import { enqueueMail } from '../../../src/modules/mail/actions.js';
import { MAX_ATTEMPTS, MailWorker } from '../../../src/modules/mail/worker.js';
import { mutate, restClient } from '../../helpers/clients.js';
import { makeMailJob, makePasswordReset } from '../../helpers/factories.js';
import { until as waitUntil } from '../../helpers/wait.js';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server in the test; `failNext` refuses that many deliveries first, `refusing` its addresses always. */
const received: Received[] = [];
let failNext = 0;
const refusing = new Set<string>();
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onRcptTo(address, _session, callback) {
    if (refusing.has(address.address)) return callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
    if (failNext > 0) {
      failNext -= 1;
      return callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
    }
    callback();
  },
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    stream.on('end', () => {
      // Bodies arrive quoted-printable: join soft line breaks and decode =XX.
      raw = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
const port = (smtp.server.address() as AddressInfo).port;
afterAll(() => new Promise<void>((r) => smtp.close(() => r())));

const logged = capturedLogger();
const gw = useGateway({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_SECONDS: '0.2', PUBLIC_URL: 'https://community.example' }, { log: logged.log });

/** Another worker over the gateway's database, as a second instance (or a restart) would run. */
const newWorker = () => new MailWorker(gw.database, gw.config.mail, gw.app.log, gw.app.mailBox);

/** The outbox rows to an address, every column as text (bytes decoded), to look for a secret in them. */
async function storedText(address: string): Promise<{ status: string; text: string }[]> {
  const rows = await gw.database.rows<Record<string, unknown>>(sql`select * from outbox where to_address = ${address}`);
  return rows.map((row) => ({
    status: String(row.status),
    text: Object.values(row)
      .map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v)))
      .join('\n'),
  }));
}

const resetMail = async (email: string) => {
  const admin = await gw.user({ roles: ['admin'] });
  const target = await gw.user({ email });
  const made = await makePasswordReset(gw, { userId: target.id, sendEmail: true, by: admin.id });
  expect(made.mailedTo).toBe(email);
  return made.token;
};

/** Waits for `check`, kicking the mail worker between polls. */
const until = <T>(check: () => Promise<T | undefined> | T | undefined, what: string) =>
  waitUntil(check, what, { seconds: 30, between: () => gw.app.mail.kick() });
const mailTo = (address: string) => until(() => received.find((m) => m.to.includes(address)), `mail to ${address}`);

describe('mail through the outbox', () => {
  it('an email invite is queued with the invite and sent once; a refused delivery is retried with backoff', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    failNext = 1;
    const made = await mutate(gw, 'createInvite', { email: 'friend@example.org', name: 'Friend' }, admin.token, 'invite { code }');
    const mail = await mailTo('friend@example.org');
    expect(mail.raw).toContain(`https://community.example/invite_register.html?code=${made.invite.code}`);
    // The SMTP server has the mail before the worker commits its SENT mark: wait for the commit.
    const row = await until(async () => {
      const [found] = await gw.database.rows<any>(sql`select status, attempts, last_error from outbox where to_address = 'friend@example.org'`);
      return found?.status === 'SENT' ? found : undefined;
    }, 'the invite mail marked SENT');
    expect(row).toMatchObject({ status: 'SENT', attempts: 2 });
    expect((await storedText('friend@example.org'))[0].text).not.toContain(made.invite.code);
    await new Promise((r) => setTimeout(r, 500));
    gw.app.mail.kick();
    expect(received.filter((m) => m.to.includes('friend@example.org'))).toHaveLength(1);
  });

  it('a failed change queues nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    await mutate(gw, 'createInvite', { code: 'dup-code', email: 'first@example.org' }, admin.token);
    const again = await mutate(gw, 'createInvite', { code: 'dup-code', email: 'second@example.org' }, admin.token);
    expect(again.code).toBe('CONFLICT');
    const [{ n }] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where to_address = 'second@example.org'`);
    expect(n).toBe(0);
  });

  it('password-reset mail carries the token; once sent, neither the outbox row nor the log does', async () => {
    const token = await resetMail('reset.me@example.org');
    expect((await mailTo('reset.me@example.org')).raw).toContain(token);
    const row = await until(async () => (await storedText('reset.me@example.org')).find((r) => r.status === 'SENT'), 'the row marked SENT');
    expect(row.text).not.toContain(token);
    const [{ body }] = await gw.database.rows<{ body: string | null }>(sql`select body from outbox where to_address = 'reset.me@example.org'`);
    expect(body).toBeNull();
    const log = logged.text();
    expect(log).not.toContain(token);
    expect(logged.lines.map((l) => JSON.parse(l)).find((l) => l.mail?.to === 'reset.me@example.org')).toMatchObject({ mail: { kind: 'password-reset' } });
  });

  it('mail to all users is a job that reports progress (CookieCMS /api/admin/mail)', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    expect(await mutate(gw, 'mailAllUsers', { subject: 'x', message: 'y' }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect((await mutate(gw, 'mailAllUsers', { subject: ' ', message: 'y' }, admin.token)).code).toBe('BAD_INPUT');
    const cookie = restClient(gw, '/api/admin');
    const res = await cookie('POST', '/mail', admin.token, { subject: 'Server maintenance', message: 'Down for an hour on Sunday.' });
    expect(res).toMatchObject({ status: 200, body: { error: false, msg: 'Email sent successfully to all users' } });
    expect((await cookie('POST', '/mail', mod.token, { subject: 'a', message: 'b' })).status).toBe(403);
    const [{ n: recipients }] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from users where status = 'ACTIVE' and email is not null`);
    const job = res.body.data.job;
    const done = await until(async () => {
      const r = await gw.gql(`query($id: ID!) { mailJob(id: $id) { status total queued sent failed } }`, { id: job }, admin.token);
      const j = r.body.data.mailJob;
      return j.status === 'DONE' && j.sent === j.total ? j : undefined;
    }, 'the mail job');
    expect(done).toMatchObject({ total: recipients, queued: recipients, sent: recipients, failed: 0 });
    expect(received.filter((m) => m.raw.includes('Server maintenance')).length).toBe(recipients);
  });

  it('Pleroma email_invite queues the invite mail', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const pleroma = restClient(gw, '/api/pleroma/admin');
    expect((await pleroma('POST', '/users/email_invite', admin.token, { email: 'pleroma.friend@example.org', name: 'Pat' })).status).toBe(204);
    expect((await pleroma('POST', '/users/email_invite', admin.token, { email: 'not-an-email' })).status).toBe(400);
    expect((await mailTo('pleroma.friend@example.org')).raw).toContain('Hello Pat');
  });

  // Last: it stops the app's worker.
  it('a job left running by a stopped worker is finished by the next one', async () => {
    await gw.app.mail.stop();
    const job = await makeMailJob(gw, { subject: 'After restart', message: 'Still delivered.' });
    const [{ status }] = await gw.database.rows<{ status: string }>(sql`select status from mail_jobs where id = ${job.id}`);
    expect(status).toBe('RUNNING');
    const next = newWorker();
    await next.pass();
    await next.stop();
    const [after] = await gw.database.rows<{ status: string; queued: number; total: number }>(
      sql`select status, queued, total from mail_jobs where id = ${job.id}`,
    );
    expect(after).toMatchObject({ status: 'DONE', queued: job.total });
    expect(received.filter((m) => m.raw.includes('After restart')).length).toBe(job.total);
  });

  it('two workers (two instances) deliver each queued mail exactly once', async () => {
    await gw.app.mail.stop();
    await gw.database.db.transaction((tx) =>
      enqueueMail(
        tx,
        gw.system,
        Array.from({ length: 30 }, (_, i) => ({ kind: 'test', to: `twice.${i}@example.org`, subject: 'Once only', body: `mail ${i}` })),
      ),
    );
    const a = newWorker();
    const b = newWorker();
    await Promise.all([a.pass(), b.pass()]);
    await Promise.all([a.stop(), b.stop()]);
    const got = received.filter((m) => m.raw.includes('Once only'));
    expect(got).toHaveLength(30);
    expect(new Set(got.map((m) => m.to[0])).size).toBe(30);
  });

  it('a queued reset mail is stored encrypted, and only the worker reads it back to send it', async () => {
    await gw.app.mail.stop();
    const token = await resetMail('sealed.reset@example.org');
    const [pending] = await storedText('sealed.reset@example.org');
    expect(pending.status).toBe('PENDING');
    expect(pending.text).not.toContain(token);
    const next = newWorker();
    await next.pass();
    await next.stop();
    expect(received.find((m) => m.to.includes('sealed.reset@example.org'))?.raw).toContain(token);
    const [sent] = await storedText('sealed.reset@example.org');
    expect(sent.status).toBe('SENT');
    expect(sent.text).not.toContain(token);
    expect(logged.text()).not.toContain(token);
  });

  it('a mail that fails for good (FAILED) keeps no body either', async () => {
    await gw.app.mail.stop();
    // Its last attempt is due: one refusal more and it is given up.
    const token = await resetMail('refused.reset@example.org');
    await gw.database.rows(sql`update outbox set attempts = ${MAX_ATTEMPTS - 1} where to_address = 'refused.reset@example.org'`);
    refusing.add('refused.reset@example.org');
    const next = newWorker();
    await next.pass();
    await next.stop();
    const [failed] = await storedText('refused.reset@example.org');
    expect(failed.status).toBe('FAILED');
    expect(failed.text).not.toContain(token);
    expect(failed.text).toContain('mailbox busy');
    expect(logged.text()).not.toContain(token);
  });

  it('a row queued before bodies were encrypted (clear body) is still sent, then emptied', async () => {
    await gw.app.mail.stop();
    await gw.database.rows(
      sql`insert into outbox (kind, to_address, subject, body) values ('invite', 'legacy.row@example.org', 'You are invited', 'old code: legacy-code-123')`,
    );
    const next = newWorker();
    await next.pass();
    await next.stop();
    expect(received.find((m) => m.to.includes('legacy.row@example.org'))?.raw).toContain('legacy-code-123');
    const [sent] = await storedText('legacy.row@example.org');
    expect(sent.status).toBe('SENT');
    expect(sent.text).not.toContain('legacy-code-123');
  });
});
