import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRET, useGateway } from './helpers/app.js';
import { onPostgres } from './helpers/db.js';
import { until } from './helpers/wait.js';

const ROOT = new URL('..', import.meta.url).pathname;
const clean = (env: Record<string, string>) => {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'DATA_DIR', 'JWT_SECRET', 'SECRETS_KEY', 'NODE_ENV', 'ADMIN_USERNAME', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'PORT'])
    delete base[k];
  return { ...base, LOG_LEVEL: 'info', ...env };
};

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: clean(env), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(onPostgres)('the embedded database, the gateway and the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-embedded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('first start creates an administrator with a printed password; the CLI refuses the held database; SIGTERM stops cleanly', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: clean({ DATA_DIR: dir, PORT: String(port) }) });
    let out = '';
    gateway.stdout.on('data', (c) => (out += c));
    gateway.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => gateway.on('exit', (code) => r(code)));
    try {
      // A first start on a busy machine may take a minute: wait for readiness, not for a fixed time.
      await until(() => /listening/.test(out), 'the gateway to listen', { seconds: 150 });
      await until(
        () =>
          fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        'the gateway to be ready',
        { seconds: 60 },
      );
      const password = /Created administrator "admin" with password: (\S+)/.exec(out)?.[1];
      expect(password, out).toBeTruthy();
      const login = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(username: "admin", password: "${password}") { user { roles { name } } } }` }),
      }).then((r) => r.json() as Promise<any>);
      expect(login.data.login.user.roles).toEqual([{ name: 'superadmin' }]);

      const held = cli(['token', '--username', 'admin'], { DATA_DIR: dir });
      expect(held.code).not.toBe(0);
      expect(held.stderr.trim().split('\n')).toHaveLength(1);
      expect(held.stderr).toMatch(/in use by the gateway/);
    } finally {
      gateway.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopped/);

    // With the gateway gone the CLI opens the same database.
    const token = cli(['token', '--username', 'admin', '--ttl', '1h'], { DATA_DIR: dir });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim().split('\n').at(-1)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  }, 300_000);

  it('refuses bad configuration in one line', () => {
    const r = cli(['token', '--username', 'admin'], { DATA_DIR: dir, DB_POOL_MAX: 'lots' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Invalid configuration: DB_POOL_MAX: [^\n]+$/);
    const usage = cli(['frobnicate'], { DATA_DIR: dir });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe.runIf(onPostgres)('the CLI against PostgreSQL while the gateway runs', () => {
  const gw = useGateway();

  it('create-admin, seed and token work beside a running gateway', async () => {
    const env = { DATABASE_URL: gw.url!, JWT_SECRET: TEST_SECRET };
    const created = cli(['create-admin', '--username', 'cli_admin', '--email', 'cli@example.org', '--password', 'cli-admin-password'], env);
    expect(created.code, created.stderr).toBe(0);
    const seeded = cli(['seed', '--users', '500'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded 500 users/);
    const token = cli(['token', '--username', 'cli_admin'], env).stdout.trim().split('\n').at(-1)!;
    const res = await gw.gql('{ viewer { username roles { name } } users(first: 1, filter: { role: "moderator" }) { totalCount } }', {}, token);
    expect(res.body.data.viewer).toEqual({ username: 'cli_admin', roles: [{ name: 'superadmin' }] });
    expect(res.body.data.users.totalCount).toBeGreaterThan(0);
    const dup = cli(['create-admin', '--username', 'cli_admin', '--email', 'other@example.org', '--password', 'cli-admin-password'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const missing = cli(['create-admin', '--username', 'x'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing --email, --password/);
  }, 120_000);
});
