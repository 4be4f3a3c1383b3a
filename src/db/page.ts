import { BadInputError } from '../core/errors.js';
import { parseBigintId } from './values.js';

/** One page of a Relay connection as the queries return it (the relay plugin's connection shape). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Connections answer at most this many nodes per page. */
export const MAX_PAGE_SIZE = 100;

/** A page-size (or offset) argument must be a whole number from 0 to `max`; BAD_INPUT at `arg` otherwise. */
export function checkCount(value: number | null | undefined, arg: string, max = MAX_PAGE_SIZE): void {
  if (value == null) return;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new BadInputError(`${arg} must be between 0 and ${max}`, [{ path: [arg], message: `must be between 0 and ${max}` }]);
  }
}

/** `first`, checked, or `fallback` when absent. */
export function pageSize(first: number | null | undefined, fallback: number): number {
  checkCount(first, 'first');
  return first ?? fallback;
}

/** An opaque keyset cursor: `<kind>:<key>|<key>…`, base64url. */
export function encodeCursor(kind: string, ...keys: (string | number | bigint)[]): string {
  return Buffer.from(`${kind}:${keys.join('|')}`).toString('base64url');
}

/** The BAD_INPUT a cursor argument `arg` that this server did not make gets. */
export const invalidCursor = (arg = 'after') => new BadInputError(`${arg}: not a valid cursor`, [{ path: [arg], message: 'not a valid cursor' }]);

/**
 * The keys of a cursor made by encodeCursor(kind, …), each matching `pattern`'s groups; BAD_INPUT at
 * `after` otherwise. A key of digits only is a bigint: one above 2^63 - 1 makes the cursor invalid
 * (PostgreSQL would refuse it mid-statement).
 */
export function decodeCursor(kind: string, cursor: string, pattern: RegExp): string[] {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = text.startsWith(`${kind}:`) ? pattern.exec(text.slice(kind.length + 1)) : null;
  const keys = match?.slice(1);
  if (!keys || keys.some((k) => /^\d+$/.test(k) && parseBigintId(k) === null)) throw invalidCursor();
  return keys;
}

/**
 * A forward page from rows fetched with `limit(first + 1)`: the extra row only says a next page
 * exists. `after` says whether this page followed a cursor.
 */
export function toPage<R, N>(rows: R[], first: number, after: unknown, cursorOf: (row: R) => string, nodeOf: (row: R) => N): Page<N> {
  const edges = rows.slice(0, first).map((row) => ({ cursor: cursorOf(row), node: nodeOf(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: !!after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** A page whose connection's `totalCount` runs `count` (the whole filtered set) only when it is selected. */
export interface CountedPage<T> extends Page<T> {
  countAll: () => Promise<number>;
}

export const withCount = <T>(page: Page<T>, count: () => Promise<number>): CountedPage<T> => ({ ...page, countAll: count });
