import { timingSafeEqual } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { sha256 } from '../../access/tokens.js';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { Params } from '../../db/prepared.js';
import { applications } from './table.js';

export const APPLICATION_ROLES = ['INTERNAL', 'EXTERNAL'] as const;
export { CLIENT_TYPES } from './validation.js';

export type ApplicationRow = Omit<typeof applications.$inferSelect, 'secretHash'>;

/** Every column but the secret's hash, which never leaves the database layer. */
const columns = {
  id: applications.id,
  clientId: applications.clientId,
  clientType: applications.clientType,
  oauthScopes: applications.oauthScopes,
  legacyTokens: applications.legacyTokens,
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

/** The application with this client id, or null. */
export async function findApplicationByClientId(db: Tx, clientId: string): Promise<ApplicationRow | null> {
  const [row] = await db.select(columns).from(applications).where(eq(applications.clientId, clientId));
  return row ?? null;
}

/**
 * The application a client authenticates as (RFC 6749 2.3): a confidential one with its secret
 * (compared as sha256 hashes in constant time), a public one with no secret. Null otherwise.
 */
export async function findAuthenticatedClient(db: Tx, clientId: string, secret: string | null): Promise<ApplicationRow | null> {
  const [row] = await db.select().from(applications).where(eq(applications.clientId, clientId));
  if (!row) return null;
  const { secretHash, ...application } = row;
  if (row.clientType === 'PUBLIC') return secret === null ? application : null;
  if (secret === null || secretHash === null) return null;
  const given = Buffer.from(sha256(secret));
  const stored = Buffer.from(secretHash);
  return given.length === stored.length && timingSafeEqual(given, stored) ? application : null;
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

/** What applications can be filtered by (db/filter.ts). */
export const applicationFilterTable = {
  displayName: { kind: 'text', sql: sql`${applications.displayName}` },
  clientId: { kind: 'equals', sql: sql`${applications.clientId}` },
  role: { kind: 'oneOf', sql: sql`${applications.role}::text`, enumName: 'ApplicationRole', values: APPLICATION_ROLES },
  grant: {
    kind: 'custom',
    description: 'Has this OAuth grant type',
    compile: (grant: string, p: Params) => sql`${p.add(grant)} = any(${applications.grants})`,
  },
  createdBy: { kind: 'ref', sql: sql`${applications.createdBy}`, node: 'User' },
  createdAt: { kind: 'range', sql: sql`${applications.createdAt}` },
} as const;

const id = { sql: sql`${applications.id}`, type: 'bigint' } as const;
const createdAt = { sql: sql`${applications.createdAt}`, type: 'timestamptz' } as const;
const name = { sql: sql`lower(${applications.displayName})`, type: 'text' } as const;

const applicationOrders = bothWays({ ID: id, CREATED_AT: createdAt, NAME: name });
export type ApplicationOrder = keyof typeof applicationOrders;

export const applicationList: ListSource<typeof applicationFilterTable, ApplicationOrder> = {
  name: 'applications',
  table: applications,
  id,
  orders: applicationOrders,
  defaultOrder: 'ID_ASC',
  filter: applicationFilterTable,
  defaultSize: 50,
};

/** A page of applications, oldest first unless ordered otherwise (Liquid pages by the last id it saw). */
export const findApplicationPage = (
  db: Tx,
  args: ListArgs<typeof applicationFilterTable, ApplicationOrder>,
  wants: ListWants,
): Promise<Connection<ApplicationRow>> => findPage(db, applicationList, { select: () => columns, selectKey: 'all' }, args, wants);
