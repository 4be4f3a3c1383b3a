import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { checkCount, decodeListCursor, encodeListCursor, isKeyOf, MAX_PAGE_SIZE, type SortKey } from '../../src/db/connection.js';

const key = (type: SortKey['type']): SortKey => ({ sql: sql`x`, type });
const byTime = { key: key('timestamptz'), id: key('bigint') };
const raw = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function refusal(run: () => unknown): BadInputError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BadInputError);
    return e as BadInputError;
  }
  throw new Error('expected a refusal');
}

describe('the cursor codec', () => {
  it('round-trips the order, the sort key and the id, opaque and URL-safe', () => {
    const cursor = encodeListCursor('CREATED_AT_ASC', '2025-01-31 12:00:00.123456+00', '42');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeListCursor(cursor, 'CREATED_AT_ASC', byTime, 'after')).toEqual({ key: '2025-01-31 12:00:00.123456+00', id: '42' });
    const text = encodeListCursor('NAME_ASC', 'a|b:c"', '9223372036854775807');
    expect(decodeListCursor(text, 'NAME_ASC', { key: key('text'), id: key('bigint') }, 'after')).toEqual({ key: 'a|b:c"', id: '9223372036854775807' });
  });

  it('refuses a cursor made for another order, naming the argument', () => {
    const cursor = encodeListCursor('CREATED_AT_ASC', '2025-01-31 12:00:00+00', '1');
    const error = refusal(() => decodeListCursor(cursor, 'CREATED_AT_DESC', byTime, 'before'));
    expect(error.fields).toEqual([{ path: ['before'], message: 'cursor was made for another orderBy' }]);
  });

  it('refuses what this server did not make, before PostgreSQL could', () => {
    const forged = [
      'not base64 at all!',
      '',
      raw('CREATED_AT_ASC:1'),
      raw(['CREATED_AT_ASC', '2025-01-31 12:00:00+00']),
      raw(['CREATED_AT_ASC', '2025-02-30 12:00:00+00', '1']),
      raw(['CREATED_AT_ASC', 'not a date', '1']),
      raw(['CREATED_AT_ASC', '2025-01-31 12:00:00+00', '9223372036854775808']),
      raw(['CREATED_AT_ASC', '2025-01-31 12:00:00+00', 1]),
    ];
    for (const cursor of forged) {
      expect(refusal(() => decodeListCursor(cursor, 'CREATED_AT_ASC', byTime, 'after')).fields, cursor).toEqual([
        { path: ['after'], message: 'not a valid cursor' },
      ]);
    }
  });

  it('checks each key type as PostgreSQL would take it', () => {
    expect(isKeyOf('uuid', '0b6f1a3e-5f7c-4c1e-9d2a-3c4b5a697887')).toBe(true);
    expect(isKeyOf('uuid', '0b6f1a3e-5f7c-4c1e-9d2a')).toBe(false);
    expect(isKeyOf('int', '-12')).toBe(true);
    expect(isKeyOf('int', '12345678901')).toBe(false);
    expect(isKeyOf('text', 'a\u0000b')).toBe(false);
    expect(isKeyOf('text', 'x'.repeat(1025))).toBe(false);
    expect(isKeyOf('bigint', '-1')).toBe(false);
  });
});

describe('page sizes', () => {
  it('take whole numbers from 0 to the maximum', () => {
    expect(() => checkCount(0, 'first')).not.toThrow();
    expect(() => checkCount(MAX_PAGE_SIZE, 'first')).not.toThrow();
    for (const bad of [-1, MAX_PAGE_SIZE + 1, 1.5, Number.NaN]) expect(() => checkCount(bad, 'first'), String(bad)).toThrow(BadInputError);
    expect(() => checkCount(10_001, 'offset', 10_000)).toThrow(/offset must be between 0 and 10000/);
  });
});
