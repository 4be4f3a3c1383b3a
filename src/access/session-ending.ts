import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import { writeAudit, type AuditActor } from '../db/audit.js';
import type { Tx } from '../db/client.js';
import { sessions } from '../modules/sessions/table.js';

/**
 * Revokes every live session of the users inside the caller's transaction and answers their ids;
 * the access tokens stop on the next request, on every instance (each request reads its session).
 */
export async function endSessions(tx: Tx, userIds: bigint[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(inArray(sessions.userId, userIds), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

/**
 * THE rule for every path that changes a password (updateUser, resetPassword, any later one), run in
 * the transaction that stores the new hash: every live session of the user ends, and with it its
 * refresh token. A `change` made by the user itself keeps the caller's current session (the one that
 * proved the old credentials); a `reset` ends them all, since a reset token proves only the mailbox.
 * One audit row per ended session; answers how many ended. Every instance refuses the ended
 * sessions on their next request (the caller's state is read per request).
 */
export async function endSessionsOnPasswordChange(
  tx: Tx,
  ctx: { actor: AuditActor; sessionId?: string | null },
  userId: bigint,
  kind: 'change' | 'reset',
): Promise<number> {
  const keep = kind === 'change' && ctx.actor.actorId === userId ? (ctx.sessionId ?? null) : null;
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ...(keep ? [ne(sessions.id, keep)] : [])))
    .returning({ id: sessions.id });
  await writeAudit(
    tx,
    { ...ctx.actor, actorId: ctx.actor.actorId ?? userId },
    rows.map((r) => ({
      action: 'session.revoke',
      targetType: 'Session',
      targetId: r.id,
      diff: { reason: 'password changed', userId: userId.toString(), kept: keep },
    })),
  );
  return rows.length;
}
