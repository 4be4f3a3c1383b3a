import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { decodeId, encodeId } from '../../graphql/ids.js';
import { allNodes, mutationDocument, readJson, run, ShimError, type ShimDeps } from '../shim.js';
import { cookieError, envelope, withSlash } from './errors.js';

export const SKIN_FIELDS = 'uuid name owner { id } slim hd disabled cape { uuid }';
const ALL_SKINS = `query CookieSkins($after: String) { skins(first: 100, after: $after) { edges { node { ${SKIN_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const UPDATE = mutationDocument('updateSkin', `skin { ${SKIN_FIELDS} }`);
const DELETE = mutationDocument('deleteSkin', 'skin { uuid }');

export interface CookieSkin {
  uuid: string;
  name: string;
  owner: { id: string } | null;
  slim: boolean;
  hd: boolean;
  disabled: boolean;
  cape: { uuid: string } | null;
}

/** A library row as cookiecms-js answers it: flags as stored (0/1), `cloak_id` a string, '0' for no cape. */
export const presentSkin = (s: CookieSkin) => ({
  uuid: s.uuid,
  name: s.name,
  ownerid: s.owner ? Number(decodeId(s.owner.id, 'User')) : null,
  slim: s.slim ? 1 : 0,
  hd: s.hd ? 1 : 0,
  disabled: s.disabled ? 1 : 0,
  cloak_id: s.cape?.uuid ?? '0',
});

const flag = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform(Boolean);
const cape = z.union([z.string().max(256), z.number().int(), z.null()]);
/**
 * The doc's PATCH body (`cloakid`) and the panels' PUT body (the whole skin back, `cloak_id`): the
 * fields the gateway changes are applied; `uuid`, `ownerid` and `hd` (it follows the texture) are
 * not changed here and ignored.
 */
export const skinBody = z.object({
  name: z.string().optional(),
  slim: flag.optional(),
  disabled: flag.optional(),
  cloakid: cape.optional(),
  cloak_id: cape.optional(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_CAPE = new Set(['0', '', 'null']);

/** The cape a body names: undefined (unchanged), null (none: '0', 0, '' or null), or a Cape ID. */
function capeOf(body: z.output<typeof skinBody>): string | null | undefined {
  if (body.cloakid !== undefined && body.cloak_id !== undefined && String(body.cloakid) !== String(body.cloak_id))
    throw new ShimError('BAD_INPUT', 'cloakid and cloak_id name different capes');
  const value = body.cloak_id !== undefined ? body.cloak_id : body.cloakid;
  if (value === undefined) return undefined;
  if (value === null || NO_CAPE.has(String(value))) return null;
  // Not a cape id at all: no cape the owner could have.
  if (!UUID.test(String(value))) throw new ShimError('FORBIDDEN', 'You do not own this cape');
  return encodeId('Cape', String(value).toLowerCase());
}

/** The skin of the path as a Skin ID; an id that is not a UUID names no skin (404). */
function skinId(c: Context): string {
  const uuid = c.req.param('uuid') ?? '';
  if (!UUID.test(uuid)) throw new ShimError('NOT_FOUND', 'Skin not found');
  return encodeId('Skin', uuid.toLowerCase());
}

/** CookieCMS's skins library: GET /admin/skins, PUT and PATCH /admin/skin/<uuid> (edit), DELETE (remove). */
export function registerSkinRoutes(app: Hono, deps: ShimDeps) {
  const notFound = { notFound: 'Skin not found' };

  // Any signed-in caller in the original (no permission check): here admin:skins:read.
  app.on('GET', withSlash('/admin/skins'), async (c) => {
    const ctx = await deps.contextFor(c);
    const skins = await allNodes<CookieSkin>(ctx, ALL_SKINS, 'skins');
    return c.json({ ...envelope('Skins fetched successfully', skins.map(presentSkin)) });
  });

  const edit = async (c: Context) => {
    try {
      const id = skinId(c);
      const body = await readJson(c, skinBody);
      const capeId = capeOf(body);
      const input = { id, name: body.name, slim: body.slim, disabled: body.disabled, ...(capeId === undefined ? {} : { cape: capeId }) };
      const ctx = await deps.contextFor(c);
      const data = await run<{ updateSkin: { skin: CookieSkin } }>(ctx, UPDATE, { input });
      return c.json(envelope('Skin updated successfully', presentSkin(data.updateSkin.skin)));
    } catch (error) {
      return cookieError(c, error, notFound);
    }
  };
  app.on('PUT', withSlash('/admin/skin/:uuid'), edit);
  app.on('PATCH', withSlash('/admin/skin/:uuid'), edit);

  app.on('DELETE', withSlash('/admin/skin/:uuid'), async (c) => {
    try {
      const id = skinId(c);
      const ctx = await deps.contextFor(c);
      const data = await run<{ deleteSkin: { skin: { uuid: string } } }>(ctx, DELETE, { input: { id } });
      return c.json(envelope('Skin deleted successfully', { uuid: data.deleteSkin.skin.uuid }));
    } catch (error) {
      return cookieError(c, error, notFound);
    }
  });
}
