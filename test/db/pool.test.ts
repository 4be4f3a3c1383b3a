import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../src/graphql/input-limits.js';
import { useGateway } from '../helpers/app.js';
import { onPostgres } from '../helpers/db.js';
import { openInstance, type Instance } from '../helpers/instance.js';
import { until } from '../helpers/wait.js';

// PGlite has one connection and does not enforce statement_timeout: there the filter caps are the guard.
describe.runIf(onPostgres)('heavy admin reads cannot starve sign-in, viewer and health', () => {
  const gw = useGateway();
  let small: Instance;

  beforeAll(async () => {
    await gw.database.rows(sql`insert into users (username, email)
      select 'seed' || g || '_' || md5(g::text), 'seed' || g || '@example.org' from generate_series(1, 50000) g`);
    await gw.database.rows(sql`analyze users`);
    // Three connections, one of them reserved.
    small = await openInstance(gw.url!, { DB_POOL_MAX: '3', DB_POOL_RESERVED: '1', DB_CONNECT_TIMEOUT: '30' });
  }, 120_000);
  afterAll(() => small?.close());

  it('a cheap query completes while twelve heavy filters still run', async () => {
    const moderator = await gw.user({ roles: ['moderator'] });
    const heavy = { or: Array.from({ length: INPUT_LIMITS.terms }, (_, i) => ({ username: { contains: `${String.fromCharCode(97 + (i % 26))}${i % 10}` } })) };
    let finished = 0;
    const heavies = Array.from({ length: 12 }, () =>
      small.gql('query($f: UserFilter) { users(first: 5, filter: $f) { totalCount } }', { f: heavy }, moderator.token).then((res) => {
        finished += 1;
        return res;
      }),
    );
    const viewer = await small.gql('{ viewer { id } }', {}, moderator.token);
    expect(viewer.body.data.viewer.id).toBe(moderator.gid);
    const ready = await small.request('/readyz');
    expect(ready.status).toBe(200);
    // Both answered while heavy reads still held the general connections.
    expect(finished).toBeLessThan(12);
    for (const res of await Promise.all(heavies)) {
      expect(JSON.stringify(res.body)).not.toMatch(/INTERNAL/);
      expect(res.status).toBeLessThan(500);
    }
  }, 300_000);

  it('an admin read stopped by DB_READ_STATEMENT_TIMEOUT is a clear BAD_INPUT; writes keep the longer timeout', async () => {
    const quick = await openInstance(gw.url!, { DB_READ_STATEMENT_TIMEOUT: '1', DB_POOL_MAX: '3', DB_POOL_RESERVED: '1' });
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    // Another connection holds the audit log, so reading it waits (the wait counts against the
    // statement timeout) for as long as the lock is held, whatever the machine's speed; the
    // caller's own state (sessions, users, grants) stays readable.
    const locker = postgres(gw.url!, { max: 2, onnotice: () => {} });
    const locked = await locker.reserve();
    try {
      await locked`begin`;
      await locked`lock table audit_log in access exclusive mode`;
      const res = await quick.gql('{ auditLog(first: 5) { edges { node { action } } } }', {}, admin.token);
      expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
      expect(res.body.errors[0].message).toMatch(/took longer than the database allows/);
      // A write (its audit row needs the same table) waits past the read timeout and succeeds once the lock goes.
      const write = quick.gql(
        'mutation($input: UpdateUserInput!) { updateUser(input: $input) { __typename } }',
        { input: { id: target.gid, displayName: 'After the lock' } },
        admin.token,
      );
      await until(
        async () =>
          (
            await locker`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and now() - query_start > interval '1.5 seconds'`
          )[0].n > 0,
        'the write to wait past the read timeout',
      );
      await locked`commit`;
      const written = await write;
      expect(written.body.data.updateUser.__typename).toBe('UpdateUserSuccess');
    } finally {
      locked.release();
      await locker.end();
      await quick.close();
    }
  }, 120_000);
});
