import type { AuditActor } from './audit/actions.js';
import type { SecretBox } from '../auth/secret-box.js';
import type { Db } from '../db/client.js';

/**
 * What an admin action needs: the database, who acts (for audit), a hook to drop auth caches, and
 * the box that encrypts queued mail (actions that send mail refuse to run without it).
 */
export interface ActionContext {
  db: Db;
  actor: AuditActor;
  /** Drops cached sessions/scopes on this instance at once (others learn through NOTIFY). */
  forgetAuth?: (payload: string) => void;
  /** Seals mail bodies in the outbox (SECRETS_KEY); the CLI, which sends no mail, has none. */
  mailBox?: SecretBox;
}
