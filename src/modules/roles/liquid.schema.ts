import { enforcingScope, LIQUID_ENFORCED, LIQUID_SCOPE_TREE, liquidNamesOf, type LiquidHolder } from '../../access/liquid-scopes.js';
import type { LiquidScopeEntry } from '../../access/liquid-scopes.data.js';
import { BadInputError } from '../../core/errors.js';
import { batched } from '../../db/batch.js';
import { builder } from '../../graphql/builder.js';
import { actionContext } from '../../graphql/context.js';
import { payload } from '../../graphql/error-types.js';
import { ApplicationRef } from '../applications/schema.js';
import { UserRef } from '../users/schema.js';
import { liquidSourcesOfRoles, liquidSourcesOfUsers, setLiquidScopes, storedLiquidNames, type LiquidSource } from './liquid.js';
import { RoleRef } from './ref.schema.js';
import { RoleNode, ScopeOperationEnum } from './schema.js';
import { LIQUID_TARGET_TYPES } from './validation.js';

/**
 * Liquid scope names on User, Application and Role (Liquid's `scope[]`), and setLiquidScopes
 * (Liquid's access provisioning). The names and what they mean: access/liquid-scopes.ts.
 */

const describe = (whose: string) =>
  `The Liquid scope names ${whose} holds (Liquid's scope[]): those stored for it, exactly, then the names its catalog scopes map to, folded as Liquid folds. Sending them back with setLiquidScopes SET changes nothing.`;

const namesOf = (holder: LiquidHolder, source: LiquidSource | null) => liquidNamesOf(holder, source?.scopes ?? [], source?.names ?? []);

builder.objectFields(UserRef, (t) => ({
  liquidScopes: t.stringList({
    description: describe('the user directly (not through its roles)'),
    // Loaded with the users of a page (registered in liquid.ts); a user that came without it loads it in one statement per level.
    resolve: (u, _args, ctx) => {
      const loaded = (u as { liquidScopes?: LiquidSource }).liquidScopes;
      return loaded ? namesOf('user', loaded) : batched(ctx, 'user.liquidScopes', u.id, liquidSourcesOfUsers).then((s) => namesOf('user', s));
    },
  }),
}));

builder.objectFields(ApplicationRef, (t) => ({
  liquidScopes: t.stringList({
    description: describe('the application'),
    resolve: async (a, _args, ctx) => {
      const names = await batched(ctx, 'application.liquidScopes', a.id.toString(), (db, ids) => storedLiquidNames(db, 'application', ids));
      return namesOf('client', { scopes: a.scopes, names: names ?? [] });
    },
  }),
}));

builder.objectFields(RoleRef, (t) => ({
  liquidScopes: t.stringList({
    description: describe('the role'),
    resolve: async (r, _args, ctx) => namesOf('role', await batched(ctx, 'role.liquidScopes', r.id, liquidSourcesOfRoles)),
  }),
}));

const LiquidScopeRef = builder.objectRef<LiquidScopeEntry>('LiquidScope').implement({
  description: "A name of Liquid's scope tree, and what the gateway makes of it.",
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    adminDescription: t.exposeString('adminDescription', { nullable: true }),
    parent: t.exposeString('parent', { nullable: true, description: 'Liquid names its parent explicitly; the root `*` has none' }),
    enforcedAs: t.string({
      nullable: true,
      description: 'The catalog scope that granting this name grants; null for a stored-only name (kept and reported, granting nothing)',
      resolve: (s) => (Object.hasOwn(LIQUID_ENFORCED, s.name) ? LIQUID_ENFORCED[s.name] : null),
    }),
    heldWith: t.string({
      description: 'The catalog scope whose holders hold this name: its own, or that of its nearest enforced ancestor',
      resolve: (s) => enforcingScope(s.name),
    }),
  }),
});

builder.queryField('liquidScopeTree', (t) =>
  t.field({
    type: [LiquidScopeRef],
    description: "Every name of Liquid's scope tree, in Liquid's order (Liquid's GET /user/scopes).",
    authScopes: { authenticated: true },
    resolve: () => [...LIQUID_SCOPE_TREE],
  }),
);

const LiquidTargetTypeEnum = builder.enumType('LiquidTargetType', { values: LIQUID_TARGET_TYPES });
const TYPENAME = { USER: 'User', APPLICATION: 'Application', ROLE: 'Role' } as const;

const SetLiquidScopesInput = builder.inputType('SetLiquidScopesInput', {
  description: "Liquid's POST /user/admin-api/access: Liquid scope names on users, applications (Liquid's clients) or roles.",
  fields: (t) => ({
    targetType: t.field({ type: LiquidTargetTypeEnum, required: true }),
    targets: t.globalIDList({ for: [UserRef, ApplicationRef, RoleNode], description: 'IDs of the targetType (up to 1,000; all or nothing)' }),
    roleNames: t.stringList({ description: 'ROLE targets by name, beside or instead of targets' }),
    scopes: t.stringList({ required: true, description: "Names of Liquid's scope tree (see Query.liquidScopeTree)" }),
    operation: t.field({ type: ScopeOperationEnum, required: true }),
  }),
});

const SetLiquidScopesResult = builder.objectRef<{ changedCount: number }>('SetLiquidScopesResult').implement({
  authScopes: { public: true },
  fields: (t) => ({ changedCount: t.exposeInt('changedCount', { description: 'Targets whose Liquid names changed' }) }),
});

builder.mutationFields((t) => ({
  setLiquidScopes: t.field({
    type: SetLiquidScopesResult,
    description:
      'Sets, adds or takes away Liquid scope names, all or nothing, with the catalog scopes they enforce; you can give or take away only what you hold. SET with the names read back changes nothing.',
    authScopes: { scope: 'admin:roles:grant' },
    errors: payload('SetLiquidScopes', 'result'),
    args: { input: t.arg({ type: SetLiquidScopesInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const typename = TYPENAME[input.targetType];
      const targets = (input.targets ?? []).map((target, i) => {
        if (target.typename === typename) return target.id;
        throw new BadInputError(`targets.${i}: not a ${typename} ID`, [{ path: ['targets', String(i)], message: `not a ${typename} ID` }]);
      });
      return setLiquidScopes(actionContext(ctx), {
        targetType: input.targetType,
        targets,
        roleNames: input.roleNames,
        scopes: input.scopes,
        operation: input.operation,
      });
    },
  }),
}));
