import type { AuditActor } from './audit/actions.js';
import type { Db } from '../db/client.js';

/** What an admin action needs: the database, who acts (for audit), and a hook to drop auth caches. */
export interface ActionContext {
  db: Db;
  actor: AuditActor;
  /** The caller's own session when it signed in with one (a password change keeps it). */
  sessionId?: string | null;
  /** Drops cached sessions/scopes on this instance at once (others learn through NOTIFY). */
  forgetAuth?: (payload: string) => void;
}
