import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { findUserById } from '../users/queries.js';
import { UserRef } from '../users/schema.js';
import { deleteSkin, selectSkin, updateSkin, uploadSkin } from './actions.js';
import { deleteCape, setDiscordLink, updateUserCapes, uploadCape } from './capes.js';
import { CapeRef, SkinRef } from './schema.js';

/** Present keys only: GraphQL null stays null (it clears), an absent key stays absent (unchanged). */
const given = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

const UploadSkinInput = builder.inputType('UploadSkinInput', {
  fields: (t) => ({
    owner: t.globalID({ for: UserRef, required: true }),
    file: t.field({ type: 'Upload', required: true, description: 'The texture (PNG): 64×64 or 64×32; larger multiples for owners who may have HD skins' }),
    name: t.string({ required: true }),
    slim: t.boolean({ description: 'Slim (3 px) arms; default false' }),
    cape: t.globalID({ for: CapeRef, description: 'A cape the owner has' }),
    select: t.boolean({ description: "Also make it the owner's selected skin; default false" }),
  }),
});
const UpdateSkinInput = builder.inputType('UpdateSkinInput', {
  description: 'Omitted fields are unchanged; cape: null takes the cape off.',
  fields: (t) => ({
    id: t.globalID({ for: SkinRef, required: true }),
    name: t.string(),
    slim: t.boolean(),
    disabled: t.boolean(),
    cape: t.globalID({ for: CapeRef, description: "A cape the skin's owner has (else FORBIDDEN); null: none" }),
  }),
});
const SkinIdInput = builder.inputType('DeleteSkinInput', { fields: (t) => ({ id: t.globalID({ for: SkinRef, required: true }) }) });
const SelectSkinInput = builder.inputType('SelectSkinInput', {
  fields: (t) => ({
    user: t.globalID({ for: UserRef, required: true }),
    skin: t.globalID({ for: SkinRef, description: 'One of the user’s skins; null: none' }),
  }),
});
const UploadCapeInput = builder.inputType('UploadCapeInput', {
  fields: (t) => ({
    file: t.field({ type: 'Upload', required: true, description: 'The texture (PNG): 64×32 or a multiple' }),
    name: t.string({ required: true }),
    owners: t.globalIDList({ for: UserRef, description: 'Users who get the cape' }),
  }),
});
const CapeIdInput = builder.inputType('DeleteCapeInput', { fields: (t) => ({ id: t.globalID({ for: CapeRef, required: true }) }) });
const UpdateUserCapesInput = builder.inputType('UpdateUserCapesInput', {
  description: 'Capes given and taken in one change; a cape taken also comes off the user’s skins.',
  fields: (t) => ({ user: t.globalID({ for: UserRef, required: true }), add: t.globalIDList({ for: CapeRef }), remove: t.globalIDList({ for: CapeRef }) }),
});
const DiscordInput = builder.inputType('DiscordLinkInput', {
  fields: (t) => ({ discordId: t.string({ required: true }), username: t.string({ required: true }), avatar: t.string() }),
});
const SetDiscordLinkInput = builder.inputType('SetDiscordLinkInput', {
  fields: (t) => ({ user: t.globalID({ for: UserRef, required: true }), discord: t.field({ type: DiscordInput, description: 'null unlinks' }) }),
});

const userOf = async (ctx: { database: { db: Parameters<typeof findUserById>[0] } }, id: bigint) => (await findUserById(ctx.database.db, id))!;

