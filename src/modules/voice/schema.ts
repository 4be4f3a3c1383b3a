import { BadInputError } from '../../core/errors.js';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { bigintKey } from '../../graphql/ids.js';
import { zodInput } from '../../graphql/inputs.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';
import { addVoiceServer, createVoiceRegion, deprecateVoiceRegion } from './actions.js';
import {
  findRegionPage,
  findRegionsByIds,
  findServerPage,
  findServersByIds,
  voiceRegionFilterTable,
  voiceRegionList,
  voiceServerFilterTable,
  voiceServerList,
  type VoiceRegionRow,
  type VoiceServerRow,
} from './queries.js';
import { addVoiceServerSchema, createVoiceRegionSchema } from './validation.js';

/** A region's key is its Litecord id (text): at most 255 characters, none of them NUL. */
const regionKey = (id: string): string => {
  if (id.length === 0 || id.length > 255 || id.includes('\u0000'))
    throw new BadInputError('id: not a VoiceRegion ID', [{ path: ['id'], message: 'not a VoiceRegion ID' }]);
  return id;
};

export const VoiceServerRef = builder.node(builder.objectRef<VoiceServerRow>('VoiceServer'), {
  description: 'A voice server of a region (Litecord LVSP). Its hostname is unique over every region.',
  authScopes: { scope: 'admin:voice:read' },
  id: { resolve: (s) => s.id.toString(), parse: bigintKey('VoiceServer') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'hostname' in value && 'lastHealth' in value,
  loadMany: async (keys, ctx) => {
    const found = await findServersByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    hostname: t.exposeString('hostname'),
    lastHealth: t.exposeFloat('lastHealth', { description: 'From 0 to 1; 0.5 until the server reports' }),
    regionId: t.exposeString('regionId', { description: "The region's Litecord id" }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
  }),
});

const ServerFilter = filterInput('VoiceServerFilter', voiceServerFilterTable);
const ServerOrderEnum = orderByEnum('VoiceServerOrderBy', voiceServerList);

export const VoiceRegionRef = builder.node(builder.objectRef<VoiceRegionRow>('VoiceRegion'), {
  description: 'A Litecord voice region. Its global ID is keyed by its Litecord id (lower case, e.g. "brazil").',
  authScopes: { scope: 'admin:voice:read' },
  id: { resolve: (r) => r.id, parse: regionKey },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'vip' in value && 'deprecated' in value,
  loadMany: async (keys, ctx) => {
    const found = await findRegionsByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    key: t.string({ description: 'The Litecord id ("brazil", "us-east")', resolve: (r) => r.id }),
    name: t.exposeString('name'),
    vip: t.exposeBoolean('vip', { description: 'Only guilds with VIP_REGIONS may use it' }),
    deprecated: t.exposeBoolean('deprecated', { description: 'No guild uses it any more (it is still listed)' }),
    custom: t.exposeBoolean('custom'),
    createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    servers: t.connection(
      {
        type: VoiceServerRef,
        description: 'Oldest first unless ordered otherwise.',
        args: { filter: t.arg({ type: ServerFilter }), orderBy: t.arg({ type: ServerOrderEnum, defaultValue: 'ID_ASC' }) },
        resolve: (r, args, ctx, info) => findServerPage(ctx.database.db, r.id, args, listWants(info)),
      },
      {
        name: 'VoiceServerConnection',
        fields: (c) => ({
          totalCount: c.int({ description: 'Servers matching the filter (every page)', resolve: (x) => x.totalCount ?? 0 }),
          count: countField(c),
        }),
      },
      { name: 'VoiceServerEdge' },
    ),
  }),
});

const RegionFilter = filterInput('VoiceRegionFilter', voiceRegionFilterTable);
const RegionOrderEnum = orderByEnum('VoiceRegionOrderBy', voiceRegionList);

builder.queryFields((t) => ({
  voiceRegions: t.connection(
    {
      type: VoiceRegionRef,
      description: 'By id unless ordered otherwise; deprecated regions are listed too.',
      authScopes: { scope: 'admin:voice:read' },
      args: { filter: t.arg({ type: RegionFilter }), orderBy: t.arg({ type: RegionOrderEnum, defaultValue: 'ID_ASC' }) },
      resolve: (_root, args, ctx, info) => findRegionPage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'VoiceRegionConnection',
      fields: (c) => ({
        totalCount: c.int({ description: 'Regions matching the filter (every page)', resolve: (x) => x.totalCount ?? 0 }),
        count: countField(c),
      }),
    },
    { name: 'VoiceRegionEdge' },
  ),
  voiceRegion: t.field({
    type: VoiceRegionRef,
    nullable: true,
    description: 'A region by its Litecord id (lowercased before the lookup); null when there is none.',
    authScopes: { scope: 'admin:voice:read' },
    args: { key: t.arg.string({ required: true }) },
    resolve: async (_root, { key }, ctx) => {
      const id = key.toLowerCase();
      if (id.length > 255 || id.includes('\u0000')) return null;
      return (await findRegionsByIds(ctx.database.db, [id])).get(id) ?? null;
    },
  }),
}));

const CreateVoiceRegionInput = zodInput('CreateVoiceRegionInput', createVoiceRegionSchema);
const AddVoiceServerInput = zodInput('AddVoiceServerInput', addVoiceServerSchema);
const DeprecateVoiceRegionInput = builder.inputType('DeprecateVoiceRegionInput', {
  fields: (t) => ({ key: t.string({ required: true, description: 'The Litecord id of the region' }) }),
});

builder.mutationFields((t) => ({
  createVoiceRegion: t.field({
    type: VoiceRegionRef,
    description: 'Creates a region (id lowercased; a taken id is a ConflictError). The first region becomes the region of every guild without one.',
    authScopes: { scope: 'admin:voice:write' },
    errors: payload('CreateVoiceRegion', 'region'),
    args: { input: t.arg({ type: CreateVoiceRegionInput, required: true }) },
    resolve: (_root, { input }, ctx) => createVoiceRegion(actionContext(ctx), input),
  }),
  addVoiceServer: t.field({
    type: VoiceServerRef,
    description: 'Adds a server to a region (a taken hostname is a ConflictError).',
    authScopes: { scope: 'admin:voice:write' },
    errors: payload('AddVoiceServer', 'server'),
    args: { input: t.arg({ type: AddVoiceServerInput, required: true }) },
    resolve: (_root, { input }, ctx) => addVoiceServer(actionContext(ctx), input),
  }),
  deprecateVoiceRegion: t.field({
    type: VoiceRegionRef,
    description: 'Every guild using the region loses it (an adminEvents GUILD_UPDATE each), then the region is marked deprecated; one transaction.',
    authScopes: { scope: 'admin:voice:write' },
    errors: payload('DeprecateVoiceRegion', 'region'),
    args: { input: t.arg({ type: DeprecateVoiceRegionInput, required: true }) },
    resolve: (_root, { input }, ctx) => deprecateVoiceRegion(actionContext(ctx), input.key),
  }),
}));
