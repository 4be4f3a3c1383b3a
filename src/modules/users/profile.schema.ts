import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { adjustCredits, tagUsers, updateCustomData } from './profile.js';
import { findUsersByIds } from './queries.js';
import { UserRef, userPayload } from './schema.js';

const ManyUsersInput = (name: string) =>
  builder.inputType(name, {
    description: 'Users by ID and/or by username (`name` for local, `name@domain` for remote); all must exist.',
    fields: (t) => ({ ids: t.globalIDList({ for: UserRef }), usernames: t.stringList(), tags: t.stringList({ required: true }) }),
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
        const ids = (input.ids ?? []).map((id) => id.id);
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
    id: t.globalID({ for: UserRef, required: true }),
    data: t.field({ type: 'JSON', required: true }),
    mode: t.field({ type: CustomDataMode, defaultValue: 'REPLACE' }),
  }),
});

const CreditOperationEnum = builder.enumType('CreditOperation', { values: ['INCREMENT', 'DECREMENT', 'SET'] as const });
const AdjustCreditsInput = builder.inputType('AdjustCreditsInput', {
  fields: (t) => ({
    userId: t.globalID({ for: UserRef, required: true }),
    operation: t.field({ type: CreditOperationEnum, required: true }),
    value: t.int({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  updateCustomData: t.field({
    type: UserRef,
    description: 'Replaces or deep-merges customData (at most 64 KB of JSON).',
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('UpdateCustomData'),
    args: { input: t.arg({ type: UpdateCustomDataInput, required: true }) },
    resolve: (_root, { input }, ctx) => updateCustomData(actionContext(ctx), input.id.id, input.data, input.mode ?? 'REPLACE'),
  }),
  adjustCredits: t.field({
    type: UserRef,
    description: 'Atomic under concurrency; the balance never goes below zero (BAD_INPUT).',
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('AdjustCredits'),
    args: { input: t.arg({ type: AdjustCreditsInput, required: true }) },
    resolve: (_root, { input }, ctx) => adjustCredits(actionContext(ctx), input.userId.id, input.operation, input.value),
  }),
}));
