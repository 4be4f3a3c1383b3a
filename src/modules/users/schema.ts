import type { GraphQLResolveInfo } from 'graphql';
import { visibleAccount } from '../../access/policy.js';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { BadInputError } from '../../core/errors.js';
import { decodeId, parseBigintId } from '../../graphql/ids.js';
import { childFields, selectedAt, type SelectionMap } from '../../graphql/selection.js';
import { userFieldNames } from './extensions.js';
import { createUser, createUsers, deleteUser, MAX_BATCH, restoreUser, updateUser } from './actions.js';
import { BULK_ACTIONS, bulkUpdateUsers } from './bulk.js';
import { changeLifecycle, eraseUser, type Lifecycle } from './lifecycle.js';
import { adjustCredits, tagUsers, updateCustomData } from './profile.js';
import {
  findUserById,
  findUserPage,
  findUsersByIds,
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

/** The columns a selection needs, and the child fields of each registered field it selects (extensions.ts). */
function shapeOf(selection: SelectionMap, info: GraphQLResolveInfo): UserShape {
  const nested = userFieldNames().flatMap((name) => {
    const field = selection.get(name);
    return field ? [[name, [...childFields(field, info).keys()]] as const] : [];
  });
  return { fields: [...selection.keys()], nested: nested.length ? Object.fromEntries(nested) : undefined };
}

builder.node(UserRef, {
  description: 'An account: local, or remote (fediverse) with its domain.',
  // Callers see themselves; anyone else needs admin:users:read. Runs once per User object (scope-auth
  // caches the scope's answer for the request, so a page costs one comparison per user).
  authScopes: (user) => ({ scope: 'admin:users:read', self: user.id }),
  id: { resolve: (user) => user.id },
  isTypeOf: (value) => (value as { __typename?: string })?.__typename === 'User',
  loadMany: (ids, ctx) =>
    Promise.all(
      ids.map(async (id) => {
        const key = parseBigintId(id);
        return visibleAccount(ctx.viewer, key === null ? null : await findUserById(ctx.database.db, key));
      }),
    ),
  fields: (t) => {
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
  fields: (t) => ({
    gt: t.field({ type: 'DateTime' }),
    gte: t.field({ type: 'DateTime' }),
    lt: t.field({ type: 'DateTime' }),
    lte: t.field({ type: 'DateTime' }),
  }),
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

type FilterInput = import('./queries.js').UserFilter & { id?: { in?: (string | bigint)[] | null; gt?: string | bigint | null } | null };

/** The filter with its user IDs decoded from global IDs to keys (BAD_INPUT for a foreign ID). */
export function decodeFilter(filter: FilterInput | null | undefined, path: string[] = ['filter']): import('./queries.js').UserFilter | null | undefined {
  if (!filter) return filter;
  const key = (id: string | bigint, at: string[]) => (typeof id === 'bigint' ? id : decodeId(String(id), 'User', at));
  const out: import('./queries.js').UserFilter = { ...filter, id: undefined };
  if (filter.id) {
    if ((filter.id.in?.length ?? 0) > 1000)
      throw new BadInputError('id.in takes at most 1,000 IDs', [{ path: [...path, 'id', 'in'], message: 'at most 1,000' }]);
    out.id = {
      in: filter.id.in?.map((id, i) => key(id, [...path, 'id', 'in', String(i)])),
      gt: filter.id.gt == null ? null : key(filter.id.gt, [...path, 'id', 'gt']),
    };
  }
  if (filter.and) out.and = filter.and.map((f, i) => decodeFilter(f, [...path, 'and', String(i)])!);
  if (filter.or) out.or = filter.or.map((f, i) => decodeFilter(f, [...path, 'or', String(i)])!);
  if (filter.not) out.not = decodeFilter(filter.not, [...path, 'not']);
  return out;
}

const IdFilter = builder.inputType('UserIdFilter', {
  fields: (t) => ({
    in: t.idList({ description: 'One of these users (at most 1,000)' }),
    gt: t.id({ description: 'Created after this user (IDs grow with time)' }),
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
    id: t.field({ type: IdFilter }) as never,
  }),
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
    authScopes: (_root, args) => ({ scope: 'admin:users:read', self: decodeId(String(args.id), 'User').toString() }),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx, info) => findUserById(ctx.database.db, decodeId(String(args.id), 'User'), shapeOf(selectedAt(info), info)),
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
      description: `Users, ${MAX_PAGE_SIZE} at most per page, with keyset cursors.`,
      authScopes: { scope: 'admin:users:read' },
      args: {
        filter: t.arg({ type: UserFilter }),
        orderBy: t.arg({ type: UserOrderEnum, defaultValue: 'CREATED_AT_ASC' }),
        offset: t.arg.int({ description: `For legacy numbered pages only (at most ${MAX_OFFSET}); prefer cursors` }),
      },
      resolve: (_root, args, ctx, info) => {
        const top = selectedAt(info);
        const cursors =
          childFields(top.get('edges'), info).has('cursor') || ['startCursor', 'endCursor'].some((f) => childFields(top.get('pageInfo'), info).has(f));
        return findUserPage(ctx.database.db, { ...args, filter: decodeFilter(args.filter) }, shapeOf(selectedAt(info, ['edges', 'node']), info), {
          totalCount: top.has('totalCount'),
          cursors,
        });
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
    role: t.string({ description: 'A role to give at once (ranked below your own; needs admin:roles:grant)' }),
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
    giveRoles: t.stringList({
      description: 'Roles to give, open-ended from now (as assignRole), under the rank rules; needs admin:roles:grant. All or nothing with the other changes',
    }),
    takeRoles: t.stringList({
      description: 'Roles to take away (if held now), under the rank rules; needs admin:roles:grant. All or nothing with the other changes',
    }),
    verified: t.boolean({
      description: 'Sets (true) or clears (false) verifiedAt, as verifyUser does (audited as user.verify). All or nothing with the other changes',
    }),
    ...profileFields(t),
  }),
});

/** `{ id, reason }` (plus any extra fields): the input of every mutation that acts on one account with a reason. */
/** The field builder an input type's `fields` receives. */
type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const UserIdInput = (name: string, extra?: (t: InputFieldBuilder) => Record<string, unknown>) =>
  builder.inputType(name, {
    fields: (t) => ({ id: t.id({ required: true }), reason: t.string({ description: 'Kept in the audit log' }), ...(extra?.(t) ?? {}) }) as never,
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
    resolve: (_root, { input }, ctx) => {
      return createUser(actionContext(ctx), input as never);
    },
  }),
  updateUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('UpdateUser'),
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_root, { input: { id, ...changes } }, ctx) => {
      return updateUser(actionContext(ctx), decodeId(String(id), 'User', ['input', 'id']), changes as never);
    },
  }),
  deleteUser: t.field({
    type: UserRef,
    description: 'Soft delete: scrubs the visible identity and revokes every session; restoreUser undoes it.',
    authScopes: { scope: 'admin:users:delete' },
    errors: userPayload('DeleteUser'),
    args: { input: t.arg({ type: DeleteUserInput, required: true }) },
    resolve: async (_root, { input }, ctx) =>
      (await deleteUser(actionContext(ctx), decodeId(String(input.id), 'User', ['input', 'id']), input.reason ?? null)).after,
  }),
  restoreUser: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:users:delete' },
    errors: userPayload('RestoreUser'),
    args: { input: t.arg({ type: RestoreUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => restoreUser(actionContext(ctx), decodeId(String(input.id), 'User', ['input', 'id']), input.reason ?? null),
  }),
}));

