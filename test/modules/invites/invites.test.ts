import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { REGISTER_LIMIT } from '../../../src/modules/invites/actions.js';

const gw = useGateway();
const count = async (q: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(q)))[0].n);
const soon = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const REGISTER = `mutation($input: RegisterWithInviteInput!) { registerWithInvite(input: $input) {
  __typename ... on RegisterWithInviteSuccess { account { id username } } ... on Error { message code } ... on BadInputError { fields { path message } } } }`;

/** A public registration from a client address (the socket's, as the Node server passes it). */
const register = (code: string, n: string, ip = '198.51.100.1') =>
  gw.gqlFrom(ip, REGISTER, { input: { code, username: `inv_${n}`, email: `inv_${n}@example.org`, password: 'invite-pass-1' } });

describe('invites', () => {
  it('createInvite/revokeInvite/invites need the invite scopes; types follow Pleroma', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ roles: ['moderator'] });
    expect(await mutate(gw, 'createInvite', {}, mod.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'createInvite', {}, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect((await gw.gql('{ invites(first: 1) { edges { cursor } } }', {}, mod.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const sel = 'invite { code type maxUses uses valid revoked }';
    expect((await mutate(gw, 'createInvite', {}, admin.token, sel)).invite).toMatchObject({ type: 'ONE_TIME', maxUses: 1, uses: 0, valid: true });
    expect((await mutate(gw, 'createInvite', { maxUses: 5 }, admin.token, sel)).invite.type).toBe('REUSABLE');
    expect((await mutate(gw, 'createInvite', { unlimited: true }, admin.token, sel)).invite).toMatchObject({ type: 'REUSABLE', maxUses: null });
    expect((await mutate(gw, 'createInvite', { expiresAt: soon(3600) }, admin.token, sel)).invite.type).toBe('DATE_LIMITED');
    const both = await mutate(gw, 'createInvite', { code: 'team-2026', maxUses: 3, expiresAt: soon(3600) }, admin.token, sel);
    expect(both.invite).toMatchObject({ code: 'team-2026', type: 'REUSABLE_DATE_LIMITED' });
    expect((await mutate(gw, 'createInvite', { code: 'team-2026' }, admin.token)).code).toBe('CONFLICT');
    const before = await count('select count(*)::int as n from invites');
    expect((await mutate(gw, 'createInvite', { maxUses: 0 }, admin.token)).code).toBe('BAD_INPUT');
    expect((await mutate(gw, 'createInvite', { expiresAt: '2001-01-01T00:00:00Z' }, admin.token)).code).toBe('BAD_INPUT');
    expect((await mutate(gw, 'createInvite', { code: 'bad code!' }, admin.token)).code).toBe('BAD_INPUT');
    expect(await count('select count(*)::int as n from invites')).toBe(before);
    expect((await mutate(gw, 'revokeInvite', { code: 'team-2026' }, admin.token, sel)).invite).toMatchObject({ revoked: true, valid: false });
    expect((await mutate(gw, 'revokeInvite', { code: 'nope-nope' }, admin.token)).code).toBe('NOT_FOUND');
    const revoked = await gw.gql('{ invites(first: 10, filter: { revoked: true }) { edges { node { code } } } }', {}, admin.token);
    expect(revoked.body.data.invites.edges.map((e: any) => e.node.code)).toEqual(['team-2026']);
  });

  it('20 parallel registrations on a 5-use invite create exactly 5 accounts', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const made = await mutate(gw, 'createInvite', { code: 'five-uses', maxUses: 5 }, admin.token, 'invite { code }');
    expect(made.__typename).toBe('CreateInviteSuccess');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => register('five-uses', `race${i}`, `10.0.0.${i}`)));
    const ok = results.filter((r) => r.body.data?.registerWithInvite.__typename === 'RegisterWithInviteSuccess');
    expect(ok).toHaveLength(5);
    expect(await count(`select count(*)::int as n from users where username like 'inv_race%'`)).toBe(5);
    const invite = await gw.gql(`{ invite(code: "five-uses") { uses valid registeredUsers { id } } }`, {}, admin.token);
    expect(invite.body.data.invite).toMatchObject({ uses: 5, valid: false });
    expect(invite.body.data.invite.registeredUsers).toHaveLength(5);
  });

  it('an unknown and a used-up code answer the same; a failed registration uses nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    await mutate(gw, 'createInvite', { code: 'single-use' }, admin.token);
    const first = await register('single-use', 'first');
    expect(first.body.data.registerWithInvite.account.username).toBe('inv_first');
    const login = await gw.gql(`mutation { login(username: "inv_first", password: "invite-pass-1") { accessToken } }`);
    expect(login.body.data.login.accessToken).toBeTruthy();
    const usedUp = (await register('single-use', 'second')).body.data.registerWithInvite;
    const unknown = (await register('no-such-code', 'third')).body.data.registerWithInvite;
    expect(usedUp).toEqual(unknown);
    expect(usedUp).toMatchObject({ __typename: 'BadInputError', code: 'BAD_INPUT' });
    await mutate(gw, 'createInvite', { code: 'keep-uses', maxUses: 2 }, admin.token);
    const clash = await register('keep-uses', 'first');
    expect(clash.body.data.registerWithInvite.code).toBe('CONFLICT');
    expect((await gw.gql(`{ invite(code: "keep-uses") { uses } }`, {}, admin.token)).body.data.invite.uses).toBe(0);
  });

  it('limits failed registrations per address', async () => {
    for (let i = 0; i < REGISTER_LIMIT.max; i++) await register('guessing', `guess${i}`, '203.0.113.50');
    const limited = await register('guessing', 'guess-last', '203.0.113.50');
    expect(limited.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await register('guessing', 'other', '203.0.113.51')).body.data.registerWithInvite.code).toBe('BAD_INPUT');
  });

  it('30 parallel wrong codes from one address: at most the limit are tried, the rest RATE_LIMITED', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => register(`wrong-code-${i}`, `par${i}`, '203.0.113.52')));
    const tried = results.filter((r) => r.body.data?.registerWithInvite.code === 'BAD_INPUT').length;
    const limited = results.filter((r) => r.body.errors?.[0].extensions.code === 'RATE_LIMITED').length;
    expect(tried).toBeLessThanOrEqual(REGISTER_LIMIT.max);
    expect(tried + limited).toBe(30);
  });
});
