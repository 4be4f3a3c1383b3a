import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { writeAudit } from '../../../src/db/audit.js';
import { WEBHOOK_DISABLE_AFTER } from '../../../src/modules/webhooks/actions.js';
import { matchesEvent } from '../../../src/modules/webhooks/validation.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeWebhookEndpoint } from '../../helpers/factories.js';
import { until } from '../../helpers/wait.js';
import { useReceiver } from './receiver.js';

const gw = useGateway({ OUTBOUND_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SECONDS: '0.01' });
const hook = useReceiver();

/** An audit event written as an action writes it (in a transaction), by the system. */
const emit = (action: string, targetId = '1') =>
  gw.database.db.transaction((tx) => writeAudit(tx, gw.system.actor, [{ action, targetType: 'Test', targetId, diff: { n: targetId } }]));

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_type: string;
  status: string;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
}
const deliveriesOf = (endpointId: bigint) =>
  gw.database.rows<DeliveryRow>(
    sql`select d.id::text as id, endpoint_id::text, event_type, status::text as status, attempts, response_status, last_error
        from webhook_deliveries d where endpoint_id = ${endpointId} order by d.id`,
  );
const endpointRow = async (id: bigint) =>
  (
    await gw.database.rows<{ enabled: boolean; consecutive_failures: number; disabled_reason: string | null }>(
      sql`select enabled, consecutive_failures, disabled_reason from webhook_endpoints where id = ${id}`,
    )
  )[0];

