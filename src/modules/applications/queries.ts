import { asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Page } from '../../db/page.js';
import { BadInputError } from '../../graphql/errors.js';
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

/** Oldest first, keyset on id (Liquid pages by the last id it saw). */
export async function findApplicationPage(db: Tx, args: { first?: number | null; after?: string | null; afterId?: bigint | null }): Promise<Page<ApplicationRow>> {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 0 || first > 100) throw new BadInputError('first must be between 0 and 100', [{ path: ['first'], message: 'must be between 0 and 100' }]);
  let after: SQL | undefined = args.afterId != null ? gt(applications.id, args.afterId) : undefined;
  if (args.after) {
    const m = /^application:(\d{1,19})$/.exec(Buffer.from(args.after, 'base64url').toString('utf8'));
    if (!m) throw new BadInputError('after: not a valid cursor', [{ path: ['after'], message: 'not a valid cursor' }]);
    after = gt(applications.id, BigInt(m[1]));
  }
  const rows = await db.select(columns).from(applications).where(after).orderBy(asc(applications.id)).limit(first + 1);
  const edges = rows.slice(0, first).map((node) => ({ cursor: Buffer.from(`application:${node.id}`).toString('base64url'), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: !!after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null } };
}
