import { describe, expect, it } from 'vitest';
import { canonicalJson, payloadHash, rowHash } from '../../src/db/audit.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, keeping array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('writes bigints as strings and dates as ISO text; null stays null, undefined keys drop', () => {
    expect(canonicalJson({ id: 9223372036854775807n, at: new Date('2025-01-02T03:04:05.006Z'), none: null, gone: undefined })).toBe(
      '{"at":"2025-01-02T03:04:05.006Z","id":"9223372036854775807","none":null}',
    );
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('text')).toBe('"text"');
  });
});

describe('audit hashes', () => {
  const row = {
    at: new Date('2025-01-01T00:00:00Z'),
    actorId: 1n,
    action: 'user.verify',
    targetType: 'User',
    targetId: '2',
    requestId: 'r',
    payloadHash: payloadHash({ a: 1 }),
    prevHash: '',
  };

  it('do not depend on key order, and change with any field of the row', () => {
    expect(payloadHash({ a: 1, b: 2 })).toBe(payloadHash({ b: 2, a: 1 }));
    expect(payloadHash(undefined)).toBe(payloadHash(null));
    expect(payloadHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
    const hash = rowHash(row);
    expect(rowHash({ ...row })).toBe(hash);
    for (const change of [{ actorId: null }, { action: 'user.restrict' }, { targetId: '3' }, { requestId: null }, { prevHash: 'x' }, { at: new Date(1) }]) {
      expect(rowHash({ ...row, ...change }), JSON.stringify(change)).not.toBe(hash);
    }
  });
});
