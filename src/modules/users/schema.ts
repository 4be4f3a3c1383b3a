import type { InputFieldMap } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { type InputFieldBuilder, zodInput } from '../../graphql/inputs.js';
import { createUserSchema, updateUserSchema } from './validation.js';
import { childFields, selectedAt, type SelectionMap } from '../../graphql/selection.js';
import { userFieldNames } from './extensions.js';
import { UserFilter, UserOrderEnum, UserStatusEnum } from './filter.schema.js';
import { findUserPage, USERS_MAX_PAGE_SIZE } from './list.js';
import { UserRef } from './ref.schema.js';
import { countField, listWants, OFFSET_DESCRIPTION } from '../../graphql/lists.js';
import { createUser, updateUser } from './actions.js';
import { deleteUser, restoreUser } from './removal.js';
import {
  findUserById,
  findUserByUsername,
  MAX_REGISTRATION_DAYS,
  registrationsPerDay,
  type RegistrationDay,
  type UserJson,
  type UserShape,
} from './queries.js';

export { UserRef };

/** The columns a selection needs, and the child fields of each registered field it selects (extensions.ts). */
function shapeOf(selection: SelectionMap, info: GraphQLResolveInfo): UserShape {
  const nested = userFieldNames().flatMap((name) => {
    const field = selection.get(name);
    return field ? [[name, [...childFields(field, info).keys()]] as const] : [];
  });
  return { fields: [...selection.keys()], nested: nested.length ? Object.fromEntries(nested) : undefined };
}

builder.objectFields(UserRef, (t) => {
  type Nullable<V> = Exclude<
    { [K in keyof UserJson]-?: UserJson[K] extends V | null ? (null extends UserJson[K] ? K : never) : never }[keyof UserJson],
    undefined
  >;
  const s = (name: Nullable<string>, description?: string) => t.exposeString(name, { nullable: true, description });
  const d = (name: Nullable<string>, description?: string) => t.field({ type: 'DateTime', nullable: true, description, resolve: (u) => u[name] ?? null });
  return {
    username: t.exposeString('username'),
    discriminator: t.exposeString('discriminator', { description: "Litecord's 4-digit suffix" }),
    domain: s('domain', 'Instance of a remote account; null for local accounts'),
    isLocal: t.exposeBoolean('isLocal'),
    email: s('email'),
    firstName: s('firstName'),
    middleName: s('middleName'),
    lastName: s('lastName'),
    phone: s('phone'),
    countryCode: s('countryCode', 'ISO 3166 alpha-2'),
    organization: s('organization'),
    designation: s('designation'),
    gender: s('gender'),
    preferredLanguage: s('preferredLanguage', 'BCP 47 language tag'),
    customLink: s('customLink'),
    emailVerified: t.exposeBoolean('emailVerified', { description: 'The address was confirmed (set by an admin)' }),
    flags: t.exposeInt('flags', { description: 'Litecord flags as stored; bit 1 (staff) is never stored, see isStaff' }),
    isStaff: t.exposeBoolean('isStaff', { description: 'Holds admin:users:read, i.e. may use the admin API (Litecord staff)' }),
    status: t.expose('status', { type: UserStatusEnum }),
    verified: t.exposeBoolean('verified'),
    verifiedAt: d('verifiedAt'),
    restricted: t.exposeBoolean('restricted'),
    restrictedAt: d('restrictedAt'),
    banned: t.exposeBoolean('banned', { description: 'Suspended now (a ban with an end time lapses by itself)' }),
    bannedAt: d('bannedAt'),
    bannedUntil: d('bannedUntil'),
    credits: t.exposeInt('credits'),
    tags: t.exposeStringList('tags'),
    customData: t.expose('customData', { type: 'JSON' }),
    deletedAt: d('deletedAt'),
    createdAt: t.field({ type: 'DateTime', resolve: (u) => u.createdAt as string }),
    updatedAt: t.field({ type: 'DateTime', resolve: (u) => u.updatedAt as string }),
  };
});

