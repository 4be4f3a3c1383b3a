import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import GlobalIdPathsPlugin from './global-id-plugin.js';
import InputPathsPlugin from './input-paths-plugin.js';
import { GraphQLError, Kind } from 'graphql';
import type { Viewer } from '../access/caller.js';
import type { Scope } from '../access/scopes.js';
import { isAccount } from '../access/policy.js';
import type { GraphQLContext } from './context.js';
import { isStorableDate } from '../db/values.js';
import { AppError } from '../core/errors.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: {
    /** Anyone, signed in or not (login, refreshToken). */
    public: boolean;
    /** Any signed-in caller. */
    authenticated: boolean;
    /** A catalog scope, held directly or through an ancestor. */
    scope: Scope;
    /** The caller itself: the user with this id (as text). */
    self: string;
    /** The caller itself: the local or remote account of this name. */
    selfName: { username: string; domain: string | null };
  };
  AuthContexts: {
    /** Fields declared with `t.withAuth({ authenticated: true })` see a viewer that is there. */
    authenticated: GraphQLContext & { viewer: Viewer };
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    /** A file part of a GraphQL multipart request (yoga parses it into a File); input only. */
    Upload: { Input: { readonly name: string; readonly size: number; arrayBuffer(): Promise<ArrayBuffer> }; Output: never };
  };
  DefaultFieldNullability: false;
}>({
  // GlobalIdPathsPlugin adds its arg mapper ahead of plugin-relay's (see global-id-plugin.ts).
  // InputPathsPlugin wraps inside ErrorsPlugin, so payload unions carry the prefixed paths.
  plugins: [RelayPlugin, ScopeAuthPlugin, ErrorsPlugin, GlobalIdPathsPlugin, InputPathsPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Type rules run once per object (isTypeOf) instead of wrapping every field's resolver.
    runScopesOnType: true,
    // Subscriptions are refused when they start, not only on each event they deliver.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      public: true,
      authenticated: ctx.viewer !== null,
      scope: (scope) => ctx.viewer?.scopes.has(scope) ?? false,
      self: (id) => ctx.viewer !== null && ctx.viewer.userId.toString() === id,
      selfName: (name) => ctx.viewer !== null && isAccount(ctx.viewer, name),
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.viewer ? new AppError('FORBIDDEN', 'Not allowed') : (ctx.authError ?? new AppError('UNAUTHENTICATED', 'Authentication required')),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: { authScopes: { authenticated: true } },
    nodesQueryOptions: false,
    pageInfoTypeOptions: { authScopes: { authenticated: true } },
    nodeTypeOptions: { authScopes: { authenticated: true } },
    defaultConnectionTypeOptions: { authScopes: { authenticated: true } },
    defaultEdgeTypeOptions: { authScopes: { authenticated: true } },
  },
  errors: {
    defaultTypes: [],
    // A bad global ID in a mutation input is refused by an arg mapper, before the resolver: this lets
    // the payload union answer it as BadInputError (with its path), as it answers every other bad input.
    // Only the typed errors (BadInputError, NotFoundError, ConflictError) are caught; auth errors pass.
    unsafelyHandleInputErrors: true,
  },
});

/** The builder's schema types, for helpers typed by them (InputObjectRef<BuilderTypes, Shape>). */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A DateTime input: ISO 8601 text naming an instant PostgreSQL stores (years 0001–9999, see isStorableDate). */
function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string');
  if (!isStorableDate(date)) throw new GraphQLError('DateTime must be between years 0001 and 9999');
  return date;
}

builder.scalarType('DateTime', {
  description: 'An ISO 8601 date and time, always answered in UTC; inputs must lie in years 0001 to 9999.',
  // PostgreSQL's JSON already carries UTC ISO strings (see isoUtc); anything else is normalised.
  serialize: (value) => (typeof value === 'string' && ISO_UTC.test(value) ? value : (value instanceof Date ? value : new Date(value)).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : null),
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
