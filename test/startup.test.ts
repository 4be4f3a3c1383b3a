import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres } from './helpers/db.js';
import { until } from './helpers/wait.js';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Starts the gateway (src/main.ts) with `env` and answers what it printed once it exited; a start
 * that succeeds is stopped with SIGTERM once it answers /readyz.
 */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'DATA_DIR', 'JWT_SECRET', 'SECRETS_KEY', 'NODE_ENV', 'PORT', 'HOST', 'TEST_DATABASE_URL']) delete base[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...base, LOG_LEVEL: 'info', ...env } });
  let stdout = '';
  let stderr = '';
  let stopping = false;
  child.stdout.on('data', (c) => {
    stdout += c;
    if (stopping || !/listening:/.test(stdout)) return;
    stopping = true;
    void until(
      () =>
        fetch(`http://127.0.0.1:${env.PORT}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      'the gateway to be ready',
      { seconds: 120 },
    ).finally(() => child.kill('SIGTERM'));
  });
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, stdout })));
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

// Spawned starts are the same on both database projects; they run once, beside the embedded one.
describe.skipIf(onPostgres)('start-up says what is wrong, in one line, at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-startup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a port in use is said before the database is opened (no administrator is created)', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await start({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(dir, 'in-use') });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`Failed to start: Port ${port} on 127.0.0.1 is already in use: stop what holds it or set PORT`);
      expect(r.stdout).not.toMatch(/Created administrator|database:/);
    } finally {
      holder.close();
    }
  }, 120_000);

  it('a HOST that is not an address of this machine', async () => {
    const r = await start({ PORT: String(await freePort()), HOST: '192.0.2.1', DATA_DIR: join(dir, 'bad-host') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Failed to start: HOST 192\.0\.2\.1 is not an address of this machine/);
  }, 120_000);

  it('a PostgreSQL that refuses the connection', async () => {
    const r = await start({ PORT: String(await freePort()), DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/x` });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/refused the connection: is PostgreSQL running there\? \(check DATABASE_URL\)/);
  }, 120_000);

  it('a good start prints a line per phase with its time: database, migrations, listening', async () => {
    const r = await start({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(dir, 'good') });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/database: embedded \(PGlite\) in .* \(\d+ ms\)/);
    expect(r.stdout).toMatch(/migrations: up to date \(\d+ ms\)/);
    expect(r.stdout).toMatch(/listening: admin gateway on http:\/\/localhost:\d+\/graphql \(ready in \d+ ms\)/);
  }, 120_000);
});

// These need a PostgreSQL server to answer; they run in the postgres project only.
describe.runIf(onPostgres)('start-up on PostgreSQL names the database problem', () => {
  const server = process.env.TEST_DATABASE_URL!;
  const at = (path: string, user?: string) => {
    const url = new URL(server);
    url.pathname = path;
    if (user) url.username = user;
    return url.toString();
  };

  it('an unknown database and an unknown role', async () => {
    const port = String(await freePort());
    const db = await start({ PORT: port, DATABASE_URL: at('/no_such_database_here') });
    expect(db.code).toBe(1);
    expect(db.stderr.trim()).toMatch(/database "no_such_database_here" does not exist; create it \(createdb\) or name an existing one in DATABASE_URL$/);
    const role = await start({ PORT: port, DATABASE_URL: at('/postgres', 'no_such_role_here') });
    expect(role.code).toBe(1);
    expect(role.stderr.trim()).toMatch(/role "no_such_role_here" does not exist; check the user in DATABASE_URL, or create the role \(createuser\)$/);
  }, 120_000);

  it('a database that already holds a users table of someone else', async () => {
    const name = `gw_foreign_${randomBytes(4).toString('hex')}`;
    const admin = postgres(server, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const other = postgres(at(`/${name}`), { max: 1, onnotice: () => {} });
    try {
      await other.unsafe('create table users (id serial primary key, name text)');
      const r = await start({ PORT: String(await freePort()), DATABASE_URL: at(`/${name}`) });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /already has tables the gateway did not create \(relation "users[\w]*" already exists\): give the gateway an empty database of its own/,
      );
    } finally {
      await other.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 120_000);
});
