import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, payloadHash, rowHash } from '../../../src/db/audit.js';
import { auditLog } from '../../../src/modules/audit/table.js';
import { createUser, updateUser } from '../../../src/modules/users/actions.js';
import { useGateway } from '../../helpers/app.js';

const gw = useGateway();

async function chain() {
  return gw.database.db.select().from(auditLog).orderBy(auditLog.seq);
}

describe('audit log', () => {
  it('chains every row to the one before it, payload hash apart', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    await gw.gql(`mutation { createUser(input: { username: "audited", email: "audited@example.org" }) { __typename } }`, {}, admin.token);
    const rows = await chain();
    expect(rows.length).toBeGreaterThan(2);
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prevHash).toBe(prev);
      expect(row.payloadHash).toBe(payloadHash(row.diff));
      expect(row.rowHash).toBe(rowHash(row));
      prev = row.rowHash;
    }
    // Blanking a payload (as an erase will) leaves the chain intact: rowHash covers only payloadHash.
    const last = rows.at(-1)!;
    expect(rowHash({ ...last })).toBe(last.rowHash);
  });

  it('keeps the chain whole under concurrent writers', async () => {
    const ctx = { ...gw.system, actor: { actorId: null, requestId: 'concurrent' } };
    await Promise.all(Array.from({ length: 12 }, (_, i) => createUser(ctx, { username: `conc_${i}`, email: `conc_${i}@example.org` })));
    const rows = await chain();
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].rowHash);
  });

  it('a failed change leaves no row', async () => {
    const before = (await chain()).length;
    const ctx = { ...gw.system };
    await expect(createUser(ctx, { username: 'audited', email: 'other@example.org' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const target = await gw.user();
    const after = (await chain()).length;
    await expect(updateUser(ctx, target.id, { email: 'audited@example.org' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await chain()).length).toBe(after);
    expect(after).toBeGreaterThan(before);
  });

  it('records actor, action, target, diff and request id', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    await gw.gql(
      `mutation($i: UpdateUserInput!) { updateUser(input: $i) { __typename } }`,
      { i: { id: target.gid, displayName: 'Audited Name' } },
      admin.token,
      { 'x-request-id': 'req-audit-1' },
    );
    const [row] = await gw.database.rows<any>(
      sql`select actor_id::text as actor, action, target_type, target_id, request_id, diff from audit_log order by seq desc limit 1`,
    );
    expect(row).toMatchObject({
      actor: admin.id.toString(),
      action: 'user.update',
      target_type: 'User',
      target_id: target.id.toString(),
      request_id: 'req-audit-1',
      diff: { displayName: { from: null, to: 'Audited Name' } },
    });
  });

  it('auditLog needs admin:audit:read, pages newest first and filters', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const admin = await gw.user({ roles: ['admin'] });
    const q = `query($f: AuditLogFilter, $after: String) { auditLog(first: 2, after: $after, filter: $f) { pageInfo { hasNextPage endCursor } edges { node { seq action actor { id } targetId diff } } } }`;
    expect((await gw.gql(q, {}, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(q, {})).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const p1 = await gw.gql(q, {}, admin.token);
    const seqs = p1.body.data.auditLog.edges.map((e: any) => BigInt(e.node.seq));
    expect(seqs[0]).toBeGreaterThan(seqs[1]);
    const p2 = await gw.gql(q, { after: p1.body.data.auditLog.pageInfo.endCursor }, admin.token);
    expect(BigInt(p2.body.data.auditLog.edges[0].node.seq)).toBeLessThan(seqs[1]);
    const target = await gw.user();
    await gw.gql(`mutation($i: UpdateUserInput!) { updateUser(input: $i) { __typename } }`, { i: { id: target.gid, bio: 'filtered' } }, admin.token);
    const filtered = await gw.gql(q, { f: { action: 'user.update', actorId: admin.gid, targetId: target.gid } }, admin.token);
    expect(filtered.body.data.auditLog.edges).toHaveLength(1);
    expect(filtered.body.data.auditLog.edges[0].node).toMatchObject({
      action: 'user.update',
      actor: { id: admin.gid },
      targetId: target.gid,
      diff: { bio: { from: null, to: 'filtered' } },
    });
    const none = await gw.gql(q, { f: { from: new Date(Date.now() + 60_000).toISOString() } }, admin.token);
    expect(none.body.data.auditLog.edges).toEqual([]);
    const bad = await gw.gql(q, { after: 'garbage' }, admin.token);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_INPUT');
  });
});
