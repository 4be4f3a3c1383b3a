import { execute, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import type { GraphQLContext } from './context.js';
import { BadInputError } from '../core/errors.js';
import { checkInputLimits, InputLimitError } from './input-limits.js';
import { inputProblem, MAX_JSON_DEPTH } from './input-guard.js';
import { schema } from './schema.js';

const documents = new Map<string, DocumentNode>();

/**
 * Runs one operation against the gateway's schema with the caller's context: how REST shims reach
 * data, so authorization, validation and audit stay in one place. Documents are the shims' own
 * constants, parsed and validated once. Variables (built from legacy bodies, query strings and path
 * segments) get yoga's request checks (no NUL in strings or keys, bounded depth): a refusal is a
 * BAD_INPUT result, as GraphQL answers.
 */
export async function runOperation<T = Record<string, unknown>>(
  ctx: GraphQLContext,
  source: string,
  variables: Record<string, unknown> = {},
): Promise<ExecutionResult<T>> {
  let document = documents.get(source);
  if (!document) {
    document = parse(source);
    const errors = validate(schema, document);
    if (errors.length) throw new Error(`Invalid shim operation: ${errors[0].message}`);
    documents.set(source, document);
  }
  const problem = inputProblem(variables, MAX_JSON_DEPTH + 1);
  if (problem) return { errors: [new GraphQLError(problem, { originalError: new BadInputError(problem) })] };
  try {
    checkInputLimits(schema, document, undefined, variables);
  } catch (error) {
    if (!(error instanceof InputLimitError)) throw error;
    return { errors: [new GraphQLError(error.message, { originalError: new BadInputError(error.message, [{ path: error.path, message: error.message }]) })] };
  }
  return (await execute({ schema, document, variableValues: variables, contextValue: ctx })) as ExecutionResult<T>;
}
