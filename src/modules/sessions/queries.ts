import { eq, inArray, sql } from 'drizzle-orm';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { FilterOf } from '../../db/filter.js';
import type { Params } from '../../db/prepared.js';
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
  via: sessions.via,
  applicationId: sessions.applicationId,
  tokenScopes: sessions.tokenScopes,
};

const live = sql`(${sessions.revokedAt} is null and ${sessions.expiresAt} > now())`;

/** What sessions can be filtered by (db/filter.ts). */
export const sessionFilterTable = {
  active: { kind: 'flag', sql: live, description: 'true: live ones only; false: ended ones only' },
  userAgent: { kind: 'text', sql: sql`${sessions.userAgent}` },
  ip: { kind: 'custom', description: 'Signed in from this address', compile: (ip: string, p: Params) => sql`host(${sessions.ip}) = ${p.add(ip)}` },
  createdAt: { kind: 'range', sql: sql`${sessions.createdAt}` },
  lastSeenAt: { kind: 'range', sql: sql`${sessions.lastSeenAt}` },
} as const;

export type SessionFilter = FilterOf<typeof sessionFilterTable>;

const id = { sql: sql`${sessions.id}`, type: 'uuid' } as const;
const createdAt = { sql: sql`${sessions.createdAt}`, type: 'timestamptz' } as const;
const lastSeenAt = { sql: sql`${sessions.lastSeenAt}`, type: 'timestamptz' } as const;

const sessionOrders = bothWays({ CREATED_AT: createdAt, LAST_SEEN_AT: lastSeenAt });
export type SessionOrder = keyof typeof sessionOrders;

export const sessionList: ListSource<typeof sessionFilterTable, SessionOrder> = {
  name: 'sessions',
  table: sessions,
  id,
  orders: sessionOrders,
  defaultOrder: 'CREATED_AT_DESC',
  filter: sessionFilterTable,
};

/**
 * A page of sessions (one user's, or everyone's when `userId` is null), newest first unless ordered
 * otherwise; the refresh token hash never leaves.
 */
export const findSessionPage = (
  db: Tx,
  userId: bigint | null,
  args: ListArgs<typeof sessionFilterTable, SessionOrder>,
  wants: ListWants,
): Promise<Connection<SessionRow>> =>
  findPage(
    db,
    sessionList,
    {
      select: () => sessionColumns,
      selectKey: userId === null ? 'everyone' : 'one user',
      where: (p) => (userId === null ? undefined : sql`${sessions.userId} = ${p.add(userId.toString())}::bigint`),
    },
    args,
    wants,
  );

/** The sessions of `ids` (UUIDs, already checked), in one statement. */
export async function findSessionsByIds(db: Tx, ids: readonly string[]): Promise<Map<string, SessionRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select(sessionColumns)
    .from(sessions)
    .where(inArray(sessions.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findSessionOwner(db: Tx, sessionId: string): Promise<bigint | null> {
  const [row] = await db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.id, sessionId));
  return row?.userId ?? null;
}
