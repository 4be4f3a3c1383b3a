import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from './client.js';
import { auditLog } from '../modules/audit/table.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | null;
  diff: Record<string, unknown> | null;
}

export interface AuditActor {
  actorId: bigint | null;
  requestId: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
// Serialises writers of the chain inside their transactions; the number is arbitrary but fixed.
const AUDIT_CHAIN_LOCK = 0x61756474;

/** JSON with sorted keys and bigints as strings, so a payload always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Date) return v.toISOString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      );
    }
    return v;
  });
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function payloadHash(diff: unknown): string {
  return sha256(canonicalJson(diff ?? null));
}

export function rowHash(row: {
  at: Date;
  actorId: bigint | null;
  action: string;
  targetType: string;
  targetId: string | null;
  requestId: string | null;
  payloadHash: string;
  prevHash: string;
}): string {
  return sha256(canonicalJson([row.at.toISOString(), row.actorId, row.action, row.targetType, row.targetId, row.requestId, row.payloadHash, row.prevHash]));
}

/**
 * Appends audit rows inside the caller's transaction: a failed change leaves none. Each row hashes
 * its payload and the previous row, so removing or altering a row breaks the chain.
 */
export async function writeAudit(tx: Tx, actor: AuditActor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await queryRows<{ row_hash: string }>(tx, sql`select row_hash from audit_log order by seq desc limit 1`);
  let prevHash = last?.row_hash ?? GENESIS_HASH;
  const at = new Date();
  const rows = entries.map((entry) => {
    const base = {
      at,
      actorId: actor.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      requestId: actor.requestId,
      diff: entry.diff,
      payloadHash: payloadHash(entry.diff),
      prevHash,
    };
    const hash = rowHash(base);
    prevHash = hash;
    return { ...base, rowHash: hash };
  });
  const seqs: bigint[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    seqs.push(
      ...(
        await tx
          .insert(auditLog)
          .values(rows.slice(i, i + 1000))
          .returning({ seq: auditLog.seq })
      ).map((r) => r.seq),
    );
  }
  // Delivered after commit, to every instance: the adminEvents subscription loads this range.
  await tx.execute(sql`select pg_notify('gateway_audit', ${`${seqs[0]}:${seqs.at(-1)}`})`);
}

const SECRET_FIELDS = new Set(['passwordHash']);

/** Field-by-field difference of two snapshots; secrets show as changed, never their values. */
export function diffOf(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Record<string, unknown> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const a = before?.[key];
    const b = after?.[key];
    if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) continue;
    out[key] = SECRET_FIELDS.has(key) ? { changed: true } : { from: a ?? null, to: b ?? null };
  }
  return out;
}
