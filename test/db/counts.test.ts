import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { seedUsers } from '../../src/modules/users/seed.js';
import { useGateway } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';

const gw = useGateway();

const counted = async (token: string) => (await gw.gql('{ users(first: 1) { totalCount } }', {}, token)).body.data.users.totalCount as number;
const counts = async () => {
  const [row] = await queryRows<{ kept: number; real: number }>(
    gw.database.db,
    sql`select (select n::int from row_counts where table_name = 'users') as kept, (select count(*)::int from users) as real`,
  );
  return row;
};

describe('the kept count of users', () => {
  it('is exact after single, parallel and bulk inserts, and after deletes', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    let now = await counts();
    expect(now.kept).toBe(now.real);
    await Promise.all(Array.from({ length: 12 }, () => makeUser(gw)));
    await seedUsers(gw.system, 250, 'seed-password-1');
    now = await counts();
    expect(now.kept).toBe(now.real);
    expect(await counted(admin.token)).toBe(now.real);
    // A removed row (erasure's last step, or a database operator) lowers it in the same statement.
    await queryRows(gw.database.db, sql`delete from users where id in (select id from users where id <> ${admin.id} order by id desc limit 7)`);
    now = await counts();
    expect(now.kept).toBe(now.real);
    expect(await counted(admin.token)).toBe(now.real);
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

  it('without its row, totalCount counts the slow way instead of answering 0', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const { real } = await counts();
    await queryRows(gw.database.db, sql`delete from row_counts where table_name = 'users'`);
    try {
      expect(await counted(admin.token)).toBe(real);
    } finally {
      await queryRows(gw.database.db, sql`insert into row_counts (table_name, n) select 'users', count(*) from users`);
    }
    expect((await counts()).kept).toBe(real);
  });
});
