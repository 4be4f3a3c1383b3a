import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { randomUUID } from 'node:crypto';
import { execute, GraphQLError } from 'graphql';
import { useEngine } from '@envelop/core';
import { createGraphQLError, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { GraphQLContext } from './context.js';
import { AppError } from './errors.js';
import { inputProblem, MAX_JSON_DEPTH } from './input-guard.js';
import { schema } from './schema.js';

export const LIMITS = { depth: 10, aliases: 15, tokens: 2000, cost: 5000 };

/** The per-request values the HTTP layer hands to yoga. */
export interface ServerContext {
  buildContext: (request: Request) => Promise<GraphQLContext>;
}

/**
 * PostgreSQL text cannot hold NUL, and absurdly deep JSON is no one's input: refuse such requests
 * whole (query, variables, operation name, extensions; keys too), before parsing or coercion.
 */
const rejectUnstorableInput: Plugin = {
  onParams({ params }) {
    const problem = inputProblem([params.query, params.operationName, params.variables, params.extensions], MAX_JSON_DEPTH + 2);
    if (problem) throw createGraphQLError(problem, { extensions: { code: 'BAD_INPUT', http: { status: 400 } } });
  },
};

function asRequestError(e: Error): GraphQLError {
  const error = e instanceof GraphQLError ? e : new GraphQLError(e.message, { originalError: e });
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: error.extensions.code ?? 'BAD_INPUT', http: { status: 400 } },
  });
}

/**
 * A request that cannot run (invalid document, limits, bad variables) is a 4xx whatever the client
 * accepts; yoga would answer 200 to plain application/json clients.
 */
const requestErrorsAre4xx: Plugin = {
  onValidate: () => ({ result, setResult }) => {
    if (result.length) setResult(result.map(asRequestError));
  },
  onExecutionResult: ({ result, setResult }) => {
    if (result && 'errors' in result && result.errors?.length && (!('data' in result) || result.data === undefined)) {
      setResult({ ...result, errors: result.errors.map(asRequestError) });
    }
  },
};

/**
 * Our AppErrors keep their message and code; anything unexpected is logged and masked, with an error
 * id in both the log line and the answer so an operator can find one from the other.
 */
export function maskError(error: unknown, log: Logger): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? null) : error;
  if (original instanceof AppError) {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: gqlError?.nodes,
      path: gqlError?.path,
      extensions: { code: original.code, ...(original.fields.length ? { fields: original.fields } : {}) },
    });
  }
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
    // GraphQL's own refusals during execution (an argument that does not parse, an invalid global
    // ID) are the client's input; give them the code clients switch on.
    if (error.extensions.code) return error;
    return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, originalError: error.originalError, extensions: { ...error.extensions, code: 'BAD_INPUT' } });
  }
  const errorId = randomUUID();
  log.error({ err: original, errorId, path: error instanceof GraphQLError ? error.path : undefined }, 'unexpected error');
  return new GraphQLError('Unexpected error', {
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL', errorId },
  });
}

let graphiqlPage: Promise<string> | undefined;

export async function createGraphQLHandler(config: Config, log: Logger): Promise<YogaServerInstance<ServerContext, GraphQLContext>> {
  // GraphiQL ships inside the page (no CDN): 9 MB of HTML and ~50 MB of memory, so it loads only when enabled.
  const renderGraphiQL = config.graphiql ? (await import('@graphql-yoga/render-graphiql')).renderGraphiQL : undefined;
  const armor = { propagateOnRejection: true };
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: ({ request, buildContext }) => buildContext(request),
    batching: false,
    landingPage: false,
    graphiql: config.graphiql ? { title: 'Admin gateway' } : false,
    renderGraphiQL: (opts) => (graphiqlPage ??= Promise.resolve(renderGraphiQL!(opts))),
    maskedErrors: { maskError: (error) => maskError(error, log) },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      // Unexpected errors are logged once, with an error id, by maskError; the rest are the client's.
      error: (...args) => log.debug(args.map(String).join(' ')),
    },
    plugins: [
      useEngine({ execute }),
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      rejectUnstorableInput,
      requestErrorsAre4xx,
      maxTokensPlugin({ n: LIMITS.tokens, ...armor }),
      maxDepthPlugin({ n: LIMITS.depth, ignoreIntrospection: true, flattenFragments: true, ...armor }),
      maxAliasesPlugin({ n: LIMITS.aliases, allowList: [], ...armor }),
      costLimitPlugin({ maxCost: LIMITS.cost, ignoreIntrospection: true, ...armor }),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
    ],
  });
}
