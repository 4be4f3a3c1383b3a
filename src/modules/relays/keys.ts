import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { SecretBox } from '../../core/secret-box.js';
import { relayActor } from './table.js';

const generate = promisify(generateKeyPair);
/** What the sealed private key is bound to (SecretBox context): it opens only as this row's key. */
const SEAL_CONTEXT = 'relay_actor\0private_key';

export interface RelayKeys {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** The relay actor's public key (no secret opened), or null before the actor exists. */
export async function relayPublicKey(db: Tx): Promise<string | null> {
  const [row] = await db.select({ pem: relayActor.publicKeyPem }).from(relayActor).where(eq(relayActor.id, 1));
  return row?.pem ?? null;
}

const newPair = () =>
  generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

/**
 * The relay actor's key pair, made once: RSA 2048 (what every fediverse server verifies), the private
 * key sealed with SECRETS_KEY. Instances racing to make it insert one row; the others read it. A key
 * sealed under another SECRETS_KEY cannot be opened: the actor gets a new pair in its place (relays
 * fetch the actor's key again when a signature does not verify with the one they kept).
 */
export async function ensureRelayKeys(db: Tx, box: SecretBox): Promise<RelayKeys> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [row] = await db.select().from(relayActor).where(eq(relayActor.id, 1));
    if (!row) {
      const pair = await newPair();
      await db
        .insert(relayActor)
        .values({ id: 1, publicKeyPem: pair.publicKey, privateKeySealed: box.seal(pair.privateKey, SEAL_CONTEXT) })
        .onConflictDoNothing();
      continue;
    }
    try {
      return { publicKeyPem: row.publicKeyPem, privateKeyPem: box.open(row.privateKeySealed, SEAL_CONTEXT) };
    } catch {
      const pair = await newPair();
      // Only the row as read is replaced: an instance that replaced it first wins, and this one reads its pair.
      await db
        .update(relayActor)
        .set({ publicKeyPem: pair.publicKey, privateKeySealed: box.seal(pair.privateKey, SEAL_CONTEXT), createdAt: new Date() })
        .where(and(eq(relayActor.id, 1), eq(relayActor.privateKeySealed, row.privateKeySealed)));
    }
  }
  throw new Error('the relay actor key pair could not be made');
}
