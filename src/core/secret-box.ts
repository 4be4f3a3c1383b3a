import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

/**
 * Encrypts secrets kept at rest with AES-256-GCM. The key is derived from SECRETS_KEY with
 * HKDF-SHA256 for one purpose (so one SECRETS_KEY can serve several uses without sharing a key).
 * A sealed value is `version (1 byte) ‖ nonce (12) ‖ tag (16) ‖ ciphertext`, with a fresh random
 * nonce each time. `context` is authenticated but not stored: a value opens only with the context it
 * was sealed with (for mail, its kind and recipient), so it cannot be moved to another row.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretsKey: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretsKey, 'admin-gateway secrets', purpose, 32));
  }

  seal(plaintext: string, context = ''): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), ciphertext]);
  }

  /** The plaintext; throws when the value was altered, sealed with another key or another context. */
  open(sealed: Uint8Array, context = ''): string {
    const data = Buffer.from(sealed);
    if (data.length < HEADER_BYTES || data[0] !== VERSION) throw new Error('not a sealed value of a known version');
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(1, 1 + NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(data.subarray(1 + NONCE_BYTES, HEADER_BYTES));
    return Buffer.concat([decipher.update(data.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
  }
}
