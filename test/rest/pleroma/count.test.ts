import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MAX_OFFSET } from '../../../src/db/connection.js';
import { seedUsers } from '../../../src/modules/users/seed.js';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { statementLog } from '../../helpers/db.js';

const gw = useGateway();
const call = restClient(gw, '/api/pleroma/admin');
const live = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from users where status <> 'DELETED'`))[0].n);

describe('Pleroma list count', () => {
  it('is the exact number of listed accounts, read from the kept count without counting rows', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    await seedUsers(gw.system, 30, 'seed-password-1');
    statementLog.length = 0;
    const list = await call('GET', '/users?page=2&page_size=10', admin.token);
    expect(list.status).toBe(200);
    expect(list.body.count).toBe(await live());
    expect(list.body.users).toHaveLength(10);
    const page = statementLog.find((s) => s.includes('"row_counts"'));
    expect(page).toBeDefined();
    // The count's fallback (should the kept count be gone) is there, but no capped count of the rows.
    expect(page).not.toContain('limit 10001');
  });

  it('counts a search up to the cap, exactly below it', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const search = await call('GET', '/users?query=seed&filters=active&page=1&page_size=5', admin.token);
    expect(search.status).toBe(200);
    const [{ n }] = await gw.database.rows<{ n: number }>(
      sql`select count(*)::int as n from users where (username ilike '%seed%' or domain ilike '%seed%') and status = 'ACTIVE'`,
    );
    expect(search.body.count).toBe(n);
  });

  it('refuses a page beyond the capped offset with a clear 400 and no data statement', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const page = Math.floor(MAX_OFFSET / 50) + 2;
    statementLog.length = 0;
    const res = await call('GET', `/users?page=${page}&page_size=50`, admin.token);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/beyond the first 10,000 users/);
    expect(statementLog.some((s) => / offset /.test(s))).toBe(false);
    // The last page that starts within the cap is served.
    const last = await call('GET', `/users?page=${MAX_OFFSET / 50 + 1}&page_size=50`, admin.token);
    expect(last.status).toBe(200);
    expect(last.body.users).toEqual([]);
  });
});
