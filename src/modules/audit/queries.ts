import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Page } from '../../db/page.js';
import { BadInputError } from '../../graphql/errors.js';
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

const cursorOf = (seq: bigint) => Buffer.from(`audit:${seq}`).toString('base64url');

function seqOf(cursor: string): bigint {
  const match = /^audit:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadInputError('after: not a valid cursor', [{ path: ['after'], message: 'not a valid cursor' }]);
  return BigInt(match[1]);
}

/** Newest first, keyset on the sequence. */
export async function findAuditPage(db: Tx, args: { first?: number | null; after?: string | null; filter?: AuditFilter | null }): Promise<AuditPage> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > 100) throw new BadInputError('first must be between 0 and 100', [{ path: ['first'], message: 'must be between 0 and 100' }]);
  const f = args.filter ?? {};
  const conditions: (SQL | undefined)[] = [
    args.after ? lt(auditLog.seq, seqOf(args.after)) : undefined,
    f.actorId != null ? eq(auditLog.actorId, f.actorId) : undefined,
    f.targetType ? eq(auditLog.targetType, f.targetType) : undefined,
    f.targetId ? eq(auditLog.targetId, f.targetId) : undefined,
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lt(auditLog.at, f.to) : undefined,
  ];
  const rows = await db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.seq)).limit(first + 1);
  const more = rows.length > first;
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: cursorOf(node.seq), node }));
  return {
    edges,
    pageInfo: { hasNextPage: more, hasPreviousPage: !!args.after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
