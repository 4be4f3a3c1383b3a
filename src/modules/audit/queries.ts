import { and, asc, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page } from '../../db/page.js';
import { GENESIS_HASH, payloadHash, rowHash } from '../../db/audit.js';
import { auditLog } from './table.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
  actorId?: bigint | null;
  targetType?: string | null;
  targetId?: string | null;
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export type AuditPage = Page<AuditRow>;

/** Newest first, keyset on the sequence. */
export async function findAuditPage(db: Tx, args: { first?: number | null; after?: string | null; filter?: AuditFilter | null }): Promise<AuditPage> {
  const first = pageSize(args.first, 20);
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(args.after ? lt(auditLog.seq, BigInt(decodeCursor('audit', args.after, /^(\d{1,19})$/)[0])) : undefined, auditFilterSql(args.filter ?? {})))
    .orderBy(desc(auditLog.seq))
    .limit(first + 1);
  return toPage(
    rows,
    first,
    args.after,
    (row) => encodeCursor('audit', row.seq),
    (row) => row,
  );
}

/** The events matching the filter, every page of them. */
export async function countAuditEvents(db: Tx, filter: AuditFilter | null | undefined): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(auditFilterSql(filter ?? {}));
  return row.n;
}

/** The events of `seqs`, in one statement. */
export async function findAuditEventsBySeqs(db: Tx, seqs: readonly bigint[]): Promise<Map<bigint, AuditRow>> {
  if (seqs.length === 0) return new Map();
  const rows = await db
    .select()
    .from(auditLog)
    .where(inArray(auditLog.seq, [...seqs]));
  return new Map(rows.map((r) => [r.seq, r]));
}

function auditFilterSql(f: AuditFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [
    f.actorId != null ? eq(auditLog.actorId, f.actorId) : undefined,
    f.targetType ? eq(auditLog.targetType, f.targetType) : undefined,
    f.targetId ? eq(auditLog.targetId, f.targetId) : undefined,
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lt(auditLog.at, f.to) : undefined,
  ];
  return and(...conditions);
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
