import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';

/** updateUser's `verified`: a composite mutation a legacy route needs to stay one operation. */
const gw = useGateway();
const count = async (q: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(q)))[0].n);
const audits = () => count('select count(*)::int as n from audit_log');
const verifiedAt = async (id: bigint) => (await gw.database.rows<{ at: Date | null }>(sql`select verified_at as at from users where id = ${id}`))[0].at;
const USER = 'user { verified verifiedAt displayName roles { name } }';

describe('updateUser with verified', () => {
  it('sets and clears verifiedAt with the profile change, in one transaction, audited as user.verify', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const on = await mutate(gw, 'updateUser', { id: target.gid, displayName: 'Verified Person', verified: true }, admin.token, USER);
    expect(on).toMatchObject({ __typename: 'UpdateUserSuccess', user: { verified: true, displayName: 'Verified Person' } });
    expect(on.user.verifiedAt).not.toBeNull();
    const rows = await gw.database.rows<{ action: string; actor: string }>(
      sql`select action, actor_id::text as actor from audit_log where target_id = ${target.id.toString()} order by seq desc limit 2`,
    );
    expect(rows.map((r) => r.action)).toEqual(['user.verify', 'user.update']);
    expect(rows.every((r) => r.actor === admin.id.toString())).toBe(true);
    // Already verified: verifiedAt stays as it was and nothing is written.
    const before = await audits();
    expect((await mutate(gw, 'updateUser', { id: target.gid, verified: true }, admin.token, USER)).user.verifiedAt).toBe(on.user.verifiedAt);
    expect(await audits()).toBe(before);
    const off = await mutate(gw, 'updateUser', { id: target.gid, verified: false, giveRoles: ['moderator'] }, admin.token, USER);
    expect(off.user).toMatchObject({ verified: false, verifiedAt: null, roles: [{ name: 'moderator' }] });
    const [last] = await gw.database.rows<{ action: string }>(sql`select action from audit_log where action like 'user.verify%' order by seq desc limit 1`);
    expect(last.action).toBe('user.verify.undo');
  });

  it('needs admin:users:write and outranking the account, as verifyUser does; a refusal writes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const plain = await gw.user();
    const target = await gw.user();
    const before = await audits();
    expect(await mutate(gw, 'updateUser', { id: target.gid, verified: true }, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await mutate(gw, 'updateUser', { id: target.gid, verified: true }, plain.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'updateUser', { id: admin.gid, verified: true }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    // A role the caller cannot give refuses the verified change with it.
    expect(await mutate(gw, 'updateUser', { id: target.gid, verified: true, displayName: 'No', giveRoles: ['admin'] }, admin.token)).toMatchObject({
      error: 'FORBIDDEN',
    });
    expect(await verifiedAt(target.id)).toBeNull();
    expect(await verifiedAt(admin.id)).toBeNull();
    expect(await audits()).toBe(before);
    // Allowed with the scope, on an account ranked below.
    expect(await mutate(gw, 'updateUser', { id: target.gid, verified: true }, mod.token, USER)).toMatchObject({ user: { verified: true } });
  });

  it('refuses null and a bad field beside it; nothing written', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const before = await audits();
    const nulled = await mutate(gw, 'updateUser', { id: target.gid, verified: null, displayName: 'Nulled' }, admin.token);
    expect(nulled).toMatchObject({ __typename: 'BadInputError', code: 'BAD_INPUT' });
    expect(nulled.fields).toContainEqual({ path: ['input', 'verified'], message: 'must be true or false' });
    expect(await mutate(gw, 'updateUser', { id: target.gid, verified: true, email: 'nope' }, admin.token)).toMatchObject({
      __typename: 'BadInputError',
      fields: [{ path: ['input', 'email'] }],
    });
    expect(await mutate(gw, 'updateUser', { id: target.gid, verified: 'yes' }, admin.token)).toMatchObject({ error: 'BAD_INPUT' });
    expect(await verifiedAt(target.id)).toBeNull();
    expect(await audits()).toBe(before);
  });
});
