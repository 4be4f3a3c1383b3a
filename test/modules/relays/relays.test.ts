import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../src/core/secret-box.js';
import { relayEnvOf } from '../../../src/modules/relays/env.js';
import { ensureRelayKeys } from '../../../src/modules/relays/keys.js';
import { mutate } from '../../helpers/clients.js';
import { makeRole } from '../../helpers/factories.js';
import { until } from '../../helpers/wait.js';
import { PUBLIC_URL, useRelayGateway } from './setup.js';

const { gw, relay, newRelay } = useRelayGateway();

const SUBSCRIPTION = 'subscription { id actorUrl host inboxUrl state followActivityId answeredAt }';
const stateOf = async (actorUrl: string) =>
  (await gw.database.rows<{ state: string }>(sql`select state::text as state from relay_subscriptions where actor_url = ${actorUrl}`))[0]?.state ?? null;
const count = async (table: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0].n);

describe('relays', () => {
  it('follows a relay: fetches its actor (signed), delivers a signed Follow, and the signed Accept marks it accepted', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = relay();
    const done = await mutate(gw, 'followRelay', { url: r.actorUrl }, admin.token, SUBSCRIPTION);
    expect(done).toMatchObject({ __typename: 'FollowRelaySuccess', subscription: { actorUrl: r.actorUrl, inboxUrl: `${r.base}/inbox`, state: 'PENDING' } });
    expect(done.subscription.host).toBe(new URL(r.base).host);
    // The actor was fetched with a signed GET.
    expect(r.actorRequests[0].headers.signature).toContain(`keyId="${PUBLIC_URL}/relay#main-key"`);

    const follow = await until(() => r.received.find((x) => x.activity?.type === 'Follow'), 'the Follow at the relay');
    expect(follow).toMatchObject({ verified: true, keyId: `${PUBLIC_URL}/relay#main-key` });
    expect(follow.headers.signature).toMatch(/headers="\(request-target\) host date digest"/);
    expect(follow.headers.signature).toMatch(/algorithm="rsa-sha256"/);
    expect(follow.activity).toMatchObject({ type: 'Follow', actor: `${PUBLIC_URL}/relay`, object: r.actorUrl, id: done.subscription.followActivityId });
    expect(follow.headers['content-type']).toBe('application/activity+json');

    await until(async () => (await stateOf(r.actorUrl)) === 'ACCEPTED', 'the Accept to be taken');
    const audit = await gw.database.rows<{ action: string; actor_id: string | null }>(
      sql`select action, actor_id::text from audit_log where target_type = 'RelaySubscription' order by seq`,
    );
    expect(audit.map((a) => a.action)).toEqual(['relay.follow', 'relay.accept']);
    expect(audit[1].actor_id).toBeNull();

    // The followers collection lists the accepted relay, as activity+json.
    const followers = await gw.request('/relay/followers');
    expect(followers.headers.get('content-type')).toBe('application/activity+json');
    expect(await followers.json()).toMatchObject({ type: 'OrderedCollection', totalItems: 1, orderedItems: [r.actorUrl] });

    // Following it again changes nothing and sends nothing.
    const sent = r.received.length;
    expect((await mutate(gw, 'followRelay', { url: r.actorUrl }, admin.token, 'subscription { state }')).subscription.state).toBe('ACCEPTED');
    expect(r.received.length).toBe(sent);

    const listed = await gw.gql(
      `{ relaySubscriptions(filter: { state: { in: [ACCEPTED] } }) { totalCount edges { node { actorUrl state answeredAt } } } }`,
      {},
      admin.token,
    );
    expect(listed.body.data.relaySubscriptions.totalCount).toBe(1);
    expect(listed.body.data.relaySubscriptions.edges[0].node.answeredAt).not.toBeNull();
  });

  it('serves the relay actor as an ActivityPub Application with its key, the same key every time', async () => {
    const res = await gw.request('/relay');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/activity+json');
    const actor = await res.json();
    expect(actor).toMatchObject({
      id: `${PUBLIC_URL}/relay`,
      type: 'Application',
      inbox: `${PUBLIC_URL}/relay/inbox`,
      followers: `${PUBLIC_URL}/relay/followers`,
      publicKey: { id: `${PUBLIC_URL}/relay#main-key`, owner: `${PUBLIC_URL}/relay` },
    });
    expect(actor.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect((await (await gw.request('/relay')).json()).publicKey.publicKeyPem).toBe(actor.publicKey.publicKeyPem);
    // The private key is stored sealed, never in clear.
    const [row] = await gw.database.rows<{ sealed: string }>(sql`select encode(private_key_sealed, 'escape') as sealed from relay_actor`);
    expect(row.sealed).not.toContain('PRIVATE KEY');
  });

  it('unfollowing delivers the signed Undo of the Follow and removes the subscription', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = await newRelay();
    const followed = await mutate(gw, 'followRelay', { url: r.actorUrl }, admin.token, SUBSCRIPTION);
    await until(async () => (await stateOf(r.actorUrl)) === 'ACCEPTED', 'the Accept');
    const done = await mutate(gw, 'unfollowRelay', { url: r.actorUrl }, admin.token, 'subscription { actorUrl state }');
    expect(done).toEqual({ __typename: 'UnfollowRelaySuccess', subscription: { actorUrl: r.actorUrl, state: 'ACCEPTED' } });
    const undo = await until(() => r.received.find((x) => x.activity?.type === 'Undo'), 'the Undo at the relay');
    expect(undo.verified).toBe(true);
    expect(undo.activity).toMatchObject({
      actor: `${PUBLIC_URL}/relay`,
      object: { type: 'Follow', id: followed.subscription.followActivityId, object: r.actorUrl },
    });
    expect(await stateOf(r.actorUrl)).toBeNull();
    expect(await mutate(gw, 'unfollowRelay', { url: r.actorUrl }, admin.token)).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('retries a delivery the relay refused, with backoff, until it is taken', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = await newRelay();
    r.failNext = 2;
    await mutate(gw, 'followRelay', { url: r.actorUrl }, admin.token);
    await until(async () => (await stateOf(r.actorUrl)) === 'ACCEPTED', 'the Accept after the retries');
    expect(r.received.filter((x) => x.activity?.type === 'Follow').map((x) => x.verified)).toEqual([true, true, true]);
    const [delivery] = await gw.database.rows<{ status: string; attempts: number }>(
      sql`select status::text, attempts from relay_deliveries where inbox_url = ${`${r.base}/inbox`} order by id`,
    );
    expect(delivery).toEqual({ status: 'SENT', attempts: 3 });
  });

  it('parallel follows of one new relay make one subscription, and every call answers it', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = await newRelay();
    r.autoAccept = false;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => mutate(gw, 'followRelay', { url: r.actorUrl }, admin.token, 'subscription { id state }')),
    );
    expect(answers.every((a) => a.__typename === 'FollowRelaySuccess')).toBe(true);
    expect(new Set(answers.map((a) => a.subscription.id)).size).toBe(1);
    const [row] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from relay_subscriptions where actor_url = ${r.actorUrl}`);
    expect(row.n).toBe(1);
  });

  it('answers UPSTREAM for a relay that is not an actor or cannot be reached, and BAD_INPUT for a malformed URL, writing nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const r = relay();
    r.documents.set('/html', { status: 200, contentType: 'text/html', body: '<html>hello</html>' });
    r.documents.set('/noinbox', {
      status: 200,
      contentType: 'application/activity+json',
      body: JSON.stringify({ id: `${r.base}/noinbox`, type: 'Application' }),
    });
    r.documents.set('/elsewhere', {
      status: 200,
      contentType: 'application/activity+json',
      body: JSON.stringify(r.actorDocument({ id: 'http://other.example/actor' })),
    });
    r.documents.set('/gone', { status: 410, contentType: 'text/plain', body: 'gone' });
    const before = { subs: await count('relay_subscriptions'), deliveries: await count('relay_deliveries'), audit: await count('audit_log') };
    for (const path of ['/html', '/noinbox', '/elsewhere', '/gone']) {
      const res = await gw.gql(`mutation($i: FollowRelayInput!) { followRelay(input: $i) { __typename } }`, { i: { url: `${r.base}${path}` } }, admin.token);
      expect(res.body.errors?.[0]?.extensions?.code, path).toBe('UPSTREAM');
    }
    // Nothing listens on port 9 of the loopback address.
    const closed = await gw.gql(
      `mutation($i: FollowRelayInput!) { followRelay(input: $i) { __typename } }`,
      { i: { url: 'http://127.0.0.1:9/actor' } },
      admin.token,
    );
    expect(closed.body.errors[0].extensions.code).toBe('UPSTREAM');
    for (const url of ['not a url', 'ftp://relay.example/actor', 'http://user:pw@relay.example/actor', '', `https://relay.example/${'a'.repeat(2100)}`]) {
      const bad = await mutate(gw, 'followRelay', { url }, admin.token);
      expect(bad, url).toMatchObject({ __typename: 'BadInputError', code: 'BAD_INPUT' });
    }
    expect({ subs: await count('relay_subscriptions'), deliveries: await count('relay_deliveries'), audit: await count('audit_log') }).toEqual(before);
  });

  it('needs admin:relays:write to follow (nothing is fetched without it) and admin:relays:read to list', async () => {
    const plain = await gw.user();
    const r = await newRelay();
    const reader = await makeRole(gw, { scopes: ['admin:relays:read'] });
    const root = await gw.user({ roles: ['superadmin'] });
    const readerUser = await gw.user();
    await mutate(gw, 'assignRole', { userId: readerUser.gid, role: reader.name }, root.token);
    for (const token of [plain.token, readerUser.token]) {
      expect(await mutate(gw, 'followRelay', { url: r.actorUrl }, token)).toMatchObject({ error: 'FORBIDDEN' });
      expect(await mutate(gw, 'unfollowRelay', { url: relay().actorUrl }, token)).toMatchObject({ error: 'FORBIDDEN' });
    }
    expect(r.actorRequests).toHaveLength(0);
    const list = `{ relaySubscriptions { totalCount } }`;
    expect((await gw.gql(list, {}, plain.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(list, {}, readerUser.token)).body.data.relaySubscriptions.totalCount).toBeGreaterThanOrEqual(1);
  });

  // Last: it replaces the actor's key pair.
  it('gives the relay actor a new key pair when its key was sealed under another SECRETS_KEY', async () => {
    const mine = relayEnvOf(gw.config).box;
    const kept = await ensureRelayKeys(gw.database.db, mine);
    expect((await ensureRelayKeys(gw.database.db, mine)).privateKeyPem).toBe(kept.privateKeyPem);
    const other = new SecretBox('another-secrets-key-that-is-long-enough-000000', 'relay actor key');
    const replaced = await ensureRelayKeys(gw.database.db, other);
    expect(replaced.publicKeyPem).not.toBe(kept.publicKeyPem);
    const actor = await (await gw.request('/relay')).json();
    expect(actor.publicKey.publicKeyPem).toBe(replaced.publicKeyPem);
    // Back under this gateway's own key: a new pair again, and the gateway signs with it.
    const again = await ensureRelayKeys(gw.database.db, mine);
    expect(again.publicKeyPem).not.toBe(replaced.publicKeyPem);
    const admin = await gw.user({ roles: ['admin'] });
    const r = await newRelay();
    await mutate(gw, 'followRelay', { url: r.actorUrl }, admin.token);
    expect((await until(() => r.received.find((x) => x.activity?.type === 'Follow'), 'the Follow')).verified).toBe(true);
    await until(async () => (await stateOf(r.actorUrl)) === 'ACCEPTED', 'the Accept');
  });
});
