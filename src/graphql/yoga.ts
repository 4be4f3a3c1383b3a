import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { randomUUID } from 'node:crypto';
import { execute, getOperationAST, GraphQLError, Kind, type DocumentNode } from 'graphql';
import { useEngine } from '@envelop/core';
import { createGraphQLError, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { allowedOrigin, CORS } from '../core/cors.js';
import { CallerReads } from './caller-reads.js';
import type { GraphQLContext } from './context.js';
import { graphiqlOptions, withSignIn } from './graphiql.js';
import { AppError, fromDbError } from '../core/errors.js';
import { inputProblem, MAX_JSON_DEPTH } from './input-guard.js';
import { checkInputLimits, InputLimitError } from './input-limits.js';
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

/** Filter and list caps (input-limits.ts), checked before variables are coerced: a 400 BAD_INPUT. */
function limitInputs(args: {
  schema: import('graphql').GraphQLSchema;
  document: import('graphql').DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}) {
  try {
    checkInputLimits(args.schema, args.document, args.operationName, args.variableValues);
  } catch (error) {
    if (!(error instanceof InputLimitError)) throw error;
    throw createGraphQLError(error.message, {
      extensions: { code: 'BAD_INPUT', fields: [{ path: error.path, message: error.message }], http: { status: 400 } },
    });
  }
}

const inputLimits: Plugin = {
  onExecute: ({ args }) => limitInputs(args),
  onSubscribe: ({ args }) => limitInputs(args),
};

/** Root fields that answer the caller about itself or sign it in: they run on the reserved pool. */
const RESERVED_FIELDS = new Set(['viewer', 'login', 'refreshToken', 'logout', '__typename']);
const reservedViews = new WeakMap<GraphQLContext['database'], GraphQLContext['database']>();
const callerReads = new WeakMap<GraphQLContext['auth'], CallerReads>();

/**
 * Reads the caller once the operation is known, on the pool it runs on: operations made only of
 * RESERVED_FIELDS (and their callers' state) use the reserved share of the pool, so sign-in and
 * `viewer` keep working while heavy admin reads hold every general connection.
 */
async function authenticate(
  args: { document: DocumentNode; operationName?: string | null; contextValue: GraphQLContext },
  extendContext: (extension: Partial<GraphQLContext>) => void,
) {
  const ctx = args.contextValue;
  const operation = getOperationAST(args.document, args.operationName);
  let database = ctx.database;
  if (operation?.selectionSet.selections.every((s) => s.kind === Kind.FIELD && RESERVED_FIELDS.has(s.name.value))) {
    database = reservedViews.get(ctx.database) ?? { ...ctx.database, db: ctx.database.reserved };
    reservedViews.set(ctx.database, database);
  }
  let reads = callerReads.get(ctx.auth);
  if (!reads) {
    reads = new CallerReads(ctx.auth);
    callerReads.set(ctx.auth, reads);
  }
  extendContext({ database, ...(await reads.read(ctx.authorization, database.db)) });
}

const authenticated: Plugin<GraphQLContext> = {
  onExecute: ({ args, extendContext }) => authenticate(args, extendContext),
  onSubscribe: ({ args, extendContext }) => authenticate(args, extendContext),
};

function asRequestError(e: Error): GraphQLError {
  const error = e instanceof GraphQLError ? e : new GraphQLError(e.message, { originalError: e });
  // An error that already chose its status keeps it (the database being unreachable is a 503).
  const chosen = (error.extensions.http as { status?: number } | undefined)?.status;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: error.extensions.code ?? 'BAD_INPUT', http: { status: chosen ?? 400 } },
  });
}

/**
 * A request that cannot run (invalid document, limits, bad variables) is a 4xx whatever the client
 * accepts; yoga would answer 200 to plain application/json clients.
 */
const requestErrorsAre4xx: Plugin = {
  onValidate:
    () =>
    ({ result, setResult }) => {
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
  const raw = error instanceof GraphQLError ? (error.originalError ?? null) : error;
  const original = raw instanceof AppError ? raw : (fromDbError(raw) ?? raw);
  if (original instanceof AppError) {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: gqlError?.nodes,
      path: gqlError?.path,
      extensions: {
        code: original.code,
        ...(original.fields.length ? { fields: original.fields } : {}),
        // Yoga answers the highest status its errors carry and strips `http` from the body.
        ...(original.code === 'UNAVAILABLE' ? { http: { status: 503 } } : {}),
      },
    });
  }
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
    // GraphQL's own refusals during execution (an argument that does not parse, an invalid global
    // ID) are the client's input; give them the code clients switch on.
    if (error.extensions.code) return error;
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      path: error.path,
      originalError: error.originalError,
      extensions: { ...error.extensions, code: 'BAD_INPUT' },
    });
  }
  const errorId = randomUUID();
  log.error({ err: original, errorId, path: error instanceof GraphQLError ? error.path : undefined }, 'unexpected error');
  return new GraphQLError('Unexpected error', {
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL', errorId },
  });
}

