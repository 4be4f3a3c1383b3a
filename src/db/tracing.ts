/**
 * The db layer's hook for SQL spans. Nothing here knows OpenTelemetry: src/observability/tracing.ts
 * installs a tracer when traces are configured; until then every statement pays one null check.
 * A span is named by the statement's operation and first table (`select users`), never its text's
 * values: parameters are not read at all.
 */
export interface SqlSpan {
  end(error?: unknown): void;
}
export interface SqlTracer {
  start(summary: string): SqlSpan;
}

let tracer: SqlTracer | null = null;

export function setSqlTracer(next: SqlTracer | null): void {
  tracer = next;
}

const OPERATION =
  /^\s*(?:with\b[\s\S]*?\)\s*)?(select|insert|update|delete|begin|commit|rollback|savepoint|release|set|create|alter|drop|lock|notify|listen|unlisten|truncate|values)\b/i;
const TABLE = /\b(?:from|into|update|join)\s+("?)([A-Za-z_][A-Za-z0-9_]*)\1/i;

/** `select users`, `insert audit_log`, `set`: the operation and the first table named, lower case. */
export function statementSummary(sqlText: string): string {
  // String literals (drizzle inlines a few constants) are blanked first, so no word of one can name the span.
  const text = sqlText.replace(/'(?:[^']|'')*'/g, "''");
  const operation = OPERATION.exec(text)?.[1]?.toLowerCase() ?? 'sql';
  const table = TABLE.exec(text)?.[2];
  return table ? `${operation} ${table}` : operation;
}

/** Starts a span for a statement when a tracer is installed. */
export function sqlSpan(text: unknown): SqlSpan | undefined {
  return tracer && typeof text === 'string' ? tracer.start(statementSummary(text)) : undefined;
}

/** What postgres.js's pending queries carry that the span hook uses. */
interface PendingQuery {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Unsafe = (...args: unknown[]) => PendingQuery;

function tracedUnsafe(unsafe: Unsafe): Unsafe {
  return (...args) => {
    const query = unsafe(...args);
    const span = sqlSpan(args[0]);
    if (!span) return query;
    const { resolve, reject } = query;
    query.resolve = (value) => {
      span.end();
      resolve(value);
    };
    query.reject = (error) => {
      span.end(error);
      reject(error);
    };
    return query;
  };
}

/**
 * A postgres.js client whose statements (also inside `begin` transactions and savepoints) open SQL spans. The
 * span ends when postgres.js settles the statement, so it includes any wait for a connection.
 */
export function traceablePostgres<T extends object>(client: T): T {
  const wrap = (target: object): object => {
    let unsafe: Unsafe | undefined;
    return new Proxy(target, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver) as unknown;
        if (key === 'unsafe' && typeof value === 'function') {
          unsafe ??= tracedUnsafe(value.bind(t) as Unsafe);
          return unsafe;
        }
        if ((key === 'begin' || key === 'savepoint') && typeof value === 'function') {
          return (...args: unknown[]) => {
            const fn = args.at(-1) as (tx: object) => unknown;
            return (value as (...a: unknown[]) => unknown).apply(t, [...args.slice(0, -1), (tx: object) => fn(wrap(tx))]);
          };
        }
        return value;
      },
    });
  };
  return wrap(client) as T;
}

interface PgliteLike {
  query: (...args: unknown[]) => Promise<unknown>;
  transaction: (fn: (tx: PgliteLike) => Promise<unknown>) => Promise<unknown>;
}

async function traced(text: unknown, run: () => Promise<unknown>): Promise<unknown> {
  const span = sqlSpan(text);
  if (!span) return run();
  try {
    const result = await run();
    span.end();
    return result;
  } catch (error) {
    span.end(error);
    throw error;
  }
}

/** A PGlite client (or transaction) whose `query` calls open SQL spans. */
export function traceablePglite<T extends object>(client: T): T {
  return new Proxy(client, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const own = t as unknown as PgliteLike;
      if (key === 'query') return (...args: unknown[]) => traced(args[0], () => own.query(...args));
      if (key === 'transaction') return (fn: (tx: PgliteLike) => Promise<unknown>) => own.transaction((tx) => fn(traceablePglite(tx)));
      return value.bind(t);
    },
  }) as T;
}
