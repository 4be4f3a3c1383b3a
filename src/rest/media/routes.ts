import { Hono } from 'hono';
import { fromDbError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { findMedia, findMediaInfo, MEDIA_EXTENSIONS } from '../../modules/media/queries.js';

/** A stored image never changes (its name is the hash of its bytes): caches may keep it for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const FILE = /^([0-9a-f]{64})\.(webp|png)$/;

/** True when an If-None-Match header names `etag` (or `*`), weak or strong. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}

/**
 * GET /media/<hash>.<ext>: the stored bytes with their content type, an ETag (the hash) and
 * immutable cache headers; 304 when If-None-Match names the hash; 404 for an unknown hash or an
 * extension that is not the stored type's. Public: what refers to an image decides who sees its URL.
 */
export function mediaRoutes(database: Database): Hono {
  const app = new Hono();
  app.get('/:file', async (c) => {
    const match = FILE.exec(c.req.param('file'));
    if (!match) return c.json({ error: 'not found' }, 404);
    const [, hash, ext] = match;
    const etag = `"${hash}"`;
    const revalidating = matches(c.req.header('if-none-match'), etag);
    try {
      // A revalidation reads only whether the image is still stored, not its bytes.
      const row = revalidating ? null : await findMedia(database.db, hash);
      const found = row ?? (revalidating ? await findMediaInfo(database.db, hash) : null);
      if (!found || MEDIA_EXTENSIONS[found.contentType] !== ext) return c.json({ error: 'not found' }, 404);
      const headers = {
        etag,
        'cache-control': IMMUTABLE,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
      };
      if (!row) return c.body(null, 304, headers);
      const bytes = row.bytes;
      // A copy into a plain ArrayBuffer (the driver's Buffer may sit in a shared pool).
      return c.body(new Uint8Array(bytes), 200, {
        ...headers,
        'content-type': found.contentType,
        'content-length': String(bytes.byteLength),
      });
    } catch (error) {
      const known = fromDbError(error);
      if (known?.code === 'UNAVAILABLE') return c.json({ error: 'unavailable' }, 503);
      throw error;
    }
  });
  return app;
}
