import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { AppError } from '../../../src/core/errors.js';
import { decodeQueue, loadSharp, prepareImage } from '../../../src/modules/media/pipeline.js';
import { dataUri, makeImage, makeNoise, makePngBomb, SVG, truncated } from './images.js';

/** The pipeline alone (no database): what comes in, what is refused, what is made. */
const config = loadConfig({ NODE_ENV: 'test' }).media;

/** The BAD_INPUT (or other AppError) a refused image answers. */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the image was accepted').toBeInstanceOf(AppError);
  return error as AppError;
}

describe('accepted images are re-encoded for their purpose', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('a %s avatar becomes a 512×512 WebP, cropped to cover', async (format) => {
    const input = await makeImage(format, 300, 120);
    const out = await prepareImage(config, input, 'avatar');
    expect(out).toMatchObject({ contentType: 'image/webp', width: 512, height: 512 });
    const meta = await sharp(out.bytes).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 512, height: 512 });
    expect(Buffer.from(out.bytes).equals(input)).toBe(false);
    expect(out.size).toBe(out.bytes.byteLength);
  });

  it('a flag fits inside 256×256 and is never enlarged', async () => {
    expect(await prepareImage(config, await makeImage('jpeg', 600, 300), 'flag')).toMatchObject({ contentType: 'image/webp', width: 256, height: 128 });
    expect(await prepareImage(config, await makeImage('png', 40, 20), 'flag')).toMatchObject({ width: 40, height: 20 });
  });

  it('the hash is the sha-256 of the stored bytes, so the same content gives the same hash', async () => {
    const { createHash } = await import('node:crypto');
    const a = await prepareImage(config, await makeImage('png', 64, 64), 'skin');
    const b = await prepareImage(config, dataUri(await makeImage('png', 64, 64)), 'skin');
    expect(a.hash).toBe(createHash('sha256').update(a.bytes).digest('hex'));
    expect(b.hash).toBe(a.hash);
  });

  it('skins and capes stay lossless PNG, pixel for pixel', async () => {
    const raw = Buffer.alloc(64 * 32 * 4);
    for (let i = 0; i < raw.length; i += 1) raw[i] = (i * 37) % 256;
    const input = await sharp(raw, { raw: { width: 64, height: 32, channels: 4 } })
      .png()
      .toBuffer();
    for (const purpose of ['skin', 'cape'] as const) {
      const out = await prepareImage(config, input, purpose);
      expect(out).toMatchObject({ contentType: 'image/png', width: 64, height: 32 });
      const back = await sharp(out.bytes).raw().toBuffer();
      expect(back.equals(raw)).toBe(true);
    }
  });

  it('a data URI is judged by its content, not by the type it declares', async () => {
    const png = await makeImage('png', 80, 80);
    const out = await prepareImage(config, dataUri(png, 'image/jpeg'), 'avatar');
    expect(out.contentType).toBe('image/webp');
    // A JPEG that calls itself PNG is still a JPEG: not a skin.
    const lie = await refusal(prepareImage(config, dataUri(await makeImage('jpeg', 64, 64), 'image/png'), 'skin'));
    expect(lie.message).toBe('JPEG images are not accepted here; send PNG');
  });
});

