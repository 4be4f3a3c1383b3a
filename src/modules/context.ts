import type { AuditActor } from '../db/audit.js';
import type { SecretBox } from '../core/secret-box.js';
import type { Db } from '../db/client.js';

/**
 * What an admin action needs: the database, who acts (for audit), and the box that encrypts queued mail (actions that send mail refuse to run without it).
 */
export interface ActionContext {
  db: Db;
  actor: AuditActor;
  /** Seals mail bodies in the outbox (SECRETS_KEY); the CLI, which sends no mail, has none. */
  mailBox?: SecretBox;
  /** The caller's own session when it signed in with one (a password change keeps it). */
  sessionId?: string | null;
}
