import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { requestScope } from '../log.js';
import type { GraphQLContext } from './context.js';
import { AppError } from './errors.js';
import { schema } from './schema.js';

export const LIMITS = { depth: 10, aliases: 15, tokens: 2000, cost: 5000 };

/** The per-request values the HTTP layer hands to yoga. */
export interface ServerContext {
  buildContext: (request: Request) => Promise<GraphQLContext>;
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

/** PostgreSQL text cannot hold NUL; refuse such requests whole instead of failing mid-write. */
const rejectNulBytes: Plugin = {
  onParams({ params }) {
    if (hasNul(params.query) || hasNul(params.variables) || hasNul(params.operationName)) {
      throw createGraphQLError('Strings must not contain NUL characters', { extensions: { code: 'BAD_INPUT', http: { status: 400 } } });
    }
  },
};

/** Our AppErrors keep their message and code; anything unexpected is logged and masked. */
export function maskError(error: unknown): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? null) : error;
  if (original instanceof AppError) {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: gqlError?.nodes,
      path: gqlError?.path,
      extensions: { code: original.code, ...(original.fields.length ? { fields: original.fields } : {}) },
    });
  }
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
  const scope = requestScope.getStore();
  scope?.log.error({ err: original }, 'unexpected error');
  return new GraphQLError('Unexpected error', {
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL', requestId: scope?.requestId },
  });
}

let graphiqlPage: string | undefined;

export function createGraphQLHandler(config: Config, log: Logger): YogaServerInstance<ServerContext, GraphQLContext> {
  const armor = { propagateOnRejection: true };
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: ({ request, buildContext }) => buildContext(request),
    batching: false,
    landingPage: false,
    graphiql: config.graphiql ? { title: 'Admin gateway' } : false,
    // The page carries GraphiQL itself (no CDN); built once, it is 9 MB of HTML.
    renderGraphiQL: (opts) => (graphiqlPage ??= renderGraphiQL(opts)),
    maskedErrors: { maskError: (error) => maskError(error) },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
    plugins: [
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      rejectNulBytes,
      maxTokensPlugin({ n: LIMITS.tokens, ...armor }),
      maxDepthPlugin({ n: LIMITS.depth, ignoreIntrospection: true, flattenFragments: true, ...armor }),
      maxAliasesPlugin({ n: LIMITS.aliases, allowList: [], ...armor }),
      costLimitPlugin({ maxCost: LIMITS.cost, ignoreIntrospection: true, ...armor }),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
    ],
  });
}
