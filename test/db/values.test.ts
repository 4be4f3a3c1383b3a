import { describe, expect, it } from 'vitest';
import { isStorableDate, isTimestampText, MAX_BIGINT, MAX_DATE, MIN_DATE, parseBigintId } from '../../src/db/values.js';

describe('parseBigintId', () => {
  it('takes decimal digits from 0 to 2^63 - 1', () => {
    expect(parseBigintId('0')).toBe(0n);
    expect(parseBigintId('42')).toBe(42n);
    expect(parseBigintId('007')).toBe(7n);
    expect(parseBigintId('9223372036854775807')).toBe(MAX_BIGINT);
  });

  it('refuses signs, spaces, other notations, overflow and more than 19 digits', () => {
    for (const text of ['', '-1', '+1', ' 1', '1 ', '1.0', '1e3', '0x10', '١', '9223372036854775808', '99999999999999999999', '00000000000000000001']) {
      expect(parseBigintId(text), JSON.stringify(text)).toBeNull();
    }
  });
});

describe('isStorableDate', () => {
  it('accepts years 0001 to 9999 (UTC), bounds included', () => {
    expect(isStorableDate(MIN_DATE)).toBe(true);
    expect(isStorableDate(MAX_DATE)).toBe(true);
    expect(isStorableDate(new Date('2025-06-01T12:00:00Z'))).toBe(true);
  });

  it('refuses invalid dates and instants outside that range', () => {
    expect(isStorableDate(new Date(Number.NaN))).toBe(false);
    expect(isStorableDate(new Date(MIN_DATE.getTime() - 1))).toBe(false);
    expect(isStorableDate(new Date(MAX_DATE.getTime() + 1))).toBe(false);
    expect(isStorableDate(new Date('+010000-01-01T00:00:00Z'))).toBe(false);
    expect(isStorableDate(new Date('-000001-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('isTimestampText', () => {
  it('accepts timestamptz as PostgreSQL writes it', () => {
    for (const text of [
      '2025-01-31 12:00:00+00',
      '2025-01-31 12:00:00.123456+00',
      '2024-02-29 00:00:00-05:30',
      '0001-01-01 00:00:00+00',
      '1900-01-01 00:00:00+00:19:32',
    ]) {
      expect(isTimestampText(text), text).toBe(true);
    }
  });

  it('refuses days that do not exist, out-of-range parts and other formats', () => {
    for (const text of [
      '2025-02-29 00:00:00+00',
      '2025-04-31 00:00:00+00',
      '0000-01-01 00:00:00+00',
      '2025-13-01 00:00:00+00',
      '2025-01-01 24:00:00+00',
      '2025-01-01 00:60:00+00',
      '2025-01-01 00:00:00+16',
      '2025-01-01T00:00:00Z',
      '2025-01-01 00:00:00',
    ]) {
      expect(isTimestampText(text), text).toBe(false);
    }
  });
});
