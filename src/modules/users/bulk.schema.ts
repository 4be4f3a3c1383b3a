import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { createUsers, MAX_BATCH } from './actions.js';
import { BULK_ACTIONS, bulkUpdateUsers } from './bulk.js';
import { UserFilter } from './filter.schema.js';
import type { UserJson } from './queries.js';
import { CreateUserInput, UserRef } from './schema.js';

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

builder.mutationFields((t) => ({
  createUsers: t.field({
    type: CreateUsersResult,
    description: `Creates up to ${MAX_BATCH} users at once, all or nothing; errors name each bad item (input.users.<n>.<field>).`,
    authScopes: { scope: 'admin:users:write' },
    errors: payload('CreateUsers', 'result'),
    args: { input: t.arg({ type: CreateUsersInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      return createUsers(actionContext(ctx), input.users);
    },
  }),
  bulkUpdateUsers: t.field({
    type: BulkUpdateUsersResult,
    description: 'Applies one action to every user the filter matches (each audited); dryRun only counts.',
    authScopes: { scope: 'admin:users:write' },
    errors: payload('BulkUpdateUsers', 'result'),
    args: { input: t.arg({ type: BulkUpdateUsersInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      return bulkUpdateUsers(actionContext(ctx), { ...input, filter: input.filter, dryRun: input.dryRun ?? false });
    },
  }),
}));