builder.mutationFields((t) => ({
  uploadSkin: t.field({
    type: SkinRef,
    description: 'Decodes, checks and stores a skin texture (lossless PNG, once by content) and adds it to the owner’s library. Audited.',
    authScopes: { scope: 'admin:skins:write' },
    errors: payload('UploadSkin', 'skin'),
    args: { input: t.arg({ type: UploadSkinInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      uploadSkin(actionContext(ctx), ctx.config.media, {
        ownerId: i.owner.id,
        file: i.file,
        name: i.name,
        slim: i.slim ?? undefined,
        capeId: i.cape?.id,
        select: i.select ?? undefined,
      }),
  }),
  updateSkin: t.field({
    type: SkinRef,
    description: 'Renames a skin, changes its model, disables it, or changes its cape (one its owner has). Audited when it changes anything.',
    authScopes: { scope: 'admin:skins:write' },
    errors: payload('UpdateSkin', 'skin'),
    args: { input: t.arg({ type: UpdateSkinInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      updateSkin(actionContext(ctx), {
        id: i.id.id,
        ...given({ name: i.name ?? undefined, slim: i.slim ?? undefined, disabled: i.disabled ?? undefined }),
        ...(i.cape === undefined ? {} : { capeId: i.cape?.id ?? null }),
      }),
  }),
  deleteSkin: t.field({
    type: SkinRef,
    description: 'Deletes a skin (and a selection of it); its texture goes when nothing else refers to it. Answers the skin as it was.',
    authScopes: { scope: 'admin:skins:write' },
    errors: payload('DeleteSkin', 'skin'),
    args: { input: t.arg({ type: SkinIdInput, required: true }) },
    resolve: (_r, { input }, ctx) => deleteSkin(actionContext(ctx), { id: input.id.id }),
  }),
  selectSkin: t.field({
    type: UserRef,
    description: 'Sets the skin a user wears (one of their own), or none.',
    authScopes: { scope: 'admin:skins:write' },
    errors: payload('SelectSkin', 'user'),
    args: { input: t.arg({ type: SelectSkinInput, required: true }) },
    resolve: async (_r, { input }, ctx) => userOf(ctx, await selectSkin(actionContext(ctx), { userId: input.user.id, skinId: input.skin?.id ?? null })),
  }),
  uploadCape: t.field({
    type: CapeRef,
    description: 'Decodes, checks and stores a cape texture (lossless PNG) and gives the cape to its owners, all in one change. Audited.',
    authScopes: { scope: 'admin:skins:write' },
    errors: payload('UploadCape', 'cape'),
    args: { input: t.arg({ type: UploadCapeInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      uploadCape(actionContext(ctx), ctx.config.media, { file: input.file, name: input.name, ownerIds: (input.owners ?? []).map((o) => o.id) }),
  }),
  deleteCape: t.field({
    type: CapeRef,
    description: 'Deletes a cape: its owners lose it, skins wearing it take it off, its texture goes when nothing refers to it.',
    authScopes: { scope: 'admin:skins:write' },
    errors: payload('DeleteCape', 'cape'),
    args: { input: t.arg({ type: CapeIdInput, required: true }) },
    resolve: (_r, { input }, ctx) => deleteCape(actionContext(ctx), { id: input.id.id }),
  }),
  updateUserCapes: t.field({
    type: UserRef,
    description: 'Gives and takes capes of one user in one change. Audited when it changes anything.',
    authScopes: { scope: 'admin:skins:write' },
    errors: payload('UpdateUserCapes', 'user'),
    args: { input: t.arg({ type: UpdateUserCapesInput, required: true }) },
    resolve: async (_r, { input }, ctx) =>
      userOf(
        ctx,
        await updateUserCapes(actionContext(ctx), {
          userId: input.user.id,
          add: (input.add ?? []).map((c) => c.id),
          remove: (input.remove ?? []).map((c) => c.id),
        }),
      ),
  }),
  setDiscordLink: t.field({
    type: UserRef,
    description: 'Links a user to a Discord account (one user per account), or unlinks with discord: null.',
    authScopes: { scope: 'admin:users:write' },
    errors: payload('SetDiscordLink', 'user'),
    args: { input: t.arg({ type: SetDiscordLinkInput, required: true }) },
    resolve: async (_r, { input }, ctx) => userOf(ctx, await setDiscordLink(actionContext(ctx), { userId: input.user.id, discord: input.discord ?? null })),
  }),
}));
