import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { zodInput } from '../../graphql/inputs.js';
import { createRoleSchema, updateRoleSchema } from './validation.js';
import { BadInputError, NotFoundError } from '../../core/errors.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';

import { bigintKey } from '../../graphql/ids.js';
import { ALL_SCOPES, isScope } from '../../access/scopes.js';
import { enforcingScope, isLiquidScope, liquidNamesCoveredBy } from '../../access/liquid-scopes.js';
import { storedLiquidPaths } from './liquid.js';
import { findUserById } from '../users/queries.js';
import { UserRef } from '../users/schema.js';
import { ApplicationRef } from '../applications/schema.js';
import { setApplicationScopes } from '../applications/actions.js';
import { assignRole, createRole, deleteRole, revokeRole, setScopes, updateRole } from './actions.js';
import { explainAccess, findRolePage, roleFilterTable, roleList, findRolesByIds, type AccessExplanation, type AccessPath } from './queries.js';
import { RoleRef } from './ref.schema.js';
import { roleJsonOf } from './queries.js';

/** Role as a node: `for` of the inputs that take a role's global ID. */
export const RoleNode = builder.node(RoleRef, {
  description: 'A named bundle of scopes with a rank; built-in: superadmin, admin, moderator, premium.',
  // Role names and scopes are not secret to signed-in callers; who holds a role is guarded by User.
  authScopes: { authenticated: true },
  id: { resolve: (role) => role.id, parse: bigintKey('Role') },
  loadMany: async (keys, ctx) => {
    const found = await findRolesByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key.toString()) ?? null);
  },
  isTypeOf: (value) => (value as { __typename?: string })?.__typename === 'Role',
  fields: (t) => ({
    name: t.exposeString('name'),
    rank: t.exposeInt('rank', { description: 'Higher outranks lower; superadmin is 1000' }),
    description: t.exposeString('description'),
    displayName: t.exposeString('displayName', { description: 'How people see the role named: its name unless one was given' }),
    scopes: t.exposeStringList('scopes', { description: 'Scopes as stored; each grants every scope below it.' }),
    builtIn: t.exposeBoolean('builtIn'),
  }),
});

export const ScopeOperationEnum = builder.enumType('ScopeOperation', { values: ['SET', 'ADD', 'REMOVE'] as const });
const GrantTargetTypeEnum = builder.enumType('GrantTargetType', { values: ['USER', 'APPLICATION'] as const });
const AccessPathKindEnum = builder.enumType('AccessPathKind', { values: ['ROLE', 'DIRECT', 'LIQUID'] as const });

const AccessPathRef = builder.objectRef<AccessPath>('AccessPath').implement({
  description: 'One grant that covers the scope asked about, with its window.',
  authScopes: { scope: 'admin:roles:read' },
  fields: (t) => ({
    kind: t.expose('kind', { type: AccessPathKindEnum }),
    role: t.field({ type: RoleRef, nullable: true, description: 'The role, for kind ROLE (loaded with the path)', resolve: (p) => p.role }),
    grantedScope: t.exposeString('grantedScope', { description: 'The stored scope that covers the one asked about (itself or an ancestor)' }),
    startsAt: t.field({ type: 'DateTime', resolve: (p) => p.startsAt }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.expiresAt }),
    active: t.exposeBoolean('active', { description: 'The window is open now' }),
  }),
});

const AccessExplanationRef = builder.objectRef<AccessExplanation>('AccessExplanation').implement({
  authScopes: { scope: 'admin:roles:read' },
  fields: (t) => ({
    scope: t.exposeString('scope', { description: 'As asked: a scope of the catalog or a Liquid scope name' }),
    catalogScope: t.string({
      description: 'The catalog scope explained: the scope asked about, or the one a Liquid name is held with (its own, or its nearest enforced ancestor’s)',
      resolve: (e) => e.catalogScope ?? e.scope,
    }),
    liquidScopes: t.stringList({
      description: 'The Liquid scope names the catalog scope covers, folded as Liquid folds (each held by whoever holds it)',
      resolve: (e) => e.liquidScopes ?? liquidNamesCoveredBy(e.catalogScope ?? e.scope),
    }),
    held: t.exposeBoolean('held', { description: 'The user may use the scope now: an open grant covers it and the account is active' }),
    accountStatus: t.exposeString('accountStatus', { description: 'A grant counts only while the account is ACTIVE' }),
    via: t.field({ type: [AccessPathRef], description: 'Every grant covering the scope, open ones first', resolve: (e) => e.via }),
  }),
});

