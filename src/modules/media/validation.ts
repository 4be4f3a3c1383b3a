import { z } from 'zod';

/** What an image is for: a closed set, each with one profile below. */
export const PURPOSES = ['avatar', 'flag', 'skin', 'cape'] as const;
export type MediaPurpose = (typeof PURPOSES)[number];

/** Formats accepted in, judged by content (magic bytes), never by a declared type or file name. */
export type InputFormat = 'png' | 'jpeg' | 'webp';

export interface Profile {
  /** Formats this purpose accepts. */
  accepts: readonly InputFormat[];
  /** What is stored. */
  output: 'webp' | 'png';
  /** Why the image's size does not fit (checked on the header, before decoding), or null. */
  dimensionProblem: (width: number, height: number, hd: boolean) => string | null;
}

/** Largest multiple of the base texture size a skin or cape may be (1024×1024 for a skin). */
export const MAX_TEXTURE_SCALE = 16;

/** `k` when width × height is k·baseW × k·baseH for an integer k in 1..MAX_TEXTURE_SCALE. */
const scaleOf = (width: number, height: number, baseW: number, baseH: number): number | null => {
  const k = width / baseW;
  return Number.isInteger(k) && k >= 1 && k <= MAX_TEXTURE_SCALE && height === k * baseH ? k : null;
};

export const PROFILES: Record<MediaPurpose, Profile> = {
  // pronouns.cc: avatars 512×512 WebP, cropped to cover; flags WebP within 256×256.
  avatar: { accepts: ['png', 'jpeg', 'webp'], output: 'webp', dimensionProblem: () => null },
  flag: { accepts: ['png', 'jpeg', 'webp'], output: 'webp', dimensionProblem: () => null },
  // Minecraft textures stay lossless PNG, pixel for pixel.
  skin: {
    accepts: ['png'],
    output: 'png',
    dimensionProblem: (w, h, hd) => {
      const k = scaleOf(w, h, 64, 64) ?? scaleOf(w, h, 64, 32);
      if (k === 1) return null;
      if (k !== null && hd) return null;
      if (k !== null) return `A skin is 64×64 or 64×32 (this one is ${w}×${h}); larger multiples need an owner who may have HD skins`;
      return `A skin is 64×64 or 64×32${hd ? ' or a multiple of them' : ''} (this one is ${w}×${h})`;
    },
  },
  cape: {
    accepts: ['png'],
    output: 'png',
    dimensionProblem: (w, h) =>
      scaleOf(w, h, 64, 32) !== null
        ? null
        : `A cape is 64×32 or a multiple of it up to ${64 * MAX_TEXTURE_SCALE}×${32 * MAX_TEXTURE_SCALE} (this one is ${w}×${h})`,
  },
};

/** What the avatar and flag profiles make (pixels). */
export const AVATAR_SIZE = 512;
export const FLAG_BOX = 256;

/**
 * A file from a multipart request. yoga hands over its fetch implementation's File (not always the
 * global class), so a file is recognised by what it can do.
 */
export interface UploadedFile {
  readonly name: string;
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as UploadedFile).arrayBuffer === 'function' &&
  typeof (value as UploadedFile).size === 'number' &&
  typeof (value as UploadedFile).name === 'string';

/** uploadImage: one image, as a multipart file or as a data URI (exactly one), for one purpose. */
export const uploadImageSchema = z
  .object({
    file: z.custom<UploadedFile>(isUploadedFile, 'expected a file').optional().describe('The image as a file part of a GraphQL multipart request'),
    dataUri: z.string().optional().describe('The image as a data:image/…;base64,… URI (as pronouns.cc sends it)'),
    purpose: z.enum(PURPOSES),
    hd: z.boolean().optional().describe('Skins: the owner may have HD skins (multiples of 64×64 / 64×32 up to 16×)'),
  })
  .refine((v) => (v.file === undefined) !== (v.dataUri === undefined), { message: 'give exactly one of file and dataUri', path: ['file'] });
