import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';

const gw = useGateway();

const count = async (query: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(query)))[0].n);
const auditCount = () => count('select count(*)::int as n from audit_log');
const canRead = async (token: string) => (await gw.gql('{ viewer { id } }', {}, token)).body.errors?.[0]?.extensions.code ?? 'OK';
const login = async (username: string, password: string) =>
  (await gw.gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: username, p: password })).body;
const soon = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

describe('account lifecycle', () => {
  it('suspend ends every session at once, refuses sign-in, and lapses by itself at its end time', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user({ password: 'suspend-me-1' });
    const mod = await gw.user({ roles: ['moderator'] });
    expect(await mutate(gw, 'suspendUser', { id: target.gid }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'suspendUser', { id: target.gid, until: '2000-01-01T00:00:00Z' }, admin.token)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await canRead(target.token)).toBe('OK');
    // An hour, so a slow machine cannot see it lapse early; the lapse is then brought forward in the row.
    const done = await mutate(gw, 'suspendUser', { id: target.gid, until: soon(3600), reason: 'spam' }, admin.token, 'user { status banned bannedUntil }');
    expect(done.user).toMatchObject({ status: 'SUSPENDED', banned: true });
    expect(await canRead(target.token)).toBe('UNAUTHENTICATED');
    expect((await login(target.username, 'suspend-me-1')).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const [row] = await gw.database.rows<any>(sql`select diff from audit_log where action = 'user.suspend' and target_id = ${target.id.toString()}`);
    expect(row.diff).toMatchObject({ status: { from: 'ACTIVE', to: 'SUSPENDED' }, reason: 'spam', sessionsRevoked: 1 });
    // Its end time passes (moved into the past rather than waited for): it lapses by itself, with no job.
    await gw.database.rows(sql`update users set banned_at = now() - interval '2 seconds', banned_until = now() - interval '1 second' where id = ${target.id}`);
    expect((await login(target.username, 'suspend-me-1')).data.login.accessToken).toBeTruthy();
  });

  it('deactivate and activate (Pleroma), unsuspend, restrict and verify, each audited with its reason', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const sel = 'user { status restricted verified verifiedAt banned }';
    expect((await mutate(gw, 'deactivateUser', { id: target.gid, reason: 'asked' }, admin.token, sel)).user.status).toBe('DEACTIVATED');
    expect(await canRead(target.token)).toBe('UNAUTHENTICATED');
    expect((await mutate(gw, 'activateUser', { id: target.gid }, admin.token, sel)).user.status).toBe('ACTIVE');
    await mutate(gw, 'suspendUser', { id: target.gid }, admin.token);
    expect((await mutate(gw, 'activateUser', { id: target.gid }, admin.token)).code).toBe('CONFLICT');
    expect((await mutate(gw, 'unsuspendUser', { id: target.gid }, admin.token, sel)).user).toMatchObject({ status: 'ACTIVE', banned: false });
    expect((await mutate(gw, 'restrictUser', { id: target.gid }, admin.token, sel)).user.restricted).toBe(true);
    expect((await mutate(gw, 'restrictUser', { id: target.gid, restricted: false }, admin.token, sel)).user.restricted).toBe(false);
    const verified = await mutate(gw, 'verifyUser', { id: target.gid, reason: 'id checked' }, admin.token, sel);
    expect(verified.user.verified).toBe(true);
    expect(Date.parse(verified.user.verifiedAt)).toBeGreaterThan(Date.now() - 60_000);
    const actions = await gw.database.rows<any>(
      sql`select action, diff->>'reason' as reason from audit_log where target_id = ${target.id.toString()} and action like 'user.%' order by seq`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      'user.create',
      'user.deactivate',
      'user.activate',
      'user.suspend',
      'user.unsuspend',
      'user.restrict',
      'user.restrict.undo',
      'user.verify',
    ]);
    expect(actions.find((a) => a.action === 'user.verify').reason).toBe('id checked');
    // Doing what is already so changes nothing and writes nothing.
    const before = await auditCount();
    await mutate(gw, 'verifyUser', { id: target.gid }, admin.token);
    expect(await auditCount()).toBe(before);
  });

  it('nobody suspends itself or an account ranked at or above its own', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const other = await gw.user({ roles: ['admin'] });
    const root = await gw.user({ roles: ['superadmin'] });
    expect(await mutate(gw, 'suspendUser', { id: admin.gid }, admin.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'suspendUser', { id: other.gid }, admin.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'suspendUser', { id: root.gid }, admin.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'updateUser', { id: root.gid, password: 'taken-over-1' }, admin.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect((await mutate(gw, 'suspendUser', { id: other.gid }, root.token)).__typename).toBe('SuspendUserSuccess');
  });

  it('erase removes personal data for good, blanks its audit payloads and keeps the chain valid', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const target = await gw.user({ email: 'erase.me@example.org' });
    await mutate(gw, 'updateUser', { id: target.gid, displayName: 'Erin Erasable', phone: '+49 30 123456' }, admin.token);
    expect(await mutate(gw, 'eraseUser', { id: target.gid }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    const erased = await mutate(
      gw,
      'eraseUser',
      { id: target.gid, reason: 'GDPR request' },
      admin.token,
      'user { id username email displayName phone status }',
    );
    expect(erased.user).toMatchObject({ id: target.gid, email: null, displayName: null, phone: null, status: 'DELETED' });
    expect(erased.user.username).toMatch(/^Erased User [0-9a-f]{8}$/);
    expect(await canRead(target.token)).toBe('UNAUTHENTICATED');
    expect((await mutate(gw, 'restoreUser', { id: target.gid }, admin.token)).code).toBe('CONFLICT');
    const dump =
      JSON.stringify(await gw.database.rows(sql`select * from audit_log`)) +
      JSON.stringify(await gw.database.rows(sql`select * from users where id = ${target.id}`));
    for (const secret of ['erase.me@example.org', 'Erin Erasable', '123456', target.username]) expect(dump).not.toContain(secret);
    expect(await count(`select count(*)::int as n from sessions where user_id = ${target.id}`)).toBe(0);
    const chain = await gw.gql('{ verifyAuditChain { valid checkedCount firstBrokenSeq } }', {}, admin.token);
    expect(chain.body.data.verifyAuditChain).toMatchObject({ valid: true, firstBrokenSeq: null });
    expect(chain.body.data.verifyAuditChain.checkedCount).toBe(await auditCount());
    const trail = await gw.gql(
      `query($t: ID) { auditLog(first: 50, filter: { targetId: $t }) { edges { node { action erased diff } } } }`,
      { t: target.gid },
      admin.token,
    );
    const nodes = trail.body.data.auditLog.edges.map((e: any) => e.node);
    expect(nodes[0]).toMatchObject({ action: 'user.erase', erased: false, diff: { reason: 'GDPR request' } });
    expect(nodes.slice(1).every((n: any) => n.erased && n.diff === null)).toBe(true);
  });
});

