import { builder } from '../../graphql/builder.js';
import { findRolesByIds } from './queries.js';

export interface RoleJson {
  id: string;
  name: string;
  rank: number;
  description: string;
  scopes: string[];
  builtIn: boolean;
}

export const RoleRef = builder.objectRef<RoleJson>('Role');

builder.node(RoleRef, {
  description: 'A named bundle of scopes with a rank; built-in: superadmin, admin, moderator.',
  // Role names and scopes are not secret to signed-in callers; who holds a role is guarded by User.
  authScopes: { authenticated: true },
  id: { resolve: (role) => role.id },
  loadMany: async (ids, ctx) => {
    const found = await findRolesByIds(ctx.database.db, ids.filter((id) => /^\d{1,19}$/.test(id)).map(BigInt));
    return ids.map((id) => (found.get(id) as RoleJson | undefined) ?? null);
  },
  isTypeOf: (value) => (value as { __typename?: string })?.__typename === 'Role',
  fields: (t) => ({
    name: t.exposeString('name'),
    rank: t.exposeInt('rank'),
    description: t.exposeString('description'),
    scopes: t.exposeStringList('scopes', { description: 'Scopes as stored; each grants every scope below it.' }),
    builtIn: t.exposeBoolean('builtIn'),
  }),
});