/**
 * graphql-js words some errors with suggestions (`Did you mean "username"?`); with introspection off
 * they would spell the schema out to whoever guesses. The armor plugin masks the common wording in
 * validation; this one also catches `Did you mean the enum value "ACTIVE"?` and the errors of
 * variable values, which graphql-js coerces at execution (input fields, enum values).
 */
const withoutSuggestions = (message: string) => message.replace(/\s*Did you mean [^?]*\?/g, '').trim();
const cleaned = <E extends Error>(errors: readonly E[]): (E | GraphQLError)[] =>
  errors.map((e) => {
    const message = withoutSuggestions(e.message);
    if (message === e.message || !(e instanceof GraphQLError)) return e;
    return new GraphQLError(message, {
      nodes: e.nodes,
      source: e.source,
      positions: e.positions,
      path: e.path,
      originalError: e.originalError,
      extensions: e.extensions,
    });
  });
const hideSuggestions: Plugin = {
  onValidate:
    () =>
    ({ result, setResult }) => {
      if (result.length) setResult(cleaned(result));
    },
  onExecutionResult: ({ result, setResult }) => {
    if (result && 'errors' in result && result.errors?.length) setResult({ ...result, errors: cleaned(result.errors) });
  },
};

/** Caches must keep answers for different origins apart once origins are configured. */
const varyByOrigin: Plugin = {
  onResponse: ({ response }) => {
    const vary = response.headers.get('vary');
    if (!vary?.toLowerCase().includes('origin')) response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
  },
};

let graphiqlPage: Promise<string> | undefined;

/** `plugins`: added after the gateway's own (metrics and traces, from src/observability). */
export async function createGraphQLHandler(config: Config, log: Logger, plugins: Plugin[] = []): Promise<YogaServerInstance<ServerContext, GraphQLContext>> {
  // GraphiQL ships inside the page (no CDN): 9 MB of HTML and ~50 MB of memory, so it loads only when enabled.
  const renderGraphiQL = config.graphiql ? (await import('@graphql-yoga/render-graphiql')).renderGraphiQL : undefined;
  const armor = { propagateOnRejection: true };
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: ({ request, buildContext }) => buildContext(request),
    batching: false,
    // The HTTP layer refuses bodies over 1 MB before yoga sees them (app.ts: the Node listener by
    // Content-Length, Hono's bodyLimit on the fetch path); yoga's own check would pipe every body
    // through one more web stream to count its bytes again.
    maxRequestBodySize: false,
    landingPage: false,
    // yoga would reflect any Origin with credentials; answer only the configured ones (see cors.ts).
    cors: (request) => {
      const origin = allowedOrigin(config, request.headers.get('origin'));
      return origin
        ? {
            origin: [origin],
            credentials: false,
            methods: CORS.graphqlMethods,
            allowedHeaders: CORS.allowHeaders,
            exposedHeaders: CORS.exposeHeaders,
            maxAge: CORS.maxAgeSeconds,
          }
        : false;
    },
    graphiql: config.graphiql ? graphiqlOptions() : false,
    renderGraphiQL: (opts) => (graphiqlPage ??= Promise.resolve(withSignIn(renderGraphiQL!(opts)))),
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
      inputLimits,
      authenticated,
      maxTokensPlugin({ n: LIMITS.tokens, ...armor }),
      maxDepthPlugin({ n: LIMITS.depth, ignoreIntrospection: true, flattenFragments: true, ...armor }),
      maxAliasesPlugin({ n: LIMITS.aliases, allowList: [], ...armor }),
      costLimitPlugin({ maxCost: LIMITS.cost, ignoreIntrospection: true, ...armor }),
      ...(config.introspection ? [] : [useDisableIntrospection(), blockFieldSuggestionsPlugin({ mask: '' }), hideSuggestions]),
      ...(config.corsOrigins.length ? [varyByOrigin] : []),
      ...plugins,
    ],
  });
}
