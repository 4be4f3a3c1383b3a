import { visibleAccount } from '../../access/policy.js';
import { builder } from '../../graphql/builder.js';
import { bigintKey } from '../../graphql/ids.js';
import { findUserById, type UserJson } from './queries.js';

/**
 * The User node (its id, who may see it, how node(id) loads it); schema.ts adds its fields. Apart,
 * so the filter inputs can take User global IDs without an import circle.
 */
export const UserRef = builder.node(builder.objectRef<UserJson>('User'), {
  description: 'An account: local, or remote (fediverse) with its domain.',
  // Callers see themselves; anyone else needs admin:users:read. Runs once per User object (scope-auth
  // caches the scope's answer for the request, so a page costs one comparison per user).
  authScopes: (user) => ({ scope: 'admin:users:read', self: user.id }),
  id: { resolve: (user) => user.id, parse: bigintKey('User') },
  isTypeOf: (value) => (value as { __typename?: string })?.__typename === 'User',
  loadMany: (keys, ctx) => Promise.all(keys.map(async (key) => visibleAccount(ctx.viewer, await findUserById(ctx.database.db, key)))),
  fields: () => ({}),
});
