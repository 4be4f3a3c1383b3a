import { asc, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import { rangeCondition, type FilterOf } from '../../db/filter.js';
import type { Params } from '../../db/prepared.js';
import { GENESIS_HASH, payloadHash, rowHash } from '../../db/audit.js';
import { auditLog } from './table.js';

export type AuditRow = typeof auditLog.$inferSelect;

/** What audit events can be filtered by (db/filter.ts). */
export const auditFilterTable = {
  actorId: { kind: 'ref', sql: sql`${auditLog.actorId}`, node: 'User', description: 'Made by this user' },
  targetType: { kind: 'equals', sql: sql`${auditLog.targetType}` },
  targetId: {
    kind: 'custom',
    description: 'A User ID, or the key of another target',
    // The GraphQL layer has already turned a User global ID into its key.
    compile: (key: string, p: Params) => sql`${auditLog.targetId} = ${p.add(key)}`,
  },
  action: { kind: 'equals', sql: sql`${auditLog.action}`, description: 'e.g. user.update' },
  // The API's `from`/`to` (one bound each) predate the lists' DateTimeRange; both compile as one.
  from: { kind: 'custom', description: 'At or after', compile: (at: Date, p: Params) => rangeCondition(sql`${auditLog.at}`, { gte: at }, p) },
  to: { kind: 'custom', description: 'Before', compile: (at: Date, p: Params) => rangeCondition(sql`${auditLog.at}`, { lt: at }, p) },
} as const;

export type AuditFilter = FilterOf<typeof auditFilterTable>;

const seq = { sql: sql`${auditLog.seq}`, type: 'bigint' } as const;

const auditOrders = bothWays({ SEQ: seq });
export type AuditOrder = keyof typeof auditOrders;

export const auditList: ListSource<typeof auditFilterTable, AuditOrder> = {
  name: 'audit',
  table: auditLog,
  id: seq,
  orders: auditOrders,
  defaultOrder: 'SEQ_DESC',
  filter: auditFilterTable,
};

/** A page of events, newest first unless ordered otherwise. */
export const findAuditPage = (db: Tx, args: ListArgs<typeof auditFilterTable, AuditOrder>, wants: ListWants): Promise<Connection<AuditRow>> =>
  findPage(db, auditList, { select: () => getTableColumns(auditLog), selectKey: 'all' }, args, wants);

/** The events of `seqs`, in one statement. */
export async function findAuditEventsBySeqs(db: Tx, seqs: readonly bigint[]): Promise<Map<bigint, AuditRow>> {
  if (seqs.length === 0) return new Map();
  const rows = await db
    .select()
    .from(auditLog)
    .where(inArray(auditLog.seq, [...seqs]));
  return new Map(rows.map((r) => [r.seq, r]));
}

export interface ChainReport {
  valid: boolean;
  checkedCount: number;
  /** The first row whose content, or whose link to the row before it, does not hold. */
  firstBrokenSeq: bigint | null;
  problem: string | null;
}

/**
 * Walks the chain in order. A row whose payload was blanked by an erase is checked by its kept
 * payload hash only; everything else must hash to what the row stores, and each row must point at
 * the row before it (so a removed row breaks the link of the next one).
 */
export async function verifyAuditChain(db: Tx, batch = 5000): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let after = -1n;
  let checked = 0;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.seq, after)).orderBy(asc(auditLog.seq)).limit(batch);
    for (const row of rows) {
      const broken = (problem: string): ChainReport => ({ valid: false, checkedCount: checked, firstBrokenSeq: row.seq, problem });
      if (row.prevHash !== prev) return broken('does not follow the row before it (a row was removed or altered)');
      if (row.erasedAt ? row.diff !== null : payloadHash(row.diff) !== row.payloadHash) return broken('its payload was altered');
      if (rowHash(row) !== row.rowHash) return broken('its metadata was altered');
      prev = row.rowHash;
      checked += 1;
    }
    if (rows.length < batch) return { valid: true, checkedCount: checked, firstBrokenSeq: null, problem: null };
    after = rows.at(-1)!.seq;
  }
}
