import { BadInputError } from '../../core/errors.js';
import { batched } from '../../db/batch.js';
import { builder } from '../../graphql/builder.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';
import { MediaRef } from '../media/schema.js';
import { loadUser } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import {
  capeFilterTable,
  capeList,
  capesOfUsers,
  discordOfUsers,
  findCapePage,
  findCapesByIds,
  findSkinPage,
  findSkinsByIds,
  isTextureId,
  mediaInfosOf,
  selectedSkinsOfUsers,
  skinFilterTable,
  skinList,
  skinsOfUsers,
  type CapeView,
  type DiscordView,
  type SkinView,
} from './queries.js';

/** The key of a Skin or Cape global ID: a UUID (lower case), else BAD_INPUT. */
export const uuidKey = (typename: string) => (id: string) => {
  if (!isTextureId(id)) throw new BadInputError(`id: not a ${typename} ID`, [{ path: ['id'], message: `not a ${typename} ID` }]);
  return id.toLowerCase();
};

const texture = (hash: string, ctx: Parameters<typeof batched>[0]) => batched(ctx, 'skins.texture', hash, mediaInfosOf);

export const CapeRef = builder.node(builder.objectRef<CapeView>('Cape'), {
  description: 'A Minecraft cape (CookieCMS cloaks_lib): a name and a 64×32 (or larger multiple) PNG texture.',
  // Read as one of a user's capes, that user may see it; otherwise it takes admin:skins:read.
  authScopes: (c) => (c.heldBy ? { scope: 'admin:skins:read', self: c.heldBy.toString() } : { scope: 'admin:skins:read' }),
  id: { resolve: (c) => c.id, parse: uuidKey('Cape') },
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'textureHash' in v && !('ownerId' in v),
  loadMany: async (keys, ctx) => {
    const found = await findCapesByIds(ctx.database.db, keys);
    return keys.map((k) => found.get(k) ?? null);
  },
  fields: (t) => ({
    uuid: t.exposeString('id', { description: 'The cape id as CookieCMS shows it' }),
    name: t.exposeString('name'),
    texture: t.field({ type: MediaRef, nullable: true, resolve: (c, _a, ctx) => texture(c.textureHash, ctx) }),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
  }),
});

