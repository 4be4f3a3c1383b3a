import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { FilterOf } from '../../db/filter.js';
import { relaySubscriptions } from './table.js';

export type RelaySubscriptionRow = typeof relaySubscriptions.$inferSelect;
export const RELAY_STATES = ['PENDING', 'ACCEPTED', 'REJECTED'] as const;

/** host[:port] of a URL, lowercased (URL already lowercases hosts): how Pleroma names a relay. */
export const hostOf = (url: URL | string) => new URL(url).host;

export async function findSubscriptionsByIds(db: Tx, ids: readonly bigint[]): Promise<Map<bigint, RelaySubscriptionRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select()
    .from(relaySubscriptions)
    .where(inArray(relaySubscriptions.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The subscription a URL names: the one whose actor is that URL, otherwise the only one on the URL's
 * host (admin-fe unfollows `https://<host>/actor` for each host GET /relay listed, whatever the
 * relay's actor path or scheme). Null when none, or when the host has several and none is exact.
 */
export async function findSubscriptionByUrl(db: Tx, url: URL, opts: { lock?: boolean } = {}): Promise<RelaySubscriptionRow | null> {
  const where = [eq(relaySubscriptions.actorUrl, url.href), eq(relaySubscriptions.host, hostOf(url))];
  for (const [i, condition] of where.entries()) {
    const query = db.select().from(relaySubscriptions).where(condition).limit(2).$dynamic();
    const rows = opts.lock ? await query.for('update') : await query;
    if (i === 0 && rows.length === 1) return rows[0];
    if (i === 1 && rows.length === 1) return rows[0];
  }
  return null;
}

/** The subscription whose relay signs with `keyId`: the sender an inbox signature claims. */
export async function findSubscriptionByKeyId(db: Tx, keyId: string): Promise<RelaySubscriptionRow | null> {
  const [row] = await db.select().from(relaySubscriptions).where(eq(relaySubscriptions.publicKeyId, keyId)).limit(1);
  return row ?? null;
}

/** Relays that accepted the instance's follow, oldest first (the relay actor's followers and following). */
export async function acceptedRelayActors(db: Tx, max = 1000): Promise<string[]> {
  const rows = await db
    .select({ url: relaySubscriptions.actorUrl })
    .from(relaySubscriptions)
    .where(and(eq(relaySubscriptions.state, 'ACCEPTED')))
    .orderBy(asc(relaySubscriptions.createdAt), asc(relaySubscriptions.id))
    .limit(max);
  return rows.map((r) => r.url);
}

export const relayFilterTable = {
  state: { kind: 'oneOf', sql: sql`${relaySubscriptions.state}::text`, enumName: 'RelayState', values: RELAY_STATES },
  host: { kind: 'text', sql: sql`${relaySubscriptions.host}` },
  actorUrl: { kind: 'text', sql: sql`${relaySubscriptions.actorUrl}` },
  createdAt: { kind: 'range', sql: sql`${relaySubscriptions.createdAt}` },
} as const;
export type RelayFilter = FilterOf<typeof relayFilterTable>;

const relayOrders = bothWays({
  CREATED_AT: { sql: sql`${relaySubscriptions.createdAt}`, type: 'timestamptz' },
  HOST: { sql: sql`${relaySubscriptions.host}`, type: 'text' },
});
export type RelayOrder = keyof typeof relayOrders;

export const relayList: ListSource<typeof relayFilterTable, RelayOrder> = {
  name: 'relay_subscriptions',
  table: relaySubscriptions,
  id: { sql: sql`${relaySubscriptions.id}`, type: 'bigint' },
  orders: relayOrders,
  defaultOrder: 'CREATED_AT_ASC',
  filter: relayFilterTable,
  defaultSize: 50,
};

const columns = {
  id: relaySubscriptions.id,
  actorUrl: relaySubscriptions.actorUrl,
  host: relaySubscriptions.host,
  inboxUrl: relaySubscriptions.inboxUrl,
  publicKeyId: relaySubscriptions.publicKeyId,
  publicKeyPem: relaySubscriptions.publicKeyPem,
  followActivityId: relaySubscriptions.followActivityId,
  state: relaySubscriptions.state,
  createdAt: relaySubscriptions.createdAt,
  answeredAt: relaySubscriptions.answeredAt,
};

export const findRelayPage = (db: Tx, args: ListArgs<typeof relayFilterTable, RelayOrder>, wants: ListWants): Promise<Connection<RelaySubscriptionRow>> =>
  findPage(db, relayList, { select: () => columns, selectKey: 'all' }, args, wants);
