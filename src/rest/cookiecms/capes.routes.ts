import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { encodeId } from '../../graphql/ids.js';
import { isUploadedFile } from '../../modules/media/validation.js';
import { allNodes, mutationDocument, readJson, run, ShimError, type ShimDeps } from '../shim.js';
import { cookieError, envelope, withSlash } from './errors.js';
import { presentUser, type CookieUserSource } from './present.js';
import { USER_FRAGMENT } from './users.routes.js';

/** CookieCMS's multipart limit for the whole request; the cape file itself is at most 2 MB (multer's limit). */
export const COOKIE_UPLOAD_BODY_BYTES = 3 * 1024 * 1024;
const CAPE_FILE_BYTES = 2 * 1024 * 1024;
/** The paths that take a cape upload (registered in rest/body-limits.ts: the 1 MB limit steps aside for them). */
export const CAPE_UPLOAD_PATHS = ['/admin/user/cape/upload', '/admin/cape'];

const ALL_CAPES = 'query CookieCapes($after: String) { capes(first: 100, after: $after) { edges { node { uuid name } } pageInfo { hasNextPage endCursor } } }';
const UPLOAD = mutationDocument('uploadCape', 'cape { uuid }');
const DELETE = mutationDocument('deleteCape', 'cape { uuid }');
const USER_CAPES = mutationDocument('updateUserCapes', 'user { ...CookieUser }', USER_FRAGMENT);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const capeId = z.string().regex(UUID, 'not a cape id');
const userKey = z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/)]).transform(String);
const owners = z.array(userKey).max(1000);
export const capeDeleteBody = z.object({ capeid: capeId });
export const userCapesBody = z.object({ cape: z.array(capeId).max(100) });

/** A 400 in CookieCMS's words (multer's "File too large", the filter's "Only PNG files allowed"). */
const refuse = (message: string) => new ShimError('BAD_INPUT', message);
const tooLarge = (c: Context) => c.json(envelope('File too large', null, true), 400);
const limit = bodyLimit({ maxSize: COOKIE_UPLOAD_BODY_BYTES, onError: tooLarge });

/** The multipart cape upload: file `cape` (declared image/png, ≤ 2 MB; its content is checked again by the media pipeline), `name`, `owners` (a JSON array of user ids). */
async function readCapeForm(c: Context): Promise<{ file: File; name: string; owners: string[] }> {
  const form = await c.req.formData().catch(() => null);
  if (!form) throw refuse('Expected a multipart/form-data body with a cape file');
  const file = form.get('cape');
  if (!isUploadedFile(file) || !(file instanceof Blob)) throw refuse('No file uploaded (field "cape")');
  if (file.type !== 'image/png') throw refuse('Only PNG files allowed');
  if (file.size > CAPE_FILE_BYTES) throw refuse('File too large');
  const name = form.get('name');
  if (typeof name !== 'string' || !name.trim()) throw refuse('name: required');
  const raw = form.get('owners') ?? '[]';
  let list: unknown;
  try {
    list = JSON.parse(typeof raw === 'string' ? raw : '');
  } catch {
    throw refuse('owners must be a JSON array of user ids');
  }
  const parsed = owners.safeParse(list);
  if (!parsed.success) throw refuse('owners must be a JSON array of user ids');
  return { file: file as File, name, owners: parsed.data };
}

/** The user of the path as a User ID: numeric ids only (the original looks up `WHERE id = ?`). */
function userId(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (!/^\d{1,15}$/.test(id)) throw new ShimError('NOT_FOUND', 'User not found');
  return encodeId('User', id);
}

/**
 * CookieCMS's capes: upload (POST /admin/user/cape/upload, as the doc and the 2025-07 panel; POST
 * /admin/cape, as cookiecms-js), delete (DELETE on the same paths, `{capeid}`), a user's capes
 * (PUT adds, DELETE removes, `{cape: [ids]}`), and every cape (GET /admin/allcapes, signed in
 * and scoped: the original's open route was a fault).
 */
export function registerCapeRoutes(app: Hono, deps: ShimDeps) {
  const paths = CAPE_UPLOAD_PATHS.flatMap(withSlash);
  const capeNotFound = { notFound: 'Cape not found' };

  app.on('POST', paths, limit, async (c) => {
    try {
      const form = await readCapeForm(c);
      const ctx = await deps.contextFor(c);
      const input = { file: form.file, name: form.name.trim(), owners: form.owners.map((id) => encodeId('User', id)) };
      const data = await run<{ uploadCape: { cape: { uuid: string } } }>(ctx, UPLOAD, { input });
      return c.json({ error: false, msg: 'Cape uploaded', id: data.uploadCape.cape.uuid });
    } catch (error) {
      return cookieError(c, error, { notFound: 'User not found' });
    }
  });

  app.on('DELETE', paths, limit, async (c) => {
    try {
      const body = await readJson(c, capeDeleteBody);
      const ctx = await deps.contextFor(c);
      await run(ctx, DELETE, { input: { id: encodeId('Cape', body.capeid.toLowerCase()) } });
      return c.json({ error: false, msg: 'Cape deleted' });
    } catch (error) {
      return cookieError(c, error, capeNotFound);
    }
  });

  const change = (side: 'add' | 'remove') => async (c: Context) => {
    const id = userId(c);
    const body = await readJson(c, userCapesBody);
    const ctx = await deps.contextFor(c);
    const capes = body.cape.map((cape) => encodeId('Cape', cape.toLowerCase()));
    const data = await run<{ updateUserCapes: { user: CookieUserSource } }>(ctx, USER_CAPES, { input: { user: id, [side]: capes } });
    return c.json(envelope('Capes updated successfully', { user: presentUser(data.updateUserCapes.user) }));
  };
  app.on('PUT', withSlash('/admin/user/:id/capes'), change('add'));
  app.on('DELETE', withSlash('/admin/user/:id/capes'), change('remove'));

  app.on('GET', withSlash('/admin/allcapes'), async (c) => {
    const ctx = await deps.contextFor(c);
    const capes = await allNodes<{ uuid: string; name: string }>(ctx, ALL_CAPES, 'capes');
    // `id` as well: the 2025-07 panel renders cape.id (the doc's shape).
    return c.json(
      envelope(
        'Capes fetched successfully',
        capes.map((cape) => ({ uuid: cape.uuid, name: cape.name, id: cape.uuid })),
      ),
    );
  });
}