const RoleFilter = filterInput('RoleFilter', roleFilterTable, { inputs: { scope: 'String' } });
const RoleOrderEnum = orderByEnum('RoleOrderBy', roleList);

builder.queryFields((t) => ({
  roles: t.connection(
    {
      type: RoleRef,
      description:
        'Roles, highest rank first unless ordered otherwise. Any signed-in caller may list them (as node(id) reads any role, and Liquid serves /roles/list to every signed-in user); who holds a role is guarded by User.',
      authScopes: { authenticated: true },
      args: { filter: t.arg({ type: RoleFilter }), orderBy: t.arg({ type: RoleOrderEnum, defaultValue: 'RANK_DESC' }) },
      resolve: (_root, args, ctx, info) => findRolePage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'RoleConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Roles matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'RoleEdge' },
  ),
  scopeCatalog: t.stringList({
    description: 'Every scope there is; each grants the ones below it (admin > admin:users > admin:users:read).',
    authScopes: { authenticated: true },
    resolve: () => ALL_SCOPES,
  }),
  explainAccess: t.field({
    type: AccessExplanationRef,
    description:
      'Whether a user holds a scope now, and through which roles or direct grants; the scope may be a Liquid name (held with its catalog scope, or by a Liquid name stored for the user that covers it).',
    authScopes: { scope: 'admin:roles:read' },
    args: {
      userId: t.arg.globalID({ for: UserRef, required: true }),
      scope: t.arg.string({ required: true, description: 'A scope of the catalog, or a Liquid scope name' }),
    },
    resolve: async (_root, args, ctx) => {
      if (!isScope(args.scope) && !isLiquidScope(args.scope))
        throw new BadInputError(`${args.scope} is neither a scope of the catalog nor a Liquid scope`, [
          { path: ['scope'], message: 'not a scope of the catalog nor of Liquid' },
        ]);
      // A Liquid name is held with its catalog scope (or its nearest enforced ancestor's), and by a stored name covering it.
      const catalogScope = isScope(args.scope) ? args.scope : enforcingScope(args.scope);
      const explained = await explainAccess(ctx.database.db, args.userId.id, catalogScope);
      if (!explained) throw new NotFoundError('No such user');
      const stored = isScope(args.scope) ? [] : await storedLiquidPaths(ctx.database.db, args.userId.id, args.scope);
      const via = [...explained.via, ...stored];
      return { ...explained, scope: args.scope, catalogScope, via, held: explained.accountStatus === 'ACTIVE' && via.some((p) => p.active) };
    },
  }),
}));

// ---- mutations ----

const CreateRoleInput = zodInput('CreateRoleInput', createRoleSchema);
const byName = { description: 'The role by its name (ignoring case), instead of id' };
const UpdateRoleInput = zodInput('UpdateRoleInput', updateRoleSchema, {
  description: 'Omitted fields stay. Built-in roles keep their name and rank. The role is `id` or `roleName`.',
  fields: (t) => ({ id: t.globalID({ for: RoleNode }), roleName: t.string(byName) }),
});
const DeleteRoleInput = builder.inputType('DeleteRoleInput', {
  description: 'The role is `id` or `roleName`.',
  fields: (t) => ({ id: t.globalID({ for: RoleNode }), roleName: t.string(byName), reason: t.string({ description: 'Kept in the audit log' }) }),
});

/** The role an update or delete names: its id, else its name; one of them is required. */
function roleTarget(input: { id?: { id: bigint } | null; roleName?: string | null }): bigint | string {
  const target = input.id?.id ?? input.roleName;
  if (target === undefined || target === null) throw new BadInputError('id or roleName is required', [{ path: ['id'], message: 'id or roleName is required' }]);
  return target;
}
const AssignRoleInput = builder.inputType('AssignRoleInput', {
  description: 'Giving a role the user already has replaces its window.',
  fields: (t) => ({
    userId: t.globalID({ for: UserRef, required: true }),
    role: t.string({ required: true, description: 'Role name' }),
    startsAt: t.field({ type: 'DateTime', description: 'Default: now' }),
    expiresAt: t.field({ type: 'DateTime', description: 'Default: never; must be in the future' }),
  }),
});
const RevokeRoleInput = builder.inputType('RevokeRoleInput', {
  fields: (t) => ({ userId: t.globalID({ for: UserRef, required: true }), role: t.string({ required: true }), reason: t.string() }),
});
const SetScopesInput = builder.inputType('SetScopesInput', {
  fields: (t) => ({
    targets: t.globalIDList({ for: [UserRef, ApplicationRef], required: true, description: 'Up to 1,000 user (or application) IDs; all or nothing' }),
    targetType: t.field({ type: GrantTargetTypeEnum, required: true }),
    scopes: t.stringList({ required: true }),
    operation: t.field({ type: ScopeOperationEnum, required: true }),
    expiresAt: t.field({ type: 'DateTime', description: 'When the granted scopes lapse; default never' }),
  }),
});

const SetScopesResult = builder.objectRef<{ changedCount: number }>('SetScopesResult').implement({
  authScopes: { public: true },
  fields: (t) => ({ changedCount: t.exposeInt('changedCount', { description: 'Targets whose direct scopes changed' }) }),
});

/** The keys of `targets`, all of which must be IDs of `typename` (the input takes User and Application IDs). */
function targetKeys(targets: readonly { typename: string; id: bigint }[], typename: 'User' | 'Application'): bigint[] {
  return targets.map((target, i) => {
    if (target.typename === typename) return target.id;
    const path = ['input', 'targets', String(i)];
    throw new BadInputError(`${path.join('.')}: not a ${typename} ID`, [{ path, message: `not a ${typename} ID` }]);
  });
}
const userAfter = async (ctx: Parameters<typeof actionContext>[0], id: bigint) => (await findUserById(ctx.database.db, id))!;

builder.mutationFields((t) => ({
  createRole: t.field({
    type: RoleRef,
    authScopes: { scope: 'admin:roles:write' },
    errors: payload('CreateRole', 'role'),
    args: { input: t.arg({ type: CreateRoleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => roleJsonOf(await createRole(actionContext(ctx), input)),
  }),
  updateRole: t.field({
    type: RoleRef,
    authScopes: { scope: 'admin:roles:write' },
    errors: payload('UpdateRole', 'role'),
    args: { input: t.arg({ type: UpdateRoleInput, required: true }) },
    resolve: async (_root, { input: { id, roleName, ...changes } }, ctx) =>
      roleJsonOf(await updateRole(actionContext(ctx), roleTarget({ id, roleName }), changes)),
  }),
  deleteRole: t.field({
    type: RoleRef,
    description: 'Deletes a custom role and every grant of it.',
    authScopes: { scope: 'admin:roles:write' },
    errors: payload('DeleteRole', 'role'),
    args: { input: t.arg({ type: DeleteRoleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => roleJsonOf(await deleteRole(actionContext(ctx), roleTarget(input), input.reason ?? null)),
  }),
  assignRole: t.field({
    type: UserRef,
    description: 'Gives a role ranked below your own, for a window (exact to the second, no job needed).',
    authScopes: { scope: 'admin:roles:grant' },
    errors: payload('AssignRole', 'user'),
    args: { input: t.arg({ type: AssignRoleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const id = input.userId.id;
      await assignRole(actionContext(ctx), id, input.role, { startsAt: input.startsAt, expiresAt: input.expiresAt });
      return userAfter(ctx, id);
    },
  }),
  revokeRole: t.field({
    type: UserRef,
    authScopes: { scope: 'admin:roles:grant' },
    errors: payload('RevokeRole', 'user'),
    args: { input: t.arg({ type: RevokeRoleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const id = input.userId.id;
      await revokeRole(actionContext(ctx), id, input.role, input.reason ?? null);
      return userAfter(ctx, id);
    },
  }),
  setScopes: t.field({
    type: SetScopesResult,
    description: 'Direct scope grants on many targets at once; you can grant or take away only scopes you hold.',
    authScopes: { scope: 'admin:roles:grant' },
    errors: payload('SetScopes', 'result'),
    args: { input: t.arg({ type: SetScopesInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (input.targetType === 'APPLICATION') {
        const targets = targetKeys(input.targets, 'Application');
        return setApplicationScopes(actionContext(ctx), { targets, scopes: input.scopes, operation: input.operation, expiresAt: input.expiresAt });
      }
      const targets = targetKeys(input.targets, 'User');
      return setScopes(actionContext(ctx), { targets, scopes: input.scopes, operation: input.operation, expiresAt: input.expiresAt });
    },
  }),
}));
