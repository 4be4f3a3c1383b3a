import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { FilterOf } from '../../db/filter.js';
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

/** What invites can be filtered by (db/filter.ts). */
export const inviteFilterTable = {
  valid: { kind: 'flag', sql: inviteIsValid, description: 'Not revoked, not expired, uses left' },
  used: { kind: 'flag', sql: sql`(${invites.maxUses} is not null and ${invites.uses} >= ${invites.maxUses})`, description: 'Every use taken' },
  expired: { kind: 'flag', sql: sql`(${invites.expiresAt} is not null and ${invites.expiresAt} <= now())` },
  revoked: { kind: 'flag', sql: sql`(${invites.revokedAt} is not null)` },
  owner: { kind: 'ref', sql: sql`${invites.ownerId}`, node: 'User', description: 'The user the code belongs to (Liquid)' },
  createdBy: { kind: 'ref', sql: sql`${invites.createdBy}`, node: 'User' },
  code: { kind: 'text', sql: sql`${invites.code}` },
  createdAt: { kind: 'range', sql: sql`${invites.createdAt}` },
  expiresAt: { kind: 'range', sql: sql`${invites.expiresAt}` },
} as const;

export type InviteFilter = FilterOf<typeof inviteFilterTable>;

const createdAt = { sql: sql`${invites.createdAt}`, type: 'timestamptz' } as const;
// Invites without an expiry sort after every dated one.
const expiresAt = { sql: sql`coalesce(${invites.expiresAt}, 'infinity'::timestamptz)`, type: 'timestamptz' } as const;
const id = { sql: sql`${invites.id}`, type: 'bigint' } as const;

const inviteOrders = bothWays({ CREATED_AT: createdAt, EXPIRES_AT: expiresAt });
export type InviteOrder = keyof typeof inviteOrders;

export const inviteList: ListSource<typeof inviteFilterTable, InviteOrder> = {
  name: 'invites',
  table: invites,
  id,
  orders: inviteOrders,
  defaultOrder: 'CREATED_AT_DESC',
  filter: inviteFilterTable,
  defaultSize: 50,
};

/** A page of invites, newest first unless ordered otherwise. */
export const findInvitePage = (db: Tx, args: ListArgs<typeof inviteFilterTable, InviteOrder>, wants: ListWants): Promise<Connection<InviteView>> =>
  findPage(db, inviteList, { select: () => columns, selectKey: 'all' }, args, wants);