builder.queryFields((t) => ({
  viewer: t.withAuth({ authenticated: true }).field({
    type: UserRef,
    description: 'The signed-in caller',
    resolve: async (_root, _args, ctx, info) => {
      const user = await findUserById(ctx.database.db, ctx.viewer.userId, shapeOf(selectedAt(info), info));
      return user!;
    },
  }),
  // Without admin:users:read only oneself: another account and a missing one are refused alike.
  user: t.field({
    type: UserRef,
    nullable: true,
    authScopes: (_root, args) => ({ scope: 'admin:users:read', self: args.id.id.toString() }),
    args: { id: t.arg.globalID({ for: UserRef, required: true }) },
    resolve: (_root, args, ctx, info) => findUserById(ctx.database.db, args.id.id, shapeOf(selectedAt(info), info)),
  }),
  userByUsername: t.field({
    type: UserRef,
    nullable: true,
    authScopes: (_root, args) => ({ scope: 'admin:users:read', selfName: { username: args.username, domain: args.domain ?? null } }),
    args: {
      username: t.arg.string({ required: true }),
      domain: t.arg.string({ description: 'For remote accounts; omit for local ones' }),
    },
    resolve: (_root, args, ctx, info) => findUserByUsername(ctx.database.db, args.username, args.domain ?? null, shapeOf(selectedAt(info), info)),
  }),
  users: t.connection(
    {
      type: UserRef,
      description: `Users, ${USERS_MAX_PAGE_SIZE} at most per page (other lists: 100), with keyset cursors.`,
      authScopes: { scope: 'admin:users:read' },
      args: {
        filter: t.arg({ type: UserFilter }),
        orderBy: t.arg({ type: UserOrderEnum, defaultValue: 'CREATED_AT_ASC' }),
        offset: t.arg.int({ description: OFFSET_DESCRIPTION }),
      },
      resolve: (_root, args, ctx, info) => findUserPage(ctx.database.db, args, shapeOf(selectedAt(info, ['edges', 'node']), info), listWants(info)),
    },
    {
      name: 'UserConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Users matching the filter', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'UserEdge' },
  ),
}));

const RegistrationDayRef = builder.objectRef<RegistrationDay>('RegistrationDay').implement({
  description: 'Local accounts created on one UTC day',
  authScopes: { scope: 'admin:users:read' },
  fields: (t) => ({
    date: t.exposeString('date', { description: 'The UTC day, YYYY-MM-DD' }),
    registrations: t.exposeInt('registrations'),
  }),
});

builder.queryField('userRegistrations', (t) =>
  t.field({
    type: [RegistrationDayRef],
    description: `Local accounts created per UTC day over the last \`days\` days (today included, 1 to ${MAX_REGISTRATION_DAYS}), oldest first; a day without any is 0.`,
    authScopes: { scope: 'admin:users:read' },
    args: { days: t.arg.int({ defaultValue: 30, required: true }) },
    resolve: (_root, args, ctx) => registrationsPerDay(ctx.database.db, args.days),
  }),
);

// ---- mutations ----

/** The fields zod cannot type: customData is any JSON object. */
const jsonFields = (t: InputFieldBuilder) => ({ customData: t.field({ type: 'JSON' }) });

export const CreateUserInput = zodInput('CreateUserInput', createUserSchema, { fields: jsonFields });

const UpdateUserInput = zodInput('UpdateUserInput', updateUserSchema, {
  description: 'Omitted fields stay; null clears a field that may be empty.',
  fields: (t) => ({ id: t.globalID({ for: UserRef, required: true }), ...jsonFields(t) }),
});

/** `{ id, reason }` (plus any extra fields): the input of every mutation that acts on one account with a reason. */
export const UserIdInput = <Extra extends InputFieldMap>(name: string, extra: (t: InputFieldBuilder) => Extra) =>
  builder.inputType(name, {
    fields: (t) => ({ id: t.globalID({ for: UserRef, required: true }), reason: t.string({ description: 'Kept in the audit log' }), ...extra(t) }),
  });
const DeleteUserInput = UserIdInput('DeleteUserInput', () => ({}));
const RestoreUserInput = UserIdInput('RestoreUserInput', () => ({}));

export const userPayload = (name: string) => payload(name, 'user');

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('CreateUser'),
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      return createUser(actionContext(ctx), input);
    },
  }),
  updateUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('UpdateUser'),
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_root, { input: { id, ...changes } }, ctx) => {
      return updateUser(actionContext(ctx), id.id, changes);
    },
  }),
  deleteUser: t.field({
    type: UserRef,
    description: 'Soft delete: scrubs the visible identity and revokes every session; restoreUser undoes it.',
    authScopes: { scope: 'admin:users:delete' },
    errors: userPayload('DeleteUser'),
    args: { input: t.arg({ type: DeleteUserInput, required: true }) },
    resolve: async (_root, { input }, ctx) => (await deleteUser(actionContext(ctx), input.id.id, input.reason ?? null)).after,
  }),
  restoreUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:delete' },
    errors: userPayload('RestoreUser'),
    args: { input: t.arg({ type: RestoreUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => restoreUser(actionContext(ctx), input.id.id, input.reason ?? null),
  }),
}));
