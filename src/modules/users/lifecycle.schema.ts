import type { InputObjectRef } from '@pothos/core';
import { builder, type BuilderTypes } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { changeLifecycle, eraseUser, type Lifecycle } from './lifecycle.js';
import { UserIdInput, UserRef, userPayload } from './schema.js';

/** What every lifecycle input holds: the account (its key, from the global ID) and a reason, plus the fields its extra builder adds. */
type LifecycleInput = { id: { id: bigint }; reason?: string | null };

const lifecycleMutation = <Input extends LifecycleInput>(
  name: string,
  description: string,
  scope: 'admin:users:ban' | 'admin:users:write',
  input: InputObjectRef<BuilderTypes, Input>,
  change: (input: Input) => Lifecycle,
) => {
  // Pothos cannot resolve the argument type of a generic input ref; the resolver sees the common shape,
  // and `change` gets back the full input it was declared with.
  const common: InputObjectRef<BuilderTypes, LifecycleInput> = input;
  return builder.mutationField(name, (t) =>
    t.field({
      type: UserRef,
      description,
      authScopes: { scope },
      errors: userPayload(name.charAt(0).toUpperCase() + name.slice(1)),
      args: { input: t.arg({ type: common, required: true }) },
      resolve: (_root, args, ctx) => changeLifecycle(actionContext(ctx), args.input.id.id, change(args.input as Input), args.input.reason ?? null),
    }),
  );
};

lifecycleMutation(
  'activateUser',
  'Lets a deactivated account sign in again.',
  'admin:users:ban',
  UserIdInput('ActivateUserInput', () => ({})),
  () => ({
    kind: 'activate',
  }),
);
lifecycleMutation(
  'deactivateUser',
  'Stops an account from signing in and ends its sessions (Pleroma deactivation).',
  'admin:users:ban',
  UserIdInput('DeactivateUserInput', () => ({})),
  () => ({ kind: 'deactivate' }),
);
lifecycleMutation(
  'suspendUser',
  'Bans an account, optionally until a time (the ban lapses by itself then); sign-in refused and every session ended at once.',
  'admin:users:ban',
  UserIdInput('SuspendUserInput', (t) => ({ until: t.field({ type: 'DateTime', description: 'When the ban ends; omit for an open-ended ban' }) })),
  (i) => ({ kind: 'suspend', until: i.until ?? null }),
);
lifecycleMutation(
  'unsuspendUser',
  'Lifts a ban.',
  'admin:users:ban',
  UserIdInput('UnsuspendUserInput', () => ({})),
  () => ({ kind: 'unsuspend' }),
);
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
    args: { input: t.arg({ type: UserIdInput('EraseUserInput', () => ({})), required: true }) },
    resolve: (_root, { input }, ctx) => eraseUser(actionContext(ctx), input.id.id, input.reason ?? null),
  }),
);
