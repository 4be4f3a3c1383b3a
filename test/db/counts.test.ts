import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { createUsers } from '../../src/modules/users/actions.js';
import { changeLifecycle, eraseUser } from '../../src/modules/users/lifecycle.js';
import { deleteUser, restoreUser } from '../../src/modules/users/removal.js';
import { seedUsers } from '../../src/modules/users/seed.js';
import { useGateway } from '../helpers/app.js';
import { actingAs, makeUser, unique } from '../helpers/factories.js';

const gw = useGateway();

const LIST = `query ($filter: UserFilter) { users(first: 1, filter: $filter) {
  totalCount exact: count { value exact } capped: count(strategy: CAPPED) { value exact } estimate: count(strategy: ESTIMATE) { value exact } } }`;
const NOT_DELETED = { not: { status: { in: ['DELETED'] } } };

/** The kept counts (all, and all but the deleted), and the real ones. */
async function counts() {
  const [row] = await queryRows<{ kept: number; real: number; keptLive: number; realLive: number; slots: number }>(
    gw.database.db,
    sql`select (select sum(n)::int from row_counts where table_name = 'users' and key <> '') as kept,
      (select count(*)::int from users) as real,
      (select sum(n)::int from row_counts where table_name = 'users' and key not in ('', 'DELETED')) as "keptLive",
      (select count(*)::int from users where status <> 'DELETED') as "realLive",
      (select count(distinct slot)::int from row_counts where table_name = 'users' and key <> '') as slots`,
  );
  return row;
}

async function expectExact() {
  const now = await counts();
  expect(now.kept).toBe(now.real);
  expect(now.keptLive).toBe(now.realLive);
  return now;
}

/** What the users connection answers, unfiltered and without the deleted accounts. */
async function listed(token: string) {
  const all = await gw.gql(LIST, {}, token);
  const live = await gw.gql(LIST, { filter: NOT_DELETED }, token);
  expect(all.body.errors).toBeUndefined();
  expect(live.body.errors).toBeUndefined();
  return { all: all.body.data.users, live: live.body.data.users };
}

describe('the kept count of users', () => {
  it('is exact after creates, bulk creates, status changes, deletes, restores and erasures, and answers the lists', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const ctx = actingAs(gw, admin.id);
    await expectExact();
    const made = await Promise.all(Array.from({ length: 8 }, () => makeUser(gw)));
    await seedUsers(gw.system, 120, 'seed-password-1');
    await createUsers(
      ctx,
      Array.from({ length: 5 }, () => ({ username: unique('bulk'), email: `${unique('b')}@example.org` })),
    );
    await changeLifecycle(ctx, made[0].id, { kind: 'deactivate' }, null);
    await changeLifecycle(ctx, made[1].id, { kind: 'suspend', until: new Date(Date.now() + 3_600_000) }, null);
    await changeLifecycle(ctx, made[1].id, { kind: 'unsuspend' }, null);
    await deleteUser(ctx, made[2].id);
    await deleteUser(ctx, made[3].id);
    await restoreUser(ctx, made[3].id);
    await eraseUser(ctx, made[4].id, 'asked to be forgotten');
    await changeLifecycle(ctx, made[5].id, { kind: 'suspend' }, null);
    const now = await expectExact();
    // A write to other columns changes no count.
    await queryRows(gw.database.db, sql`update users set bio = 'x' where id = ${made[6].id}`);
    expect(await expectExact()).toEqual(now);
    // Removed rows (erasure by a database operator) lower it in the same statement.
    await queryRows(gw.database.db, sql`delete from users where id in (select id from users where id <> ${admin.id} order by id desc limit 7)`);
    const after = await expectExact();
    const { all, live } = await listed(admin.token);
    expect(all).toEqual({
      totalCount: after.real,
      exact: { value: after.real, exact: true },
      capped: { value: after.real, exact: true },
      estimate: { value: after.real, exact: true },
    });
    // The legacy lists' filter (every account but the deleted ones) is kept too: exact whatever the strategy.
    expect(live.totalCount).toBe(after.realLive);
    expect(live.estimate).toEqual({ value: after.realLive, exact: true });
  });

  it('changes with the transaction: a rolled-back insert leaves it as it was', async () => {
    const before = await counts();
    await gw.database.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into users (username, email) values ('rolled_back_user', 'rb@example.org')`);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await counts()).toEqual(before);
  });

  it('spreads transactions over slots, and concurrent writers never wait on one another', async () => {
    const { kind } = gw.database;
    const writers = 5;
    const victims = await Promise.all(Array.from({ length: writers }, () => makeUser(gw)));
    let arrived = 0;
    // Each transaction inserts, changes a status and deletes, then waits (in PostgreSQL, holding its
    // count rows) until every other one has done the same: with one count row per table the second
    // writer would queue behind the first, which waits for it, and the test would time out.
    const write = (i: number) =>
      gw.database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into users (username, email) values (${unique('par')}, ${`${unique('p')}@example.org`})`);
        await tx.execute(sql`update users set status = 'DEACTIVATED' where id = ${victims[i].id}`);
        const [gone] = await queryRows<{ id: string }>(tx, sql`insert into users (username) values (${unique('gone')}) returning id`);
        await tx.execute(sql`delete from users where id = ${gone.id}`);
        arrived++;
        if (kind === 'postgres') {
          const deadline = Date.now() + 30_000;
          while (arrived < writers) {
            if (Date.now() > deadline) throw new Error(`only ${arrived} of ${writers} writers got past their count rows`);
            await new Promise((r) => setTimeout(r, 10));
          }
        }
      });
    // PGlite has one connection, so its transactions run one after another: the counts must still
    // come out exact, summed over the slots the transactions took.
    await Promise.all(Array.from({ length: writers }, (_, i) => write(i)));
    expect(arrived).toBe(writers);
    const now = await expectExact();
    expect(now.slots).toBeGreaterThan(1);
  });

  it('without its marker row, counts the slow way instead of answering 0', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const { real, realLive } = await counts();
    await queryRows(gw.database.db, sql`delete from row_counts where table_name = 'users' and key = ''`);
    try {
      const { all, live } = await listed(admin.token);
      expect(all.totalCount).toBe(real);
      expect(live.totalCount).toBe(realLive);
    } finally {
      await queryRows(gw.database.db, sql`insert into row_counts (table_name, key, slot, n) values ('users', '', 0, 0)`);
    }
    expect((await counts()).kept).toBe(real);
  });
});
