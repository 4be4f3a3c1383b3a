import { asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page } from '../../db/page.js';
import { applications } from './table.js';

export type ApplicationRow = Omit<typeof applications.$inferSelect, 'secretHash'>;

/** Every column but the secret's hash, which never leaves the database layer. */
const columns = {
  id: applications.id,
  clientId: applications.clientId,
  displayName: applications.displayName,
  grants: applications.grants,
  redirectUris: applications.redirectUris,
  role: applications.role,
  scopes: applications.scopes,
  secretRotatedAt: applications.secretRotatedAt,
  createdBy: applications.createdBy,
  createdAt: applications.createdAt,
  updatedAt: applications.updatedAt,
};

export async function findApplication(db: Tx, id: bigint): Promise<ApplicationRow | null> {
  const [row] = await db.select(columns).from(applications).where(eq(applications.id, id));
  return row ?? null;
}

/** The applications of `ids`, in the order of `ids` (missing ones left out). */
export async function findApplicationsByIds(db: Tx, ids: readonly bigint[]): Promise<ApplicationRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(columns)
    .from(applications)
    .where(inArray(applications.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Oldest first, keyset on id (Liquid pages by the last id it saw). */
export async function findApplicationPage(db: Tx, args: { first?: number | null; after?: string | null }): Promise<Page<ApplicationRow>> {
  const first = pageSize(args.first, 50);
  const after = args.after ? gt(applications.id, BigInt(decodeCursor('application', args.after, /^(\d{1,19})$/)[0])) : undefined;
  const rows = await db
    .select(columns)
    .from(applications)
    .where(after)
    .orderBy(asc(applications.id))
    .limit(first + 1);
  return toPage(
    rows,
    first,
    args.after,
    (node) => encodeCursor('application', node.id),
    (node) => node,
  );
}

/** Every application (the connection's totalCount). */
export async function countApplications(db: Tx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(applications);
  return row.n;
}
