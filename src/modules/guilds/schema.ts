import { omitNulls } from '../../core/objects.js';
import { batched } from '../../db/batch.js';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { bigintKey } from '../../graphql/ids.js';
import { zodInput } from '../../graphql/inputs.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';
import { loadUser } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import { findRegionsByIds } from '../voice/queries.js';
import { VoiceRegionRef } from '../voice/schema.js';
import { createGuild, deleteGuild, updateGuild } from './actions.js';
import { editGuildFeatures } from './features.js';
import { findGuildPage, findGuildsByIds, guildFilterTable, guildList, type GuildRow } from './queries.js';
import { GUILD_FEATURES, type GuildFeature } from './table.js';
import { createGuildSchema, updateGuildSchema, type FeatureOperation } from './validation.js';

const FeatureEnum = builder.enumType('GuildFeature', { values: GUILD_FEATURES, description: "Litecord's guild features (a closed set)" });

export const GuildRef = builder.node(builder.objectRef<GuildRow>('Guild'), {
  description: 'A Litecord guild. Its key is the snowflake Litecord clients see as the guild id.',
  authScopes: { scope: 'admin:guilds:read' },
  id: { resolve: (g) => g.id.toString(), parse: bigintKey('Guild') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'features' in value && 'vanityCode' in value,
  loadMany: async (keys, ctx) => {
    const found = await findGuildsByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    snowflake: t.string({ description: 'The id Litecord clients see (a 64-bit integer, as a string)', resolve: (g) => g.id.toString() }),
    name: t.exposeString('name'),
    owner: t.field({
      type: UserRef,
      nullable: true,
      description: 'The owner (the users of a page load in one statement)',
      resolve: (g, _args, ctx) => loadUser(ctx, g.ownerId),
    }),
    icon: t.exposeString('icon', { nullable: true, description: "The icon's image hash" }),
    regionKey: t.exposeString('region', { nullable: true, description: "The voice region's Litecord id; null without one" }),
    region: t.field({
      type: VoiceRegionRef,
      nullable: true,
      description: 'The voice region (needs admin:voice:read); the regions of a page load in one statement',
      resolve: (g, _args, ctx) => (g.region === null ? null : batched(ctx, 'voiceRegion', g.region, async (db, keys) => findRegionsByIds(db, keys))),
    }),
    features: t.field({ type: [FeatureEnum], resolve: (g) => g.features as GuildFeature[] }),
    unavailable: t.exposeBoolean('unavailable'),
    vanityCode: t.exposeString('vanityCode', { nullable: true, description: 'The vanity invite code (only with VANITY_URL)' }),
    createdAt: t.field({ type: 'DateTime', resolve: (g) => g.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (g) => g.updatedAt }),
  }),
});

const GuildFilter = filterInput('GuildFilter', guildFilterTable, { nodes: { User: UserRef }, inputs: { feature: FeatureEnum, region: 'String' } });
const GuildOrderEnum = orderByEnum('GuildOrderBy', guildList);

builder.queryFields((t) => ({
  guilds: t.connection(
    {
      type: GuildRef,
      description: 'By id (snowflakes: oldest first) unless ordered otherwise.',
      authScopes: { scope: 'admin:guilds:read' },
      args: { filter: t.arg({ type: GuildFilter }), orderBy: t.arg({ type: GuildOrderEnum, defaultValue: 'ID_ASC' }) },
      resolve: (_root, args, ctx, info) => findGuildPage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'GuildConnection',
      fields: (c) => ({
        totalCount: c.int({ description: 'Guilds matching the filter (every page)', resolve: (x) => x.totalCount ?? 0 }),
        count: countField(c),
      }),
    },
    { name: 'GuildEdge' },
  ),
  guild: t.field({
    type: GuildRef,
    nullable: true,
    description: 'A guild by its global ID; null when there is none.',
    authScopes: { scope: 'admin:guilds:read' },
    args: { id: t.arg.globalID({ for: GuildRef, required: true }) },
    resolve: async (_root, { id }, ctx) => (await findGuildsByIds(ctx.database.db, [id.id])).get(id.id) ?? null,
  }),
}));

const CreateGuildInput = zodInput('CreateGuildInput', createGuildSchema, {
  fields: (t) => ({ owner: t.globalID({ for: UserRef, required: true }), features: t.field({ type: [FeatureEnum] }) }),
});
const UpdateGuildInput = zodInput('UpdateGuildInput', updateGuildSchema, {
  fields: (t) => ({ id: t.globalID({ for: GuildRef, required: true }), owner: t.globalID({ for: UserRef, description: 'A new owner' }) }),
});
const DeleteGuildInput = builder.inputType('DeleteGuildInput', {
  fields: (t) => ({ id: t.globalID({ for: GuildRef, required: true }), reason: t.string() }),
});
const featuresInput = (name: string) =>
  builder.inputType(name, {
    fields: (t) => ({ id: t.globalID({ for: GuildRef, required: true }), features: t.field({ type: [FeatureEnum], required: true }) }),
  });

builder.mutationFields((t) => {
  const features = (name: string, operation: FeatureOperation, description: string) =>
    t.field({
      type: GuildRef,
      description,
      authScopes: { scope: 'admin:guilds:write' },
      errors: payload(name, 'guild'),
      args: { input: t.arg({ type: featuresInput(`${name}Input`), required: true }) },
      resolve: (_root, { input }, ctx) => editGuildFeatures(actionContext(ctx), input.id.id, operation, input.features),
    });
  return {
    createGuild: t.field({
      type: GuildRef,
      authScopes: { scope: 'admin:guilds:write' },
      errors: payload('CreateGuild', 'guild'),
      args: { input: t.arg({ type: CreateGuildInput, required: true }) },
      resolve: (_root, { input: { owner, features: list, unavailable, ...rest } }, ctx) =>
        createGuild(actionContext(ctx), owner.id, { ...rest, ...omitNulls({ unavailable }), features: list ?? [] }),
    }),
    updateGuild: t.field({
      type: GuildRef,
      description: 'Omitted fields stay; null clears icon, region and vanityCode (null name, unavailable or owner: unchanged).',
      authScopes: { scope: 'admin:guilds:write' },
      errors: payload('UpdateGuild', 'guild'),
      args: { input: t.arg({ type: UpdateGuildInput, required: true }) },
      resolve: (_root, { input: { id, owner, name, unavailable, ...rest } }, ctx) =>
        updateGuild(actionContext(ctx), id.id, { ...rest, ...omitNulls({ name, unavailable }), ownerId: owner?.id }),
    }),
    deleteGuild: t.field({
      type: GuildRef,
      description: 'Deletes the guild for good (Litecord has no soft delete of guilds).',
      authScopes: { scope: 'admin:guilds:write' },
      errors: payload('DeleteGuild', 'guild'),
      args: { input: t.arg({ type: DeleteGuildInput, required: true }) },
      resolve: (_root, { input }, ctx) => deleteGuild(actionContext(ctx), input.id.id, input.reason ?? null),
    }),
    replaceGuildFeatures: features('ReplaceGuildFeatures', 'REPLACE', 'Sets the guild features to exactly these (repeats dropped).'),
    addGuildFeatures: features('AddGuildFeatures', 'ADD', 'Adds features; parallel additions all count.'),
    removeGuildFeatures: features(
      'RemoveGuildFeatures',
      'REMOVE',
      'Removes features; one the guild lacks is a BadInputError. Without VANITY_URL the vanity code goes.',
    ),
  };
});
