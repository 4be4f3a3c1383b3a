import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor, invalidCursor, pageSize, toPage, type Page } from '../../db/page.js';
import { isTimestampText } from '../../db/values.js';
import type { Tx } from '../../db/client.js';
import { sessions } from './table.js';

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

function sessionFilter(userId: bigint, active: boolean | null | undefined): SQL | undefined {
  const live = sql`(${sessions.revokedAt} is null and ${sessions.expiresAt} > now())`;
  return and(eq(sessions.userId, userId), active == null ? undefined : active ? live : sql`not ${live}`);
}

/** A user's sessions (live or ended ones only, when `active` says), every page of them. */
export async function countSessions(db: Tx, userId: bigint, active: boolean | null | undefined): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(sessions).where(sessionFilter(userId, active));
  return row.n;
}

/** The sessions of `ids` (UUIDs, already checked), in one statement. */
export async function findSessionsByIds(db: Tx, ids: readonly string[]): Promise<Map<string, SessionRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select(sessionColumns)
    .from(sessions)
    .where(inArray(sessions.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** A user's sessions, newest first, keyset on (created_at, id); the refresh token hash never leaves. */
export async function findSessionPage(
  db: Tx,
  userId: bigint,
  args: { first?: number | null; after?: string | null; active?: boolean | null },
): Promise<Page<SessionRow>> {
  const first = pageSize(args.first, 20);
  let after: SQL | undefined;
  if (args.after) {
    const [at, id] = decodeCursor(
      'session',
      args.after,
      /^(\d{4}-\d\d-\d\d [\d:.]+[+-][\d:]+)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
    );
    // The regex admits `2025-13-45 99:99:99+00`; PostgreSQL would refuse it mid-statement.
    if (!isTimestampText(at)) throw invalidCursor();
    after = sql`(${sessions.createdAt}, ${sessions.id}) < (${at}::timestamptz, ${id}::uuid)`;
  }
  const rows = await db
    .select({ ...sessionColumns, key: sql<string>`${sessions.createdAt}::text` })
    .from(sessions)
    .where(and(after, sessionFilter(userId, args.active)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(first + 1);
  return toPage(
    rows,
    first,
    args.after,
    (row) => encodeCursor('session', row.key, row.id),
    ({ key: _key, ...node }) => node,
  );
}

export async function findSessionOwner(db: Tx, sessionId: string): Promise<bigint | null> {
  const [row] = await db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.id, sessionId));
  return row?.userId ?? null;
}
