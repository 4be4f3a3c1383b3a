import { BadInputError } from '../../core/errors.js';
import type { InputFormat } from './validation.js';

/** What the first bytes of a file say it is (magic numbers); `null` when nothing known. */
export type Sniffed = InputFormat | 'svg' | 'gif' | 'avif/heif' | 'tiff' | 'bmp' | 'ico' | 'gzip' | 'pdf' | null;

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

export function sniff(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif';
  if (ascii(bytes, 4, 8) === 'ftyp') return 'avif/heif';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'ico';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'pdf';
  // SVG is text: an optional BOM and white space, then markup with an <svg element near the start.
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<') && /<svg[\s>/]/i.test(head)) return 'svg';
  return null;
}

const NAMES: Record<string, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', gif: 'GIF', 'avif/heif': 'AVIF/HEIF', tiff: 'TIFF', bmp: 'BMP', ico: 'ICO' };
export const formatName = (format: string) => NAMES[format] ?? format.toUpperCase();

/**
 * The format of `bytes` if `accepts` takes it, judged by content; else BAD_INPUT at `path` naming
 * why (SVG is refused explicitly: libvips would render it, scripts and external references included).
 */
export function acceptedFormat(bytes: Uint8Array, accepts: readonly InputFormat[], path: string[]): InputFormat {
  const found = sniff(bytes);
  const names = accepts.map(formatName);
  const wanted = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0];
  const refuse = (message: string) => new BadInputError(message, [{ path, message }]);
  if (found === 'svg') throw refuse(`SVG images are not accepted; send ${wanted}`);
  if (found === null) throw refuse(`Not an image the gateway reads; send ${wanted} (judged by the file's content)`);
  if (!accepts.includes(found as InputFormat)) throw refuse(`${formatName(found)} images are not accepted here; send ${wanted}`);
  return found as InputFormat;
}

const DATA_URI = /^data:(image\/[A-Za-z0-9.+-]+)(;[A-Za-z0-9=.+-]+)*;base64,/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes of a `data:image/…;base64,…` URI (pronouns.cc sends avatars and flags so). The declared
 * type is not believed (the content decides); the size is checked on the text, before decoding.
 */
export function decodeDataUri(value: string, maxBytes: number, path: string[]): Uint8Array {
  const refuse = (message: string) => new BadInputError(message, [{ path, message }]);
  const match = DATA_URI.exec(value);
  if (!match) throw refuse('Expected a data:image/…;base64,… URI');
  const payload = value.slice(match[0].length);
  if (payload.length % 4 === 1 || !BASE64.test(payload)) throw refuse('The data URI is not valid base64');
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  const size = Math.floor((payload.length * 3) / 4) - padding;
  if (size > maxBytes) throw refuse(tooLarge(size, maxBytes));
  if (size === 0) throw refuse('The image is empty');
  return Buffer.from(payload, 'base64');
}

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB`;
export const tooLarge = (size: number, maxBytes: number) => `The image is ${mb(size)}; at most ${mb(maxBytes)} is accepted`;
