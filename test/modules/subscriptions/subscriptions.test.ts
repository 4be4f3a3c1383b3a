import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeSubscription } from '../../helpers/factories.js';

const gw = useGateway({ SUBSCRIPTION_TIERS: 'free,plus,pro', SUBSCRIPTION_BASE_TIER: 'free' });
const SUB = 'subscription { tier active expiresAt activatedAt isSubscribed }';
const audits = async (action: string) =>
  Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = ${action}`))[0].n);
const later = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('setSubscription', () => {
  it('needs admin:users:write and a target ranked below the caller; writes nothing when refused', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const peer = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const input = (gid: string) => ({ userId: gid, tier: 'plus', active: true, expiresAt: later(1) });
    expect(await mutate(gw, 'setSubscription', input(plain.gid), null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await mutate(gw, 'setSubscription', input(peer.gid), plain.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'setSubscription', input(peer.gid), admin.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await audits('user.subscription')).toBe(0);
    expect(Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from subscriptions`))[0].n)).toBe(0);
  });

  it('refuses a tier outside SUBSCRIPTION_TIERS and an active subscription without an end, at their paths', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const bad = await mutate(gw, 'setSubscription', { userId: target.gid, tier: 'premium', active: true, expiresAt: later(1) }, admin.token, 'user { id }');
    expect(bad).toMatchObject({ __typename: 'BadInputError', fields: [{ path: ['input', 'tier'], message: 'must be one of free, plus, pro' }] });
    const open = await mutate(gw, 'setSubscription', { userId: target.gid, tier: 'plus', active: true }, admin.token);
    expect(open).toMatchObject({ __typename: 'BadInputError', fields: [{ path: ['input', 'expiresAt'] }] });
    expect(await audits('user.subscription')).toBe(0);
  });

  it('stores the subscription, audited once; the same again writes nothing; User.subscription reads it', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const expiresAt = later(10);
    const set = await mutate(gw, 'setSubscription', { userId: target.gid, tier: 'pro', active: true, expiresAt }, admin.token, `user { ${SUB} }`);
    expect(set.user.subscription).toMatchObject({ tier: 'pro', active: true, expiresAt, isSubscribed: true });
    expect(await audits('user.subscription')).toBe(1);
    await mutate(gw, 'setSubscription', { userId: target.gid, tier: 'pro', active: true, expiresAt }, admin.token);
    expect(await audits('user.subscription')).toBe(1);
    // The owner reads its own; the users list reads it in the page's statement.
    const own = await gw.gql(`{ viewer { ${SUB} } }`, {}, target.token);
    expect(own.body.data.viewer.subscription.tier).toBe('pro');
    const page = await gw.gql(
      `query($id: ID!) { users(first: 1, filter: { id: { in: [$id] } }) { edges { node { ${SUB} } } } }`,
      { id: target.gid },
      admin.token,
    );
    expect(page.body.data.users.edges[0].node.subscription.isSubscribed).toBe(true);
  });

  it('isSubscribed: only an active, unexpired subscription on a tier other than the base tier', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const cases: [Parameters<typeof makeSubscription>[1], boolean][] = [
      [{ tier: 'plus' }, true],
      [{ tier: 'free' }, false],
      [{ tier: 'plus', active: false }, false],
      [{ tier: 'plus', expiresAt: new Date(Date.now() - 1000) }, false],
      [{ tier: null }, false],
    ];
    for (const [opts, subscribed] of cases) {
      const made = await makeSubscription(gw, opts);
      const res = await gw.gql(`query($id: ID!) { user(id: $id) { ${SUB} } }`, { id: made.userGid }, admin.token);
      expect(res.body.data.user.subscription.isSubscribed, JSON.stringify(opts)).toBe(subscribed);
    }
    const never = await gw.user();
    expect((await gw.gql(`query($id: ID!) { user(id: $id) { ${SUB} } }`, { id: never.gid }, admin.token)).body.data.user.subscription).toBeNull();
  });

  it('subscriptionTiers answers the configured tiers to any signed-in caller', async () => {
    const plain = await gw.user();
    expect((await gw.gql('{ subscriptionTiers { name } }')).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql('{ subscriptionTiers { name isBaseTier } }', {}, plain.token)).body.data.subscriptionTiers).toEqual([
      { name: 'free', isBaseTier: true },
      { name: 'plus', isBaseTier: false },
      { name: 'pro', isBaseTier: false },
    ]);
  });
});
