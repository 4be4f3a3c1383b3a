import { and, eq, sql } from 'drizzle-orm';
import { BadInputError } from '../../core/errors.js';
import type { Tx } from '../../db/client.js';
import { media } from '../media/table.js';

/**
 * An avatar names a stored image and holds one reference to it (the media table's count, as the
 * profiles module keeps it): the new one must be stored (BAD_INPUT otherwise), the old one is
 * released and removed when nothing else refers to it.
 */
export async function swapAvatarReference(tx: Tx, from: string | null, to: string | null): Promise<void> {
  if (to) {
    const taken = await tx
      .update(media)
      .set({ refCount: sql`${media.refCount} + 1` })
      .where(eq(media.hash, to))
      .returning({ hash: media.hash });
    if (taken.length === 0)
      throw new BadInputError('avatarHash: no stored image has this hash', [{ path: ['avatarHash'], message: 'no stored image has this hash' }]);
  }
  if (from) {
    const [left] = await tx
      .update(media)
      .set({ refCount: sql`greatest(${media.refCount} - 1, 0)` })
      .where(eq(media.hash, from))
      .returning({ refCount: media.refCount });
    if (left?.refCount === 0) await tx.delete(media).where(and(eq(media.hash, from), eq(media.refCount, 0)));
  }
}
