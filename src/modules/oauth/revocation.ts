import { and, eq, isNull } from 'drizzle-orm';
import { isUuid } from '../../access/caller.js';
import { sha256, TokenError, type Tokens } from '../../access/tokens.js';
import type { ActionContext } from '../context.js';
import { revokeSession } from '../sessions/actions.js';
import { sessions } from '../sessions/table.js';

/**
 * RFC 7009 revocation by a client of a token issued to it: an access token (the gateway's JWT) or
 * a refresh token (its session's current one) ends the whole session, through revokeSession as its
 * user (audited). A token that is unknown, already ended or another client's changes nothing and
 * the answer is the same (RFC 7009 2.2), so a client cannot probe tokens. Answers whether a
 * session was ended.
 */
export async function revokeClientToken(ctx: ActionContext, tokens: Tokens, applicationId: bigint, token: string): Promise<boolean> {
  const sessionId = await sessionOf(tokens, token);
  if (!sessionId) return false;
  const [row] = await ctx.db
    .select({ userId: sessions.userId, refreshTokenHash: sessions.refreshTokenHash })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.applicationId, applicationId), isNull(sessions.revokedAt)));
  if (!row) return false;
  // A refresh token must be the session's current one; an access token was verified by its signature.
  if (isRefreshToken(token) && row.refreshTokenHash !== sha256(token)) return false;
  return revokeSession({ ...ctx, actor: { ...ctx.actor, actorId: row.userId } }, sessionId, 'revoked by its client (RFC 7009)');
}

const isRefreshToken = (token: string) => /^[0-9a-f-]{36}\.[A-Za-z0-9_-]+$/.test(token);

async function sessionOf(tokens: Tokens, token: string): Promise<string | null> {
  if (isRefreshToken(token)) {
    const id = token.split('.')[0];
    return isUuid(id) ? id : null;
  }
  try {
    const verified = await tokens.verify(token);
    return verified.kind === 'local' && verified.sessionId && isUuid(verified.sessionId) ? verified.sessionId : null;
  } catch (error) {
    if (error instanceof TokenError) return null;
    throw error;
  }
}
