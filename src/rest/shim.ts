import type { Context } from 'hono';
import { z } from 'zod';
import { isStorableDate, parseBigintId } from '../db/values.js';
import type { GraphQLContext } from '../graphql/context.js';
import { AppError, fromDbError, type ErrorCode, type FieldProblem } from '../core/errors.js';
import { inputProblem, MAX_JSON_DEPTH } from '../graphql/input-guard.js';
import { runOperation } from '../graphql/run.js';

/**
 * What every legacy shim is made of: validate the legacy input with zod, run a GraphQL operation
 * against the gateway's schema as the caller, then present the answer in the legacy shape. A shim
 * never touches the database. Failures travel as ShimErrors and each shim's errors.ts renders them.
 */
export interface ShimDeps {
  contextFor: (c: Context) => Promise<GraphQLContext>;
}

export class ShimError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

/**
 * The ShimError an error thrown inside a route means: itself, an AppError (e.g. the caller's state
 * could not be read), or a database failure (UNAVAILABLE, a timeout). Null for anything unexpected,
 * which the app's error handler logs and masks.
 */
export function asShimError(error: unknown): ShimError | null {
  if (error instanceof ShimError) return error;
  const known = error instanceof AppError ? error : fromDbError(error);
  return known ? new ShimError(known.code, known.message, known.fields) : null;
}

/** A bigint key as legacy APIs write it (decimal digits); a sign, garbage or a value above 2^63 - 1 fails with `message`. */
export const idText = (message: string) => z.string().refine((s) => parseBigintId(s) !== null, message);

/** A date the gateway stores (years 0001–9999, see isStorableDate); anything else fails with `message`. */
export const storableDate = (message = 'must be a date between years 0001 and 9999') => z.date().refine(isStorableDate, message);

function badInput(issues: { path: PropertyKey[]; message: string }[]): ShimError {
  const fields = issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  return new ShimError('BAD_INPUT', fields.map((f) => (f.path.length ? `${f.path.join('.')}: ${f.message}` : f.message)).join('; '), fields);
}

/** Parses and validates a JSON body; malformed JSON, NUL bytes (values and keys), JSON deeper than 64 levels and schema failures are BAD_INPUT. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ShimError('BAD_INPUT', 'Request body is not valid JSON');
  }
  const problem = inputProblem(body, MAX_JSON_DEPTH + 1);
  if (problem) throw new ShimError('BAD_INPUT', problem);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badInput(parsed.error.issues);
  return parsed.data;
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const query = c.req.query();
  const problem = inputProblem(query);
  if (problem) throw new ShimError('BAD_INPUT', problem);
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw badInput(parsed.error.issues);
  return parsed.data;
}

/** A typed payload result of a mutation (plugin-errors union member). */
interface PayloadResult {
  __typename: string;
  message?: string;
  code?: ErrorCode;
  fields?: FieldProblem[];
}

/**
 * Runs an operation as the caller. GraphQL errors (UNAUTHENTICATED, FORBIDDEN, BAD_INPUT, ...) and
 * typed error results of mutation payloads both become ShimErrors.
 */
export async function run<T>(ctx: GraphQLContext, source: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await runOperation<T>(ctx, source, variables);
  const error = result.errors?.[0];
  if (error) {
    const original = error.originalError;
    if (original && !(original instanceof Error && original.name === 'GraphQLError')) throw asShimError(original) ?? original;
    throw new ShimError('BAD_INPUT', error.message);
  }
  for (const value of Object.values(result.data ?? {}) as (PayloadResult | null)[]) {
    if (value && typeof value === 'object' && value.__typename?.endsWith('Error') && value.code) {
      throw new ShimError(value.code, value.message ?? value.code, value.fields ?? []);
    }
  }
  return result.data as T;
}

/**
 * Every node of a connection `field` (for legacy routes that answer whole lists), page by page
 * through `$after`; at most `max` nodes. The operation must select `edges { node }` and
 * `pageInfo { hasNextPage endCursor }`.
 */
export async function allNodes<N>(ctx: GraphQLContext, source: string, field: string, variables: Record<string, unknown> = {}, max = 10_000): Promise<N[]> {
  const nodes: N[] = [];
  type Connection = { edges: { node: N }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  let after: string | null = null;
  do {
    const page: Connection = (await run<Record<string, Connection>>(ctx, source, { ...variables, after }))[field];
    nodes.push(...page.edges.map((e) => e.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && nodes.length < max);
  return nodes;
}

/**
 * The document of mutation `name` (one `input`; one legacy route = one operation): `select` on its success and the
 * typed errors on failure, followed by any fragment definitions the selection spreads.
 */
export function mutationDocument(name: string, select: string, fragments = ''): string {
  const type = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return `mutation ${type}($input: ${type}Input!) { ${name}(input: $input) { __typename ... on ${type}Success { ${select} } ${ERROR_FIELDS} } } ${fragments}`;
}

const ERROR_FIELDS =
  '... on Error { __typename message code } ... on BadInputError { fields { path message } } ... on ConflictError { fields { path message } }';
