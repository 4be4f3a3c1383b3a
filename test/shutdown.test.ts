import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { TEST_SECRET, useGateway } from './helpers/app.js';
import { onPostgres } from './helpers/db.js';
import { until } from './helpers/wait.js';

const ROOT = new URL('..', import.meta.url).pathname;

// A write that is still running when SIGTERM arrives: the test holds a lock the write needs.
describe.runIf(onPostgres)('SIGTERM waits for writes already running', () => {
  const gw = useGateway();

  async function drain(writeTimeout: string, release: 'before-timeout' | 'never') {
    const admin = await gw.user({ roles: ['superadmin'] });
    const target = await gw.user();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: gw.url!,
      JWT_SECRET: TEST_SECRET,
      PORT: String(port),
      LOG_LEVEL: 'info',
      SHUTDOWN_WRITE_TIMEOUT: writeTimeout,
    };
    delete env.DATA_DIR;
    const gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env });
    let out = '';
    gateway.stdout.on('data', (c) => (out += c));
    gateway.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => gateway.on('exit', (code) => resolve(code)));
    const locker = postgres(gw.url!, { max: 2, onnotice: () => {} });
    const held = await locker.reserve();
    try {
      await until(() => /listening/.test(out), 'the gateway to listen');
      await held`begin`;
      await held`select 1 from users where id = ${target.id.toString()} for update`;
      const write = fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({
          query: 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { __typename } }',
          variables: { input: { id: target.gid, displayName: 'Written during the drain' } },
        }),
      }).then(
        (r) => r.json() as Promise<any>,
        (e) => ({ failed: String(e) }),
      );
      await until(
        async () => (await locker`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)[0].n > 0,
        'the write to wait on the lock',
      );
      gateway.kill('SIGTERM');
      await until(() => /draining requests/.test(out), 'the drain to begin');
      if (release === 'before-timeout') await held`commit`;
      const code = await exited;
      const answer = await write;
      if (release === 'never') await held`rollback`;
      const [row] = await locker`select display_name from users where id = ${target.id.toString()}`;
      return { code, out, answer, displayName: row.display_name as string | null };
    } finally {
      held.release();
      await locker.end();
      if (gateway.exitCode === null) gateway.kill('SIGKILL');
    }
  }

  it('a write blocked when SIGTERM arrives completes, is answered, and the gateway exits 0', async () => {
    const r = await drain('60', 'before-timeout');
    expect(r.code, r.out).toBe(0);
    expect(r.answer.data?.updateUser.__typename, JSON.stringify(r.answer)).toBe('UpdateUserSuccess');
    expect(r.displayName).toBe('Written during the drain');
  }, 180_000);

  it('a write still running after SHUTDOWN_WRITE_TIMEOUT is cut, logged, and nothing of it is written', async () => {
    const r = await drain('1', 'never');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/"writesCut":1/);
    expect(r.out).toMatch(/cutting them/);
    expect(r.displayName).toBeNull();
  }, 180_000);
});