// ---- lifecycle ----

/** What every lifecycle input holds: the account, a reason, and the fields its extra builder adds. */
type LifecycleInput = { id: string | number; reason?: string | null; until?: Date | null; restricted?: boolean | null; verified?: boolean | null };

const lifecycleMutation = (
  name: string,
  description: string,
  scope: 'admin:users:ban' | 'admin:users:write',
  input: ReturnType<typeof UserIdInput>,
  change: (input: LifecycleInput) => Lifecycle,
) =>
  builder.mutationField(name, (t) =>
    t.field({
      type: UserRef,
      description,
      authScopes: { scope },
      errors: userPayload(name.charAt(0).toUpperCase() + name.slice(1)),
      args: { input: t.arg({ type: input, required: true }) },
      resolve: (_root, { input }, ctx) => {
        const args = input as unknown as LifecycleInput;
        return changeLifecycle(actionContext(ctx), decodeId(String(args.id), 'User', ['input', 'id']), change(args), args.reason ?? null);
      },
    }),
  );

lifecycleMutation('activateUser', 'Lets a deactivated account sign in again.', 'admin:users:ban', UserIdInput('ActivateUserInput'), () => ({
  kind: 'activate',
}));
lifecycleMutation(
  'deactivateUser',
  'Stops an account from signing in and ends its sessions (Pleroma deactivation).',
  'admin:users:ban',
  UserIdInput('DeactivateUserInput'),
  () => ({ kind: 'deactivate' }),
);
lifecycleMutation(
  'suspendUser',
  'Bans an account, optionally until a time (the ban lapses by itself then); sign-in refused and every session ended at once.',
  'admin:users:ban',
  UserIdInput('SuspendUserInput', (t) => ({ until: t.field({ type: 'DateTime', description: 'When the ban ends; omit for an open-ended ban' }) })),
  (i) => ({ kind: 'suspend', until: i.until ?? null }),
);
lifecycleMutation('unsuspendUser', 'Lifts a ban.', 'admin:users:ban', UserIdInput('UnsuspendUserInput'), () => ({ kind: 'unsuspend' }));
lifecycleMutation(
  'restrictUser',
  'Marks an account as restricted (or lifts the mark with restricted: false).',
  'admin:users:write',
  UserIdInput('RestrictUserInput', (t) => ({ restricted: t.boolean({ defaultValue: true }) })),
  (i) => ({ kind: 'restrict', on: i.restricted !== false }),
);
lifecycleMutation(
  'verifyUser',
  'Marks an account as verified, setting verifiedAt (or clears it with verified: false).',
  'admin:users:write',
  UserIdInput('VerifyUserInput', (t) => ({ verified: t.boolean({ defaultValue: true }) })),
  (i) => ({ kind: 'verify', on: i.verified !== false }),
);

