import type { AuditActor } from './audit/actions.js';
import type { Db } from '../db/client.js';

/** What an admin action needs: the database and who acts (for audit). */
export interface ActionContext {
  db: Db;
  actor: AuditActor;
}
