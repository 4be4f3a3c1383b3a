import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { releaseMedia } from '../../../src/modules/media/actions.js';
import { useGateway } from '../../helpers/app.js';
import { makeMedia } from '../../helpers/factories.js';

/** GET /media/<hash>.<ext>: the stored bytes, immutable, with the hash as ETag. */
const gw = useGateway();

const IMMUTABLE = 'public, max-age=31536000, immutable';

describe('serving', () => {
  it('answers the stored bytes with their type, length, ETag and immutable cache headers, without a token', async () => {
    const avatar = await makeMedia(gw, { purpose: 'avatar', width: 100, height: 60 });
    const res = await gw.request(`/media/${avatar.hash}.webp`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(res.headers.get('etag')).toBe(`"${avatar.hash}"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(bytes.length).toBe(avatar.size);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(avatar.hash);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 512, height: 512 });

    const skin = await makeMedia(gw, { purpose: 'skin', width: 64, height: 32 });
    const png = await gw.request(`/media/${skin.hash}.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(await sharp(Buffer.from(await png.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 64, height: 32 });
  });

  it('answers 304 with the ETag when If-None-Match names it (strong, weak, in a list, or *), no body', async () => {
    const m = await makeMedia(gw);
    for (const header of [`"${m.hash}"`, `W/"${m.hash}"`, `"other", "${m.hash}"`, '*']) {
      const res = await gw.request(`/media/${m.hash}.webp`, { headers: { 'if-none-match': header } });
      expect(res.status, header).toBe(304);
      expect(res.headers.get('etag')).toBe(`"${m.hash}"`);
      expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
      expect((await res.arrayBuffer()).byteLength).toBe(0);
    }
    const other = await gw.request(`/media/${m.hash}.webp`, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  it('404 for an unknown hash, a released image, the wrong extension, or a name that is no hash', async () => {
    const m = await makeMedia(gw);
    expect((await gw.request(`/media/${'0'.repeat(64)}.webp`)).status).toBe(404);
    expect((await gw.request(`/media/${m.hash}.png`)).status).toBe(404);
    for (const name of [`${m.hash}`, `${m.hash.toUpperCase()}.webp`, `${m.hash}.svg`, '..%2Fetc%2Fpasswd', `${m.hash}.webp.png`, 'x'.repeat(500)])
      expect((await gw.request(`/media/${name}`)).status, name).toBe(404);
    await gw.database.db.transaction((tx) => releaseMedia(tx, m.hash));
    expect((await gw.request(`/media/${m.hash}.webp`)).status).toBe(404);
    expect((await gw.request(`/media/${m.hash}.webp`, { headers: { 'if-none-match': `"${m.hash}"` } })).status).toBe(404);
  });

  it('answers only GET (and HEAD)', async () => {
    const m = await makeMedia(gw);
    const head = await gw.request(`/media/${m.hash}.webp`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(`"${m.hash}"`);
    const post = await gw.request(`/media/${m.hash}.webp`, { method: 'POST', body: 'x', headers: { 'content-length': '1' } });
    expect(post.status).toBe(404);
  });
});
