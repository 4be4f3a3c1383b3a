import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page } from '../../db/page.js';
import { invites, inviteUses } from './table.js';

export const INVITE_TYPES = ['ONE_TIME', 'REUSABLE', 'DATE_LIMITED', 'REUSABLE_DATE_LIMITED'] as const;
export type InviteType = (typeof INVITE_TYPES)[number];

export interface InviteView {
  id: bigint;
  code: string;
  maxUses: number | null;
  uses: number;
  expiresAt: Date | null;
  createdBy: bigint | null;
  ownerId: bigint | null;
  revokedAt: Date | null;
  createdAt: Date;
  usedBy: string[];
}

/** Pleroma's rule: the type follows from a use limit above one and an expiry date. */
export function inviteType(invite: Pick<InviteView, 'maxUses' | 'expiresAt'>): InviteType {
  const reusable = invite.maxUses !== 1;
  if (invite.expiresAt) return reusable ? 'REUSABLE_DATE_LIMITED' : 'DATE_LIMITED';
  return reusable ? 'REUSABLE' : 'ONE_TIME';
}

/** Usable now: not revoked, not expired, uses left. */
export const inviteIsValid = sql`(${invites.revokedAt} is null and (${invites.expiresAt} is null or ${invites.expiresAt} > now()) and (${invites.maxUses} is null or ${invites.uses} < ${invites.maxUses}))`;

export function isValid(invite: InviteView): boolean {
  return !invite.revokedAt && (!invite.expiresAt || invite.expiresAt > new Date()) && (invite.maxUses === null || invite.uses < invite.maxUses);
}

export interface InviteFilter {
  valid?: boolean | null;
  used?: boolean | null;
  expired?: boolean | null;
  revoked?: boolean | null;
  ownerId?: bigint | null;
}

const columns = {
  id: invites.id,
  code: invites.code,
  maxUses: invites.maxUses,
  uses: invites.uses,
  expiresAt: invites.expiresAt,
  createdBy: invites.createdBy,
  ownerId: invites.ownerId,
  revokedAt: invites.revokedAt,
  createdAt: invites.createdAt,
  // The users who registered with it, in one aggregate (one statement per page).
  usedBy: sql<
    string[]
  >`(select coalesce(array_agg(${inviteUses.userId}::text order by ${inviteUses.usedAt}), '{}') from ${inviteUses} where ${inviteUses.inviteId} = ${invites.id})`,
};

export async function findInviteByCode(db: Tx, code: string): Promise<InviteView | null> {
  const [row] = await db.select(columns).from(invites).where(eq(invites.code, code));
  return row ?? null;
}

/** The invites of `ids`, in one statement (missing ones null, in the order of `ids`). */
export async function findInvitesByIds(db: Tx, ids: readonly bigint[]): Promise<Map<bigint, InviteView>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select(columns)
    .from(invites)
    .where(inArray(invites.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

function filterSql(f: InviteFilter): SQL | undefined {
  const flag = (value: boolean | null | undefined, condition: SQL) => (value == null ? undefined : value ? condition : sql`not ${condition}`);
  return and(
    flag(f.valid, inviteIsValid),
    flag(f.used, sql`(${invites.maxUses} is not null and ${invites.uses} >= ${invites.maxUses})`),
    flag(f.expired, sql`(${invites.expiresAt} is not null and ${invites.expiresAt} <= now())`),
    flag(f.revoked, sql`(${invites.revokedAt} is not null)`),
    f.ownerId != null ? eq(invites.ownerId, f.ownerId) : undefined,
  );
}

/** The invites matching the filter, every page of them. */
export async function countInvites(db: Tx, filter: InviteFilter | null | undefined): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(invites)
    .where(filterSql(filter ?? {}));
  return row.n;
}

/** Newest first, keyset on id. */
export async function findInvitePage(db: Tx, args: { first?: number | null; after?: string | null; filter?: InviteFilter | null }): Promise<Page<InviteView>> {
  const first = pageSize(args.first, 50);
  const f = args.filter ?? {};
  let after: SQL | undefined;
  if (args.after) after = lt(invites.id, BigInt(decodeCursor('invite', args.after, /^(\d{1,19})$/)[0]));
  const rows = await db
    .select(columns)
    .from(invites)
    .where(and(after, filterSql(f)))
    .orderBy(desc(invites.id))
    .limit(first + 1);
  return toPage(
    rows,
    first,
    args.after,
    (node) => encodeCursor('invite', node.id),
    (node) => node,
  );
}
