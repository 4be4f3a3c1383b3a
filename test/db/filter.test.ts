import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { compileFilter, type FilterOf } from '../../src/db/filter.js';
import { Params } from '../../src/db/prepared.js';

const dialect = new PgDialect();

/** A made-up entity: one field of each kind. */
const table = {
  name: { kind: 'text', sql: sql`t.name` },
  open: { kind: 'flag', sql: sql`t.closed_at is null` },
  code: { kind: 'equals', sql: sql`t.code` },
  label: { kind: 'equals', sql: sql`t.label`, ignoreCase: true },
  state: { kind: 'oneOf', sql: sql`t.state`, enumName: 'State', values: ['A', 'B', 'C'] },
  at: { kind: 'range', sql: sql`t.at` },
  owner: { kind: 'ref', sql: sql`t.owner_id`, node: 'User' },
  even: { kind: 'custom', compile: (on: boolean, p: Params) => sql`(t.n % 2 = 0) = ${p.add(on)}` },
} as const;

function compile(filter: FilterOf<typeof table> | null) {
  const p = new Params();
  const where = compileFilter(table, filter, p);
  return { text: where ? dialect.sqlToQuery(where).sql : undefined, values: Object.values(p.values) };
}

function refusal(run: () => unknown): BadInputError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BadInputError);
    return e as BadInputError;
  }
  throw new Error('expected a refusal');
}

describe('compileFilter', () => {
  it('compiles each kind of field, every value bound', () => {
    const { text, values } = compile({
      name: { startsWith: '50%_' },
      open: false,
      code: 'X',
      label: 'Y',
      state: { in: ['A', 'C'] },
      at: { gte: new Date('2025-01-01T00:00:00Z') },
      owner: { id: '7' },
      even: true,
    });
    expect(text).toBe(
      "((t.name ilike $1) and (coalesce(t.closed_at is null, false) = $2::boolean) and (t.code = $3) and (lower(t.label) = lower($4)) and (t.state = any(string_to_array($5, ','))) and (t.at >= $6::timestamptz) and (t.owner_id = $7::bigint) and ((t.n % 2 = 0) = $8))",
    );
    expect(values).toEqual(['50\\%\\_%', false, 'X', 'Y', 'A,C', '2025-01-01T00:00:00.000Z', '7', true]);
  });

  it('gives true and false of a flag the same text, so one prepared statement serves both', () => {
    expect(compile({ open: true }).text).toBe(compile({ open: false }).text);
  });

  it('combines and/or/not, and compiles nothing for an empty tree', () => {
    expect(compile(null).text).toBeUndefined();
    expect(compile({ and: [], or: [] }).text).toBeUndefined();
    const { text } = compile({ or: [{ code: 'a' }, { not: { code: 'b' } }], and: [{}] });
    expect(text).toBe('((true) and (((t.code = $1) or (not coalesce(t.code = $2, false)))))');
  });

  it('makes not the complement: a row whose condition is unknown (a null column) matches not', () => {
    expect(compile({ not: { owner: { id: '7' } } }).text).toBe('not coalesce(t.owner_id = $1::bigint, false)');
  });

  it('refuses unknown fields, values outside a closed set, and bad references, naming the path', () => {
    expect(refusal(() => compile({ or: [{ nope: 1 } as never] })).fields).toEqual([{ path: ['filter', 'or', '0', 'nope'], message: 'not a filter field' }]);
    expect(refusal(() => compile({ state: { in: ['A', 'Z' as 'A'] } })).fields).toEqual([{ path: ['filter', 'state', 'in'], message: 'not one of A, B, C' }]);
    expect(refusal(() => compile({ not: { owner: { id: '99999999999999999999' } } })).fields).toEqual([
      { path: ['filter', 'not', 'owner'], message: 'not a User ID' },
    ]);
  });

  it('refuses trees nested deeper than 8 levels', () => {
    const nested = (depth: number): FilterOf<typeof table> => (depth === 0 ? { code: 'x' } : { not: nested(depth - 1) });
    expect(compile(nested(8)).text).toContain('not');
    expect(() => compile(nested(9))).toThrow(/nested too deeply/);
  });
});
