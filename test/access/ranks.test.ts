import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { mutate, restClient } from '../helpers/clients.js';
import { tagUsers } from '../../src/modules/users/profile.js';

const gw = useGateway();
const pleroma = restClient(gw, '/api/pleroma/admin');

const count = async (query: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(query)))[0].n);
const auditCount = () => count('select count(*)::int as n from audit_log');
const tagsOf = async (id: bigint) => (await gw.database.rows<{ tags: string[] }>(sql`select tags from users where id = ${id}`))[0].tags;
const statusOf = async (id: bigint) => (await gw.database.rows<{ status: string }>(sql`select status from users where id = ${id}`))[0].status;

/** A mutation answered as GraphQL's raw body, so the FORBIDDEN error's extensions can be read. */
async function raw(name: string, input: unknown, token: string) {
  const type = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const res = await gw.gql(`mutation($input: ${type}Input!) { ${name}(input: $input) { __typename ... on ${type}Success { __typename } } }`, { input }, token);
  return res.body;
}

describe('ranks apply to tagging', () => {
  it('tagUsers and untagUsers refuse the whole batch when a target is ranked at or above the actor, naming every refused target', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const peer = await gw.user({ roles: ['moderator'] });
    const root = await gw.user({ roles: ['superadmin'] });
    const plain = await gw.user();
    await tagUsers(gw.system, [root.id], [], ['kept'], 'add');
    const before = await auditCount();
    for (const name of ['tagUsers', 'untagUsers']) {
      const body = await raw(name, { ids: [plain.gid, root.gid], usernames: [peer.username.toUpperCase()], tags: ['mrf_tag:sandbox', 'kept'] }, mod.token);
      expect(body.errors?.[0]?.extensions?.code, name).toBe('FORBIDDEN');
      expect(body.errors[0].message).toContain(root.username);
      expect(body.errors[0].message).toContain(peer.username);
      expect(body.errors[0].message).not.toContain(plain.username);
      expect(body.errors[0].extensions.fields).toEqual([
        { path: ['input', 'ids', '1'], message: expect.stringContaining('1000') },
        { path: ['input', 'usernames', '0'], message: expect.stringContaining('10') },
      ]);
    }
    expect(await tagsOf(plain.id)).toEqual([]);
    expect(await tagsOf(root.id)).toEqual(['kept']);
    expect(await tagsOf(peer.id)).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('a moderator still tags and untags plain accounts (and itself)', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const plain = await gw.user();
    const tagged = await mutate(gw, 'tagUsers', { ids: [plain.gid, mod.gid], tags: ['mrf_tag:sandbox'] }, mod.token, 'result { changedCount }');
    expect(tagged.result).toEqual({ changedCount: 2 });
    expect(await tagsOf(plain.id)).toEqual(['mrf_tag:sandbox']);
    const untagged = await mutate(gw, 'untagUsers', { usernames: [plain.username], tags: ['mrf_tag:sandbox'] }, mod.token, 'result { changedCount }');
    expect(untagged.result).toEqual({ changedCount: 1 });
  });

  it('Pleroma PUT/DELETE /users/tag answer 403 {"error"} for such a batch and write nothing', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const root = await gw.user({ roles: ['superadmin'] });
    const plain = await gw.user();
    await tagUsers(gw.system, [root.id], [], ['mrf_tag:media-strip'], 'add');
    const before = await auditCount();
    for (const method of ['PUT', 'DELETE']) {
      const res = await pleroma(method, '/users/tag', mod.token, {
        nicknames: [plain.username, root.username],
        tags: ['mrf_tag:sandbox', 'mrf_tag:media-strip'],
      });
      expect(res.status, method).toBe(403);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error).toContain(root.username);
    }
    expect(await tagsOf(plain.id)).toEqual([]);
    expect(await tagsOf(root.id)).toEqual(['mrf_tag:media-strip']);
    expect(await auditCount()).toBe(before);
    expect((await pleroma('PUT', '/users/tag', mod.token, { nicknames: [plain.username], tags: ['mrf_tag:sandbox'] })).status).toBe(204);
    expect(await tagsOf(plain.id)).toEqual(['mrf_tag:sandbox']);
  });
});

describe('ranks apply to direct scope grants on many users', () => {
  it('setScopes refuses the whole batch, naming each refused target', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const peer = await gw.user({ roles: ['admin'] });
    const before = await auditCount();
    const body = await raw('setScopes', { targets: [plain.gid, peer.gid], targetType: 'USER', scopes: ['admin:invites:read'], operation: 'ADD' }, admin.token);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      fields: [{ path: ['input', 'targets', '1'], message: expect.stringContaining(peer.username) }],
    });
    expect(await count(`select count(*)::int as n from user_scopes where user_id = ${plain.id}`)).toBe(0);
    expect(await auditCount()).toBe(before);
  });
});

