import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeRole, makeWebhookEndpoint } from '../../helpers/factories.js';

// Nothing is reachable from here: these tests are about the endpoints, not their deliveries.
const gw = useGateway();

const FIELDS = 'id url description events enabled consecutiveFailures disabledAt disabledReason rotatedAt createdAt updatedAt';
/** createdBy is a User: reading it needs admin:users:read as well. */
const ENDPOINT = `${FIELDS} createdBy { username }`;
const count = async (table: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0].n);
const caller = async (scopes: string[]) => {
  const role = await makeRole(gw, { scopes });
  return gw.user({ roles: [role.name] });
};

describe('webhook endpoints', () => {
  it('creates an endpoint: the secret (whsec_) is answered once, stored sealed, and no field reads it later', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const done = await mutate(
      gw,
      'createWebhookEndpoint',
      { url: 'https://hooks.example/in#frag', events: ['user.*', 'role.create', 'user.*'], description: 'CRM' },
      admin.token,
      `result { secret endpoint { ${ENDPOINT} } }`,
    );
    expect(done.__typename).toBe('CreateWebhookEndpointSuccess');
    const { secret, endpoint } = done.result;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).toMatchObject({
      url: 'https://hooks.example/in',
      events: ['user.*', 'role.create'],
      description: 'CRM',
      enabled: true,
      consecutiveFailures: 0,
      disabledAt: null,
      createdBy: { username: admin.username },
    });
    const [row] = await gw.database.rows<{ sealed: string }>(
      sql`select encode(secret_sealed, 'base64') as sealed from webhook_endpoints where url = ${endpoint.url}`,
    );
    expect(row.sealed).not.toContain(secret.slice(6, 20));
    expect(Buffer.from(row.sealed, 'base64').toString('latin1')).not.toContain(secret);

    // The type has no field for it; listing and reading never show it.
    const asked = await gw.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { secret } } }`, { id: endpoint.id }, admin.token);
    expect(asked.status).toBe(400);
    const listed = await gw.gql(`{ webhookEndpoints(filter: { enabled: true }) { totalCount edges { node { ${ENDPOINT} } } } }`, {}, admin.token);
    expect(listed.body.data.webhookEndpoints.totalCount).toBe(1);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const audit = await gw.database.rows<{ diff: unknown }>(sql`select diff from audit_log where action = 'webhook.create'`);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('updates, disables, rotates and deletes an endpoint, each audited', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const made = await makeWebhookEndpoint(gw, { url: 'https://hooks.example/a', events: ['user.create'] });
    const updated = await mutate(
      gw,
      'updateWebhookEndpoint',
      { id: made.gid, url: 'https://hooks.example/b', events: ['*'] },
      admin.token,
      'endpoint { url events }',
    );
    expect(updated.endpoint).toEqual({ url: 'https://hooks.example/b', events: ['*'] });
    const disabled = await mutate(gw, 'updateWebhookEndpoint', { id: made.gid, enabled: false }, admin.token, 'endpoint { enabled disabledReason disabledAt }');
    expect(disabled.endpoint).toMatchObject({ enabled: false, disabledReason: 'disabled by an administrator' });
    const rotated = await mutate(gw, 'rotateWebhookSecret', { id: made.gid }, admin.token, 'result { secret endpoint { id } }');
    expect(rotated.result.secret).not.toBe(made.secret);
    const deleted = await mutate(gw, 'deleteWebhookEndpoint', { id: made.gid }, admin.token, 'endpoint { url }');
    expect(deleted.endpoint.url).toBe('https://hooks.example/b');
    const audit = await gw.database.rows<{ action: string }>(
      sql`select action from audit_log where target_type = 'WebhookEndpoint' and target_id = ${made.id.toString()} order by seq`,
    );
    expect(audit.map((a) => a.action)).toEqual(['webhook.create', 'webhook.update', 'webhook.update', 'webhook.rotate-secret', 'webhook.delete']);
    for (const name of ['updateWebhookEndpoint', 'rotateWebhookSecret', 'deleteWebhookEndpoint']) {
      expect((await mutate(gw, name, { id: made.gid }, admin.token)).__typename).toBe('NotFoundError');
    }
  });

  it.each([
    ['not a URL', { url: 'not a url', events: ['*'] }, 'url'],
    ['an ftp URL', { url: 'ftp://hooks.example/x', events: ['*'] }, 'url'],
    ['credentials in the URL', { url: 'https://user:pass@hooks.example/x', events: ['*'] }, 'url'],
    ['a URL over 2,048 characters', { url: `https://hooks.example/${'a'.repeat(2100)}`, events: ['*'] }, 'url'],
    ['no patterns', { url: 'https://hooks.example/x', events: [] }, 'events'],
    ['a pattern with a space', { url: 'https://hooks.example/x', events: ['User Create'] }, 'events.0'],
    ['a SQL wildcard', { url: 'https://hooks.example/x', events: ['user.%'] }, 'events.0'],
    ['a leading wildcard', { url: 'https://hooks.example/x', events: ['*.user'] }, 'events.0'],
    ['51 patterns', { url: 'https://hooks.example/x', events: Array.from({ length: 51 }, (_, i) => `e${i}`) }, 'events'],
  ])('refuses %s with a field problem, writing nothing', async (_what, input, field) => {
    const admin = await gw.user({ roles: ['admin'] });
    const before = [await count('webhook_endpoints'), await count('audit_log')];
    const res = await mutate(gw, 'createWebhookEndpoint', input, admin.token);
    expect(res.__typename).toBe('BadInputError');
    expect(res.fields.map((f: { path: string[] }) => f.path.join('.'))).toContain(`input.${field}`);
    expect([await count('webhook_endpoints'), await count('audit_log')]).toEqual(before);
  });

  it('refuses a bad update (bad URL, empty filter) and leaves the endpoint as it was', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const made = await makeWebhookEndpoint(gw, { url: 'https://hooks.example/keep', events: ['user.create'] });
    const before = await count('audit_log');
    for (const input of [{ url: 'javascript:alert(1)' }, { events: [] }, { events: ['bad pattern'] }]) {
      expect((await mutate(gw, 'updateWebhookEndpoint', { id: made.gid, ...input }, admin.token)).__typename).toBe('BadInputError');
    }
    const [row] = await gw.database.rows<{ url: string; events: string[] }>(sql`select url, events from webhook_endpoints where id = ${made.id}`);
    expect(row).toEqual({ url: 'https://hooks.example/keep', events: ['user.create'] });
    expect(await count('audit_log')).toBe(before);
  });

  it('needs admin:webhooks:read to read every field and admin:webhooks:write to change anything', async () => {
    const made = await makeWebhookEndpoint(gw, { url: 'https://hooks.example/access', events: ['*'] });
    const reader = await caller(['admin:webhooks:read']);
    const writer = await caller(['admin:webhooks:write']);
    const nobody = await gw.user();
    const reads = [
      [`{ webhookEndpoints { totalCount edges { node { ${FIELDS} deliveries { totalCount edges { node { id } } } } } } }`, {}],
      ['{ webhookDeliveries { totalCount edges { node { id status attempts responseStatus lastError eventType createdAt } } } }', {}],
      [`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { ${FIELDS} } } }`, { id: made.gid }],
    ] as const;
    for (const [query, vars] of reads) {
      expect((await gw.gql(query, vars, null)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const denied = await gw.gql(query, vars, nobody.token);
      expect(denied.body.errors?.[0].extensions.code ?? (denied.body.data.node === null ? 'FORBIDDEN' : 'none')).toBe('FORBIDDEN');
      const allowed = await gw.gql(query, vars, reader.token);
      expect(allowed.body.errors).toBeUndefined();
    }
    const writes: [string, Record<string, unknown>][] = [
      ['createWebhookEndpoint', { url: 'https://hooks.example/w', events: ['*'] }],
      ['updateWebhookEndpoint', { id: made.gid, description: 'changed' }],
      ['rotateWebhookSecret', { id: made.gid }],
      ['deleteWebhookEndpoint', { id: made.gid }],
    ];
    for (const [name, input] of writes) {
      const before = await count('webhook_endpoints');
      expect((await mutate(gw, name, input, null)).error).toBe('UNAUTHENTICATED');
      expect((await mutate(gw, name, input, nobody.token)).error).toBe('FORBIDDEN');
      expect((await mutate(gw, name, input, reader.token)).error).toBe('FORBIDDEN');
      expect(await count('webhook_endpoints')).toBe(before);
    }
    for (const [name, input] of writes)
      expect((await mutate(gw, name, input, writer.token)).__typename).toBe(`${name.charAt(0).toUpperCase()}${name.slice(1)}Success`);
  });
});
