import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor, invalidCursor, pageSize, toPage, type Page } from '../../db/page.js';
import { isTimestampText } from '../../db/values.js';
import type { Tx } from '../../db/client.js';
import { Params, runPrepared } from '../../db/prepared.js';
import { effectiveScopesSql } from '../roles/queries.js';
import { effectiveStatus } from '../users/status.js';
import { externalIdentities, users } from '../users/table.js';
import { sessions } from './table.js';

export interface CallerState {
  status: string;
  /** False when a session was asked for and it is revoked, expired or someone else's. */
  sessionLive: boolean;
  /** Stored scopes of the roles and direct grants whose window is open now. */
  scopes: string[];
}

/**
 * Everything a request's authorization needs of its caller, in one prepared statement run on every
 * request: revocation, suspension and grant windows are read as they stand now.
 */
export async function findCallerState(db: Tx, userId: bigint, sessionId: string | null): Promise<CallerState | null> {
  const p = new Params();
  const user = sql`${p.add(userId.toString())}::bigint`;
  const session = sessionId === null ? null : sql`${p.add(sessionId)}::uuid`;
  const [row] = await runPrepared(db, session ? 'caller:session' : 'caller:identity', p, () =>
    db
      .select({
        status: sql<string>`${effectiveStatus}`,
        sessionLive: session
          ? // Spelled out: Drizzle drops table names from a single-table select's columns, which inside
            // a subquery would bind to the sessions table.
            sql<boolean>`exists (select 1 from sessions s where s.id = ${session} and s.user_id = "users"."id" and s.revoked_at is null and s.expires_at > now())`
          : sql<boolean>`true`,
        scopes: sql<string[] | null>`${effectiveScopesSql(sql.raw('"users"."id"'))}`,
      })
      .from(users)
      .where(sql`${users.id} = ${user}`),
    { name: session ? 'caller_state' : 'caller_state_identity', plan: 'reuse' },
  );
  if (!row) return null;
  return { status: row.status, sessionLive: row.sessionLive, scopes: row.scopes ?? [] };
}

/** The local user an identity provider's (issuer, subject) is linked to. */
export async function findLinkedUser(db: Tx, issuer: string, subject: string): Promise<bigint | null> {
  const [row] = await db
    .select({ userId: externalIdentities.userId })
    .from(externalIdentities)
    .where(sql`${externalIdentities.issuer} = ${issuer} and ${externalIdentities.subject} = ${subject}`);
  return row?.userId ?? null;
}

export type SessionRow = Omit<typeof sessions.$inferSelect, 'refreshTokenHash'>;

const sessionColumns = {
  id: sessions.id,
  userId: sessions.userId,
  userAgent: sessions.userAgent,
  ip: sessions.ip,
  createdAt: sessions.createdAt,
  lastSeenAt: sessions.lastSeenAt,
  expiresAt: sessions.expiresAt,
  revokedAt: sessions.revokedAt,
};

/** A user's sessions, newest first, keyset on (created_at, id); the refresh token hash never leaves. */
export async function findSessionPage(db: Tx, userId: bigint, args: { first?: number | null; after?: string | null; active?: boolean | null }): Promise<Page<SessionRow>> {
  const first = pageSize(args.first, 20);
  let after: SQL | undefined;
  if (args.after) {
    const [at, id] = decodeCursor('session', args.after, /^(\d{4}-\d\d-\d\d [\d:.]+[+-][\d:]+)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/);
    // The regex admits `2025-13-45 99:99:99+00`; PostgreSQL would refuse it mid-statement.
    if (!isTimestampText(at)) throw invalidCursor();
    after = sql`(${sessions.createdAt}, ${sessions.id}) < (${at}::timestamptz, ${id}::uuid)`;
  }
  const live = sql`(${sessions.revokedAt} is null and ${sessions.expiresAt} > now())`;
  const rows = await db
    .select({ ...sessionColumns, key: sql<string>`${sessions.createdAt}::text` })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), after, args.active == null ? undefined : args.active ? live : sql`not ${live}`))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(first + 1);
  return toPage(rows, first, args.after, (row) => encodeCursor('session', row.key, row.id), ({ key: _key, ...node }) => node);
}

export async function findSessionOwner(db: Tx, sessionId: string): Promise<bigint | null> {
  const [row] = await db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.id, sessionId));
  return row?.userId ?? null;
}
