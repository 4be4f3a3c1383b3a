import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';

/** createApplications: a composite mutation a legacy route needs to stay one operation. */
const gw = useGateway();
const count = async (q: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(q)))[0].n);
const audits = () => count('select count(*)::int as n from audit_log');

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
