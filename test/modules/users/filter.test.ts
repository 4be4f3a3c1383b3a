import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import { Params } from '../../../src/db/prepared.js';
import { compileFilter } from '../../../src/db/filter.js';
import { userFilterTable, type UserFilter } from '../../../src/modules/users/list.js';

const dialect = new PgDialect();

/** The filter's SQL text and the values bound to it (named placeholders, as prepared statements take them). */
function compile(filter: UserFilter | null) {
  const p = new Params();
  const where = compileFilter(userFilterTable, filter, p);
  return { text: where ? dialect.sqlToQuery(where).sql : undefined, values: Object.values(p.values) };
}

describe('the users filter table, compiled', () => {
  it('compiles nothing for no filter or an empty one', () => {
    expect(compile(null).text).toBeUndefined();
    expect(compile({}).text).toBeUndefined();
  });

  it('binds every value, escaping LIKE wildcards; the text carries none of them', () => {
    const { text, values } = compile({ username: { contains: "a_%b'; drop table users --" }, email: { equals: 'X@Example.org' } });
    expect(text).toBe('(("users"."username" ilike $1) and (lower("users"."email") = lower($2)))');
    expect(values).toEqual(["%a\\_\\%b'; drop table users --%", 'X@Example.org']);
    expect(text).not.toContain('drop');
  });

  it('compiles and/or/not into nested conditions in order', () => {
    const { text, values } = compile({ or: [{ local: true }, { username: { startsWith: 'ab' } }], not: { role: 'Moderator' } });
    expect(text).toContain('(coalesce("users"."domain" is null, false) = $1::boolean) or ("users"."username" ilike $2)');
    expect(text).toContain(') and (not coalesce(exists (select 1 from "user_roles" join "roles"');
    expect(text).toContain('lower("roles"."name") = lower($3)');
    expect(values).toEqual([true, 'ab%', 'Moderator']);
  });

  it('passes sets as one parameter, so the text depends only on the filter shape', () => {
    const small = compile({ status: { in: ['ACTIVE'] }, id: { in: [{ id: 1n }] }, tags: { any: ['a'] } });
    const large = compile({
      status: { in: ['ACTIVE', 'SUSPENDED', 'DELETED'] },
      id: { in: [{ id: 1n }, { id: 2n }, { id: 9223372036854775807n }] },
      tags: { any: ['a', 'b', 'c'] },
    });
    expect(large.text).toBe(small.text);
    expect(large.values).toEqual(['ACTIVE,SUSPENDED,DELETED', '["1","2","9223372036854775807"]', '["a","b","c"]']);
    expect(small.text).toContain("= any(string_to_array($1, ','))");
    expect(small.text).toContain('"users"."id" = any(array(select jsonb_array_elements_text($2::jsonb))::bigint[])');
    expect(small.text).toContain('"users"."tags" && array(select jsonb_array_elements_text($3::jsonb))');
  });

  it('sends dates as ISO text and customData tests through @> and #>', () => {
    const { text, values } = compile({
      createdAt: { gte: new Date('2025-01-01T00:00:00Z'), lt: new Date('2026-01-01T00:00:00Z') },
      customData: { path: ['a', 'b'], equals: { c: 1 }, exists: true },
    });
    expect(text).toBe(
      '(((("users"."created_at" >= $1::timestamptz) and ("users"."created_at" < $2::timestamptz))) and ("users"."custom_data" @> $3::jsonb and "users"."custom_data" #> array(select jsonb_array_elements_text($4::jsonb)) is not null))',
    );
    expect(values).toEqual(['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '{"a":{"b":{"c":1}}}', '["a","b"]']);
  });

  it('refuses customData paths that are empty, too long or have empty keys, and filters nested too deeply', () => {
    for (const path of [[], Array.from({ length: 17 }, () => 'k'), ['a', ''], ['x'.repeat(257)]]) {
      expect(() => compile({ customData: { path, exists: true } }), JSON.stringify(path).slice(0, 40)).toThrow(BadInputError);
    }
    const nested = (depth: number): UserFilter => (depth === 0 ? { local: true } : { not: nested(depth - 1) });
    expect(compile(nested(8)).text).toContain('not');
    expect(() => compile(nested(9))).toThrow(/nested too deeply/);
  });
});
