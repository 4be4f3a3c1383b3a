/** The constraint name when `error` (or its cause, as Drizzle wraps driver errors) is a unique violation. */
export function uniqueViolation(error: unknown): string | null {
  for (let e = error as { code?: string; constraint?: string; constraint_name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return e.constraint ?? e.constraint_name ?? 'unique';
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
