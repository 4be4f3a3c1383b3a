import type { Logger } from 'pino';
import type { AuditEvents } from '../modules/audit/events.js';
import type { AuthService, Viewer } from '../access/caller.js';
import type { SecretBox } from '../core/secret-box.js';
import type { Tokens } from '../access/tokens.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { AppError } from '../core/errors.js';

/** What every resolver and action receives. */
export interface GraphQLContext {
  config: Config;
  database: Database;
  tokens: Tokens;
  auth: AuthService;
  /** Seals mail bodies queued by actions (SECRETS_KEY). */
  mailBox: SecretBox;
  viewer: Viewer | null;
  /** Why the presented credentials were refused, if they were. */
  authError: AppError | null;
  /** The request's Authorization header, read into `viewer` once the operation's pool is known. */
  authorization: string | null;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  log: Logger;
  /** Committed audit events, for subscriptions. */
  events: AuditEvents;
}

import type { ActionContext } from '../modules/context.js';

/** The action context of a request: the caller acts, audited under the request id. */
export function actionContext(ctx: GraphQLContext): ActionContext {
  return {
    db: ctx.database.db,
    actor: { actorId: ctx.viewer?.userId ?? null, requestId: ctx.requestId },
    mailBox: ctx.mailBox,
    sessionId: ctx.viewer?.sessionId ?? null,
  };
}
