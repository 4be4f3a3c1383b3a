import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/core/secret-box.js';

const KEY = 'k'.repeat(43);

describe('SecretBox (AES-256-GCM)', () => {
  it('opens what it sealed; every seal has its own nonce; the plaintext is not in the sealed bytes', () => {
    const box = new SecretBox(KEY, 'outbox mail');
    const a = box.seal('reset token: abc123secret', 'ctx');
    const b = box.seal('reset token: abc123secret', 'ctx');
    expect(box.open(a, 'ctx')).toBe('reset token: abc123secret');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('abc123secret');
    expect(a[0]).toBe(1);
    expect(a.length).toBe(1 + 12 + 16 + Buffer.byteLength('reset token: abc123secret'));
  });

  it('refuses an altered value, another context, another key and another purpose', () => {
    const box = new SecretBox(KEY, 'outbox mail');
    const sealed = box.seal('secret', 'outbox\0invite\0a@example.org');
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => box.open(altered, 'outbox\0invite\0a@example.org')).toThrow();
    expect(() => box.open(sealed, 'outbox\0invite\0b@example.org')).toThrow();
    expect(() => new SecretBox('o'.repeat(43), 'outbox mail').open(sealed, 'outbox\0invite\0a@example.org')).toThrow();
    expect(() => new SecretBox(KEY, 'something else').open(sealed, 'outbox\0invite\0a@example.org')).toThrow();
    expect(() => box.open(Buffer.from('plain text'), '')).toThrow('not a sealed value');
  });
});
