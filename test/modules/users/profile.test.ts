import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../../src/modules/users/profile.js';

describe('deepMerge (customData MERGE)', () => {
  it('merges objects key by key at every depth; anything else replaces', () => {
    const base = { a: 1, nested: { keep: true, change: 'old', deeper: { x: 1 } }, list: [1, 2], swap: { o: 1 } };
    const patch = { b: 2, nested: { change: 'new', deeper: { y: 2 } }, list: [3], swap: 'now text' };
    expect(deepMerge(base, patch)).toEqual({ a: 1, b: 2, nested: { keep: true, change: 'new', deeper: { x: 1, y: 2 } }, list: [3], swap: 'now text' });
  });

  it('deletes a key given null, at any depth, and replaces a scalar with an object', () => {
    expect(deepMerge({ a: 1, n: { b: 2, c: 3 }, s: 1 }, { a: null, n: { b: null }, s: { t: 1 }, missing: null })).toEqual({ n: { c: 3 }, s: { t: 1 } });
  });

  it('leaves both inputs as they were', () => {
    const base = { n: { b: 1 } };
    const patch = { n: { c: 2 } };
    deepMerge(base, patch);
    expect(base).toEqual({ n: { b: 1 } });
    expect(patch).toEqual({ n: { c: 2 } });
  });
});