export const SkinRef = builder.node(builder.objectRef<SkinView>('Skin'), {
  description: 'A Minecraft skin in the library (CookieCMS skins_library): a PNG texture owned by a user.',
  authScopes: (s) => ({ scope: 'admin:skins:read', self: s.ownerId.toString() }),
  id: { resolve: (s) => s.id, parse: uuidKey('Skin') },
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'textureHash' in v && 'ownerId' in v,
  loadMany: async (keys, ctx) => {
    const found = await findSkinsByIds(ctx.database.db, keys);
    return keys.map((k) => found.get(k) ?? null);
  },
  fields: (t) => ({
    uuid: t.exposeString('id', { description: 'The skin id as CookieCMS shows it (and its render URLs use)' }),
    name: t.exposeString('name'),
    owner: t.field({ type: UserRef, nullable: true, resolve: (s, _a, ctx) => loadUser(ctx, s.ownerId) }),
    slim: t.exposeBoolean('slim', { description: 'Slim (3 px) arms' }),
    hd: t.exposeBoolean('hd', { description: 'Larger than 64 px wide (follows the texture)' }),
    disabled: t.exposeBoolean('disabled', { description: 'Not served: its renders answer 404' }),
    cape: t.field({
      type: CapeRef,
      nullable: true,
      description: 'The cape it wears (one its owner has)',
      resolve: async (s, _a, ctx) => {
        if (!s.capeId) return null;
        const cape = await batched(ctx, 'skins.cape', s.capeId, findCapesByIds);
        return cape ? { ...cape, heldBy: s.ownerId } : null;
      },
    }),
    texture: t.field({ type: MediaRef, nullable: true, resolve: (s, _a, ctx) => texture(s.textureHash, ctx) }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
  }),
});

export const DiscordLinkRef = builder.objectRef<DiscordView>('DiscordLink').implement({
  description: "A user's linked Discord account (CookieCMS users.dsid → discord). Avatar URL: https://cdn.discordapp.com/avatars/<discordId>/<avatar>.png",
  authScopes: { public: true },
  fields: (t) => ({
    discordId: t.exposeString('discordId', { description: 'The Discord user id (a snowflake)' }),
    username: t.exposeString('username'),
    avatar: t.exposeString('avatar', { nullable: true, description: 'The avatar hash' }),
    linkedAt: t.field({ type: 'DateTime', resolve: (d) => d.linkedAt }),
  }),
});

const SkinFilter = filterInput('SkinFilter', skinFilterTable, { nodes: { User: UserRef } });
const CapeFilter = filterInput('CapeFilter', capeFilterTable);

builder.queryFields((t) => ({
  skins: t.connection(
    {
      type: SkinRef,
      description: 'The skins library, oldest first unless ordered otherwise.',
      authScopes: { scope: 'admin:skins:read' },
      args: { filter: t.arg({ type: SkinFilter }), orderBy: t.arg({ type: orderByEnum('SkinOrderBy', skinList), defaultValue: 'CREATED_AT_ASC' }) },
      resolve: (_root, args, ctx, info) => findSkinPage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'SkinConnection',
      fields: (c) => ({
        totalCount: c.int({ description: 'Skins matching the filter (every page)', resolve: (x) => x.totalCount ?? 0 }),
        count: countField(c),
      }),
    },
    { name: 'SkinEdge' },
  ),
  capes: t.connection(
    {
      type: CapeRef,
      description: 'Every cape, oldest first unless ordered otherwise.',
      authScopes: { scope: 'admin:skins:read' },
      args: { filter: t.arg({ type: CapeFilter }), orderBy: t.arg({ type: orderByEnum('CapeOrderBy', capeList), defaultValue: 'CREATED_AT_ASC' }) },
      resolve: (_root, args, ctx, info) => findCapePage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'CapeConnection',
      fields: (c) => ({
        totalCount: c.int({ description: 'Capes matching the filter (every page)', resolve: (x) => x.totalCount ?? 0 }),
        count: countField(c),
      }),
    },
    { name: 'CapeEdge' },
  ),
}));

// User.skins, .capes, .selectedSkin, .discord: loaded with the users that carry them (queries.ts
// registers the loaders); users that came without them load theirs in one statement per level.
const carried = <V>(u: object, name: string): V | undefined => (u as Record<string, V | undefined>)[name];

builder.objectFields(UserRef, (t) => ({
  skins: t.field({
    type: [SkinRef],
    description: "The user's skins in the library (CookieCMS keeps a handful per user), oldest first",
    authScopes: (u) => ({ scope: 'admin:skins:read', self: u.id }),
    resolve: (u, _a, ctx) => carried<SkinView[]>(u, 'skins') ?? batched(ctx, 'user.skins', u.id, skinsOfUsers).then((s) => s ?? []),
  }),
  capes: t.field({
    type: [CapeRef],
    description: 'The capes the user owns, in the order they were given',
    authScopes: (u) => ({ scope: 'admin:skins:read', self: u.id }),
    resolve: (u, _a, ctx) => carried<CapeView[]>(u, 'capes') ?? batched(ctx, 'user.capes', u.id, capesOfUsers).then((c) => c ?? []),
  }),
  selectedSkin: t.field({
    type: SkinRef,
    nullable: true,
    description: 'The skin the user wears; its cape is the selected cape',
    authScopes: (u) => ({ scope: 'admin:skins:read', self: u.id }),
    resolve: (u, _a, ctx) => {
      const held = carried<SkinView | null>(u, 'selectedSkin');
      return held !== undefined ? held : batched(ctx, 'user.selectedSkin', u.id, selectedSkinsOfUsers);
    },
  }),
  discord: t.field({
    type: DiscordLinkRef,
    nullable: true,
    description: 'The linked Discord account, if any',
    authScopes: (u) => ({ scope: 'admin:users:read', self: u.id }),
    resolve: (u, _a, ctx) => {
      const held = carried<DiscordView | null>(u, 'discord');
      return held !== undefined ? held : batched(ctx, 'user.discord', u.id, discordOfUsers);
    },
  }),
}));
