import type { output, ZodType } from 'zod';
/**
 * The closed set of error codes; every transport maps these. UNAVAILABLE: the database cannot be
 * reached now (503; retry). UPSTREAM: another server the request needed (a relay) could not be
 * reached or did not answer as it must (502).
 */
export type ErrorCode = 'BAD_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'UPSTREAM' | 'INTERNAL';

export interface FieldProblem {
  /** Path of the offending field relative to the action's input, e.g. ['email']; GraphQL answers it under `input`. */
  path: string[];
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Domain failures a mutation reports as typed payload results. */
export class BadInputError extends AppError {
  constructor(message: string, fields: FieldProblem[] = []) {
    super('BAD_INPUT', message, fields);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, fields: FieldProblem[] = []) {
    super('CONFLICT', message, fields);
  }
}

export const unauthenticated = (message = 'Authentication required') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Not allowed', fields: FieldProblem[] = []) => new AppError('FORBIDDEN', message, fields);

/** Validates an input with a zod schema; every issue becomes a field problem under `prefix` (BAD_INPUT). */
export function parseInput<S extends ZodType>(schema: S, input: unknown, prefix: string[] = []): output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodIssues(result.error.issues, prefix);
  return result.data;
}

/** Maps zod issues to field problems under a path prefix. */
export function fromZodIssues(issues: { path: PropertyKey[]; message: string }[], prefix: string[] = []): BadInputError {
  const fields = issues.map((i) => ({ path: [...prefix, ...i.path.map(String)], message: i.message }));
  const first = fields[0];
  return new BadInputError(first ? `${first.path.join('.')}: ${first.message}` : 'Invalid input', fields);
}

/**
 * The AppError a failed statement means for the caller: the database unreachable (UNAVAILABLE) or a
 * statement stopped by its timeout (BAD_INPUT: the request asked for too much work). Null for
 * anything else, which stays unexpected.
 */
export function fromDbError(error: unknown): AppError | null {
  switch (classifyDbError(error)) {
    case 'unavailable':
      return new AppError('UNAVAILABLE', 'The database is unavailable; try again shortly');
    case 'timeout':
      return new AppError('BAD_INPUT', 'The request took longer than the database allows and was stopped; narrow the filter or ask for fewer rows');
    default:
      return null;
  }
}

/**
 * What a failed statement means for the caller, whichever driver raised it: the database cannot be
 * reached (`unavailable`: answer 503 and let the client retry), or the statement ran into its
 * timeout (`timeout`: the request asked for too much work). Anything else is unexpected.
 */
export type DbFailure = 'unavailable' | 'timeout';

/** postgres.js connection errors, Node socket errors, and PostgreSQL's "cannot connect now" classes. */
const UNREACHABLE = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'POOL_WAIT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
]);

export function classifyDbError(error: unknown): DbFailure | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (code === '57014') return 'timeout';
    if (UNREACHABLE.has(code) || code.startsWith('08')) return 'unavailable';
  }
  return null;
}