describe('ranks apply to every bulk action', () => {
  it('each action, dry run or not, is refused whole when the filter matches accounts ranked at or above the actor', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const prefix = `rk${Date.now().toString(36)}`;
    const plain = [await gw.user({ username: `${prefix}_a` }), await gw.user({ username: `${prefix}_b` })];
    const peer = await gw.user({ username: `${prefix}_peer`, roles: ['admin'] });
    const root = await gw.user({ username: `${prefix}_root`, roles: ['superadmin'] });
    await tagUsers(gw.system, [plain[0].id, peer.id, root.id], [], ['cohort'], 'add');
    const filter = { username: { startsWith: prefix } };
    const before = await auditCount();
    const grants = () => count(`select count(*)::int as n from user_roles where user_id in (select id from users where username like '${prefix}%')`);
    const grantsBefore = await grants();
    const actions = [
      { action: 'TAG', tags: ['mrf_tag:sandbox'] },
      { action: 'UNTAG', tags: ['cohort'] },
      { action: 'SUSPEND', reason: 'raid' },
      { action: 'UNSUSPEND' },
      { action: 'ASSIGN_ROLE', role: 'moderator' },
      { action: 'REVOKE_ROLE', role: 'moderator' },
    ];
    for (const args of actions) {
      for (const dryRun of [false, true]) {
        const label = `${args.action}${dryRun ? ' (dry run)' : ''}`;
        const body = await raw('bulkUpdateUsers', { filter, ...args, dryRun }, admin.token);
        expect(body.errors?.[0]?.extensions?.code, label).toBe('FORBIDDEN');
        expect(body.errors[0].message, label).toContain(peer.username);
        expect(body.errors[0].message, label).toContain(root.username);
        expect(body.errors[0].extensions.fields, label).toEqual([
          { path: ['input', 'filter'], message: expect.stringContaining(peer.username) },
          { path: ['input', 'filter'], message: expect.stringContaining(root.username) },
        ]);
      }
    }
    expect(await auditCount()).toBe(before);
    expect(await grants()).toBe(grantsBefore);
    for (const u of [...plain, peer, root]) expect(await statusOf(u.id)).toBe('ACTIVE');
    expect(await tagsOf(plain[0].id)).toEqual(['cohort']);
    expect(await tagsOf(plain[1].id)).toEqual([]);
    expect(await tagsOf(root.id)).toEqual(['cohort']);
    // Narrowed to the accounts below the actor, the same actions go through.
    const below = { and: [filter, { not: { role: 'admin' } }, { not: { role: 'superadmin' } }] };
    const sel = 'result { matchedCount changedCount dryRun }';
    expect((await mutate(gw, 'bulkUpdateUsers', { filter: below, action: 'TAG', tags: ['mrf_tag:sandbox'], dryRun: true }, admin.token, sel)).result).toEqual({
      matchedCount: 2,
      changedCount: 0,
      dryRun: true,
    });
    expect((await mutate(gw, 'bulkUpdateUsers', { filter: below, action: 'TAG', tags: ['mrf_tag:sandbox'] }, admin.token, sel)).result).toEqual({
      matchedCount: 2,
      changedCount: 2,
      dryRun: false,
    });
    expect((await mutate(gw, 'bulkUpdateUsers', { filter: below, action: 'SUSPEND' }, admin.token, sel)).result.changedCount).toBe(2);
  });

  it('a moderator bulk-tags plain accounts but not its peers', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const prefix = `rm${Date.now().toString(36)}`;
    const plain = await gw.user({ username: `${prefix}_plain` });
    const peer = await gw.user({ username: `${prefix}_peer`, roles: ['moderator'] });
    const filter = { username: { startsWith: prefix } };
    const refused = await raw('bulkUpdateUsers', { filter, action: 'TAG', tags: ['mrf_tag:sandbox'] }, mod.token);
    expect(refused.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      fields: [{ path: ['input', 'filter'], message: expect.stringContaining(peer.username) }],
    });
    expect(await tagsOf(plain.id)).toEqual([]);
    const ok = await mutate(
      gw,
      'bulkUpdateUsers',
      { filter: { username: { equals: plain.username } }, action: 'TAG', tags: ['mrf_tag:sandbox'] },
      mod.token,
      'result { changedCount }',
    );
    expect(ok.result.changedCount).toBe(1);
  });
});
