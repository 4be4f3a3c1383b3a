/** The constraint name when `error` (or its cause, as Drizzle wraps driver errors) is a unique violation. */
export function uniqueViolation(error: unknown): string | null {
  for (let e = error as { code?: string; constraint?: string; constraint_name?: string; cause?: unknown } | undefined; e; e = e.cause as never) {
    if (e.code === '23505') return e.constraint ?? e.constraint_name ?? 'unique';
  }
  return null;
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

/** The error a statement fails with when no pooled connection could be had in time. */
export class PoolWaitTimeout extends Error {
  readonly code = 'POOL_WAIT_TIMEOUT';
  constructor(seconds: number) {
    super(`no database connection within ${seconds} s`);
  }
}
