import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeGuild } from '../../helpers/factories.js';

// A database of its own: "the first region" must be the first of this gateway.
const gw = useGateway();

describe('the first voice region', () => {
  it('becomes the region of every guild without one (each audited), and later regions change nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await makeGuild(gw);
    const b = await makeGuild(gw, { features: ['VIP_REGIONS'] });
    expect(await mutate(gw, 'createVoiceRegion', { id: 'US-East', name: 'US East' }, admin.token, 'region { key }')).toMatchObject({
      region: { key: 'us-east' },
    });
    const regions = async () =>
      (await gw.database.rows<{ region: string | null }>(sql`select region from guilds where id in (${a.id}, ${b.id}) order by id`)).map((r) => r.region);
    expect(await regions()).toEqual(['us-east', 'us-east']);
    const audit = await gw.database.rows<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action = 'guild.update' and target_id in (${a.id.toString()}, ${b.id.toString()})`,
    );
    expect(audit[0].n).toBe(2);
    const c = await makeGuild(gw);
    await mutate(gw, 'createVoiceRegion', { id: 'eu-west', name: 'EU West' }, admin.token);
    const [row] = await gw.database.rows<{ region: string | null }>(sql`select region from guilds where id = ${c.id}`);
    expect(row.region).toBeNull();
    expect(await regions()).toEqual(['us-east', 'us-east']);
  });
});
