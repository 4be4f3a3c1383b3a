import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkInputLimits, INPUT_LIMITS, InputLimitError } from '../../src/graphql/input-limits.js';
import { schema } from '../../src/graphql/schema.js';

const PAGE = 'query($f: UserFilter) { users(first: 5, filter: $f) { totalCount } }';
const terms = (n: number) => Array.from({ length: n }, (_, i) => ({ username: { contains: `-${i}` } }));
const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { local: true } : { and: [nested(depth - 1)] });

/** The InputLimitError checkInputLimits throws (its path and message), or null when the operation passes. */
function refusal(query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  try {
    checkInputLimits(schema, parse(query), operationName, variables);
    return null;
  } catch (e) {
    if (!(e instanceof InputLimitError)) throw e;
    return { path: e.path.join('.'), message: e.message };
  }
}

describe('checkInputLimits', () => {
  it(`allows ${INPUT_LIMITS.terms} filter terms and refuses one more, in variables and inline`, () => {
    expect(refusal(PAGE, { f: { or: terms(INPUT_LIMITS.terms) } })).toBeNull();
    expect(refusal(PAGE, { f: { or: terms(INPUT_LIMITS.terms + 1) } })).toEqual({
      path: `$f.or.${INPUT_LIMITS.terms}`,
      message: expect.stringMatching(/at most 50 terms/),
    });
    const inline = `{ users(first: 5, filter: { or: [${terms(INPUT_LIMITS.terms + 1)
      .map((_, i) => `{ username: { contains: "-${i}" } }`)
      .join(', ')}] }) { totalCount } }`;
    expect(refusal(inline)?.path).toBe(`users.filter.or.${INPUT_LIMITS.terms}`);
  });

  it('counts terms of and, or and not together as one tree', () => {
    expect(refusal(PAGE, { f: { and: terms(25), or: terms(25) } })).toBeNull();
    expect(refusal(PAGE, { f: { and: terms(25), or: terms(25), not: { local: true } } })?.message).toMatch(/at most 50 terms/);
  });

  it(`refuses filters nested more than ${INPUT_LIMITS.depth} levels`, () => {
    expect(refusal(PAGE, { f: nested(INPUT_LIMITS.depth - 1) })).toBeNull();
    expect(refusal(PAGE, { f: nested(INPUT_LIMITS.depth) })?.message).toMatch(/nest at most 8 levels/);
  });

  it(`caps lists inside filters at ${INPUT_LIMITS.list} and other lists at ${INPUT_LIMITS.anyList}`, () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i));
    expect(refusal(PAGE, { f: { tags: { any: ids(INPUT_LIMITS.list) } } })).toBeNull();
    expect(refusal(PAGE, { f: { tags: { any: ids(INPUT_LIMITS.list + 1) } } })).toEqual({
      path: '$f.tags.any',
      message: expect.stringMatching(/at most 1000 items \(got 1001\)/),
    });
    const TAG = 'mutation($input: TagUsersInput!) { tagUsers(input: $input) { __typename } }';
    expect(refusal(TAG, { input: { tags: ['t'], usernames: ids(INPUT_LIMITS.list + 1) } })).toBeNull();
    expect(refusal(TAG, { input: { tags: ['t'], usernames: ids(INPUT_LIMITS.anyList + 1) } })?.path).toBe('$input.usernames');
  });

  it('checks declared variables the operation never uses, and only the named operation', () => {
    const unused = 'query($f: UserFilter, $g: UserFilter) { users(first: 1, filter: $f) { totalCount } }';
    expect(refusal(unused, { g: { or: terms(INPUT_LIMITS.terms + 1) } })?.path).toBe(`$g.or.${INPUT_LIMITS.terms}`);
    const two = `query A($f: UserFilter) { users(first: 1, filter: $f) { totalCount } } query B { viewer { id } }`;
    expect(refusal(two, { f: { or: terms(INPUT_LIMITS.terms + 1) } }, 'B')).toBeNull();
    expect(refusal(two, { f: { or: terms(INPUT_LIMITS.terms + 1) } }, 'A')).not.toBeNull();
  });

  it('leaves unknown fields and wrong shapes to validation and coercion', () => {
    expect(refusal(PAGE, { f: { nope: terms(100), or: 'not a list' } })).toBeNull();
    expect(refusal(PAGE, { f: null })).toBeNull();
  });
});
