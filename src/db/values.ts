/**
 * What PostgreSQL can take as a key or a timestamp, checked before a value reaches a statement: a
 * value it cannot store is the caller's mistake (BAD_INPUT), not a failed statement (INTERNAL).
 */

/** The largest bigint PostgreSQL stores: 2^63 - 1. */
export const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** A bigint key written as decimal digits (1 to 19, no sign), or null when it is not one or exceeds MAX_BIGINT. */
export function parseBigintId(text: string): bigint | null {
  if (!/^\d{1,19}$/.test(text)) return null;
  const value = BigInt(text);
  return value <= MAX_BIGINT ? value : null;
}

/**
 * The dates the API accepts: years 0001 to 9999 (UTC). PostgreSQL's timestamptz reaches from 4713 BC
 * to 294276 AD, but years outside 0001–9999 do not survive ISO 8601 text both ways (year 0, signed
 * six-digit years), so the simpler range is the rule.
 */
export const MIN_DATE = new Date('0001-01-01T00:00:00.000Z');
export const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

export function isStorableDate(date: Date): boolean {
  const t = date.getTime();
  return !Number.isNaN(t) && t >= MIN_DATE.getTime() && t <= MAX_DATE.getTime();
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d{1,6})?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/** A timestamptz as PostgreSQL writes it (`2025-01-31 12:00:00.123456+00`), naming a real instant in years 0001–9999. */
export function isTimestampText(text: string): boolean {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return false;
  const [, year, month, day, hour, minute, second, , , offH, offM, offS] = m;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || Number(offH) > 15 || Number(offM ?? 0) > 59 || Number(offS ?? 0) > 59) return false;
  // The day exists in that month of that year (no 30 February).
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCDate() === d;
}
