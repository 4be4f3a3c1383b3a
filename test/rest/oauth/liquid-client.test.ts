import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ensureLiquidClient } from '../../../src/bootstrap.js';
import { loadConfig } from '../../../src/config.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { NITROGEN_ENV } from '../../helpers/legacy-sign-in.js';

/** LIQUID_CLIENT_ID: the Nitrogen client the gateway keeps at start. */
const gw = useGateway(NITROGEN_ENV);

describe('the Liquid Nitrogen client', () => {
  it('needs LIQUID_REDIRECT_URIS with LIQUID_CLIENT_ID, as absolute http(s) URLs', () => {
    expect(() => loadConfig({ LIQUID_CLIENT_ID: 'nitrogen' })).toThrow(/LIQUID_REDIRECT_URIS: required with LIQUID_CLIENT_ID/);
    expect(() => loadConfig({ LIQUID_CLIENT_ID: 'nitrogen', LIQUID_REDIRECT_URIS: 'not a url' })).toThrow(/LIQUID_REDIRECT_URIS/);
    expect(() => loadConfig({ LIQUID_CLIENT_ID: 'bad id!', LIQUID_REDIRECT_URIS: 'https://n.example' })).toThrow(/LIQUID_CLIENT_ID/);
    expect(loadConfig({ LIQUID_CLIENT_ID: 'nitrogen', LIQUID_REDIRECT_URIS: 'https://a.example, http://localhost:2001' }).liquid).toMatchObject({
      clientId: 'nitrogen',
      redirectUris: ['https://a.example', 'http://localhost:2001'],
    });
    expect(loadConfig({}).liquid).toMatchObject({ clientId: null, redirectUris: [] });
  });

  it('is created at start as a public INTERNAL application, kept as configured when edited, and created once', async () => {
    const made = await ensureLiquidClient(gw.config, gw.database);
    expect(made).toMatchObject({
      clientId: 'nitrogen',
      clientType: 'PUBLIC',
      role: 'INTERNAL',
      grants: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://localhost:2001'],
    });
    const admin = await gw.user({ roles: ['superadmin'] });
    const edited = await mutate(
      gw,
      'updateApplication',
      {
        id: (await gw.gql('{ applications(filter: { clientId: "nitrogen" }) { edges { node { id } } } }', {}, admin.token)).body.data.applications.edges[0].node
          .id,
        redirectUris: ['https://elsewhere.example'],
        role: 'EXTERNAL',
      },
      admin.token,
      'application { role }',
    );
    expect(edited).toMatchObject({ application: { role: 'EXTERNAL' } });
    const again = await ensureLiquidClient(gw.config, gw.database);
    expect(again).toMatchObject({ role: 'INTERNAL', redirectUris: ['http://localhost:2001'] });
    await ensureLiquidClient(gw.config, gw.database);
    const rows = await gw.database.rows<{ n: number; secret: string | null }>(
      sql`select count(*)::int as n, max(secret_hash) as secret from applications where client_id = 'nitrogen'`,
    );
    expect(rows[0]).toEqual({ n: 1, secret: null });
    const audit = await gw.database.rows<{ action: string }>(
      sql`select action from audit_log where target_type = 'Application' and target_id = ${made!.id.toString()} order by seq`,
    );
    expect(audit.map((a) => a.action)).toEqual(['application.create', 'application.update', 'application.update']);
    expect(await ensureLiquidClient({ ...gw.config, liquid: { ...gw.config.liquid, clientId: null } }, gw.database)).toBeNull();
  });
});
