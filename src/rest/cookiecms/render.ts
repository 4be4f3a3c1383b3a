import { Hono } from 'hono';
import { z } from 'zod';
import type { MediaConfig } from '../../config.js';
import { AppError, fromDbError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { findSkinTexture } from '../../modules/skins/queries.js';
import { RENDER_SIZES, renderSkin, type RenderKind } from '../../modules/skins/render.js';
import { envelope } from './errors.js';

const sizeQuery = z.object({ size: z.coerce.number().int().min(RENDER_SIZES.min).max(RENDER_SIZES.max).default(64) });

/** A skin's texture never changes (a new texture is a new skin), but a skin can be disabled or deleted. */
const CACHE = 'public, max-age=300';

/**
 * The images the CookieCMS panels show (`<img src>`, so no token): GET /api/skin/<uuid> (the texture),
 * /api/skin/head/<uuid>?size= and /api/skin/body/<uuid>?size= (renders, modules/skins/render.ts).
 * Public, as Minecraft skins are; a disabled or unknown skin is 404. Like /media, these read the
 * stored image directly: there is nothing to authorize and no GraphQL type carries the bytes.
 */
export function skinImageRoutes(database: Database, config: MediaConfig): Hono {
  const app = new Hono();
  const headers = (etag: string) => ({ etag, 'cache-control': CACHE, 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" });

  const render = (kind: RenderKind) =>
    app.get(`/${kind}/:uuid`, async (c) => {
      const parsed = sizeQuery.safeParse(c.req.query());
      if (!parsed.success) return c.json(envelope(`size must be an integer from ${RENDER_SIZES.min} to ${RENDER_SIZES.max}`, null, true), 400);
      const size = parsed.data.size;
      const skin = await findSkinTexture(database.db, c.req.param('uuid'));
      if (!skin) return c.json(envelope('Skin not found', null, true), 404);
      const etag = `"${skin.hash.slice(0, 32)}-${kind}-${skin.slim ? 's' : 'c'}-${size}"`;
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers(etag));
      const png = await renderSkin(config, skin.bytes, kind, skin.slim, size);
      return c.body(new Uint8Array(png), 200, { ...headers(etag), 'content-type': 'image/png' });
    });
  render('head');
  render('body');

  app.get('/:file', async (c) => {
    const skin = await findSkinTexture(database.db, c.req.param('file').replace(/\.png$/, ''));
    if (!skin) return c.json(envelope('Skin not found', null, true), 404);
    return c.body(new Uint8Array(skin.bytes), 200, { ...headers(`"${skin.hash}"`), 'content-type': 'image/png' });
  });

  app.onError((error, c) => {
    const known = error instanceof AppError ? error : fromDbError(error);
    if (known?.code === 'RATE_LIMITED') return c.json(envelope(known.message, null, true), 429);
    if (known?.code === 'UNAVAILABLE') return c.json(envelope('Service unavailable', null, true), 503);
    throw error;
  });
  return app;
}
