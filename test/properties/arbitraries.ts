import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import type { TestGateway } from '../helpers/app.js';

/**
 * Generators of hostile input for the property tests: strings with NUL, lone surrogates, LIKE
 * metacharacters and huge digit runs; numbers beyond Int and bigint; ids of every kind; dates PostgreSQL
 * cannot store; JSON too deep or with NUL keys; and wrong types anywhere.
 */

export const TOO_BIG = '9223372036854775808';

const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFFx',
  '💥🧪',
  'ä\u0301',
  '%',
  '_',
  '\\',
  "'; drop table users; --",
  '%00',
  '..',
  '../..',
  '0',
  '-1',
  '1e3',
  '007',
  '9223372036854775807',
  TOO_BIG,
  '99999999999999999999',
  '18446744073709551616',
  'null',
  'true',
  '{}',
  '[]',
  'x'.repeat(300),
  'y'.repeat(5000),
  '2025-01-01T00:00:00Z',
  '-010000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '@',
  'a@b',
  'user@example.org',
  'Europe/Berlin',
  'admin:users:read',
  'superadmin',
];

/** Mostly plausible text (so requests get past validation into SQL), often hostile. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{1,11}$/) },
  { weight: 3, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^\d{1,25}$/) },
);

export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, 1e15, 253402300800, 1e308, -1, 0, 1, 0.5),
);

/** ISO-ish date text: real ones, ones JS parses but PostgreSQL cannot store, and garbage. */
export const nastyDate: fc.Arbitrary<string> = fc.oneof<fc.Arbitrary<string>[]>(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  ...Array(4).fill(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString())),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '+010000-01-01T00:00:00Z',
    '2025-02-30T00:00:00Z',
    'tomorrow',
    '2025-01-01',
    '1',
  ),
  nastyString,
);

/** `n` levels of nesting (objects or arrays). */
export const nested = (n: number, arrays = false): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < n; i++) value = arrays ? [value] : { a: value };
  return value;
};

export const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 80 }), fc.boolean()).map(([n, arrays]) => nested(n, arrays)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ 'a\u0000': 1 }, { a: { 'b\u0000c': [1] } }, ['\u0000'], { x: 'y'.repeat(70_000) }) },
);

/** A value of no particular type: what a wrong-typed field gets. */
export const anything: fc.Arbitrary<unknown> = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null), nastyJson);

/** Mostly `arb`, sometimes a wrong type. */
export const orJunk = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ weight: 15, arbitrary: arb }, { weight: 1, arbitrary: anything });

/** Maybe absent: an object field built with `optional` is left out when undefined. */
export const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/** A record whose fields are all optional and drop out when undefined. */
export const partial = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .record(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, optional(v)])))
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

/** One of `real` (read when generating: tests fill it in beforeAll). */
export const pick = (real: string[]) => fc.nat({ max: 99 }).map((i) => (real.length ? real[i % real.length] : '1'));

/** Digit ids of every kind: real keys, huge ones, garbage. */
export const idTextOf = (real: string[]) =>
  fc.oneof(
    { weight: 2, arbitrary: pick(real) },
    { weight: 2, arbitrary: fc.constantFrom('0', '1', '9223372036854775807', TOO_BIG, '99999999999999999999', '-5') },
    { weight: 1, arbitrary: nastyString },
  );

/** Relay ids: real users, other types, keys out of range, not base64, not an id at all. */
export const globalIdOf = (real: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: pick(real).map((id) => encodeId('User', id)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom('User', 'Role', 'Application', 'Invite', 'MailJob', 'Nope'), idTextOf(real)).map(([t, k]) => encodeId(t, k)),
    },
    { weight: 1, arbitrary: nastyString },
  );

/** Percent-encodes any string, lone surrogates included (as UTF-8 of U+FFFD, as encodeURIComponent cannot). */
export function pct(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** A path segment or query value as a client might send it: encoded, or raw escapes that are not valid UTF-8. */
export const pathSegment = (real: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.oneof(pick(real), nastyString).map(pct) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%C0%AF', '%FF', '%E2%82', 'a%2Fb', '%2e%2e') },
  );

/** A query string of `params` (each maybe absent) plus, sometimes, a stray parameter. */
export const queryString = (params: Record<string, fc.Arbitrary<string>>) =>
  fc.tuple(partial(params), fc.option(fc.tuple(pathSegment([]), pathSegment([])), { freq: 4 })).map(([p, extra]) => {
    const parts = Object.entries(p).map(([k, v]) => `${pct(k)}=${v}`);
    if (extra) parts.push(`${extra[0]}=${extra[1]}`);
    return parts.length ? `?${parts.join('&')}` : '';
  });

/** A superadmin, a moderator (some write scopes, no role granting), a plain user, no one. */
export type Caller = 'admin' | 'moderator' | 'plain' | 'none';
export const caller: fc.Arbitrary<Caller> = fc.constantFrom('admin', 'admin', 'moderator', 'plain', 'none');

/** What a refused request must leave alone: audit rows (every write has one) and users. */
export async function footprint(gw: TestGateway): Promise<string> {
  const [row] = await gw.database.rows<{ a: number; u: number }>(
    sql`select (select count(*)::int from audit_log) as a, (select count(*)::int from users) as u`,
  );
  return `${row.a}/${row.u}`;
}

/** Never a 5xx, never an INTERNAL error (GraphQL's code, or a masked error id). */
export function expectNoServerError(status: number, text: string, what: string): void {
  expect(status, `${what} -> ${status} ${text.slice(0, 500)}`).toBeLessThan(500);
  expect(text, what).not.toMatch(/"code":\s*"INTERNAL"|"errorId"|internal( server)?[ _]error/i);
}
