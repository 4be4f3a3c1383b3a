import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { zodInput } from '../../graphql/inputs.js';
import { UserRef, userPayload } from '../users/schema.js';
import { setSubscription } from './actions.js';
import { isSubscribed, type SubscriptionJson } from './queries.js';
import { setSubscriptionSchema } from './validation.js';

const SubscriptionRef = builder.objectRef<SubscriptionJson>('UserSubscription').implement({
  description: "A user's subscription: its tier, whether it is switched on, and when it ends.",
  // As its user: the owner, or a holder of admin:users:read.
  authScopes: (s) => ({ scope: 'admin:users:read', self: s.userId }),
  fields: (t) => ({
    tier: t.exposeString('tier', { nullable: true, description: 'One of subscriptionTiers; null: none' }),
    active: t.exposeBoolean('active', { description: 'Switched on by an admin (it may still have ended)' }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, description: 'When it ends; null: no end', resolve: (s) => s.expiresAt }),
    activatedAt: t.field({ type: 'DateTime', description: 'When it was last switched on', resolve: (s) => s.activatedAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.updatedAt }),
    isSubscribed: t.boolean({
      description: 'Counts now: active, a tier other than the base tier, and not past expiresAt',
      resolve: (s, _args, ctx) => isSubscribed(s, ctx.config.subscriptions.baseTier),
    }),
  }),
});

builder.objectFields(UserRef, (t) => ({
  subscription: t.field({
    type: SubscriptionRef,
    nullable: true,
    description: 'Null: never subscribed',
    // Loaded with the user (queries.ts registers it with users/extensions.ts).
    resolve: (user) => (user as { subscription?: SubscriptionJson | null }).subscription ?? null,
  }),
}));

const SubscriptionTierRef = builder.objectRef<{ name: string; isBaseTier: boolean }>('SubscriptionTier').implement({
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    isBaseTier: t.exposeBoolean('isBaseTier', { description: 'The tier that counts as not subscribed (SUBSCRIPTION_BASE_TIER)' }),
  }),
});

builder.queryField('subscriptionTiers', (t) =>
  t.field({
    type: [SubscriptionTierRef],
    description: 'The tiers setSubscription accepts (SUBSCRIPTION_TIERS), in their configured order.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.config.subscriptions.tiers.map((name) => ({ name, isBaseTier: name === ctx.config.subscriptions.baseTier })),
  }),
);

const SetSubscriptionInput = zodInput('SetSubscriptionInput', setSubscriptionSchema, {
  fields: (t) => ({ userId: t.globalID({ for: UserRef, required: true }), expiresAt: t.field({ type: 'DateTime' }) }),
});

builder.mutationField('setSubscription', (t) =>
  t.field({
    type: UserRef,
    description: "Sets a user's subscription (tier, on or off, end), under the rank rules; audited as user.subscription.",
    authScopes: { scope: 'admin:users:write' },
    errors: userPayload('SetSubscription'),
    args: { input: t.arg({ type: SetSubscriptionInput, required: true }) },
    resolve: (_root, { input: { userId, ...input } }, ctx) => setSubscription(actionContext(ctx), userId.id, input, ctx.config.subscriptions.tiers),
  }),
);
