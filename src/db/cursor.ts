import { BadInputError } from '../core/errors.js';
import type { SQL } from 'drizzle-orm';
import { isTimestampText, parseBigintId } from './values.js';

/** The connection engine's page sizes, sort keys and cursor codec (db/connection.ts pages with them). */

/** Connections answer at most this many nodes per page. */
export const MAX_PAGE_SIZE = 100;

/** A page-size (or offset) argument must be a whole number from 0 to `max`; BAD_INPUT at `arg` otherwise. */
export function checkCount(value: number | null | undefined, arg: string, max = MAX_PAGE_SIZE): void {
  if (value == null) return;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new BadInputError(`${arg} must be between 0 and ${max}`, [{ path: [arg], message: `must be between 0 and ${max}` }]);
  }
}

/** The BAD_INPUT a cursor argument `arg` that this server did not make gets. */
export const invalidCursor = (arg = 'after') => new BadInputError(`${arg}: not a valid cursor`, [{ path: [arg], message: 'not a valid cursor' }]);

/** How a sort key is written in SQL and checked when it comes back in a cursor. */
export type KeyType = 'timestamptz' | 'bigint' | 'int' | 'text' | 'uuid';

export interface SortKey {
  sql: SQL;
  type: KeyType;
}

export interface OrderSpec {
  key: SortKey;
  direction: 'asc' | 'desc';
}

/** Every key of a list in both directions: `<NAME>_ASC` and `<NAME>_DESC` (ties broken by the list's id the same way). */
export function bothWays<K extends string>(keys: Record<K, SortKey>): Record<`${K}_ASC` | `${K}_DESC`, OrderSpec> {
  const orders = Object.entries<SortKey>(keys).flatMap(([name, key]) => [
    [`${name}_ASC`, { key, direction: 'asc' }],
    [`${name}_DESC`, { key, direction: 'desc' }],
  ]);
  // Object.fromEntries loses the template-literal keys the entries were made from.
  return Object.fromEntries(orders) as Record<`${K}_ASC` | `${K}_DESC`, OrderSpec>;
}

// ---- the cursor codec ----

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `key` can be a key of `type` in SQL (PostgreSQL would refuse a bad one mid-statement). */
export function isKeyOf(type: KeyType, key: string): boolean {
  switch (type) {
    case 'timestamptz':
      // A key may sort a missing time first or last as ±infinity (invites without an expiry).
      return key === 'infinity' || key === '-infinity' || isTimestampText(key);
    case 'bigint':
      return parseBigintId(key) !== null;
    case 'int':
      return /^-?\d{1,9}$/.test(key);
    case 'uuid':
      return UUID.test(key);
    case 'text':
      return !key.includes('\u0000') && key.length <= 1024;
  }
}

/** An opaque cursor: the order it was made for, the row's sort key and its id, as base64url JSON. */
export const encodeListCursor = (order: string, key: string, id: string): string => Buffer.from(JSON.stringify([order, key, id])).toString('base64url');

/** The sort key and id of a cursor this server made for `order`; BAD_INPUT at `arg` otherwise. */
export function decodeListCursor(cursor: string, order: string, spec: { key: SortKey; id: SortKey }, arg: string): { key: string; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(arg);
  }
  if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) {
    const [madeFor, key, id] = value as string[];
    if (madeFor !== order)
      throw new BadInputError(`${arg}: the cursor belongs to another orderBy`, [{ path: [arg], message: 'cursor was made for another orderBy' }]);
    if (isKeyOf(spec.key.type, key) && isKeyOf(spec.id.type, id)) return { key, id };
  }
  throw invalidCursor(arg);
}
