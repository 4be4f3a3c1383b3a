import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { decodeId, encodeId, parseBigintId } from '../../graphql/ids.js';
import { GUILD_FEATURES } from '../../modules/guilds/table.js';
import { mutationDocument, run, ShimError, type ShimDeps } from '../shim.js';
import { cerberusObject, litecordPayloadError, readPayload, required } from './payload-errors.js';

/**
 * Litecord's /api/v6/admin/guilds: GET, PATCH (`unavailable`), DELETE a guild, and its features
 * (PATCH replaces, PUT adds, DELETE removes; each answers `{features}`). Availability is stored, so
 * every instance answers alike; an unknown guild is 404 code 10004 everywhere (Litecord itself checks
 * only on GET).
 */

const GUILD = 'fragment LitecordGuild on Guild { snowflake name icon regionKey features unavailable vanityCode owner { id } }';

interface GuildSource {
  snowflake: string;
  name: string;
  icon: string | null;
  regionKey: string | null;
  features: string[];
  unavailable: boolean;
  vanityCode: string | null;
  owner: { id: string } | null;
}

/**
 * Litecord's admin guild object: what the gateway keeps of a guild, with Litecord's own fixed
 * overrides (max_presences, max_members, preferred_locale, no scheduled events). Channels, roles and
 * the other settings of a full Litecord guild are not kept here and are left out.
 */
function presentGuild(g: GuildSource) {
  return {
    id: g.snowflake,
    name: g.name,
    icon: g.icon,
    owner_id: g.owner ? decodeId(g.owner.id, 'User').toString() : null,
    region: g.regionKey,
    features: g.features,
    unavailable: g.unavailable,
    vanity_url_code: g.vanityCode,
    max_presences: 100000,
    max_members: 100000,
    preferred_locale: 'en-US',
    guild_scheduled_events: [],
  };
}

const GET = `query LitecordGuild($id: ID!) { guild(id: $id) { ...LitecordGuild } } ${GUILD}`;
const UPDATE = mutationDocument('updateGuild', 'guild { ...LitecordGuild }', GUILD);
const DELETE = mutationDocument('deleteGuild', 'guild { snowflake }');
const FEATURES = {
  PATCH: mutationDocument('replaceGuildFeatures', 'guild { features }'),
  PUT: mutationDocument('addGuildFeatures', 'guild { features }'),
  DELETE: mutationDocument('removeGuildFeatures', 'guild { features }'),
} as const;

export const patchBody = cerberusObject({ unavailable: z.boolean(required('must be of boolean type')).optional() });
export const featuresBody = cerberusObject({
  features: z
    .array(z.enum(GUILD_FEATURES, { error: (issue) => `unallowed value ${String(issue.input)}` }), required('must be of list type'))
    .max(50, 'max length is 50'),
});

export function litecordGuildRoutes(deps: ShimDeps) {
  const app = new Hono();

  /** The guild's global ID; a path that is no snowflake names no guild. */
  const guildId = (c: Context) => {
    const id = parseBigintId(c.req.param('id') ?? '');
    if (id === null) throw new ShimError('NOT_FOUND', 'Unknown guild');
    return encodeId('Guild', id);
  };

  app.get('/guilds/:id', async (c) => {
    const ctx = await deps.contextFor(c);
    const data = await run<{ guild: GuildSource | null }>(ctx, GET, { id: guildId(c) });
    if (!data.guild) throw new ShimError('NOT_FOUND', 'Unknown guild');
    return c.json(presentGuild(data.guild));
  });

  app.patch('/guilds/:id', async (c) => {
    const ctx = await deps.contextFor(c);
    const id = guildId(c);
    const body = await readPayload(c, patchBody);
    const data = await run<{ updateGuild: { guild: GuildSource } }>(ctx, UPDATE, { input: { id, unavailable: body.unavailable } });
    return c.json(presentGuild(data.updateGuild.guild));
  });

  app.delete('/guilds/:id', async (c) => {
    const ctx = await deps.contextFor(c);
    await run(ctx, DELETE, { input: { id: guildId(c), reason: 'Litecord admin API' } });
    return c.body(null, 204);
  });

  for (const method of ['PATCH', 'PUT', 'DELETE'] as const) {
    app.on(method, '/guilds/:id/features', async (c) => {
      const ctx = await deps.contextFor(c);
      const id = guildId(c);
      const body = await readPayload(c, featuresBody);
      const data = await run<Record<string, { guild: { features: string[] } }>>(ctx, FEATURES[method], { input: { id, features: body.features } });
      return c.json({ features: Object.values(data)[0].guild.features });
    });
  }

  app.onError((error, c) => litecordPayloadError(c, error));
  return app;
}
