import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';

import { zodInput } from '../../graphql/inputs.js';
import { createInviteSchema, registerSchema } from './validation.js';
import { bigintKey, encodeId } from '../../graphql/ids.js';
import { loadUser, loadUsers } from '../users/loader.js';
import { UserRef } from '../users/schema.js';
import { createInvite, registerWithInvite, revokeInvite } from './actions.js';
import {
  findInviteByCode,
  findInvitePage,
  findInvitesByIds,
  INVITE_TYPES,
  inviteFilterTable,
  inviteList,
  inviteType,
  isValid,
  type InviteView,
} from './queries.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';

const InviteTypeEnum = builder.enumType('InviteType', { values: INVITE_TYPES, description: "Pleroma's invite types, following from maxUses and expiresAt" });

const InviteRef = builder.node(builder.objectRef<InviteView>('Invite'), {
  description: 'A registration invite (Litecord instance invite, Pleroma token, Liquid invite code).',
  authScopes: { scope: 'admin:invites:read' },
  id: { resolve: (i) => i.id.toString(), parse: bigintKey('Invite') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'code' in value && 'usedBy' in value,
  loadMany: async (keys, ctx) => {
    const found = await findInvitesByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    code: t.exposeString('code'),
    type: t.field({ type: InviteTypeEnum, resolve: (i) => inviteType(i) }),
    maxUses: t.exposeInt('maxUses', { nullable: true, description: 'Null: unlimited' }),
    uses: t.exposeInt('uses'),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => i.expiresAt }),
    valid: t.boolean({ description: 'Not revoked, not expired, uses left', resolve: (i) => isValid(i) }),
    revoked: t.boolean({ resolve: (i) => i.revokedAt !== null }),
    createdBy: t.field({
      type: UserRef,
      nullable: true,
      description: 'Who created it (the users of a page load in one statement)',
      resolve: (i, _args, ctx) => loadUser(ctx, i.createdBy),
    }),
    owner: t.field({
      type: UserRef,
      nullable: true,
      description: 'The user the code belongs to (Liquid)',
      resolve: (i, _args, ctx) => loadUser(ctx, i.ownerId),
    }),
    registeredUsers: t.field({
      type: [UserRef],
      description: 'Those who registered with it, in the order they did',
      resolve: (i, _args, ctx) => loadUsers(ctx, i.usedBy),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (i) => i.createdAt }),
  }),
});

const InviteFilter = filterInput('InviteFilter', inviteFilterTable, { nodes: { User: UserRef } });
const InviteOrderEnum = orderByEnum('InviteOrderBy', inviteList);

builder.queryFields((t) => ({
  invites: t.connection(
    {
      type: InviteRef,
      description: 'Newest first unless ordered otherwise.',
      authScopes: { scope: 'admin:invites:read' },
      args: { filter: t.arg({ type: InviteFilter }), orderBy: t.arg({ type: InviteOrderEnum, defaultValue: 'CREATED_AT_DESC' }) },
      resolve: (_root, args, ctx, info) => findInvitePage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'InviteConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Invites matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'InviteEdge' },
  ),
  invite: t.field({
    type: InviteRef,
    nullable: true,
    authScopes: { scope: 'admin:invites:read' },
    args: { code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => findInviteByCode(ctx.database.db, args.code),
  }),
}));

const CreateInviteInput = zodInput('CreateInviteInput', createInviteSchema.omit({ ownerId: true }), {
  fields: (t) => ({
    expiresAt: t.field({ type: 'DateTime' }),
    owner: t.globalID({ for: UserRef, description: 'The user the code belongs to (Liquid)' }),
  }),
});
const RevokeInviteInput = builder.inputType('RevokeInviteInput', { fields: (t) => ({ code: t.string({ required: true }), reason: t.string() }) });
const RegisterWithInviteInput = zodInput('RegisterWithInviteInput', registerSchema);

/** What a new account learns about itself: enough to sign in. */
const RegisteredAccount = builder.objectRef<{ id: string; username: string }>('RegisteredAccount').implement({
  authScopes: { public: true },
  fields: (t) => ({ id: t.id({ resolve: (u) => encodeId('User', u.id) }), username: t.exposeString('username') }),
});

builder.mutationFields((t) => ({
  createInvite: t.field({
    type: InviteRef,
    authScopes: { scope: 'admin:invites:write' },
    errors: payload('CreateInvite', 'invite'),
    args: { input: t.arg({ type: CreateInviteInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createInvite(actionContext(ctx), { ...input, ownerId: input.owner?.id ?? null }, { publicUrl: ctx.config.mail.publicUrl }),
  }),
  revokeInvite: t.field({
    type: InviteRef,
    authScopes: { scope: 'admin:invites:write' },
    errors: payload('RevokeInvite', 'invite'),
    args: { input: t.arg({ type: RevokeInviteInput, required: true }) },
    resolve: (_root, { input }, ctx) => revokeInvite(actionContext(ctx), input.code, input.reason ?? null),
  }),
  registerWithInvite: t.field({
    type: RegisteredAccount,
    description: 'Public: creates an account with an invite code (rate-limited per address).',
    authScopes: { public: true },
    errors: payload('RegisterWithInvite', 'account'),
    args: { input: t.arg({ type: RegisterWithInviteInput, required: true }) },
    resolve: (_root, { input }, ctx) => registerWithInvite(actionContext(ctx), input, ctx.ip),
  }),
}));
