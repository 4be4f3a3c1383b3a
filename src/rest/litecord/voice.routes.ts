import { Hono } from 'hono';
import { z } from 'zod';
import { allNodes, mutationDocument, run, ShimError, type ShimDeps } from '../shim.js';
import { cerberusObject, litecordPayloadError, readPayload, required } from './payload-errors.js';

/**
 * Litecord's /api/v6/admin/voice: regions (GET lists them all, PUT creates one and answers them all),
 * a region's servers (GET lists them, PUT …/server adds one: 204) and PUT …/deprecate (204; every
 * guild of the region loses it). Region ids are lower case; path ids are lowercased too.
 */

const REGION_FIELDS = 'key name vip deprecated custom';

interface RegionSource {
  key: string;
  name: string;
  vip: boolean;
  deprecated: boolean;
  custom: boolean;
}

const presentRegion = (r: RegionSource) => ({ id: r.key, name: r.name, vip: r.vip, deprecated: r.deprecated, custom: r.custom });

const REGIONS = `query LitecordVoiceRegions($after: String) {
  voiceRegions(first: 100, after: $after) { edges { node { ${REGION_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
const SERVERS = `query LitecordVoiceServers($key: String!, $after: String) {
  voiceRegion(key: $key) { servers(first: 100, after: $after) { edges { node { hostname lastHealth } } pageInfo { hasNextPage endCursor } } }
}`;
const CREATE = mutationDocument('createVoiceRegion', 'region { key }');
const ADD_SERVER = mutationDocument('addVoiceServer', 'server { hostname }');
const DEPRECATE = mutationDocument('deprecateVoiceRegion', 'region { key }');

const text = (field: string) => z.string(required('must be of string type')).max(255, 'max length is 255').describe(field);
const flag = z.boolean(required('must be of boolean type')).optional();
export const regionBody = cerberusObject({ id: text('id'), name: text('name'), vip: flag, deprecated: flag, custom: flag });
export const serverBody = cerberusObject({ hostname: text('hostname') });

/** A region's servers, page by page (at most 10,000); an unknown region has none. */
type ServerPage = {
  voiceRegion: {
    servers: { edges: { node: { hostname: string; lastHealth: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  } | null;
};

export function litecordVoiceRoutes(deps: ShimDeps) {
  const app = new Hono();

  app.get('/voice/regions', async (c) => {
    const regions = await allNodes<RegionSource>(await deps.contextFor(c), REGIONS, 'voiceRegions');
    return c.json(regions.map(presentRegion));
  });

  app.put('/voice/regions', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readPayload(c, regionBody);
    await run(ctx, CREATE, { input: body });
    const regions = await allNodes<RegionSource>(ctx, REGIONS, 'voiceRegions');
    return c.json(regions.map(presentRegion));
  });

  app.get('/voice/regions/:region', async (c) => {
    const ctx = await deps.contextFor(c);
    const servers: { hostname: string; last_health: number }[] = [];
    let after: string | null = null;
    do {
      const page: ServerPage = await run<ServerPage>(ctx, SERVERS, { key: c.req.param('region'), after });
      if (!page.voiceRegion) break;
      servers.push(...page.voiceRegion.servers.edges.map((e) => ({ hostname: e.node.hostname, last_health: e.node.lastHealth })));
      after = page.voiceRegion.servers.pageInfo.hasNextPage ? page.voiceRegion.servers.pageInfo.endCursor : null;
    } while (after && servers.length < 10_000);
    return c.json(servers);
  });

  app.put('/voice/regions/:region/server', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readPayload(c, serverBody);
    await run(ctx, ADD_SERVER, { input: { region: c.req.param('region'), hostname: body.hostname } });
    return c.body(null, 204);
  });

  app.put('/voice/regions/:region/deprecate', async (c) => {
    const ctx = await deps.contextFor(c);
    try {
      await run(ctx, DEPRECATE, { input: { key: c.req.param('region') } });
    } catch (error) {
      // Deprecating a region that does not exist changes nothing, as Litecord's intended handler.
      if (!(error instanceof ShimError && error.code === 'NOT_FOUND')) throw error;
    }
    return c.body(null, 204);
  });

  app.onError((error, c) => litecordPayloadError(c, error));
  return app;
}