describe('refused images are BAD_INPUT with a clear message at the input path', () => {
  it('SVG, explicitly (sharp would render it)', async () => {
    const error = await refusal(prepareImage(config, SVG, 'avatar'));
    expect(error).toMatchObject({ code: 'BAD_INPUT', message: 'SVG images are not accepted; send PNG, JPEG or WebP' });
    expect(error.fields).toEqual([{ path: ['file'], message: error.message }]);
    expect((await refusal(prepareImage(config, dataUri(SVG, 'image/svg+xml'), 'flag', { path: ['flag'] }))).fields[0].path).toEqual(['flag']);
  });

  it('other formats (GIF, TIFF) and things that are no image', async () => {
    expect((await refusal(prepareImage(config, await makeImage('gif', 16, 16), 'avatar'))).message).toBe(
      'GIF images are not accepted here; send PNG, JPEG or WebP',
    );
    expect((await refusal(prepareImage(config, await makeImage('tiff', 16, 16), 'avatar'))).message).toBe(
      'TIFF images are not accepted here; send PNG, JPEG or WebP',
    );
    expect((await refusal(prepareImage(config, Buffer.from('hello, world'), 'avatar'))).message).toMatch(/^Not an image/);
    expect((await refusal(prepareImage(config, new Uint8Array(), 'avatar'))).message).toMatch(/^Not an image/);
  });

  it.each(['png', 'jpeg', 'webp'] as const)('a truncated %s', async (format) => {
    const whole =
      format === 'webp'
        ? await sharp(await makeNoise('png', 200, 200))
            .webp()
            .toBuffer()
        : await makeNoise(format, 200, 200);
    const error = await refusal(prepareImage(config, truncated(whole), 'avatar'));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/corrupt or truncated|not a valid/);
  });

  it('a PNG with a broken chunk CRC', async () => {
    const png = Buffer.from(await makeImage('png', 64, 64));
    png[png.length - 20] ^= 0xff;
    expect((await refusal(prepareImage(config, png, 'skin'))).code).toBe('BAD_INPUT');
  });

  it('a decompression bomb: a tiny PNG whose header declares 20000×20000, refused from its header', async () => {
    const bomb = makePngBomb();
    expect(bomb.length).toBeLessThan(1024);
    // What it declares (sharp itself refuses its header above its default limit of 268M pixels).
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ width: 20_000, height: 20_000 });
    const error = await refusal(prepareImage(config, bomb, 'avatar'));
    expect(error.message).toBe('The image is 20000×20000 pixels; at most 16,777,216 pixels are accepted');
    // Even under the largest pixel limit the configuration allows, it is refused on its header.
    const roomy = loadConfig({ NODE_ENV: 'test', MEDIA_MAX_PIXELS: '100000000' }).media;
    expect((await refusal(prepareImage(roomy, bomb, 'avatar'))).message).toMatch(/^The image is 20000×20000 pixels/);
  });

  it('more input bytes than MEDIA_MAX_BYTES, as bytes or as a data URI (checked before decoding base64)', async () => {
    const big = await makeNoise('png', 1000, 1000);
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expect((await refusal(prepareImage(config, big, 'avatar'))).message).toMatch(/^The image is 2\.\d MB; at most 2 MB is accepted$/);
    expect((await refusal(prepareImage(config, dataUri(big), 'avatar'))).message).toMatch(/at most 2 MB is accepted$/);
  });

  it('malformed data URIs', async () => {
    expect((await refusal(prepareImage(config, 'data:text/plain;base64,aGk=', 'avatar'))).message).toBe('Expected a data:image/…;base64,… URI');
    expect((await refusal(prepareImage(config, 'https://example.org/a.png', 'avatar'))).message).toBe('Expected a data:image/…;base64,… URI');
    expect((await refusal(prepareImage(config, 'data:image/png;base64,@@@@', 'avatar'))).message).toBe('The data URI is not valid base64');
  });

  it('skin sizes: 64×64 and 64×32; larger multiples only with hd', async () => {
    for (const [w, h] of [
      [64, 64],
      [64, 32],
    ])
      expect(await prepareImage(config, await makeImage('png', w, h), 'skin')).toMatchObject({ width: w, height: h });
    const hd = await makeImage('png', 128, 128);
    expect((await refusal(prepareImage(config, hd, 'skin'))).message).toBe(
      'A skin is 64×64 or 64×32 (this one is 128×128); larger multiples need an owner who may have HD skins',
    );
    expect(await prepareImage(config, hd, 'skin', { hd: true })).toMatchObject({ width: 128, height: 128 });
    expect(await prepareImage(config, await makeImage('png', 512, 256), 'skin', { hd: true })).toMatchObject({ width: 512, height: 256 });
    expect((await refusal(prepareImage(config, await makeImage('png', 100, 64), 'skin', { hd: true }))).message).toBe(
      'A skin is 64×64 or 64×32 or a multiple of them (this one is 100×64)',
    );
  });

  it('cape sizes: 64×32 and its multiples', async () => {
    expect(await prepareImage(config, await makeImage('png', 64, 32), 'cape')).toMatchObject({ width: 64, height: 32 });
    expect(await prepareImage(config, await makeImage('png', 256, 128), 'cape')).toMatchObject({ width: 256, height: 128 });
    for (const [w, h] of [
      [64, 64],
      [22, 17],
      [2048, 1024],
    ])
      expect((await refusal(prepareImage(config, await makeImage('png', w, h), 'cape'))).message).toMatch(
        new RegExp(`^A cape is 64×32 .*\\(this one is ${w}×${h}\\)$`),
      );
  });
});

