import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { media } from './table.js';

/** A stored image without its bytes. */
export type MediaInfo = Omit<typeof media.$inferSelect, 'bytes'>;
export type MediaRow = typeof media.$inferSelect;

/** Every column but the bytes. */
export const mediaInfoColumns = {
  hash: media.hash,
  contentType: media.contentType,
  width: media.width,
  height: media.height,
  size: media.size,
  refCount: media.refCount,
  createdAt: media.createdAt,
};

/** A hash as the media table keys it: 64 lower-case hex digits (sha-256). */
export const isMediaHash = (value: string) => /^[0-9a-f]{64}$/.test(value);

export async function findMediaInfo(db: Tx, hash: string): Promise<MediaInfo | null> {
  if (!isMediaHash(hash)) return null;
  const [row] = await db.select(mediaInfoColumns).from(media).where(eq(media.hash, hash));
  return row ?? null;
}

/** The stored image with its bytes (what /media/<hash>.<ext> answers). */
export async function findMedia(db: Tx, hash: string): Promise<MediaRow | null> {
  if (!isMediaHash(hash)) return null;
  const [row] = await db.select().from(media).where(eq(media.hash, hash));
  return row ?? null;
}

/** The file extension of a stored content type. */
export const MEDIA_EXTENSIONS: Record<string, string> = { 'image/webp': 'webp', 'image/png': 'png' };

/** Where a stored image is served: `<MEDIA_BASE_URL>/media/<hash>.<ext>`. */
export const mediaUrl = (baseUrl: string, m: { hash: string; contentType: string }) => `${baseUrl}/media/${m.hash}.${MEDIA_EXTENSIONS[m.contentType] ?? 'bin'}`;
