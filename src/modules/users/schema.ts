import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { decodeId } from '../../graphql/ids.js';
import { childFields, selectedAt, type SelectionMap } from '../../graphql/selection.js';
import { RoleRef } from '../roles/ref.js';
import { ROLE_FIELDS } from '../roles/queries.js';
import { createUser, deleteUser, restoreUser, updateUser } from './actions.js';
import {
  findUserById,
  findUserPage,
  MAX_OFFSET,
  MAX_PAGE_SIZE,
  findUserByUsername,
  USER_ORDERS,
  USER_STATUSES,
  type UserJson,
  type UserShape,
} from './queries.js';

export const UserStatusEnum = builder.enumType('UserStatus', { values: USER_STATUSES });
const UserOrderEnum = builder.enumType('UserOrderBy', { values: USER_ORDERS });

export const UserRef = builder.objectRef<UserJson>('User');

/** The columns a selection needs, so PostgreSQL builds just those. */
function shapeOf(selection: SelectionMap, info: GraphQLResolveInfo): UserShape {
  const roles = selection.get('roles');
  return {
    fields: [...selection.keys()],
    roleFields: roles ? [...childFields(roles, info).keys()].filter((f) => ROLE_FIELDS.includes(f)) : undefined,
  };
}

builder.node(UserRef, {
  description: 'An account: local, or remote (fediverse) with its domain.',
  // Callers see themselves; anyone else needs admin:users:read. Runs once per User object.
  // Answering `true` for a reader skips scope-auth's map evaluation on every user of a page.
  authScopes: (user, ctx) =>
    ctx.viewer !== null && (ctx.viewer.scopes.has('admin:users:read') || ctx.viewer.userId.toString() === user.id) ? true : { scope: 'admin:users:read' },
  id: { resolve: (user) => user.id },
  isTypeOf: (value) => (value as { __typename?: string })?.__typename === 'User',
  loadMany: (ids, ctx) =>
    Promise.all(ids.map((id) => (/^\d{1,19}$/.test(id) ? findUserById(ctx.database.db, BigInt(id)) : null))),
  fields: (t) => {
    type Nullable<V> = Exclude<{ [K in keyof UserJson]-?: UserJson[K] extends V | null ? (null extends UserJson[K] ? K : never) : never }[keyof UserJson], undefined>;
    const s = (name: Nullable<string>, description?: string) => t.exposeString(name, { nullable: true, description });
    const d = (name: Nullable<string>, description?: string) =>
      t.field({ type: 'DateTime', nullable: true, description, resolve: (u) => u[name] ?? null });
    return {
      username: t.exposeString('username'),
      discriminator: t.exposeString('discriminator', { description: "Litecord's 4-digit suffix" }),
      domain: s('domain', 'Instance of a remote account; null for local accounts'),
      isLocal: t.exposeBoolean('isLocal'),
      email: s('email'),
      displayName: s('displayName'),
      firstName: s('firstName'),
      middleName: s('middleName'),
      lastName: s('lastName'),
      phone: s('phone'),
      countryCode: s('countryCode', 'ISO 3166 alpha-2'),
      bio: s('bio'),
      pronouns: s('pronouns'),
      avatarHash: s('avatarHash'),
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
      shortId: t.exposeString('shortId', { description: 'pronouns.cc short id: 5 lowercase letters' }),
      timezone: s('timezone'),
      deletedAt: d('deletedAt'),
      createdAt: t.field({ type: 'DateTime', resolve: (u) => u.createdAt as string }),
      updatedAt: t.field({ type: 'DateTime', resolve: (u) => u.updatedAt as string }),
      roles: t.field({
        type: [RoleRef],
        description: 'Roles whose grant window is open now',
        // Loaded with the users that carry them; fetched here only when a parent came without them.
        // Synchronous when present, so completing a page creates no promise per user.
        resolve: (u, _args, ctx) =>
          u.roles ?? findUserById(ctx.database.db, BigInt(u.id), { fields: ['id'], roleFields: ROLE_FIELDS }).then((x) => x?.roles ?? []),
      }),
    };
  },
});

const TextFilter = builder.inputType('TextFilter', {
  description: 'Case-insensitive unless named otherwise; contains and startsWith use trigram indexes.',
  fields: (t) => ({
    equals: t.string(),
    contains: t.string(),
    startsWith: t.string(),
    containsCaseSensitive: t.string({ description: 'For legacy shims that promise a case-sensitive substring match' }),
    equalsCaseSensitive: t.string({ description: 'For legacy shims that promise a case-sensitive exact match' }),
  }),
});

const StatusFilter = builder.inputType('UserStatusFilter', {
  fields: (t) => ({ in: t.field({ type: [UserStatusEnum], required: true }) }),
});

const DateRange = builder.inputType('DateTimeRange', {
  fields: (t) => ({ gt: t.field({ type: 'DateTime' }), gte: t.field({ type: 'DateTime' }), lt: t.field({ type: 'DateTime' }), lte: t.field({ type: 'DateTime' }) }),
});

const TagFilter = builder.inputType('TagFilter', {
  fields: (t) => ({ any: t.stringList({ description: 'Has at least one of these tags' }), all: t.stringList({ description: 'Has every one of these tags' }) }),
});

const CustomDataFilter = builder.inputRef<import('./queries.js').CustomDataFilter>('CustomDataFilter').implement({
  description: 'A condition on the value at a path inside customData, e.g. path ["theme", "mode"].',
  fields: (t) => ({
    path: t.stringList({ required: true }),
    equals: t.field({ type: 'JSON', description: 'The value at the path equals this JSON value' }) as never,
    exists: t.boolean({ description: 'true: the path is present; false: absent' }),
  }),
});

