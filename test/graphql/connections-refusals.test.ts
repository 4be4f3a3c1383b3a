import { beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { useGateway } from '../helpers/app.js';
import { ids, type ListCase, orderType, useConnectionFixtures } from '../helpers/connections.js';
import type { MadeUser } from '../helpers/factories.js';

/**
 * Every list of the connection engine (db/connection.ts) refuses bad arguments (cursors of another
 * order, forged cursors, out-of-range first/last/offset, bad filters) with BAD_INPUT, never INTERNAL.
 */

const gw = useGateway();
const fx = useConnectionFixtures(gw);
const { f, CASES, listQuery, page, errorCode, enumValues } = fx;
let admin: MadeUser;
beforeAll(() => {
  admin = fx.admin;
});

describe('bad paging arguments are BAD_INPUT, never INTERNAL', () => {
  const b64 = (v: string) => Buffer.from(v).toString('base64url');
  const users = () => CASES[0];

  it('a cursor made for one orderBy is refused by every other, on every list', async () => {
    for (const c of CASES) {
      const orders = await enumValues(orderType(c));
      if (orders.length < 2) continue;
      const p = await page(c, { orderBy: orders[0], first: 1 });
      const cursor = p.pageInfo.endCursor;
      for (const other of orders.slice(1)) {
        for (const arg of ['after', 'before']) {
          expect(await errorCode(listQuery(c), { ...c.vars(), orderBy: other, [arg]: cursor }), `${c.field} ${other} ${arg}`).toBe('BAD_INPUT');
        }
      }
    }
  });

  it('forged cursors', async () => {
    const forged: [string, string][] = [
      ['CREATED_AT_ASC', b64('garbage')],
      ['CREATED_AT_ASC', 'not base64 at all!!'],
      ['CREATED_AT_ASC', b64('{"a":1}')],
      ['CREATED_AT_ASC', b64('["CREATED_AT_ASC","not a date","1"]')],
      ['CREATED_AT_ASC', b64('["CREATED_AT_ASC","2020-01-01T00:00:00Z","9223372036854775808"]')],
      ['ID_ASC', b64('["ID_ASC","9223372036854775808","9223372036854775808"]')],
      ['ID_ASC', b64('["ID_ASC","1","99999999999999999999999"]')],
      ['USERNAME_ASC', b64('["USERNAME_ASC","a\\u0000b","1"]')],
      ['CREATED_AT_ASC', b64('["CREATED_AT_ASC","2020-01-01T00:00:00Z",1]')],
    ];
    for (const [orderBy, cursor] of forged) {
      for (const arg of ['after', 'before']) {
        expect(await errorCode(listQuery(users()), { ...users().vars(), orderBy, [arg]: cursor }), `${cursor} ${arg}`).toBe('BAD_INPUT');
      }
    }
    // Each list's own key types: a non-UUID session id, a non-integer rank, a seq above 2^63 - 1.
    const more: [ListCase, string, string][] = [
      [CASES[4], 'CREATED_AT_DESC', b64('["CREATED_AT_DESC","2020-01-01T00:00:00Z","not-a-uuid"]')],
      [CASES[1], 'RANK_DESC', b64('["RANK_DESC","1.5","1"]')],
      [CASES[1], 'RANK_DESC', b64('["RANK_DESC","99999999999","1"]')],
      [CASES[5], 'SEQ_DESC', b64('["SEQ_DESC","9223372036854775808","9223372036854775808"]')],
      [CASES[2], 'EXPIRES_AT_ASC', b64('["EXPIRES_AT_ASC","tomorrow","1"]')],
    ];
    for (const [c, orderBy, cursor] of more) {
      expect(await errorCode(listQuery(c), { ...c.vars(), orderBy, after: cursor }), `${c.field} ${cursor}`).toBe('BAD_INPUT');
    }
  });

  it('first with last, first or last above 100 (users: 1,000) or below 0, offset above 10000 or with last/before', async () => {
    for (const c of CASES) {
      const over = c.field === 'users' ? 1001 : 101;
      expect(await errorCode(listQuery(c), { ...c.vars(), first: 1, last: 1 }), c.field).toBe('BAD_INPUT');
      expect(await errorCode(listQuery(c), { ...c.vars(), first: over }), c.field).toBe('BAD_INPUT');
      expect(await errorCode(listQuery(c), { ...c.vars(), last: over }), c.field).toBe('BAD_INPUT');
      expect(await errorCode(listQuery(c), { ...c.vars(), first: -1 }), c.field).toBe('BAD_INPUT');
    }
    const u = users();
    expect((await page(u, { first: 100 })).edges.length).toBeGreaterThan(0);
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: 10_001, first: 1 })).toBe('BAD_INPUT');
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: -1, first: 1 })).toBe('BAD_INPUT');
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: 1, last: 1 })).toBe('BAD_INPUT');
    const cursor = (await page(u, { first: 1 })).pageInfo.endCursor;
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: 1, before: cursor })).toBe('BAD_INPUT');
    // A capped offset itself works: it skips rows forwards.
    const all = ids(await page(u, { first: 100 }));
    const skipped = await page(u, { offset: 2, first: 2 });
    expect(ids(skipped)).toEqual(all.slice(2, 4));
    expect(skipped.pageInfo.hasPreviousPage).toBe(true);
    expect(skipped.totalCount).toBe(all.length);
    expect(ids(await page(u, { offset: 10_000, first: 1 }))).toEqual([]);
  });
});

describe('bad filters are clean errors', () => {
  it('an unknown enum value or a wrong-type global ID is refused, never INTERNAL', async () => {
    const cases: [ListCase, unknown][] = [
      [CASES[3], { role: { in: ['NOPE'] } }],
      [CASES[6], { status: { in: ['SOMETIMES'] } }],
      [CASES[0], { status: { in: ['GONE'] } }],
      [CASES[2], { owner: f.roles[0].gid }],
      [CASES[2], { createdBy: f.apps[0].gid }],
      [CASES[2], { owner: 'not-a-global-id' }],
      [CASES[3], { createdBy: f.invites[0].gid }],
      [CASES[5], { actorId: f.roles[0].gid }],
      [CASES[6], { createdBy: encodeId('User', '99999999999999999999999') }],
      [CASES[0], { id: { in: [f.roles[0].gid] } }],
      [CASES[0], { id: { gt: encodeId('User', 'abc') } }],
      [CASES[0], { customData: { path: [] } }],
    ];
    for (const [c, filter] of cases) {
      const code = await errorCode(listQuery(c), { ...c.vars(), first: 5, filter }, admin.token);
      expect(code, `${c.field} ${JSON.stringify(filter)}`).not.toBe('INTERNAL');
      expect(code, `${c.field} ${JSON.stringify(filter)}`).toBeDefined();
    }
    expect(await errorCode(listQuery(CASES[2]), { first: 5, filter: { owner: f.roles[0].gid } })).toBe('BAD_INPUT');
  });
});
