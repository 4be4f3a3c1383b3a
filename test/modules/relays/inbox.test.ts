import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mutate } from '../../helpers/clients.js';
import { until } from '../../helpers/wait.js';
import { useRelayGateway } from './setup.js';

const { gw, relay, newRelay } = useRelayGateway();

const snapshot = async () =>
  (
    await gw.database.rows<{ s: string }>(
      sql`select coalesce(string_agg(actor_url || ':' || state::text, ',' order by id), '') || '|' || (select count(*) from audit_log) as s from relay_subscriptions`,
    )
  )[0].s;

/** A relay followed, its Follow delivered but not accepted yet (the relay does not answer by itself). */
async function pendingRelay() {
  const admin = await gw.user({ roles: ['admin'] });
  const r = await newRelay();
  r.autoAccept = false;
  const done = await mutate(gw, 'followRelay', { url: r.actorUrl }, admin.token, 'subscription { followActivityId }');
  const follow = await until(() => r.received.find((x) => x.activity?.type === 'Follow'), 'the Follow');
  return { r, follow: follow.activity, followId: done.subscription.followActivityId as string };
}

describe('the relay inbox', () => {
  it('takes a Reject, then an Accept, then an Undo of the relay that signed them', async () => {
    const { r, follow } = await pendingRelay();
    const state = async () =>
      (await gw.database.rows<{ s: string }>(sql`select state::text as s from relay_subscriptions where actor_url = ${r.actorUrl}`))[0].s;
    expect(await r.send({ type: 'Reject', actor: r.actorUrl, object: follow.id })).toMatchObject({ status: 202 });
    expect(await state()).toBe('REJECTED');
    // The Follow re-created instead of named by id is the same Follow.
    expect(await r.send({ type: 'Accept', actor: r.actorUrl, object: { type: 'Follow', actor: follow.actor, object: r.actorUrl } })).toMatchObject({
      status: 202,
    });
    expect(await state()).toBe('ACCEPTED');
    expect(await r.send({ type: 'Undo', actor: r.actorUrl, object: { type: 'Accept', actor: r.actorUrl, object: follow.id } })).toMatchObject({ status: 202 });
    expect(await state()).toBe('REJECTED');
  });

  it('refuses a bad signature, an unknown sender, a wrong digest and a missing signature with 401, changing nothing', async () => {
    const { r, follow } = await pendingRelay();
    const accept = r.acceptOf(follow);
    const before = await snapshot();
    const stranger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    // Signed with another key under the relay's keyId.
    expect((await r.send(accept, { key: stranger.privateKey })).status).toBe(401);
    // A key no followed relay has.
    expect((await r.send(accept, { key: stranger.privateKey, keyId: 'http://127.0.0.1:1/actor#main-key' })).status).toBe(401);
    // A body other than the one the digest and signature were made for.
    expect((await r.send(accept, { digest: 'SHA-256=AAAA' })).status).toBe(401);
    const unsigned = await gw.request('/relay/inbox', {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json' },
      body: JSON.stringify(accept),
    });
    expect(unsigned.status).toBe(401);
    expect(await snapshot()).toBe(before);
  });

  it('refuses activities of other actors (403), other types and other follows (400), and bodies over 1 MB (413)', async () => {
    const { r, follow } = await pendingRelay();
    const other = relay();
    const before = await snapshot();
    expect((await r.send({ type: 'Accept', actor: other.actorUrl, object: follow.id })).status).toBe(403);
    expect((await r.send({ type: 'Announce', actor: r.actorUrl, object: 'http://127.0.0.1/notes/1' })).status).toBe(400);
    // A relay undoing an Announce (a deleted post) does not end the subscription.
    expect((await r.send({ type: 'Undo', actor: r.actorUrl, object: { type: 'Announce', id: `${r.base}/announces/1` } })).status).toBe(400);
    expect((await r.send({ type: 'Undo', actor: r.actorUrl, object: `${r.base}/announces/1` })).status).toBe(400);
    expect((await r.send({ type: 'Follow', actor: r.actorUrl, object: 'http://gateway.test/relay' })).status).toBe(400);
    expect((await r.send({ type: 'Accept', actor: r.actorUrl, object: 'http://gateway.test/relay/activities/someone-else' })).status).toBe(400);
    expect((await r.send({ nonsense: true })).status).toBe(400);
    expect((await r.send(null, { body: 'not json' })).status).toBe(400);
    const huge = await r.send({ type: 'Accept', actor: r.actorUrl, object: follow.id, padding: 'x'.repeat(1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    expect(await snapshot()).toBe(before);
  });

  it('limits activities per address (429 once the window is full)', async () => {
    const statuses: number[] = [];
    const post = () =>
      gw.app.fetch(new Request('http://gateway.test/relay/inbox', { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: '{}' }), {
        incoming: { socket: { remoteAddress: '127.0.0.77' } },
      });
    for (let i = 0; i < 61; i++) statuses.push((await post()).status);
    expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
    expect(statuses[60]).toBe(429);
    // Another address is not limited by it.
    const elsewhere = await gw.app.fetch(new Request('http://gateway.test/relay/inbox', { method: 'POST', body: '{}' }), {
      incoming: { socket: { remoteAddress: '127.0.0.78' } },
    });
    expect(elsewhere.status).toBe(401);
  });
});
