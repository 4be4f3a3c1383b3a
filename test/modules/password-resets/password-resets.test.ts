import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { RESET_LIMIT } from '../../../src/modules/password-resets/actions.js';
import { capturedLogger, useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { until as waitUntil } from '../../helpers/wait.js';

// No SMTP_URL: mail is written to DATA_DIR/mail. The log is captured to check what it says.
const logged = capturedLogger();
// A long hashing queue, so the parallel test below meets the reset limit and not the hashing bound.
const gw = useGateway({ LOGIN_HASH_QUEUE: '100' }, { log: logged.log });

/** Waits for `check`, kicking the mail worker between polls. */
const until = <T>(check: () => Promise<T | undefined> | T | undefined, what: string) =>
  waitUntil(check, what, { seconds: 30, between: () => gw.app.mail.kick() });

const RESET = `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { __typename ... on ResetPasswordSuccess { result { reset } } ... on Error { message code } } }`;

/** A public call from a client address. */
const reset = async (token: string, newPassword: string, ip = '198.51.100.7') => (await gw.gqlFrom(ip, RESET, { input: { token, newPassword } })).body;
const login = async (u: string, p: string) =>
  (await gw.gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u, p })).body;

describe('password reset', () => {
  it('an admin makes a one-time token; the reset sets the password and ends every session', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const target = await gw.user({ password: 'old-password-1' });
    expect(await mutate(gw, 'createPasswordResetToken', { userId: target.gid }, plain.token)).toMatchObject({ error: 'FORBIDDEN' });
    const made = await mutate(gw, 'createPasswordResetToken', { userId: target.gid }, admin.token, 'result { token expiresAt }');
    expect(made.result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [{ n }] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from password_reset_tokens where token_hash = ${made.result.token}`);
    expect(n).toBe(0);
    expect((await reset(made.result.token, 'short')).data.resetPassword.code).toBe('BAD_INPUT');
    expect((await reset(made.result.token, 'new-password-1')).data.resetPassword.result.reset).toBe(true);
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await login(target.username, 'old-password-1')).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await login(target.username, 'new-password-1')).data.login.accessToken).toBeTruthy();
    // Used, unknown and superseded tokens answer alike.
    const used = (await reset(made.result.token, 'another-pass-1')).data.resetPassword;
    const unknown = (await reset('no-such-token', 'another-pass-1')).data.resetPassword;
    expect(used).toEqual(unknown);
    const first = await mutate(gw, 'createPasswordResetToken', { userId: target.gid }, admin.token, 'result { token }');
    await mutate(gw, 'createPasswordResetToken', { userId: target.gid }, admin.token, 'result { token }');
    expect((await reset(first.result.token, 'another-pass-1')).data.resetPassword).toEqual(unknown);
  });

  it('limits failed resets per address', async () => {
    for (let i = 0; i < RESET_LIMIT.max; i++) await reset(`guess-${i}`, 'whatever-pass-1', '203.0.113.77');
    expect((await reset('guess-last', 'whatever-pass-1', '203.0.113.77')).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await reset('guess-last', 'whatever-pass-1', '203.0.113.78')).data.resetPassword.code).toBe('BAD_INPUT');
  });

  it('without SMTP_URL the reset mail is written whole to DATA_DIR/mail/<id>.eml (0600); the log names it, never the token', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user({ email: 'eml.reset@example.org' });
    const made = await mutate(gw, 'createPasswordResetToken', { userId: target.gid, sendEmail: true }, admin.token, 'result { token mailedTo }');
    const token: string = made.result.token;
    expect(made.result.mailedTo).toBe('eml.reset@example.org');
    const row = await until(
      async () =>
        (
          await gw.database.rows<{ id: string; status: string }>(
            sql`select id::text as id, status from outbox where to_address = 'eml.reset@example.org' and status = 'SENT'`,
          )
        )[0],
      'the reset mail',
    );
    const dir = join(gw.config.dataDir, 'mail');
    const file = join(dir, `${row.id}.eml`);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // The whole message, headers and all, so a developer can follow it.
    const eml = readFileSync(file, 'utf8').replace(/=\r?\n/g, '');
    expect(eml).toMatch(/^To: eml\.reset@example\.org\r?$/m);
    expect(eml).toContain('Subject: Reset your password');
    expect(eml).toContain(token);
    // The log says which mail went where, and never its secret.
    const text = logged.text();
    expect(text).not.toContain(token);
    const line = logged.lines.map((l) => JSON.parse(l)).find((l) => l.mail?.id === row.id);
    expect(line).toMatchObject({ mail: { id: row.id, kind: 'password-reset', to: 'eml.reset@example.org' }, file });
    // Once written, the outbox keeps no body.
    const [stored] = await gw.database.rows<Record<string, unknown>>(sql`select * from outbox where id = ${BigInt(row.id)}`);
    for (const [column, value] of Object.entries(stored))
      expect(String(value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value), column).not.toContain(token);
  });

  it('30 parallel wrong tokens from one address: at most the limit are tried, the rest RATE_LIMITED', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => reset(`parallel-guess-${i}`, 'whatever-pass-1', '203.0.113.79')));
    const tried = results.filter((r) => r.data?.resetPassword.code === 'BAD_INPUT').length;
    const limited = results.filter((r) => r.errors?.[0].extensions.code === 'RATE_LIMITED').length;
    expect(tried).toBeLessThanOrEqual(RESET_LIMIT.max);
    expect(tried + limited).toBe(30);
  });
});
