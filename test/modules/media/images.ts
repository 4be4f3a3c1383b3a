import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Real images for the media tests, made with sharp itself (and one by hand: the decompression bomb).
 * Shared by test/modules/media and test/rest/media.
 */

/** A solid-colour image of `width`×`height` in `format` (an alpha channel for PNG and WebP). */
export async function makeImage(
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff',
  width: number,
  height: number,
  colour = { r: 200, g: 30, b: 90 },
): Promise<Buffer> {
  const alpha = format === 'jpeg' ? {} : { alpha: 1 };
  const base = sharp({ create: { width, height, channels: format === 'jpeg' ? 3 : 4, background: { ...colour, ...alpha } } });
  return base.toFormat(format).toBuffer();
}

/** A noisy image (so encoders cannot shrink it to nothing): `width`×`height` random RGB pixels. */
export async function makeNoise(format: 'png' | 'jpeg', width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 1) raw[i] = Math.floor(Math.random() * 256);
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .toFormat(format, format === 'png' ? { compressionLevel: 0 } : { quality: 100 })
    .toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a PNG of a few hundred bytes whose IHDR (written by hand, correct CRC)
 * declares `width`×`height` RGB pixels, with a small IDAT of zero rows. Decoding it would need
 * width × height × 3 bytes (1.2 GB for 20000×20000).
 */
export function makePngBomb(width = 20_000, height = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  // compression, filter, interlace: 0
  const rows = deflateSync(Buffer.alloc(1 + width * 3), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const SVG = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>',
);

export const dataUri = (bytes: Buffer, type = 'image/png') => `data:${type};base64,${bytes.toString('base64')}`;

/** The first `fraction` of `bytes` (a truncated file). */
export const truncated = (bytes: Buffer, fraction = 0.6) => bytes.subarray(0, Math.floor(bytes.length * fraction));

/**
 * uploadImage as a GraphQL multipart request (graphql-multipart-request-spec): the operation, the
 * map, and the file as part `0`. Answers the HTTP status and the parsed body.
 */
export async function uploadMultipart(
  gw: { app: { fetch: (request: Request) => Response | Promise<Response> } },
  bytes: Uint8Array,
  opts: { purpose?: string; hd?: boolean; name?: string; type?: string; token?: string | null; select?: string } = {},
): Promise<{ status: number; body: any }> {
  const select = opts.select ?? 'media { hash url contentType width height size refCount }';
  const query = `mutation($input: UploadImageInput!) { uploadImage(input: $input) { __typename ... on UploadImageSuccess { ${select} } ... on Error { message code } ... on BadInputError { fields { path message } } } }`;
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query, variables: { input: { file: null, purpose: opts.purpose ?? 'AVATAR', ...(opts.hd === undefined ? {} : { hd: opts.hd }) } } }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new File([new Uint8Array(bytes)], opts.name ?? 'image.png', { type: opts.type ?? 'image/png' }));
  const headers: Record<string, string> = { 'x-graphql-yoga-csrf': '1' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await gw.app.fetch(new Request('http://gateway.test/graphql', { method: 'POST', headers, body: form }));
  return { status: res.status, body: await res.json() };
}