describe('audit chain', () => {
  it('verifyAuditChain needs admin:audit:read and names the first altered or removed row', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    for (let i = 0; i < 3; i++) await mutate(gw, 'updateUser', { id: mod.gid, displayName: `Name ${i}` }, admin.token);
    expect((await gw.gql('{ verifyAuditChain { valid } }', {}, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const rows = await gw.database.rows<{ seq: string }>(sql`select seq::text as seq from audit_log order by seq desc limit 3`);
    const [last, middle, first] = rows.map((r) => r.seq);
    await gw.database.rows(sql`update audit_log set diff = '{"displayName": {"from": null, "to": "forged"}}' where seq = ${first}`);
    let report = (await gw.gql('{ verifyAuditChain { valid firstBrokenSeq problem } }', {}, admin.token)).body.data.verifyAuditChain;
    expect(report).toMatchObject({ valid: false, firstBrokenSeq: first, problem: expect.stringContaining('payload') });
    await gw.database.rows(sql`delete from audit_log where seq = ${first}`);
    report = (await gw.gql('{ verifyAuditChain { valid firstBrokenSeq problem } }', {}, admin.token)).body.data.verifyAuditChain;
    expect(report).toMatchObject({ valid: false, firstBrokenSeq: middle });
    await gw.database.rows(sql`update audit_log set action = 'user.forged' where seq = ${last}`);
    expect((await gw.gql('{ verifyAuditChain { firstBrokenSeq } }', {}, admin.token)).body.data.verifyAuditChain.firstBrokenSeq).toBe(middle);
  });
});

describe('profile data', () => {
  it('tagUsers/untagUsers work on many users by id or username; the filter finds them', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const [a, b] = [await gw.user(), await gw.user()];
    expect(await mutate(gw, 'tagUsers', { ids: [a.gid], tags: ['vip'] }, plain.token)).toMatchObject({ error: 'FORBIDDEN' });
    const tagged = await mutate(
      gw,
      'tagUsers',
      { ids: [a.gid], usernames: [b.username.toUpperCase()], tags: ['vip', 'beta'] },
      admin.token,
      'result { changedCount users { tags } }',
    );
    expect(tagged.result.changedCount).toBe(2);
    expect(tagged.result.users.map((u: any) => u.tags)).toEqual([
      ['beta', 'vip'],
      ['beta', 'vip'],
    ]);
    const found = await gw.gql('{ users(first: 10, filter: { tags: { any: ["vip"] } }) { totalCount } }', {}, admin.token);
    expect(found.body.data.users.totalCount).toBe(2);
    const untagged = await mutate(gw, 'untagUsers', { usernames: [a.username], tags: ['vip'] }, admin.token, 'result { changedCount users { tags } }');
    expect(untagged.result).toEqual({ changedCount: 1, users: [{ tags: ['beta'] }] });
    const before = await auditCount();
    expect((await mutate(gw, 'tagUsers', { usernames: ['nobody_here'], ids: [a.gid], tags: ['x'] }, admin.token)).code).toBe('NOT_FOUND');
    expect((await mutate(gw, 'tagUsers', { ids: [a.gid], tags: [] }, admin.token)).code).toBe('BAD_INPUT');
    expect(await auditCount()).toBe(before);
  });

  it('customData replaces or deep-merges, stays within 64 KB, and the users filter queries it by path', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const sel = 'user { customData }';
    await mutate(gw, 'updateCustomData', { id: target.gid, data: { theme: { mode: 'dark', accent: 'red' }, beta: true } }, admin.token);
    const merged = await mutate(
      gw,
      'updateCustomData',
      { id: target.gid, data: { theme: { accent: 'blue' }, beta: null, level: 3 }, mode: 'MERGE' },
      admin.token,
      sel,
    );
    expect(merged.user.customData).toEqual({ theme: { mode: 'dark', accent: 'blue' }, level: 3 });
    const q = `query($f: UserFilter) { users(first: 10, filter: $f) { edges { node { id } } } }`;
    const hit = await gw.gql(q, { f: { customData: { path: ['theme', 'accent'], equals: 'blue' } } }, admin.token);
    expect(hit.body.data.users.edges.map((e: any) => e.node.id)).toEqual([target.gid]);
    const exists = await gw.gql(q, { f: { customData: { path: ['level'], exists: true } } }, admin.token);
    expect(exists.body.data.users.edges.map((e: any) => e.node.id)).toEqual([target.gid]);
    const big = await mutate(gw, 'updateCustomData', { id: target.gid, data: { blob: 'x'.repeat(70_000) } }, admin.token);
    expect(big).toMatchObject({ code: 'BAD_INPUT', fields: [{ path: ['input', 'data'] }] });
    expect((await mutate(gw, 'updateCustomData', { id: target.gid, data: [1, 2] }, admin.token)).code).toBe('BAD_INPUT');
    const replaced = await mutate(gw, 'updateCustomData', { id: target.gid, data: { only: 1 } }, admin.token, sel);
    expect(replaced.user.customData).toEqual({ only: 1 });
  });

  it('adjustCredits is atomic under 50 parallel increments and never goes below zero', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const target = await gw.user();
    expect(await mutate(gw, 'adjustCredits', { userId: target.gid, operation: 'SET', value: 5 }, plain.token)).toMatchObject({ error: 'FORBIDDEN' });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => mutate(gw, 'adjustCredits', { userId: target.gid, operation: 'INCREMENT', value: 2 }, admin.token)),
    );
    expect(results.every((r) => r.__typename === 'AdjustCreditsSuccess')).toBe(true);
    const credits = async () => (await gw.gql(`query($id: ID!) { user(id: $id) { credits } }`, { id: target.gid }, admin.token)).body.data.user.credits;
    expect(await credits()).toBe(100);
    const before = await auditCount();
    expect(await mutate(gw, 'adjustCredits', { userId: target.gid, operation: 'DECREMENT', value: 101 }, admin.token)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await mutate(gw, 'adjustCredits', { userId: target.gid, operation: 'SET', value: -1 }, admin.token)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await credits()).toBe(100);
    expect(await auditCount()).toBe(before);
    expect((await mutate(gw, 'adjustCredits', { userId: target.gid, operation: 'DECREMENT', value: 100 }, admin.token, 'user { credits }')).user.credits).toBe(
      0,
    );
  });
});

