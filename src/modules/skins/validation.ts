import { z } from 'zod';
import { isUploadedFile, type UploadedFile } from '../media/validation.js';

const name = z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters');
const file = z.custom<UploadedFile>(isUploadedFile, 'expected a file');
const id = z.uuid('not a valid id');
/** Capes given or taken at once (the panels send a list). */
const MAX_CAPES = 100;

/** uploadSkin: a PNG texture for one owner (HD only when the owner may have HD skins). */
export const uploadSkinSchema = z.object({
  ownerId: z.bigint(),
  file: file.describe('The texture (PNG) as a file part of a GraphQL multipart request'),
  name: name.describe('Shown in the skins library'),
  slim: z.boolean().default(false).describe('Slim (3 px) arms, the "Alex" model'),
  capeId: id.nullable().optional().describe('A cape the owner has; null or absent: none'),
  select: z.boolean().default(false).describe("Also make it the owner's selected skin"),
});

/** updateSkin: omitted keys unchanged; capeId null takes the cape off. */
export const updateSkinSchema = z.object({
  id,
  name: name.optional(),
  slim: z.boolean().optional(),
  disabled: z.boolean().optional().describe('A disabled skin is not served (renders answer 404)'),
  capeId: id.nullable().optional().describe("A cape the skin's owner has; null takes it off"),
});

export const deleteSkinSchema = z.object({ id });

/** selectSkin: one of the user's own skins, or null for none. */
export const selectSkinSchema = z.object({ userId: z.bigint(), skinId: id.nullable() });

/** uploadCape: a PNG texture, its name, and the users who get it. */
export const uploadCapeSchema = z.object({
  file: file.describe('The texture (PNG) as a file part of a GraphQL multipart request'),
  name,
  ownerIds: z.array(z.bigint()).max(1000, 'at most 1000 owners').default([]),
});

export const deleteCapeSchema = z.object({ id });

/** updateUserCapes: capes given and taken in one change (both may be given; a cape in both is refused). */
export const updateUserCapesSchema = z
  .object({
    userId: z.bigint(),
    add: z.array(id).max(MAX_CAPES).default([]),
    remove: z.array(id).max(MAX_CAPES).default([]),
  })
  .refine((v) => !v.add.some((c) => v.remove.includes(c)), { message: 'a cape cannot be both added and removed', path: ['remove'] });

/** Discord ids are snowflakes; avatars are hashes (optionally a_ for animated ones). */
export const discordLinkSchema = z.object({
  discordId: z.string().regex(/^\d{1,20}$/, 'a Discord user id (digits)'),
  username: z.string().trim().min(1).max(64),
  avatar: z
    .string()
    .regex(/^(a_)?[0-9a-f]{32}$/, 'a Discord avatar hash')
    .nullable()
    .optional(),
});

/** setDiscordLink: link a user to a Discord account, or unlink (discord null). */
export const setDiscordLinkSchema = z.object({ userId: z.bigint(), discord: discordLinkSchema.nullable() });
