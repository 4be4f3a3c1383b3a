import { GraphQLError } from 'graphql';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { zodInput } from '../../graphql/inputs.js';
import { omitNulls } from '../../core/objects.js';
import { uploadImage } from './actions.js';
import { mediaUrl, type MediaInfo } from './queries.js';
import { isUploadedFile, MAX_TEXTURE_SCALE, type PURPOSES, uploadImageSchema } from './validation.js';

builder.scalarType('Upload', {
  description:
    'A file sent as a part of a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec, as graphql-yoga reads it). Input only.',
  serialize: () => {
    throw new GraphQLError('Upload is an input-only scalar');
  },
  parseValue: (value) => {
    if (isUploadedFile(value)) return value;
    throw new GraphQLError('Upload must be a file part of a multipart request');
  },
});

const PurposeEnum = builder.enumType('MediaPurpose', {
  description: 'What an image is for; each purpose has one profile (README "Media").',
  values: {
    AVATAR: { value: 'avatar', description: '512×512 WebP, cropped to cover (PNG, JPEG or WebP in)' },
    FLAG: { value: 'flag', description: 'WebP within 256×256, never enlarged (PNG, JPEG or WebP in)' },
    SKIN: { value: 'skin', description: `Lossless PNG, 64×64 or 64×32 (multiples up to ${MAX_TEXTURE_SCALE}× with hd; PNG in)` },
    CAPE: { value: 'cape', description: `Lossless PNG, 64×32 or a multiple up to ${MAX_TEXTURE_SCALE}× (PNG in)` },
  } as const satisfies Record<string, { value: (typeof PURPOSES)[number]; description: string }>,
});

export const MediaRef = builder.objectRef<MediaInfo>('Media').implement({
  description: 'A stored image: re-encoded by the gateway, kept once per content, served at `url` (public, immutable).',
  authScopes: { public: true },
  fields: (t) => ({
    hash: t.exposeString('hash', { description: 'sha-256 (hex) of the stored bytes; the ETag it is served with' }),
    url: t.string({ resolve: (m, _args, ctx) => mediaUrl(ctx.config.media.baseUrl, m) }),
    contentType: t.exposeString('contentType'),
    width: t.exposeInt('width'),
    height: t.exposeInt('height'),
    size: t.exposeInt('size', { description: 'Bytes stored' }),
    refCount: t.exposeInt('refCount', { description: 'Rows referring to it; 0 for an upload nothing has claimed yet' }),
    createdAt: t.field({ type: 'DateTime', resolve: (m) => m.createdAt }),
  }),
});

const UploadImageInput = zodInput('UploadImageInput', uploadImageSchema, {
  description: 'Exactly one of file (multipart) and dataUri.',
  fields: (t) => ({
    file: t.field({ type: 'Upload', description: 'The image as a file part of a GraphQL multipart request' }),
    purpose: t.field({ type: PurposeEnum, required: true }),
  }),
});

builder.mutationField('uploadImage', (t) =>
  t.field({
    type: MediaRef,
    description:
      'Decodes, checks and re-encodes an image for its purpose and stores it once by content; answers its hash and URL. Nothing refers to it yet: unclaimed uploads are removed after MEDIA_UNCLAIMED_TTL.',
    authScopes: { scope: 'admin:media:write' },
    errors: payload('UploadImage', 'media'),
    args: { input: t.arg({ type: UploadImageInput, required: true }) },
    resolve: (_root, { input: { purpose, ...rest } }, ctx) => uploadImage(actionContext(ctx), ctx.config.media, { purpose, ...omitNulls(rest) }),
  }),
);
