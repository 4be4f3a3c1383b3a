import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { ids, orderType, TIMESTAMP_STEMS, useConnectionFixtures } from '../helpers/connections.js';

/**
 * Every list of the connection engine (db/connection.ts) pages the same way in every order its
 * `<Entity>OrderBy` enum offers (read by introspection, so a new order is walked too): forward and
 * backward walks meet the one-page answer, in the order's sort key with ties broken by the unique key.
 * Refusals: connections-refusals.test.ts; filters and totalCount: connections-filters.test.ts.
 */

const gw = useGateway();
const { CASES, page, enumValues } = useConnectionFixtures(gw);

describe('every list, every order: forward and backward walks agree', () => {
  for (const c of CASES) {
    it(`${c.field}: each ${orderType(c)} value`, async () => {
      const orders = await enumValues(orderType(c));
      expect(orders.length).toBeGreaterThan(0);
      for (const orderBy of orders) {
        const stem = orderBy.replace(/_(ASC|DESC)$/, '');
        const keyOf = c.keys[stem];
        expect(keyOf, `${c.field} ${orderBy}: no sort key known to this test`).toBeDefined();
        const all = await page(c, { orderBy, first: 100 });
        const total = all.edges.length;
        expect(total, `${c.field} ${orderBy}`).toBeGreaterThanOrEqual(c.minRows);
        expect(all.totalCount).toBe(total);
        expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

        const forward: string[] = [];
        let after: string | null = null;
        for (let guard = 0; ; guard++) {
          expect(guard).toBeLessThan(100);
          const p: any = await page(c, { orderBy, first: 2, after });
          expect(p.totalCount, `${c.field} ${orderBy} forward`).toBe(total);
          expect(p.edges.length).toBeLessThanOrEqual(2);
          expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
          forward.push(...ids(p));
          if (p.edges.length) expect(p.pageInfo.endCursor).toBe(p.edges.at(-1).cursor);
          if (!p.pageInfo.hasNextPage) break;
          after = p.pageInfo.endCursor;
        }

        const backwardPages: string[][] = [];
        let before: string | null = null;
        for (let guard = 0; ; guard++) {
          expect(guard).toBeLessThan(100);
          const p: any = await page(c, { orderBy, last: 2, before });
          expect(p.totalCount, `${c.field} ${orderBy} backward`).toBe(total);
          expect(p.edges.length).toBeLessThanOrEqual(2);
          expect(p.pageInfo.hasNextPage).toBe(before !== null);
          backwardPages.unshift(ids(p));
          if (p.edges.length) expect(p.pageInfo.startCursor).toBe(p.edges[0].cursor);
          if (!p.pageInfo.hasPreviousPage) break;
          before = p.pageInfo.startCursor;
        }
        const backward = backwardPages.flat();

        expect(new Set(forward).size, `${c.field} ${orderBy}: duplicates`).toBe(forward.length);
        expect(forward, `${c.field} ${orderBy}: forward vs one page`).toEqual(ids(all));
        expect(backward, `${c.field} ${orderBy}: backward vs one page`).toEqual(ids(all));

        const desc = orderBy.endsWith('_DESC');
        const nodes = all.edges.map((e: any) => e.node);
        for (let i = 1; i < nodes.length; i++) {
          const [a, b] = desc ? [nodes[i], nodes[i - 1]] : [nodes[i - 1], nodes[i]];
          const ka = keyOf(a);
          const kb = keyOf(b);
          const where = `${c.field} ${orderBy} at ${i}: ${String(ka)} / ${String(kb)}`;
          expect(ka <= kb, where).toBe(true);
          // Ties break by the list's unique key in the order's direction (timestamps only to the millisecond here).
          if (ka === kb && !TIMESTAMP_STEMS.has(stem)) expect(c.tie(a) < c.tie(b), `${where}: tie`).toBe(true);
        }
      }
    });
  }

  it('the fixtures really tie on the sort key where it can tie', async () => {
    const roles = await page(CASES[1], { orderBy: 'RANK_ASC', first: 100 });
    expect(roles.edges.filter((e: any) => e.node.rank === 3)).toHaveLength(3);
    const apps = await page(CASES[3], { orderBy: 'NAME_ASC', first: 100 });
    expect(apps.edges.filter((e: any) => e.node.displayName.toLowerCase() === 'same')).toHaveLength(2);
    const invites = await page(CASES[2], { orderBy: 'EXPIRES_AT_ASC', first: 100 });
    expect(new Set(invites.edges.slice(0, 3).map((e: any) => e.node.expiresAt)).size).toBe(1);
  });
});
