import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { countField, filterInput, listWants, orderByEnum } from '../../graphql/lists.js';
import { childFields, selectedAt } from '../../graphql/selection.js';
import { userFieldNames } from '../users/extensions.js';
import { findUserById, type UserShape } from '../users/queries.js';
import { UserRef } from '../users/schema.js';
import { followUser, unfollowUser, type FollowResult } from './actions.js';
import { findFollowPage, followLists, followingFilterTable, type FollowedUser, type FollowSide } from './queries.js';

/** The columns the listed users' selection needs, and the registered fields it selects (users/extensions.ts). */
function listedShape(info: GraphQLResolveInfo): UserShape {
  const selection = selectedAt(info, ['edges', 'node']);
  const nested = userFieldNames().flatMap((name) => {
    const field = selection.get(name);
    return field ? [[name, [...childFields(field, info).keys()]] as const] : [];
  });
  return { fields: [...selection.keys()], nested: nested.length ? Object.fromEntries(nested) : undefined };
}

const FollowFilter = filterInput('FollowFilter', followingFilterTable, {
  description: 'A filter over the listed accounts and when they were followed; and/or/not combine sub-filters.',
});
const FollowOrderEnum = orderByEnum('FollowOrderBy', followLists.following);

const FollowConnection = builder.connectionObject(
  {
    type: UserRef,
    name: 'FollowConnection',
    fields: (t) => ({
      // The connection object is declared apart from its resolvers, so its shape is the plugin's
      // generic one; findFollowPage answers a Connection with totalCount and the counts listWants asked for.
      totalCount: t.int({ description: 'Accounts matching the filter (every page)', resolve: (c) => (c as { totalCount?: number | null }).totalCount ?? 0 }),
      count: countField(t as unknown as Parameters<typeof countField>[0]),
    }),
  },
  {
    name: 'FollowEdge',
    fields: (t) => ({
      followedAt: t.field({ type: 'DateTime', description: 'When the follow was made', resolve: (e) => (e.node as FollowedUser).followedAt }),
    }),
  },
);

const followList = (side: FollowSide, description: string) =>
  builder.objectField(UserRef, side, (t) =>
    t.connection(
      {
        type: UserRef,
        description,
        authScopes: { scope: 'admin:follows:read' },
        args: { filter: t.arg({ type: FollowFilter }), orderBy: t.arg({ type: FollowOrderEnum, defaultValue: 'FOLLOWED_AT_DESC' }) },
        resolve: (user, args, ctx, info) => findFollowPage(ctx.database.db, side, BigInt(user.id), args, listedShape(info), listWants(info)),
      },
      FollowConnection,
    ),
  );
followList('following', 'The accounts this account follows (local and remote), most recent follow first unless ordered otherwise');
followList('followers', 'The accounts following this one (local and remote), most recent follow first unless ordered otherwise');

// The counts are loaded with the users that carry them (a projection registered in queries.ts).
builder.objectFields(UserRef, (t) => ({
  followerCount: t.int({
    description: 'Accounts following this one',
    authScopes: (u) => ({ scope: 'admin:follows:read', self: u.id }),
    resolve: (u) => (u as { followerCount?: number }).followerCount ?? 0,
  }),
  followingCount: t.int({
    description: 'Accounts this one follows',
    authScopes: (u) => ({ scope: 'admin:follows:read', self: u.id }),
    resolve: (u) => (u as { followingCount?: number }).followingCount ?? 0,
  }),
}));

const FollowResultRef = builder.objectRef<FollowResult>('FollowResult').implement({
  description: 'A follow or unfollow: who, whom, whether the follow stands afterwards, and whether this call changed anything.',
  authScopes: { scope: 'admin:follows:write' },
  fields: (t) => ({
    follower: t.field({ type: UserRef, resolve: async (r, _a, ctx) => (await findUserById(ctx.database.db, r.followerId))! }),
    followed: t.field({ type: UserRef, resolve: async (r, _a, ctx) => (await findUserById(ctx.database.db, r.followedId))! }),
    following: t.exposeBoolean('following', { description: 'The follower follows the followed account now' }),
    changed: t.exposeBoolean('changed', {
      description: 'False when nothing changed: oneself, an account that is not active, or an existing follow (or, unfollowing, none)',
    }),
  }),
});

const followInput = (name: string, description: string) =>
  // The action's zod object (validation.ts followSchema) holds only the two keys, given here as global IDs.
  builder.inputType(name, {
    description,
    fields: (t) => ({ followerId: t.globalID({ for: UserRef, required: true }), followedId: t.globalID({ for: UserRef, required: true }) }),
  });
const FollowUserInput = followInput('FollowUserInput', 'Who follows whom: local or remote accounts');
const UnfollowUserInput = followInput('UnfollowUserInput', 'Who stops following whom');

builder.mutationFields((t) => ({
  followUser: t.field({
    type: FollowResultRef,
    description: 'Makes one account follow another. Stored only, never federated (as Pleroma admin follow); audited when it changes anything.',
    authScopes: { scope: 'admin:follows:write' },
    errors: payload('FollowUser', 'result'),
    args: { input: t.arg({ type: FollowUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => followUser(actionContext(ctx), { followerId: input.followerId.id, followedId: input.followedId.id }),
  }),
  unfollowUser: t.field({
    type: FollowResultRef,
    description: 'Ends a follow; not following changes nothing. Stored only, never federated.',
    authScopes: { scope: 'admin:follows:write' },
    errors: payload('UnfollowUser', 'result'),
    args: { input: t.arg({ type: UnfollowUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => unfollowUser(actionContext(ctx), { followerId: input.followerId.id, followedId: input.followedId.id }),
  }),
}));