describe('bulk actions', () => {
  it('createUsers is all or nothing, with per-item errors and the count inserted', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const users = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ username: `${prefix}_${i}`, email: `${prefix}_${i}@example.org` }));
    const before = await count('select count(*)::int as n from users');
    expect((await mutate(gw, 'createUsers', { users: users(1001, 'too_many') }, admin.token)).code).toBe('BAD_INPUT');
    const bad = await mutate(gw, 'createUsers', { users: [...users(2, 'ok'), { username: 'x', email: 'not-an-email' }] }, admin.token);
    expect(bad.code).toBe('BAD_INPUT');
    expect(bad.fields.map((f: any) => f.path.join('.'))).toEqual(['input.users.2.username', 'input.users.2.email']);
    const dup = await mutate(
      gw,
      'createUsers',
      { users: [...users(2, 'dup'), { username: 'DUP_0', email: 'other@example.org' }, { username: mod.username, email: 'x1@example.org' }] },
      admin.token,
    );
    expect(dup.code).toBe('CONFLICT');
    expect(dup.fields.map((f: any) => f.path.join('.')).sort()).toEqual(['input.users.2.username', 'input.users.3.username']);
    expect(await mutate(gw, 'createUsers', { users: [{ ...users(1, 'esc')[0], role: 'moderator' }] }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await count('select count(*)::int as n from users')).toBe(before);
    const ok = await mutate(
      gw,
      'createUsers',
      { users: [...users(250, 'batch'), { username: 'batch_mod', email: 'bm@example.org', role: 'moderator' }] },
      admin.token,
      'result { insertedCount users { username roles { name } } }',
    );
    expect(ok.result.insertedCount).toBe(251);
    expect(ok.result.users.at(-1)).toEqual({ username: 'batch_mod', roles: [{ name: 'moderator' }] });
    expect(
      await count(
        `select count(*)::int as n from audit_log where action = 'user.create' and target_id in (select id::text from users where username like 'batch%')`,
      ),
    ).toBe(251);
  });

  it('bulkUpdateUsers applies one action to every match, audits each, and changes nothing on a dry run', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const prefix = `bulk${Date.now().toString(36)}`;
    for (let i = 0; i < 5; i++) await gw.user({ username: `${prefix}_${i}` });
    const filter = { username: { startsWith: prefix } };
    const sel = 'result { matchedCount changedCount dryRun }';
    const before = await auditCount();
    const dry = await mutate(gw, 'bulkUpdateUsers', { filter, action: 'SUSPEND', dryRun: true }, admin.token, sel);
    expect(dry.result).toEqual({ matchedCount: 5, changedCount: 0, dryRun: true });
    expect(await auditCount()).toBe(before);
    expect(await mutate(gw, 'bulkUpdateUsers', { filter, action: 'SUSPEND' }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect((await mutate(gw, 'bulkUpdateUsers', { filter, action: 'TAG' }, admin.token)).code).toBe('BAD_INPUT');
    const tagged = await mutate(gw, 'bulkUpdateUsers', { filter, action: 'TAG', tags: ['cohort-a'] }, admin.token, sel);
    expect(tagged.result).toEqual({ matchedCount: 5, changedCount: 5, dryRun: false });
    const suspended = await mutate(
      gw,
      'bulkUpdateUsers',
      { filter: { and: [filter, { tags: { all: ['cohort-a'] } }] }, action: 'SUSPEND', reason: 'raid' },
      admin.token,
      sel,
    );
    expect(suspended.result.changedCount).toBe(5);
    const granted = await mutate(gw, 'bulkUpdateUsers', { filter, action: 'ASSIGN_ROLE', role: 'moderator' }, admin.token, sel);
    expect(granted.result.changedCount).toBe(5);
    expect(
      await count(
        `select count(*)::int as n from audit_log where action in ('user.tag', 'user.suspend', 'role.assign') and target_id in (select id::text from users where username like '${prefix}%')`,
      ),
    ).toBe(15);
    // A match the actor may not act on (an admin peer) stops the whole action.
    const peer = await gw.user({ username: `${prefix}_admin`, roles: ['admin'] });
    expect(await mutate(gw, 'bulkUpdateUsers', { filter, action: 'UNSUSPEND' }, admin.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await count(`select count(*)::int as n from users where username like '${prefix}%' and status = 'SUSPENDED'`)).toBe(5);
    expect(peer.id).toBeTruthy();
  });
});
