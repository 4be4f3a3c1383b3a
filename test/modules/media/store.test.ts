import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { putMedia, releaseMedia, retainMedia, sweepUnclaimedMedia } from '../../../src/modules/media/actions.js';
import { prepareImage } from '../../../src/modules/media/pipeline.js';
import { findMediaInfo } from '../../../src/modules/media/queries.js';
import { useGateway } from '../../helpers/app.js';
import { makeMedia } from '../../helpers/factories.js';
import { makeImage } from './images.js';

/** The media store: once per content, a reference count changed in the referrer's transaction. */
const gw = useGateway();

const countOf = async (hash: string) => (await findMediaInfo(gw.database.db, hash))?.refCount ?? null;
const rowsOf = async (hash: string) => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from media where hash = ${hash}`))[0].n);

describe('stored once by content hash', () => {
  it('the same image stored twice is one row with two references', async () => {
    const png = await makeImage('png', 64, 64, { r: 1, g: 2, b: 3 });
    const [a, b] = [await prepareImage(gw.config.media, png, 'skin'), await prepareImage(gw.config.media, png, 'skin')];
    const first = await gw.database.db.transaction((tx) => putMedia(tx, a));
    const second = await gw.database.db.transaction((tx) => putMedia(tx, b));
    expect(second.hash).toBe(first.hash);
    expect(await rowsOf(first.hash)).toBe(1);
    expect(first.refCount).toBe(1);
    expect(second.refCount).toBe(2);
    expect(first).toMatchObject({ contentType: 'image/png', width: 64, height: 64, size: a.size });
  });

  it('a reference taken in a transaction that fails is not taken', async () => {
    const m = await makeMedia(gw);
    await expect(
      gw.database.db.transaction(async (tx) => {
        await retainMedia(tx, m.hash);
        throw new Error('the referring row failed');
      }),
    ).rejects.toThrow('the referring row failed');
    expect(await countOf(m.hash)).toBe(1);
  });
});

describe('release frees', () => {
  it('the row goes when the last reference is released; releasing again is harmless', async () => {
    const m = await makeMedia(gw);
    expect(await gw.database.db.transaction((tx) => retainMedia(tx, m.hash))).toBe(2);
    expect(await gw.database.db.transaction((tx) => releaseMedia(tx, m.hash))).toBe(1);
    expect(await countOf(m.hash)).toBe(1);
    expect(await gw.database.db.transaction((tx) => releaseMedia(tx, m.hash))).toBe(0);
    expect(await rowsOf(m.hash)).toBe(0);
    expect(await gw.database.db.transaction((tx) => releaseMedia(tx, m.hash))).toBe(0);
  });

  it('retaining an image that is not stored is BAD_INPUT at the given path', async () => {
    const m = await makeMedia(gw);
    await gw.database.db.transaction((tx) => releaseMedia(tx, m.hash));
    await expect(gw.database.db.transaction((tx) => retainMedia(tx, m.hash, ['avatar']))).rejects.toMatchObject({
      code: 'BAD_INPUT',
      fields: [{ path: ['avatar'], message: 'no such stored image' }],
    });
    await expect(gw.database.db.transaction((tx) => retainMedia(tx, 'not-a-hash'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('uploads nobody claimed are swept after MEDIA_UNCLAIMED_TTL; claimed ones stay', async () => {
    const claimed = await makeMedia(gw);
    const unclaimed = await makeMedia(gw);
    await gw.database.db.transaction((tx) => releaseMedia(tx, unclaimed.hash));
    const image = await prepareImage(gw.config.media, await makeImage('png', 64, 32, { r: 9, g: 9, b: 9 }), 'cape');
    await gw.database.rows(
      sql`insert into media (hash, content_type, bytes, width, height, size, ref_count, created_at)
          values (${image.hash}, ${image.contentType}, ${Buffer.from(image.bytes)}, 64, 32, ${image.size}, 0, now() - interval '2 hours')`,
    );
    expect(await gw.database.db.transaction((tx) => sweepUnclaimedMedia(tx, gw.config.media))).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(image.hash)).toBe(0);
    expect(await countOf(claimed.hash)).toBe(1);
  });
});

describe('races: the row exists exactly when its count is above 0', () => {
  it('an upload racing the delete of the last reference ends with the image stored once, counted once', async () => {
    const png = await makeImage('png', 64, 64, { r: 77, g: 0, b: 7 });
    const image = await prepareImage(gw.config.media, png, 'skin');
    for (let round = 0; round < 12; round += 1) {
      await gw.database.db.transaction((tx) => putMedia(tx, image));
      // One transaction stores the image for a new referrer while another drops the only old one.
      await Promise.all([gw.database.db.transaction((tx) => putMedia(tx, image)), gw.database.db.transaction((tx) => releaseMedia(tx, image.hash))]);
      expect(await countOf(image.hash), `round ${round}`).toBe(1);
      expect(await rowsOf(image.hash)).toBe(1);
      await gw.database.db.transaction((tx) => releaseMedia(tx, image.hash));
      expect(await rowsOf(image.hash)).toBe(0);
    }
  });

  it('parallel retains and releases of one hash end consistent', async () => {
    const m = await makeMedia(gw);
    await gw.database.db.transaction(async (tx) => {
      for (let i = 0; i < 9; i += 1) await retainMedia(tx, m.hash);
    });
    // 10 references; 6 retains and 10 releases at once: whatever the order, 6 remain unless the count
    // touched 0 on the way (then the row went and later retains were refused).
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, () => gw.database.db.transaction((tx) => releaseMedia(tx, m.hash))),
      ...Array.from({ length: 6 }, () => gw.database.db.transaction((tx) => retainMedia(tx, m.hash))),
    ]);
    const retained = results.slice(10).filter((r) => r.status === 'fulfilled').length;
    const rows = await gw.database.rows<{ ref_count: number }>(sql`select ref_count from media where hash = ${m.hash}`);
    expect(rows.length === 0 || rows[0].ref_count > 0).toBe(true);
    if (retained === 6) expect(rows.map((r) => Number(r.ref_count))).toEqual([6]);
    else expect(rows).toEqual([]);
    expect(await gw.database.rows(sql`select hash from media where ref_count = 0 and hash = ${m.hash}`)).toEqual([]);
  });
});
