import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { findPage } from '../../src/db/connection.js';
import { answerCount, COUNT_CAP } from '../../src/db/list-count.js';
import { userList } from '../../src/modules/users/list.js';
import { seedUsers } from '../../src/modules/users/seed.js';
import { users } from '../../src/modules/users/table.js';
import { useGateway } from '../helpers/app.js';
import { statementLog } from '../helpers/db.js';
import type { MadeUser } from '../helpers/factories.js';

const gw = useGateway();
let admin: MadeUser;

beforeAll(async () => {
  admin = await gw.user({ roles: ['admin'] });
  await seedUsers(gw.system, 80, 'seed-password-1');
  await queryRows(gw.database.db, sql`create sequence page_probe`);
});

const probed = async () => (await queryRows<{ n: string }>(gw.database.db, sql`select last_value::text as n from page_probe`))[0].n;
const noWants = { totalCount: false, cursors: true };

describe('legacy offset pages', () => {
  it('build nodes for the rows of the page only, not for the rows the offset skips', async () => {
    const before = Number(await probed());
    // Every node built calls nextval once, so the sequence counts the nodes PostgreSQL built.
    const page = await findPage(
      gw.database.db,
      userList,
      { select: () => ({ id: users.id, probe: sql<string>`nextval('page_probe')` }) },
      { first: 5, offset: 60, orderBy: 'USERNAME_ASC' },
      noWants,
    );
    const built = Number(await probed()) - before;
    expect(page.edges).toHaveLength(5);
    expect(built).toBeLessThanOrEqual(6);
    // The same rows a walk of the whole order finds at 60..64.
    const all = await queryRows<{ id: string }>(gw.database.db, sql`select id::text from users order by lower(username), id limit 5 offset 60`);
    expect(page.edges.map((e) => String((e.node as { id: bigint }).id))).toEqual(all.map((r) => r.id));
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.hasPreviousPage).toBe(true);
  });

  it('answer the same page through GraphQL, with its cursors and the kept count', async () => {
    const q = `{ users(first: 3, offset: 10, orderBy: ID_ASC) { totalCount edges { cursor node { id } } } }`;
    const res = await gw.gql(q, {}, admin.token);
    expect(res.body.errors).toBeUndefined();
    const [{ n }] = await queryRows<{ n: number }>(gw.database.db, sql`select count(*)::int as n from users`);
    expect(res.body.data.users.totalCount).toBe(n);
    const after = res.body.data.users.edges[0].cursor;
    const next = await gw.gql(`{ users(first: 2, after: "${after}", orderBy: ID_ASC) { edges { node { id } } } }`, {}, admin.token);
    expect(next.body.data.users.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      res.body.data.users.edges.slice(1).map((e: { node: { id: string } }) => e.node.id),
    );
  });
});

const COUNTS = `query ($filter: UserFilter, $after: String) { users(first: 2, filter: $filter, after: $after) {
  totalCount capped: count(strategy: CAPPED) { value exact } estimate: count(strategy: ESTIMATE) { value exact } exact: count { value exact }
  pageInfo { endCursor } } }`;

describe('count(strategy:)', () => {
  it('counts a filtered list exactly (EXACT, CAPPED under the cap) or as the planner estimates (ESTIMATE)', async () => {
    const filter = { username: { contains: '.' } };
    const [{ n }] = await queryRows<{ n: number }>(gw.database.db, sql`select count(*)::int as n from users where username like '%.%'`);
    expect(n).toBeGreaterThan(2);
    statementLog.length = 0;
    const res = await gw.gql(COUNTS, { filter }, admin.token);
    expect(res.body.errors).toBeUndefined();
    const got = res.body.data.users;
    expect(got.totalCount).toBe(n);
    expect(got.exact).toEqual({ value: n, exact: true });
    expect(got.capped).toEqual({ value: n, exact: true });
    expect(got.estimate.exact).toBe(false);
    expect(got.estimate.value).toBeGreaterThanOrEqual(0);
    // CAPPED reads at most the cap and one more; ESTIMATE runs EXPLAIN, which reads no rows.
    expect(statementLog.some((s) => s.includes(`limit ${COUNT_CAP + 1}`))).toBe(true);
    expect(statementLog.some((s) => s.startsWith('explain (format json)'))).toBe(true);
    // Past the last row the page is empty and the counts come from a statement of their own.
    let after: string | null = got.pageInfo.endCursor;
    let last = got;
    while (after) {
      last = (await gw.gql(COUNTS, { filter, after }, admin.token)).body.data.users;
      after = last.pageInfo.endCursor;
    }
    expect(last.totalCount).toBe(n);
    expect(last.capped).toEqual({ value: n, exact: true });
  });

  it('CAPPED says "more than the cap" past it', () => {
    expect(answerCount('CAPPED', COUNT_CAP, false)).toEqual({ value: COUNT_CAP, exact: true });
    expect(answerCount('CAPPED', COUNT_CAP + 1, false)).toEqual({ value: COUNT_CAP, exact: false });
    // A kept count is exact whatever its size.
    expect(answerCount('CAPPED', COUNT_CAP * 3, true)).toEqual({ value: COUNT_CAP * 3, exact: true });
  });

  it('a short search pattern answers its first page without counting every match unless asked', async () => {
    statementLog.length = 0;
    const res = await gw.gql(
      '{ users(first: 5, filter: { username: { contains: "ee" } }) { count(strategy: CAPPED) { value exact } edges { node { id } } } }',
      {},
      admin.token,
    );
    expect(res.body.errors).toBeUndefined();
    const page = statementLog.filter((s) => s.includes('ilike'));
    expect(page).toHaveLength(1);
    expect(page[0]).toContain(`limit ${COUNT_CAP + 1}`);
    expect(page[0]).not.toMatch(/select count\(\*\)::int from "users" where/);
  });

  it('is refused without the scope, and a strategy that is not one is a clear 400', async () => {
    const plain = await gw.user();
    const denied = await gw.gql('{ users(first: 1) { count { value } } }', {}, plain.token);
    expect(denied.body.data?.users ?? null).toBeNull();
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const bad = await gw.gql('{ users(first: 1) { count(strategy: SOMETIMES) { value } } }', {}, admin.token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/SOMETIMES/);
  });
});
