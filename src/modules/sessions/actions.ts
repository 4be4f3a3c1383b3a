import { randomUUID, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { newRefreshToken, sha256, type Tokens } from '../../access/tokens.js';
import { NotFoundError, unauthenticated } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import { effectiveStatus } from '../../access/status.js';
import { users } from '../users/table.js';
import { checkPasswordLogin } from '../../access/sign-in.js';
import { findSessionOwner } from './queries.js';
import { sessions } from './table.js';
import { endSessions } from '../../access/session-ending.js';
import { assertMayEndSessionsOf } from '../../access/policy.js';

export { checkPasswordLogin, LOGIN_LIMITS } from '../../access/sign-in.js';
// The session-ending rules live in access/, so users/ applies them without importing sessions/.
export { endSessions, endSessionsOnPasswordChange } from '../../access/session-ending.js';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  userId: bigint;
  sessionId: string;
}

/** Which flow opened a session (sessions.via). */
export type SessionVia = 'graphql' | 'oauth' | 'cli' | 'pleroma' | 'liquid' | 'cookiecms' | 'litecord';

export interface SessionOrigin {
  via?: SessionVia;
  /** The OAuth application the session is granted to. */
  applicationId?: bigint | null;
  /** OAuth scopes narrowing its tokens (`read`, `write`); absent: not narrowed. */
  tokenScopes?: readonly string[] | null;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Opens a session for a user and signs its first tokens. */
export async function openSession(
  ctx: ActionContext,
  tokens: Tokens,
  userId: bigint,
  client: ClientInfo,
  opts: SessionOrigin & { ttlSeconds?: number; refreshTtlSeconds: number; action: string },
): Promise<SessionTokens> {
  const id = randomUUID();
  const refreshToken = newRefreshToken(id);
  const refreshTtl = Math.max(opts.refreshTtlSeconds, opts.ttlSeconds ?? 0);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      id,
      userId,
      refreshTokenHash: sha256(refreshToken),
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip,
      expiresAt: new Date(Date.now() + refreshTtl * 1000),
      via: opts.via ?? 'graphql',
      applicationId: opts.applicationId ?? null,
      tokenScopes: opts.tokenScopes ? [...new Set(opts.tokenScopes)] : null,
    });
    const via = opts.via ?? 'graphql';
    await writeAudit(tx, { ...ctx.actor, actorId: ctx.actor.actorId ?? userId }, [
      {
        action: opts.action,
        targetType: 'Session',
        targetId: id,
        diff: {
          userId: userId.toString(),
          ip: client.ip,
          userAgent: client.userAgent,
          via,
          ...(opts.applicationId ? { applicationId: opts.applicationId.toString() } : {}),
          ...(opts.tokenScopes ? { tokenScopes: [...opts.tokenScopes] } : {}),
        },
      },
    ]);
  });
  const access = await tokens.signAccess(userId, id, opts.ttlSeconds);
  return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, userId, sessionId: id };
}

export interface LoginOptions extends SessionOrigin {
  /**
   * `legacy`: for clients that keep one token and never refresh it — the access token lives as long
   * as its session (`legacyTtlSeconds`); every request still checks the session, so ending it
   * ends the token at once. Default `standard`: a short access token and a refresh token.
   */
  lifetime?: 'standard' | 'legacy';
  legacyTtlSeconds?: number;
  /** The name given is the account's email (Litecord signs in by email). */
  by?: 'username' | 'email';
}

/**
 * Password login for local accounts: checkPasswordLogin (limits, then the password; one answer for
 * unknown and wrong), then a new session.
 */
export async function login(
  ctx: ActionContext,
  tokens: Tokens,
  username: string,
  password: string,
  client: ClientInfo,
  refreshTtlSeconds: number,
  opts: LoginOptions = {},
): Promise<SessionTokens> {
  const { userId } = await checkPasswordLogin(ctx.db, username, password, client.ip, opts.by);
  const { lifetime, legacyTtlSeconds, by: _by, ...origin } = opts;
  const legacy = lifetime === 'legacy' ? (legacyTtlSeconds ?? refreshTtlSeconds) : undefined;
  return openSession({ ...ctx, actor: { ...ctx.actor, actorId: userId } }, tokens, userId, client, {
    ...origin,
    refreshTtlSeconds: legacy ?? refreshTtlSeconds,
    ttlSeconds: legacy,
    action: 'session.login',
  });
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Rotates a refresh token. Presenting an already-rotated token revokes the whole session, since
 * only a copy of a stolen token can be behind it.
 */
export async function refreshSession(ctx: ActionContext, tokens: Tokens, refreshToken: string): Promise<SessionTokens> {
  const sessionId = refreshToken.split('.')[0];
  if (!/^[0-9a-f-]{36}$/.test(sessionId)) throw unauthenticated('Invalid refresh token');
  const result = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ s: sessions, status: effectiveStatus })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId))
      .for('update');
    if (!row || row.s.revokedAt || row.s.expiresAt <= new Date() || row.status !== 'ACTIVE') return null;
    if (!sameHash(row.s.refreshTokenHash, sha256(refreshToken))) {
      await tx.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId));
      await writeAudit(tx, { ...ctx.actor, actorId: row.s.userId }, [
        { action: 'session.revoke', targetType: 'Session', targetId: sessionId, diff: { reason: 'refresh token reused' } },
      ]);
      return 'reused' as const;
    }
    const next = newRefreshToken(sessionId);
    await tx
      .update(sessions)
      .set({ refreshTokenHash: sha256(next), lastSeenAt: new Date() })
      .where(eq(sessions.id, sessionId));
    return { userId: row.s.userId, refreshToken: next };
  });
  if (!result || result === 'reused') throw unauthenticated('Invalid refresh token');
  const access = await tokens.signAccess(result.userId, sessionId);
  return { accessToken: access.token, refreshToken: result.refreshToken, expiresAt: access.expiresAt, userId: result.userId, sessionId };
}

/** Ends one session; its access tokens stop working on the next request. */
export async function revokeSession(ctx: ActionContext, sessionId: string, reason: string): Promise<boolean> {
  const revoked = await ctx.db.transaction(async (tx) => {
    const owner = await findSessionOwner(tx, sessionId);
    if (owner === null) throw new NotFoundError('No such session');
    await assertMayEndSessionsOf(tx, ctx.actor.actorId, owner);
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id, userId: sessions.userId });
    if (rows.length) {
      await writeAudit(tx, ctx.actor, [{ action: 'session.revoke', targetType: 'Session', targetId: sessionId, diff: { reason } }]);
    }
    return rows.length > 0;
  });
  return revoked;
}

export async function revokeAllSessions(ctx: ActionContext, userId: bigint, reason: string): Promise<number> {
  const count = await ctx.db.transaction(async (tx) => {
    await assertMayEndSessionsOf(tx, ctx.actor.actorId, userId);
    const ids = await endSessions(tx, [userId]);
    await writeAudit(
      tx,
      ctx.actor,
      ids.map((id) => ({ action: 'session.revoke', targetType: 'Session', targetId: id, diff: { reason, userId: userId.toString() } })),
    );
    return ids.length;
  });
  return count;
}