describe('webhook delivery', () => {
  it('delivers a committed audit event signed as Standard Webhooks says; the standardwebhooks package verifies it', async () => {
    const made = await makeWebhookEndpoint(gw, { url: hook.url('/signed'), events: ['sign.test'] });
    await emit('sign.test', '42');
    const [got] = await until(() => (hook.received('/signed').length ? hook.received('/signed') : null), 'the delivery');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toMatch(/^msg_\d+$/);
    expect(got.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(got.headers['webhook-signature']).toMatch(/^v1,/);
    const headers = {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    };
    const verified = new Webhook(made.secret).verify(got.body, headers) as { type: string; data: Record<string, unknown> };
    expect(verified).toMatchObject({ type: 'sign.test', data: { action: 'sign.test', targetType: 'Test', targetId: '42', diff: { n: '42' }, actorId: null } });
    // Another secret, or an altered body, does not verify.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(got.body, headers)).toThrow();
    expect(() => new Webhook(made.secret).verify(got.body.replace('42', '43'), headers)).toThrow();

    const [row] = await until(async () => {
      const rows = await deliveriesOf(made.id);
      return rows[0]?.status === 'SUCCEEDED' ? rows : null;
    }, 'the delivery to be logged');
    expect(row).toMatchObject({ attempts: 1, response_status: 200, last_error: null, event_type: 'sign.test' });

    // The log reads through GraphQL, on the endpoint and across endpoints.
    const admin = await gw.user({ roles: ['admin'] });
    const res = await gw.gql(
      `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { totalCount edges { node { id status attempts responseStatus eventType deliveredAt lastAttemptAt nextAttemptAt event { action } endpoint { url } } } } } } }`,
      { id: made.gid },
      admin.token,
    );
    expect(res.body.errors).toBeUndefined();
    const log = res.body.data.node.deliveries;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({ status: 'SUCCEEDED', attempts: 1, responseStatus: 200, eventType: 'sign.test', nextAttemptAt: null });
    expect(log.edges[0].node.event).toEqual({ action: 'sign.test' });
    expect(log.edges[0].node.endpoint).toEqual({ url: hook.url('/signed') });
    const all = await gw.gql(
      `query($id: ID!) { webhookDeliveries(filter: { endpoint: $id, status: { in: [SUCCEEDED] } }) { totalCount } }`,
      { id: made.gid },
      admin.token,
    );
    expect(all.body.data.webhookDeliveries.totalCount).toBe(1);
  });

  it('delivers only the events an endpoint asked for: an exact action, a prefix.*, or *', async () => {
    expect(matchesEvent(['user.*'], 'user.create')).toBe(true);
    expect(matchesEvent(['user.*'], 'users.create')).toBe(false);
    expect(matchesEvent(['user.create'], 'user.created')).toBe(false);
    const exact = await makeWebhookEndpoint(gw, { url: hook.url('/exact'), events: ['flt.alpha'] });
    const prefix = await makeWebhookEndpoint(gw, { url: hook.url('/prefix'), events: ['flt.beta.*'] });
    const everything = await makeWebhookEndpoint(gw, { url: hook.url('/all'), events: ['*'] });
    for (const action of ['flt.alpha', 'flt.alphabet', 'flt.beta.one', 'flt.beta.two.deep', 'flt.betamax']) await emit(action);
    // Only this test's events (the `*` endpoint also gets its own webhook.create).
    const types = async (id: bigint) => (await deliveriesOf(id)).map((d) => d.event_type).filter((t) => t.startsWith('flt.'));
    expect(await types(exact.id)).toEqual(['flt.alpha']);
    expect(await types(prefix.id)).toEqual(['flt.beta.one', 'flt.beta.two.deep']);
    expect(await types(everything.id)).toEqual(['flt.alpha', 'flt.alphabet', 'flt.beta.one', 'flt.beta.two.deep', 'flt.betamax']);
    await until(() => hook.received('/all').length === 6, 'the six deliveries to /all');
  });

  it('retries with backoff until the endpoint answers 2xx, with the same webhook-id; a success clears the failure count', async () => {
    hook.answer('/flaky', (n) => (n <= 2 ? 500 : 204));
    const made = await makeWebhookEndpoint(gw, { url: hook.url('/flaky'), events: ['retry.test'] });
    await emit('retry.test');
    const [row] = await until(async () => {
      const rows = await deliveriesOf(made.id);
      return rows[0]?.status === 'SUCCEEDED' ? rows : null;
    }, 'the delivery to succeed');
    expect(row).toMatchObject({ attempts: 3, response_status: 204, last_error: null });
    const got = hook.received('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(1);
    for (const g of got) expect(() => new Webhook(made.secret).verify(g.body, g.headers as Record<string, string>)).not.toThrow();
    expect((await endpointRow(made.id)).consecutive_failures).toBe(0);
  });

  it(`disables an endpoint after ${WEBHOOK_DISABLE_AFTER} failures in a row (audited), fails what was pending and queues nothing more`, async () => {
    hook.answer('/down', () => 503);
    const made = await makeWebhookEndpoint(gw, { url: hook.url('/down'), events: ['down.test'] });
    for (const n of ['1', '2', '3']) await emit('down.test', n);
    await until(async () => !(await endpointRow(made.id)).enabled, 'the endpoint to be disabled');
    const endpoint = await endpointRow(made.id);
    expect(endpoint.consecutive_failures).toBe(WEBHOOK_DISABLE_AFTER);
    expect(endpoint.disabled_reason).toMatch(/20 consecutive/);
    await until(async () => (await deliveriesOf(made.id)).every((d) => d.status === 'FAILED'), 'every delivery to end FAILED');
    const rows = await deliveriesOf(made.id);
    // Attempts already in flight when the 20th failed may end after it (the three deliveries run side by side).
    const attempts = rows.reduce((sum, d) => sum + d.attempts, 0);
    expect(attempts).toBeGreaterThanOrEqual(WEBHOOK_DISABLE_AFTER);
    expect(attempts).toBeLessThanOrEqual(WEBHOOK_DISABLE_AFTER + 2);
    expect(rows.some((d) => d.response_status === 503)).toBe(true);
    expect(hook.received('/down')).toHaveLength(attempts);
    const audit = await gw.database.rows<{ action: string; actor_id: string | null }>(
      sql`select action, actor_id::text from audit_log where target_type = 'WebhookEndpoint' and target_id = ${made.id.toString()} order by seq`,
    );
    expect(audit.map((a) => a.action)).toEqual(['webhook.create', 'webhook.disable']);
    expect(audit[1].actor_id).toBeNull();
    await emit('down.test', '4');
    expect(await deliveriesOf(made.id)).toHaveLength(3);

    // Enabling it again clears the count; new events are delivered again.
    hook.answer('/down', () => 200);
    const admin = await gw.user({ roles: ['admin'] });
    const done = await mutate(gw, 'updateWebhookEndpoint', { id: made.gid, enabled: true }, admin.token, 'endpoint { enabled consecutiveFailures disabledAt }');
    expect(done.endpoint).toEqual({ enabled: true, consecutiveFailures: 0, disabledAt: null });
    await emit('down.test', '5');
    await until(async () => (await deliveriesOf(made.id)).some((d) => d.status === 'SUCCEEDED'), 'a delivery after enabling');
  });

  it('signs with the new secret after a rotation', async () => {
    const made = await makeWebhookEndpoint(gw, { url: hook.url('/rotated'), events: ['rotate.test'] });
    const admin = await gw.user({ roles: ['admin'] });
    const rotated = await mutate(gw, 'rotateWebhookSecret', { id: made.gid }, admin.token, 'result { secret }');
    const secret = rotated.result.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(made.secret);
    await emit('rotate.test');
    const [got] = await until(() => (hook.received('/rotated').length ? hook.received('/rotated') : null), 'the delivery');
    const headers = got.headers as Record<string, string>;
    expect(() => new Webhook(secret).verify(got.body, headers)).not.toThrow();
    expect(() => new Webhook(made.secret).verify(got.body, headers)).toThrow();
  });

  it('keeps the delivery log 30 days: older rows are pruned', async () => {
    const made = await makeWebhookEndpoint(gw, { url: hook.url('/pruned'), events: ['prune.test'] });
    await emit('prune.test', 'old');
    await emit('prune.test', 'new');
    await until(async () => (await deliveriesOf(made.id)).every((d) => d.status === 'SUCCEEDED'), 'both deliveries');
    const [old] = await deliveriesOf(made.id);
    await gw.database.rows(sql`update webhook_deliveries set created_at = now() - interval '31 days' where id = ${old.id}::bigint`);
    expect(await gw.app.webhooks.prune()).toBeGreaterThanOrEqual(1);
    expect((await deliveriesOf(made.id)).map((d) => d.id)).not.toContain(old.id);
    expect(await deliveriesOf(made.id)).toHaveLength(1);
  });
});
