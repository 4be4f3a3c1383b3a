import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { bigintKey } from '../../graphql/ids.js';
import { zodInput } from '../../graphql/inputs.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';
import { followRelay, unfollowRelay } from './actions.js';
import { relayEnvOf } from './env.js';
import { findRelayPage, findSubscriptionsByIds, RELAY_STATES, relayFilterTable, relayList, type RelaySubscriptionRow } from './queries.js';
import { relayUrlSchema } from './validation.js';

const RelayStateEnum = builder.enumType('RelayState', {
  values: RELAY_STATES,
  description: 'PENDING: the Follow is sent or queued; ACCEPTED: the relay accepted it; REJECTED: the relay refused or withdrew (Reject, Undo)',
});

const RelaySubscriptionRef = builder.node(builder.objectRef<RelaySubscriptionRow>('RelaySubscription'), {
  description: 'A relay the instance follows through its relay actor (<PUBLIC_URL>/relay).',
  authScopes: { scope: 'admin:relays:read' },
  id: { resolve: (s) => s.id.toString(), parse: bigintKey('RelaySubscription') },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'followActivityId' in value && 'inboxUrl' in value,
  loadMany: async (keys, ctx) => {
    const found = await findSubscriptionsByIds(ctx.database.db, keys);
    return keys.map((key) => found.get(key) ?? null);
  },
  fields: (t) => ({
    actorUrl: t.exposeString('actorUrl', { description: "The relay's actor (its ActivityPub id)" }),
    host: t.exposeString('host', { description: 'host[:port] of the actor, as Pleroma lists relays' }),
    inboxUrl: t.exposeString('inboxUrl', { description: 'Where the Follow and Undo are delivered' }),
    publicKeyId: t.exposeString('publicKeyId', { description: 'The key the relay signs with; the inbox takes only activities signed with it' }),
    followActivityId: t.exposeString('followActivityId', { description: 'The id of the Follow the instance sent' }),
    state: t.field({ type: RelayStateEnum, resolve: (s) => s.state }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
    answeredAt: t.field({ type: 'DateTime', nullable: true, description: 'When the relay last answered', resolve: (s) => s.answeredAt }),
  }),
});

const RelayFilter = filterInput('RelaySubscriptionFilter', relayFilterTable, { enums: { RelayState: RelayStateEnum } });
const RelayOrderEnum = orderByEnum('RelaySubscriptionOrderBy', relayList);

builder.queryField('relaySubscriptions', (t) =>
  t.connection(
    {
      type: RelaySubscriptionRef,
      description: 'The relays the instance follows, oldest first unless ordered otherwise.',
      authScopes: { scope: 'admin:relays:read' },
      args: { filter: t.arg({ type: RelayFilter }), orderBy: t.arg({ type: RelayOrderEnum, defaultValue: 'CREATED_AT_ASC' }) },
      resolve: (_root, args, ctx, info) => findRelayPage(ctx.database.db, args, listWants(info)),
    },
    {
      name: 'RelaySubscriptionConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Subscriptions matching the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'RelaySubscriptionEdge' },
  ),
);

const FollowRelayInput = zodInput('FollowRelayInput', relayUrlSchema);
const UnfollowRelayInput = zodInput('UnfollowRelayInput', relayUrlSchema, {
  description: 'The relay by its actor URL, or any URL on its host when the instance follows only one relay there',
});

builder.mutationFields((t) => ({
  followRelay: t.field({
    type: RelaySubscriptionRef,
    description:
      'Follows a relay: fetches its actor, stores the subscription and delivers a signed Follow to its inbox (retried). UPSTREAM error when the relay cannot be reached or is not an actor. A relay that accepted already is left as it is.',
    authScopes: { scope: 'admin:relays:write' },
    errors: payload('FollowRelay', 'subscription'),
    args: { input: t.arg({ type: FollowRelayInput, required: true }) },
    resolve: (_root, { input }, ctx) => followRelay(actionContext(ctx), relayEnvOf(ctx.config), input),
  }),
  unfollowRelay: t.field({
    type: RelaySubscriptionRef,
    description: 'Unfollows a relay: removes the subscription and delivers the signed Undo of its Follow. Answers the subscription as it was.',
    authScopes: { scope: 'admin:relays:write' },
    errors: payload('UnfollowRelay', 'subscription'),
    args: { input: t.arg({ type: UnfollowRelayInput, required: true }) },
    resolve: (_root, { input }, ctx) => unfollowRelay(actionContext(ctx), relayEnvOf(ctx.config), input),
  }),
}));
