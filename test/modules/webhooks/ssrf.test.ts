import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { writeAudit } from '../../../src/db/audit.js';
import { useGateway } from '../../helpers/app.js';
import { makeWebhookEndpoint } from '../../helpers/factories.js';
import { until } from '../../helpers/wait.js';
import { useReceiver } from './receiver.js';

// OUTBOUND_ALLOW_PRIVATE off (the default): webhooks follow the same rule as relays.
const gw = useGateway({ WEBHOOK_RETRY_SECONDS: '0.01' });
const hook = useReceiver();

describe('webhook requests and private addresses', () => {
  it('refuses to deliver to a loopback address when OUTBOUND_ALLOW_PRIVATE is off: the attempt fails and nothing reaches it', async () => {
    const made = await makeWebhookEndpoint(gw, { url: hook.url('/private'), events: ['ssrf.test'] });
    await gw.database.db.transaction((tx) => writeAudit(tx, gw.system.actor, [{ action: 'ssrf.test', targetType: 'Test', targetId: '1', diff: null }]));
    const [row] = await until(async () => {
      const rows = await gw.database.rows<{ attempts: number; last_error: string | null; response_status: number | null }>(
        sql`select attempts, last_error, response_status from webhook_deliveries where endpoint_id = ${made.id}`,
      );
      return rows[0]?.last_error ? rows : null;
    }, 'a failed attempt');
    expect(row.last_error).toMatch(/private|not allowed|refus/i);
    expect(row.response_status).toBeNull();
    expect(hook.received('/private')).toHaveLength(0);
  });
});