export const UserFilter = builder.inputRef<import('./queries.js').UserFilter>('UserFilter').implement({
  description: 'A filter tree: every given condition must hold; and/or/not combine sub-filters.',
  fields: (t) => ({
    and: t.field({ type: [UserFilter] }),
    or: t.field({ type: [UserFilter] }),
    not: t.field({ type: UserFilter }),
    username: t.field({ type: TextFilter }),
    email: t.field({ type: TextFilter }),
    displayName: t.field({ type: TextFilter }),
    domain: t.field({ type: TextFilter }),
    local: t.boolean({ description: 'true: local accounts only; false: remote only' }),
    discriminator: t.string(),
    status: t.field({ type: StatusFilter }),
    createdAt: t.field({ type: DateRange }),
    role: t.string({ description: 'Holds this role (by name) now' }),
    tags: t.field({ type: TagFilter }),
    customData: t.field({ type: CustomDataFilter }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: UserRef,
    description: 'The signed-in caller',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, ctx, info) => {
      const user = await findUserById(ctx.database.db, ctx.viewer!.userId, shapeOf(selectedAt(info), info));
      return user!;
    },
  }),
  user: t.field({
    type: UserRef,
    nullable: true,
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx, info) => findUserById(ctx.database.db, decodeId(String(args.id), 'User'), shapeOf(selectedAt(info), info)),
  }),
  userByUsername: t.field({
    type: UserRef,
    nullable: true,
    authScopes: { authenticated: true },
    args: {
      username: t.arg.string({ required: true }),
      domain: t.arg.string({ description: 'For remote accounts; omit for local ones' }),
    },
    resolve: (_root, args, ctx, info) => findUserByUsername(ctx.database.db, args.username, args.domain ?? null, shapeOf(selectedAt(info), info)),
  }),
  users: t.connection(
    {
      type: UserRef,
      description: `Users, ${MAX_PAGE_SIZE} at most per page, with keyset cursors.`,
      authScopes: { scope: 'admin:users:read' },
      args: {
        filter: t.arg({ type: UserFilter }),
        orderBy: t.arg({ type: UserOrderEnum, defaultValue: 'CREATED_AT_ASC' }),
        offset: t.arg.int({ description: `For legacy numbered pages only (at most ${MAX_OFFSET}); prefer cursors` }),
      },
      resolve: (_root, args, ctx, info) => {
        const top = selectedAt(info);
        const cursors = childFields(top.get('edges'), info).has('cursor') || ['startCursor', 'endCursor'].some((f) => childFields(top.get('pageInfo'), info).has(f));
        return findUserPage(ctx.database.db, args, shapeOf(selectedAt(info, ['edges', 'node']), info), { totalCount: top.has('totalCount'), cursors });
      },
    },
    {
      name: 'UserConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Users matching the filter', resolve: (c) => (c as { totalCount: number }).totalCount }),
      }),
    },
    { name: 'UserEdge' },
  ),
}));

// ---- mutations ----

function profileFields<T extends { string: Function; int: Function; stringList: Function; field: Function }>(t: T) {
  return {
    displayName: t.string(),
    firstName: t.string(),
    middleName: t.string(),
    lastName: t.string(),
    phone: t.string(),
    countryCode: t.string({ description: 'ISO 3166 alpha-2, e.g. "DE"' }),
    bio: t.string(),
    pronouns: t.string(),
    avatarHash: t.string(),
    timezone: t.string({ description: 'IANA name, e.g. "Europe/Berlin"' }),
    flags: t.int({ description: 'Litecord flags; bit 1 (staff) follows from roles and is refused' }),
    tags: t.stringList(),
    customData: t.field({ type: 'JSON' }),
  };
}

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    domain: t.string({ description: 'Remote accounts only' }),
    email: t.string(),
    password: t.string({ description: 'Without one the account cannot sign in with a password' }),
    ...profileFields(t),
  }),
});

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  description: 'Omitted fields stay; null clears a field that may be empty.',
  fields: (t) => ({
    id: t.id({ required: true }),
    username: t.string(),
    email: t.string(),
    password: t.string(),
    ...profileFields(t),
  }),
});

const UserIdInput = (name: string) =>
  builder.inputType(name, {
    fields: (t) => ({ id: t.id({ required: true }), reason: t.string({ description: 'Kept in the audit log' }) }),
  });
const DeleteUserInput = UserIdInput('DeleteUserInput');
const RestoreUserInput = UserIdInput('RestoreUserInput');

export const userPayload = (name: string) => payload(name, 'user');

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('CreateUser'),
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => createUser(actionContext(ctx), input as never),
  }),
  updateUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('UpdateUser'),
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_root, { input: { id, ...changes } }, ctx) => updateUser(actionContext(ctx), decodeId(String(id), 'User', ['input', 'id']), changes as never),
  }),
  deleteUser: t.field({
    type: UserRef,
    description: 'Soft delete: scrubs the visible identity and revokes every session; restoreUser undoes it.',
    authScopes: { scope: 'admin:users:delete' },
    errors: userPayload('DeleteUser'),
    args: { input: t.arg({ type: DeleteUserInput, required: true }) },
    resolve: async (_root, { input }, ctx) => (await deleteUser(actionContext(ctx), decodeId(String(input.id), 'User', ['input', 'id']), input.reason ?? null)).after,
  }),
  restoreUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:delete' },
    errors: userPayload('RestoreUser'),
    args: { input: t.arg({ type: RestoreUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => restoreUser(actionContext(ctx), decodeId(String(input.id), 'User', ['input', 'id']), input.reason ?? null),
  }),
}));

