import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRET, useGateway } from './helpers/app.js';
import { onPostgres } from './helpers/db.js';
import { until } from './helpers/wait.js';

const ROOT = new URL('..', import.meta.url).pathname;
const clean = (env: Record<string, string>) => {
  const base = { ...process.env };
  for (const k of [
    'DATABASE_URL',
    'DATA_DIR',
    'JWT_SECRET',
    'SECRETS_KEY',
    'NODE_ENV',
    'ADMIN_USERNAME',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
    'PORT',
    'TEST_DATABASE_URL',
  ])
    delete base[k];
  return { ...base, LOG_LEVEL: 'info', ...env };
};

/** Runs the CLI to its end (no time limit: a busy machine is slow, not wrong). */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: clean(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

async function gql(base: string, query: string, token?: string): Promise<any> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

describe('the CLI lists every command', () => {
  it('--help names each one', async () => {
    const r = await cli(['--help'], {});
    expect(r.code).toBe(0);
    for (const c of ['create-admin', 'token', 'set-password', 'revoke-sessions', 'list-users', 'export-users', 'seed', 'link-identity', 'migrate [--check]'])
      expect(r.stdout).toContain(`  ${c}`);
  }, 120_000);
});

describe.skipIf(onPostgres)('the embedded database: the CLI works while the gateway holds it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-embedded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DATA_DIR: dir };
  const socket = join(dir, 'admin.sock');

  it('through the admin socket while it runs, and on its own once it stopped', async () => {
    // A socket file left by a gateway that died: the CLI opens the database itself, the gateway replaces it.
    const migrated = await cli(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    writeFileSync(socket, '');
    const check = await cli(['migrate', '--check'], env);
    expect([check.code, check.stdout]).toEqual([0, 'Migrations: up to date\n']);

    const port = 20000 + Math.floor(Math.random() * 20000);
    const base = `http://127.0.0.1:${port}`;
    const gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: clean({ ...env, PORT: String(port) }) });
    let out = '';
    gateway.stdout.on('data', (c) => (out += c));
    gateway.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => gateway.on('exit', (code) => r(code)));
    try {
      // A first start on a busy machine may take minutes: wait for readiness, not for a fixed time.
      await until(() => /listening/.test(out) || gateway.exitCode !== null, 'the gateway to listen', { seconds: 240 });
      await until(
        () =>
          fetch(`${base}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        'the gateway to be ready',
        { seconds: 120 },
      );
      expect(statSync(socket).isSocket()).toBe(true);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      const password = /Created administrator "admin" with password: (\S+)/.exec(out)?.[1];
      expect(password, out).toBeTruthy();
      const login = await gql(base, `mutation { login(username: "admin", password: "${password}") { accessToken } }`);
      const signedIn = login.data.login.accessToken as string;

      // The README's first query, in order: a token from the CLI while the gateway runs.
      const token = await cli(['token', '--username', 'admin'], env);
      expect(token.code, token.stderr).toBe(0);
      expect(lastLine(token.stdout)).toMatch(JWT);
      const viewer = await gql(base, '{ viewer { username roles { name } } }', lastLine(token.stdout));
      expect(viewer.data.viewer).toEqual({ username: 'admin', roles: [{ name: 'superadmin' }] });
      expect(out).toMatch(/admin socket: token/);

      const seeded = await cli(['seed', '--users', '30'], env);
      expect(seeded.code, seeded.stderr).toBe(0);
      expect(seeded.stdout).toMatch(/^Seeded 30 users in [\d.]+ s/);
      const list = await cli(['list-users', '--limit', '5'], env);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout.split('\n')[0]).toMatch(/^id\s+username\s+email\s+status\s+roles$/);
      expect(list.stdout).toMatch(/^1\s+admin\s+-\s+ACTIVE\s+superadmin$/m);
      expect(list.stderr).toBe('more: --after 5\n');

      const exported = await cli(['export-users'], env);
      expect(exported.code, exported.stderr).toBe(0);
      const rows = exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows).toHaveLength(31);
      expect(rows[0]).toMatchObject({ id: '1', username: 'admin', roles: ['superadmin'] });
      expect(exported.stdout).not.toMatch(/password|\$argon2|secret/i);
      expect(exported.stderr).toMatch(/exported users: 31 of 31 \(100%\)/);

      // set-password ends every session: the signed-in token and the CLI's token stop working.
      const bad = await cli(['set-password', '--username', 'admin', '--password', 'short'], env);
      expect([bad.code, bad.stderr]).toEqual([1, 'password: at least 8 characters\n']);
      const set = await cli(['set-password', '--username', 'admin', '--password', 'a-new-admin-password'], env);
      expect(set.code, set.stderr).toBe(0);
      expect((await gql(base, '{ viewer { username } }', signedIn)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const again = await gql(base, 'mutation { login(username: "admin", password: "a-new-admin-password") { accessToken } }');
      const revoked = await cli(['revoke-sessions', '--username', 'admin'], env);
      expect([revoked.code, revoked.stdout]).toEqual([0, 'Ended 1 session of admin\n']);
      expect((await gql(base, '{ viewer { username } }', again.data.login.accessToken)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      const missing = await cli(['revoke-sessions', '--username', 'nobody_here'], env);
      expect([missing.code, missing.stderr]).toEqual([1, 'No local user named "nobody_here"\n']);
      const upToDate = await cli(['migrate', '--check'], env);
      expect([upToDate.code, upToDate.stdout]).toEqual([0, 'Migrations: up to date\n']);
    } finally {
      gateway.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopped/);
    expect(existsSync(socket)).toBe(false);

    // With the gateway gone the CLI opens the same database, with the same output.
    const token = await cli(['token', '--username', 'admin', '--ttl', '1h'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(lastLine(token.stdout)).toMatch(JWT);
    const list = await cli(['list-users', '--limit', '5'], env);
    expect(list.stdout).toMatch(/^1\s+admin\s+-\s+ACTIVE\s+superadmin$/m);
  }, 600_000);

  it('refuses bad configuration and usage in one line', async () => {
    const r = await cli(['token', '--username', 'admin'], { DATA_DIR: dir, DB_POOL_MAX: 'lots' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Invalid configuration: DB_POOL_MAX: [^\n]+$/);
    const usage = await cli(['frobnicate'], { DATA_DIR: dir });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/unknown command "frobnicate"/);
    const option = await cli(['list-users', '--limit', 'many'], { DATA_DIR: dir });
    expect([option.code, option.stderr]).toEqual([1, '--limit must be a whole number from 1 to 1000\n']);
  }, 120_000);
});

describe.runIf(onPostgres)('the CLI against PostgreSQL while the gateway runs', () => {
  const gw = useGateway();

  it('create-admin, seed, token, list, export, set-password and migrate --check beside a running gateway', async () => {
    const env = { DATABASE_URL: gw.url!, JWT_SECRET: TEST_SECRET };
    const created = await cli(['create-admin', '--username', 'cli_admin', '--email', 'cli@example.org', '--password', 'cli-admin-password'], env);
    expect(created.code, created.stderr).toBe(0);
    const seeded = await cli(['seed', '--users', '500'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded 500 users/);
    const token = lastLine((await cli(['token', '--username', 'cli_admin'], env)).stdout);
    const res = await gw.gql('{ viewer { username roles { name } } users(first: 1, filter: { role: "moderator" }) { totalCount } }', {}, token);
    expect(res.body.data.viewer).toEqual({ username: 'cli_admin', roles: [{ name: 'superadmin' }] });
    expect(res.body.data.users.totalCount).toBeGreaterThan(0);

    const list = await cli(['list-users', '--limit', '1000'], env);
    expect(list.stdout).toMatch(/\bcli_admin\s+cli@example\.org\s+ACTIVE\s+superadmin$/m);
    const exported = await cli(['export-users'], env);
    const rows = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.find((u) => u.username === 'cli_admin')).toMatchObject({ email: 'cli@example.org', roles: ['superadmin'] });
    expect(exported.stdout).not.toMatch(/password|\$argon2|secret/i);

    const set = await cli(['set-password', '--username', 'cli_admin', '--password', 'another-admin-password'], env);
    expect(set.code, set.stderr).toBe(0);
    expect((await gw.gql('{ viewer { username } }', {}, token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const check = await cli(['migrate', '--check'], env);
    expect([check.code, check.stdout]).toEqual([0, 'Migrations: up to date\n']);

    const dup = await cli(['create-admin', '--username', 'cli_admin', '--email', 'other@example.org', '--password', 'cli-admin-password'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const missing = await cli(['create-admin', '--username', 'x'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing --email, --password/);
  }, 300_000);

  it('migrate --check on an empty database says what is pending, with exit code 2', async () => {
    const url = new URL(gw.url!);
    const name = `gw_cli_empty_${process.pid}`;
    const { default: postgres } = await import('postgres');
    const admin = postgres(gw.url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    try {
      url.pathname = `/${name}`;
      const check = await cli(['migrate', '--check'], { DATABASE_URL: url.toString() });
      expect(check.code, check.stderr).toBe(2);
      expect(check.stdout).toMatch(/^Migrations: \d+ pending\n {2}\d+_extensions\n/);
      const applied = await cli(['migrate'], { DATABASE_URL: url.toString() });
      expect(applied.stdout).toMatch(/^Applied \d+ migrations\n$/);
      expect((await cli(['migrate', '--check'], { DATABASE_URL: url.toString() })).code).toBe(0);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 300_000);
});
