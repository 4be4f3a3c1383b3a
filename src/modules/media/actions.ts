import { and, eq, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { MediaConfig } from '../../config.js';
import { BadInputError, parseInput } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { Tx } from '../../db/client.js';
import type { ActionContext } from '../context.js';
import { prepareImage, readUpload, type PreparedImage } from './pipeline.js';
import { isMediaHash, mediaInfoColumns, type MediaInfo } from './queries.js';
import { media } from './table.js';
import { uploadImageSchema } from './validation.js';

/**
 * The reference count, changed inside the transaction of the row that refers to an image (a profile's
 * avatar, a skin), so the count and the reference commit or fail together. Every change is one
 * UPDATE or INSERT … ON CONFLICT on the media row: PostgreSQL's row lock orders concurrent changes of
 * one hash, so parallel retains and releases end with the row there exactly when its count is above 0.
 */

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const missing = (hash: string, path: string[]) => new BadInputError(`No stored image ${hash}; upload it again`, [{ path, message: 'no such stored image' }]);

/**
 * Stores a prepared image (once per content) and takes one reference to it, in `tx`: a new image is
 * inserted with count 1, one already stored gains 1. What a module calls when its row gets an image.
 */
export async function putMedia(tx: Tx, image: PreparedImage): Promise<MediaInfo> {
  const [row] = await tx
    .insert(media)
    .values({ ...image, bytes: toBuffer(image.bytes), refCount: 1 })
    .onConflictDoUpdate({ target: media.hash, set: { refCount: sql`${media.refCount} + 1` } })
    .returning(mediaInfoColumns);
  return row;
}

/** One more reference to a stored image, in `tx`; BAD_INPUT at `path` when there is no such image. */
export async function retainMedia(tx: Tx, hash: string, path: string[] = ['hash']): Promise<number> {
  if (!isMediaHash(hash)) throw missing(hash, path);
  const [row] = await tx
    .update(media)
    .set({ refCount: sql`${media.refCount} + 1` })
    .where(eq(media.hash, hash))
    .returning({ refCount: media.refCount });
  if (!row) throw missing(hash, path);
  return row.refCount;
}

/**
 * One reference fewer, in `tx`; the image goes when none is left. Answers the count left (0: removed;
 * also 0 when there was no such image, so releasing what is already gone is harmless).
 */
export async function releaseMedia(tx: Tx, hash: string): Promise<number> {
  if (!isMediaHash(hash)) return 0;
  const [row] = await tx
    .update(media)
    .set({ refCount: sql`greatest(${media.refCount} - 1, 0)` })
    .where(eq(media.hash, hash))
    .returning({ refCount: media.refCount });
  if (!row) return 0;
  // The UPDATE holds the row's lock until commit, so nothing retains it between the two statements.
  if (row.refCount === 0) await tx.delete(media).where(and(eq(media.hash, hash), eq(media.refCount, 0)));
  return row.refCount;
}

/** Removes uploads nothing claimed (count 0) older than the configured time; answers how many. */
export async function sweepUnclaimedMedia(tx: Tx, config: MediaConfig): Promise<number> {
  const before = new Date(Date.now() - config.unclaimedTtlSeconds * 1000);
  const gone = await tx
    .delete(media)
    .where(and(eq(media.refCount, 0), lt(media.createdAt, before)))
    .returning({ hash: media.hash });
  return gone.length;
}

/**
 * uploadImage: an admin stores an image for a purpose (a multipart file or a data URI) and gets its
 * hash and URL, to hand to whatever will refer to it. The upload itself holds no reference: a new
 * image is stored with count 0 and swept after MEDIA_UNCLAIMED_TTL unless something retains it.
 * Audited as media.upload. Older unclaimed uploads are swept in the same transaction.
 */
export async function uploadImage(ctx: ActionContext, config: MediaConfig, input: z.input<typeof uploadImageSchema>): Promise<MediaInfo> {
  const { file, dataUri, purpose, hd } = parseInput(uploadImageSchema, input);
  const source = file ? await readUpload(file, config, ['file']) : dataUri!;
  const image = await prepareImage(config, source, purpose, { hd, path: file ? ['file'] : ['dataUri'] });
  return ctx.db.transaction(async (tx) => {
    await sweepUnclaimedMedia(tx, config);
    // An image already stored keeps its count; the no-op update locks it until commit, so it stays.
    const [stored] = await tx
      .insert(media)
      .values({ ...image, bytes: toBuffer(image.bytes), refCount: 0 })
      .onConflictDoUpdate({ target: media.hash, set: { refCount: sql`${media.refCount}` } })
      .returning(mediaInfoColumns);
    await writeAudit(tx, ctx.actor, [
      {
        action: 'media.upload',
        targetType: 'Media',
        targetId: image.hash,
        diff: { purpose, contentType: image.contentType, width: image.width, height: image.height, size: image.size },
      },
    ]);
    return stored;
  });
}
