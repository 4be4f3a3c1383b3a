import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { useConnectionFixtures } from '../helpers/connections.js';

/**
 * Every list of the connection engine answers `count(strategy:)` beside `totalCount`: EXACT and
 * CAPPED (below the cap) agree with totalCount and say they are exact; ESTIMATE is a planner figure.
 * The count is read through the connection, so it is guarded as the list is.
 */

const gw = useGateway();
const fx = useConnectionFixtures(gw);
const { CASES, listQuery } = fx;
const COUNTS =
  'totalCount exact: count(strategy: EXACT) { value exact } capped: count(strategy: CAPPED) { value exact } estimate: count(strategy: ESTIMATE) { value exact }';

describe('count(strategy:) on every list', () => {
  it('EXACT and CAPPED agree with totalCount, ESTIMATE is a number, on a filtered page', async () => {
    for (const c of CASES) {
      const res = await gw.gql(listQuery(c, COUNTS), { ...c.vars(), first: 2 }, fx.admin.token);
      expect(res.body.errors, `${c.field}: ${JSON.stringify(res.body.errors)}`).toBeUndefined();
      const conn = res.body.data[c.field];
      expect(conn.totalCount, c.field).toBeGreaterThanOrEqual(c.minRows);
      expect(conn.exact, c.field).toEqual({ value: conn.totalCount, exact: true });
      expect(conn.capped, c.field).toEqual({ value: conn.totalCount, exact: true });
      expect(Number.isInteger(conn.estimate.value) && conn.estimate.value >= 0, c.field).toBe(true);
    }
  });

  it('is refused with its list to a caller without the list scope', async () => {
    const plain = await gw.user();
    // Any signed-in caller lists roles, and a user lists their own sessions (README "Changes").
    for (const c of CASES.filter((x) => x.field !== 'sessions' && x.field !== 'roles')) {
      const res = await gw.gql(listQuery(c, 'count(strategy: CAPPED) { value }'), { ...c.vars(), first: 1 }, plain.token);
      expect(res.body.errors?.[0]?.extensions?.code, c.field).toBe('FORBIDDEN');
      expect(res.body.data?.[c.field] ?? null, c.field).toBeNull();
    }
  });
});
