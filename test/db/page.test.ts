import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { checkCount, decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize, toPage } from '../../src/db/page.js';

const AUDIT = /^(\d{1,19})$/;
const PAIR = /^([a-z]+)\|(\d+)$/;
const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('keyset cursors', () => {
  it('round-trip their keys, opaque and URL-safe', () => {
    const cursor = encodeCursor('audit', 42n);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('audit', cursor, AUDIT)).toEqual(['42']);
    expect(decodeCursor('pair', encodeCursor('pair', 'abc', 7), PAIR)).toEqual(['abc', '7']);
    expect(decodeCursor('audit', encodeCursor('audit', '9223372036854775807'), AUDIT)).toEqual(['9223372036854775807']);
  });

  it('refuse a cursor of another kind, another shape, or not made here, as BAD_INPUT at after', () => {
    for (const cursor of [encodeCursor('session', 1), encodeCursor('audit', 'x'), raw('audit'), raw('audit:'), 'not base64 at all!', '', raw('auditx:1')]) {
      const error = (() => {
        try {
          decodeCursor('audit', cursor, AUDIT);
        } catch (e) {
          return e;
        }
      })();
      expect(error, cursor).toBeInstanceOf(BadInputError);
      expect((error as BadInputError).fields).toEqual([{ path: ['after'], message: 'not a valid cursor' }]);
    }
  });

  it('refuse digit keys above 2^63 - 1, which PostgreSQL would refuse mid-statement', () => {
    expect(() => decodeCursor('audit', encodeCursor('audit', '9223372036854775808'), AUDIT)).toThrow(BadInputError);
    expect(() => decodeCursor('pair', encodeCursor('pair', 'a', '99999999999999999999'), PAIR)).toThrow(BadInputError);
  });
});

describe('page sizes', () => {
  it('take whole numbers from 0 to the maximum', () => {
    expect(pageSize(undefined, 20)).toBe(20);
    expect(pageSize(null, 20)).toBe(20);
    expect(pageSize(0, 20)).toBe(0);
    expect(pageSize(MAX_PAGE_SIZE, 20)).toBe(MAX_PAGE_SIZE);
    for (const bad of [-1, MAX_PAGE_SIZE + 1, 1.5, Number.NaN]) expect(() => pageSize(bad, 20), String(bad)).toThrow(BadInputError);
    expect(() => checkCount(10_001, 'offset', 10_000)).toThrow(/offset must be between 0 and 10000/);
  });
});

describe('toPage', () => {
  it('uses the extra row only to say a next page exists', () => {
    const page = toPage(
      [1, 2, 3],
      2,
      null,
      (n) => `c${n}`,
      (n) => ({ n }),
    );
    expect(page.edges).toEqual([
      { cursor: 'c1', node: { n: 1 } },
      { cursor: 'c2', node: { n: 2 } },
    ]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c2' });
    expect(toPage([], 2, 'after', String, String).pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });
});