builder.mutationField('eraseUser', (t) =>
  t.field({
    type: UserRef,
    description: 'Removes personal data for good (no restore); audit rows keep an anonymous reference and the chain stays valid.',
    authScopes: { scope: 'admin:users:erase' },
    errors: userPayload('EraseUser'),
    args: { input: t.arg({ type: UserIdInput('EraseUserInput'), required: true }) },
    resolve: (_root, { input }, ctx) => {
      const args = input as unknown as { id: string; reason?: string | null };
      return eraseUser(actionContext(ctx), decodeId(String(args.id), 'User', ['input', 'id']), args.reason ?? null);
    },
  }),
);

// ---- profile data ----

const ManyUsersInput = (name: string) =>
  builder.inputType(name, {
    description: 'Users by ID and/or by username (`name` for local, `name@domain` for remote); all must exist.',
    fields: (t) => ({ ids: t.idList(), usernames: t.stringList(), tags: t.stringList({ required: true }) }),
  });

const TagUsersResult = builder.objectRef<{ changedCount: number; ids: bigint[] }>('TagUsersResult').implement({
  authScopes: { public: true },
  fields: (t) => ({
    changedCount: t.exposeInt('changedCount', { description: 'Users whose tags changed' }),
    users: t.field({ type: [UserRef], resolve: (r, _a, ctx) => findUsersByIds(ctx.database.db, r.ids) }),
  }),
});

for (const [name, op] of [
  ['tagUsers', 'add'],
  ['untagUsers', 'remove'],
] as const) {
  const Input = ManyUsersInput(`${name.charAt(0).toUpperCase()}${name.slice(1)}Input`);
  builder.mutationField(name, (t) =>
    t.field({
      type: TagUsersResult,
      authScopes: { scope: 'admin:users:write' },
      errors: payload(`${name.charAt(0).toUpperCase()}${name.slice(1)}`, 'result'),
      args: { input: t.arg({ type: Input, required: true }) },
      resolve: (_root, { input }, ctx) => {
        const ids = (input.ids ?? []).map((id, i) => decodeId(String(id), 'User', ['input', 'ids', String(i)]));
        return tagUsers(actionContext(ctx), ids, input.usernames ?? [], input.tags, op);
      },
    }),
  );
}

const CustomDataMode = builder.enumType('CustomDataMode', {
  values: ['REPLACE', 'MERGE'] as const,
  description: 'MERGE merges objects key by key (null deletes a key)',
});
const UpdateCustomDataInput = builder.inputType('UpdateCustomDataInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    data: t.field({ type: 'JSON', required: true }),
    mode: t.field({ type: CustomDataMode, defaultValue: 'REPLACE' }),
  }),
});