describe('property: any bytes are an image or a BAD_INPUT, never another error', () => {
  const MAGIC = [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50], []];
  it('random bodies behind each accepted magic number, raw and as data URIs, for every purpose', async () => {
    const png = await makeImage('png', 64, 32);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...MAGIC),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.nat(png.length).map((n) => new Uint8Array(png.subarray(8, n))),
        ),
        fc.constantFrom('avatar', 'flag', 'skin', 'cape' as const),
        fc.boolean(),
        async (magic, body, purpose, asUri) => {
          const bytes = Buffer.concat([Buffer.from(magic), body]);
          const outcome = await prepareImage(config, asUri ? dataUri(bytes) : bytes, purpose).then(
            (image) => image.size > 0,
            (e: unknown) => e instanceof AppError && e.code === 'BAD_INPUT',
          );
          expect(outcome).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the decode queue and sharp', () => {
  it('no source file imports sharp statically: it is loaded on the first image', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const src = new URL('../../../src', import.meta.url).pathname;
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const static_ = files.filter((f) => /^\s*import\s[^;]*from\s+'sharp'/m.test(readFileSync(join(src, f), 'utf8')));
    expect(static_).toEqual([]);
    expect(files.filter((f) => readFileSync(join(src, f), 'utf8').includes("import('sharp')"))).toEqual(['modules/media/pipeline.ts']);
  });

  it('sharp loads lazily, with its cache off and one thread per image', async () => {
    const loaded = await loadSharp();
    expect(loaded.concurrency()).toBe(1);
    expect(loaded.cache()).toMatchObject({ memory: { max: 0 }, items: { max: 0 }, files: { max: 0 } });
  });

  it('runs MEDIA_DECODE_CONCURRENCY decodes at once, MEDIA_DECODE_QUEUE waiting, and answers RATE_LIMITED beyond', async () => {
    const small = loadConfig({ NODE_ENV: 'test', MEDIA_DECODE_CONCURRENCY: '1', MEDIA_DECODE_QUEUE: '1' }).media;
    const png = await makeImage('png', 64, 64);
    const calls = [1, 2, 3, 4].map(() => prepareImage(small, png, 'skin'));
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    for (const r of results.slice(2)) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED' });
    expect(decodeQueue(small).stats).toMatchObject({ refused: 2, peakRunning: 1 });
    expect(decodeQueue(small).busy).toEqual({ running: 0, waiting: 0 });
    // Once the queue has drained, images are taken again.
    expect((await prepareImage(small, png, 'skin')).width).toBe(64);
  });
});

describe('configuration', () => {
  it('defaults, MEDIA_BASE_URL falling back to PUBLIC_URL, and bad values named', () => {
    expect(config).toEqual({
      baseUrl: 'http://localhost:4000',
      maxBytes: 2 * 1024 * 1024,
      maxPixels: 4096 * 4096,
      concurrency: 2,
      queue: 4,
      unclaimedTtlSeconds: 3600,
    });
    expect(loadConfig({ PUBLIC_URL: 'https://id.example.org' }).media.baseUrl).toBe('https://id.example.org');
    expect(loadConfig({ PUBLIC_URL: 'https://id.example.org', MEDIA_BASE_URL: 'https://cdn.example.org/img/' }).media.baseUrl).toBe(
      'https://cdn.example.org/img',
    );
    expect(() => loadConfig({ MEDIA_BASE_URL: 'ftp://x' })).toThrow(/^Invalid configuration: MEDIA_BASE_URL:/);
    expect(() => loadConfig({ MEDIA_DECODE_CONCURRENCY: '0' })).toThrow(/^Invalid configuration: MEDIA_DECODE_CONCURRENCY:/);
    expect(() => loadConfig({ MEDIA_UNCLAIMED_TTL: 'soon' })).toThrow(/^Invalid configuration: MEDIA_UNCLAIMED_TTL:/);
  });
});
