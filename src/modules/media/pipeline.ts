import { createHash } from 'node:crypto';
import type { MediaConfig } from '../../config.js';
import { BadInputError } from '../../core/errors.js';
import { acceptedFormat, decodeDataUri, formatName, tooLarge } from './formats.js';
import { BoundedQueue } from './queue.js';
import { AVATAR_SIZE, FLAG_BOX, PROFILES, type MediaPurpose, type UploadedFile } from './validation.js';

type Sharp = typeof import('sharp')['default'];

let loading: Promise<Sharp> | undefined;

/**
 * sharp (libvips) loads on the first image, not with the gateway: a gateway that never sees an
 * image never maps it. Its operation cache is off and each image uses one thread, so memory stays
 * what the images in flight need (the queue bounds how many).
 */
export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}

const queues = new WeakMap<MediaConfig, BoundedQueue>();

/** The decode queue of a configuration (one per gateway; tests make their own with a small limit). */
export function decodeQueue(config: MediaConfig): BoundedQueue {
  const queue = queues.get(config) ?? new BoundedQueue(config);
  queues.set(config, queue);
  return queue;
}

/** An image as the gateway stores it: re-encoded bytes, their sha-256 (hex) and what they are. */
export interface PreparedImage {
  hash: string;
  contentType: 'image/webp' | 'image/png';
  bytes: Uint8Array;
  width: number;
  height: number;
  size: number;
}

/** What arrives: a data URI (pronouns.cc), or the raw bytes of a multipart file. */
export type ImageSource = string | Uint8Array;

export interface PrepareOptions {
  /** Skins: the owner may have HD skins (larger multiples of 64×64 and 64×32). */
  hd?: boolean;
  /** Where problems are reported, relative to the action's input (default `['file']`). */
  path?: string[];
}

/** The bytes of an uploaded File, refused by its size before it is read when it is too large. */
export async function readUpload(file: UploadedFile, config: MediaConfig, path: string[] = ['file']): Promise<Uint8Array> {
  if (file.size > config.maxBytes) throw new BadInputError(tooLarge(file.size, config.maxBytes), [{ path, message: tooLarge(file.size, config.maxBytes) }]);
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * Decodes and re-encodes an image for `purpose` (validation.ts PROFILES). Checked in this order, each
 * a BAD_INPUT at `path`: size in bytes; format by content; then, from the header alone, pixels and the
 * profile's dimensions; only then is it decoded, in the bounded queue (RATE_LIMITED when full). A
 * corrupt or truncated image is BAD_INPUT too. Never returns the input bytes as they came.
 */
export function prepareImage(config: MediaConfig, source: ImageSource, purpose: MediaPurpose, opts: PrepareOptions = {}): Promise<PreparedImage> {
  const path = opts.path ?? ['file'];
  const refuse = (message: string) => new BadInputError(message, [{ path, message }]);
  try {
    const profile = PROFILES[purpose];
    const bytes = typeof source === 'string' ? decodeDataUri(source, config.maxBytes, path) : source;
    if (bytes.byteLength > config.maxBytes) throw refuse(tooLarge(bytes.byteLength, config.maxBytes));
    const format = acceptedFormat(bytes, profile.accepts, path);
    // Queued synchronously (in arrival order); the work below runs when a slot is free.
    return decodeQueue(config).run(() => transcode(config, bytes, format, purpose, opts.hd ?? false, refuse));
  } catch (error) {
    return Promise.reject(error);
  }
}

async function transcode(
  config: MediaConfig,
  bytes: Uint8Array,
  format: string,
  purpose: MediaPurpose,
  hd: boolean,
  refuse: (message: string) => BadInputError,
): Promise<PreparedImage> {
  const sharp = await loadSharp();
  // metadata() reads the header only; nothing is decoded until the size is known to be acceptable.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  if (!meta?.width || !meta.height) throw refuse(`The ${formatName(format)} image is corrupt or truncated`);
  if (meta.format !== format) throw refuse(`The image is not a valid ${formatName(format)} file`);
  const { width, height } = meta;
  if (width * height > config.maxPixels)
    throw refuse(`The image is ${width}×${height} pixels; at most ${config.maxPixels.toLocaleString('en')} pixels are accepted`);
  const dimensions = PROFILES[purpose].dimensionProblem(width, height, hd);
  if (dimensions) throw refuse(dimensions);

  // Decoding: warnings (a truncated scan, a bad CRC) fail it, and libvips checks the pixel limit again.
  const image = sharp(bytes, { limitInputPixels: config.maxPixels, failOn: 'warning', sequentialRead: true });
  let out: { data: Buffer; info: { width: number; height: number; size: number } };
  try {
    switch (purpose) {
      case 'avatar':
        out = await image.rotate().resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover' }).webp({ quality: 85 }).toBuffer({ resolveWithObject: true });
        break;
      case 'flag':
        out = await image
          .rotate()
          .resize(FLAG_BOX, FLAG_BOX, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 90 })
          .toBuffer({ resolveWithObject: true });
        break;
      default:
        // Textures are pixel art: no resizing, no orientation, no palette; RGBA so every pixel keeps its alpha.
        out = await image.ensureAlpha().png({ compressionLevel: 9, palette: false }).toBuffer({ resolveWithObject: true });
    }
  } catch {
    throw refuse(`The ${formatName(format)} image is corrupt or truncated`);
  }
  const output = PROFILES[purpose].output;
  return {
    hash: createHash('sha256').update(out.data).digest('hex'),
    contentType: output === 'webp' ? 'image/webp' : 'image/png',
    bytes: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength),
    width: out.info.width,
    height: out.info.height,
    size: out.data.byteLength,
  };
}