const CreditOperationEnum = builder.enumType('CreditOperation', { values: ['INCREMENT', 'DECREMENT', 'SET'] as const });
const AdjustCreditsInput = builder.inputType('AdjustCreditsInput', {
  fields: (t) => ({ userId: t.id({ required: true }), operation: t.field({ type: CreditOperationEnum, required: true }), value: t.int({ required: true }) }),
});

// ---- bulk ----

const CreateUsersInput = builder.inputType('CreateUsersInput', {
  fields: (t) => ({ users: t.field({ type: [CreateUserInput], required: true, description: `1 to ${MAX_BATCH} users; all or nothing` }) }),
});

const CreateUsersResult = builder.objectRef<UserJson[]>('CreateUsersResult').implement({
  authScopes: { public: true },
  fields: (t) => ({
    insertedCount: t.int({ resolve: (u) => u.length }),
    users: t.field({ type: [UserRef], resolve: (u) => u }),
  }),
});

const BulkActionEnum = builder.enumType('BulkUserAction', { values: BULK_ACTIONS });
const BulkUpdateUsersInput = builder.inputType('BulkUpdateUsersInput', {
  fields: (t) => ({
    filter: t.field({ type: UserFilter, required: true, description: 'The same filter tree as users(filter:)' }),
    action: t.field({ type: BulkActionEnum, required: true }),
    tags: t.stringList({ description: 'For TAG and UNTAG' }),
    role: t.string({ description: 'For ASSIGN_ROLE and REVOKE_ROLE' }),
    until: t.field({ type: 'DateTime', description: 'For SUSPEND: when the ban ends' }),
    expiresAt: t.field({ type: 'DateTime', description: 'For ASSIGN_ROLE: when the grant lapses' }),
    reason: t.string(),
    dryRun: t.boolean({ defaultValue: false, description: 'Count the matches and change nothing' }),
  }),
});

const BulkUpdateUsersResult = builder.objectRef<{ matchedCount: number; changedCount: number; dryRun: boolean }>('BulkUpdateUsersResult').implement({
  authScopes: { public: true },
  fields: (t) => ({
    matchedCount: t.exposeInt('matchedCount'),
    changedCount: t.exposeInt('changedCount', { description: 'Users the action changed (0 on a dry run)' }),
    dryRun: t.exposeBoolean('dryRun'),
  }),
});

/** The scope each bulk action needs beyond admin:users:write, as its single mutation does. */

builder.mutationFields((t) => ({
  updateCustomData: t.field({
    type: UserRef,
    description: 'Replaces or deep-merges customData (at most 64 KB of JSON).',
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('UpdateCustomData'),
    args: { input: t.arg({ type: UpdateCustomDataInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      updateCustomData(actionContext(ctx), decodeId(String(input.id), 'User', ['input', 'id']), input.data, input.mode ?? 'REPLACE'),
  }),
  adjustCredits: t.field({
    type: UserRef,
    description: 'Atomic under concurrency; the balance never goes below zero (BAD_INPUT).',
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('AdjustCredits'),
    args: { input: t.arg({ type: AdjustCreditsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      adjustCredits(actionContext(ctx), decodeId(String(input.userId), 'User', ['input', 'userId']), input.operation, input.value),
  }),
  createUsers: t.field({
    type: CreateUsersResult,
    description: `Creates up to ${MAX_BATCH} users at once, all or nothing; errors name each bad item (input.users.<n>.<field>).`,
    authScopes: { scope: 'admin:users:write' },
    errors: payload('CreateUsers', 'result'),
    args: { input: t.arg({ type: CreateUsersInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      return createUsers(actionContext(ctx), input.users as never);
    },
  }),
  bulkUpdateUsers: t.field({
    type: BulkUpdateUsersResult,
    description: 'Applies one action to every user the filter matches (each audited); dryRun only counts.',
    authScopes: { scope: 'admin:users:write' },
    errors: payload('BulkUpdateUsers', 'result'),
    args: { input: t.arg({ type: BulkUpdateUsersInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      return bulkUpdateUsers(actionContext(ctx), { ...input, filter: decodeFilter(input.filter, ['input', 'filter'])!, dryRun: input.dryRun ?? false });
    },
  }),
}));
