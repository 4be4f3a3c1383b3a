import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';

/** The composite mutations a legacy route needs to stay one operation: updateUser's `verified`, createApplications. */
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

const app = (n: string, extra: Record<string, unknown> = {}) => ({
  clientId: `batch_${n}`,
  displayName: `Batch ${n}`,
  grants: ['client_credentials'],
  redirectUris: ['https://client.example/cb'],
  role: 'EXTERNAL',
  scopes: ['admin:users:read'],
  ...extra,
});
const SEL = 'result { createdCount applications { clientSecret application { id clientId role scopes } } }';
const apps = () => count('select count(*)::int as n from applications');

describe('createApplications', () => {
  it('creates every item in one transaction, in order, each secret answered once and stored as a hash', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const before = await audits();
    const made = await mutate(
      gw,
      'createApplications',
      { applications: [app('one'), app('two', { role: 'INTERNAL', scopes: ['admin:users:write'] })] },
      admin.token,
      SEL,
    );
    expect(made).toMatchObject({ __typename: 'CreateApplicationsSuccess', result: { createdCount: 2 } });
    const [one, two] = made.result.applications;
    expect(one.application).toMatchObject({ clientId: 'batch_one', role: 'EXTERNAL' });
    expect(two.application).toMatchObject({ clientId: 'batch_two', role: 'INTERNAL', scopes: ['admin:users:write'] });
    expect(one.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one.clientSecret).not.toBe(two.clientSecret);
    expect(await audits()).toBe(before + 2);
    const stored =
      JSON.stringify(await gw.database.rows(sql`select * from applications`)) + JSON.stringify(await gw.database.rows(sql`select * from audit_log`));
    expect(stored).not.toContain(one.clientSecret);
    expect(stored).not.toContain(two.clientSecret);
  });

  it('needs admin:applications:write; allowed with it', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    const before = await apps();
    expect(await mutate(gw, 'createApplications', { applications: [app('anon')] }, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await mutate(gw, 'createApplications', { applications: [app('mod')] }, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await apps()).toBe(before);
    expect(await mutate(gw, 'createApplications', { applications: [app('allowed')] }, admin.token, SEL)).toMatchObject({ result: { createdCount: 1 } });
  });

  it('all or nothing: bad items, taken ids and scopes the caller lacks refuse the whole batch with per-item paths', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const before = { apps: await apps(), audits: await audits() };
    const bad = await mutate(
      gw,
      'createApplications',
      { applications: [app('fine1'), app('bad1', { redirectUris: ['http://evil.example'] }), app('x', { clientId: '!' })] },
      admin.token,
    );
    expect(bad).toMatchObject({ __typename: 'BadInputError', code: 'BAD_INPUT' });
    expect(bad.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual(
      expect.arrayContaining(['input.applications.1.redirectUris.0', 'input.applications.2.clientId']),
    );
    const external = await mutate(gw, 'createApplications', { applications: [app('fine2'), app('ext', { scopes: ['admin:users:write'] })] }, admin.token);
    expect(external).toMatchObject({ __typename: 'BadInputError', fields: [{ path: ['input', 'applications', '1', 'scopes'] }] });
    expect(await mutate(gw, 'createApplications', { applications: [] }, admin.token)).toMatchObject({
      __typename: 'BadInputError',
      fields: [{ path: ['input', 'applications'] }],
    });
    const twice = await mutate(gw, 'createApplications', { applications: [app('twice'), app('twice')] }, admin.token);
    expect(twice).toMatchObject({ __typename: 'ConflictError', fields: [{ path: ['input', 'applications', '1', 'clientId'], message: 'same as item 0' }] });
    await mutate(gw, 'createApplication', app('taken'), admin.token);
    const taken = { apps: await apps(), audits: await audits() };
    expect(await mutate(gw, 'createApplications', { applications: [app('fine3'), app('taken')] }, admin.token)).toMatchObject({
      __typename: 'ConflictError',
      fields: [{ path: ['input', 'applications', '1', 'clientId'], message: 'already taken' }],
    });
    expect(
      await mutate(gw, 'createApplications', { applications: [app('fine4'), app('lacks', { role: 'INTERNAL', scopes: ['admin'] })] }, admin.token),
    ).toMatchObject({ error: 'FORBIDDEN' });
    expect({ apps: await apps(), audits: await audits() }).toEqual(taken);
    expect(taken.apps).toBe(before.apps + 1);
  });

  it('createApplication keeps its own paths (input.<field>)', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    expect(await mutate(gw, 'createApplication', app('single', { redirectUris: ['ftp://x'] }), admin.token)).toMatchObject({
      __typename: 'BadInputError',
      fields: [{ path: ['input', 'redirectUris', '0'] }],
    });
    await mutate(gw, 'createApplication', app('single'), admin.token);
    expect(await mutate(gw, 'createApplication', app('single'), admin.token)).toMatchObject({
      __typename: 'ConflictError',
      fields: [{ path: ['input', 'clientId'] }],
    });
  });
});
