import { sql, type SQLWrapper } from 'drizzle-orm';
import type { PgAsyncDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { PoolWaitTimeout } from './errors.js';
import { relations } from './relations.js';
import { traceablePglite, traceablePostgres } from './tracing.js';

export type Db = PgAsyncDatabase<PgQueryResultHKT, typeof relations>;
/** A database handle or an open transaction on it. */
export type Tx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Runs a raw statement and returns its rows: postgres.js answers an array, PGlite `{ rows }`. */
export async function queryRows<T = Record<string, unknown>>(db: Tx, query: SQLWrapper): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The write transactions running now, so a shutdown can wait for them and say which it cut. */
export class WriteTracker {
  private readonly open = new Map<number, number>();
  private next = 0;
  private waiters: (() => void)[] = [];

  async track<T>(work: () => Promise<T>): Promise<T> {
    const id = this.next++;
    this.open.set(id, Date.now());
    try {
      return await work();
    } finally {
      this.open.delete(id);
      if (this.open.size === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Ages (ms) of the writes still running. */
  running(): number[] {
    const now = Date.now();
    return [...this.open.values()].map((since) => now - since);
  }

  /** Resolves true once no write runs, or false when `ms` passed first. */
  idle(ms: number): Promise<boolean> {
    if (this.open.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export interface Database {
  /** The general pool: admin reads (under the read statement timeout) and writes. */
  db: Db;
  /**
   * The reserved share of the pool: sign-in, the caller's own state (`viewer`), health. Heavy admin
   * reads never run here, so they cannot starve it. The same handle as `db` on PGlite.
   */
  reserved: Db;
  kind: 'pglite' | 'postgres';
  writes: WriteTracker;
  /** Runs a raw statement and returns its rows, whichever driver is underneath. */
  rows<T = Record<string, unknown>>(query: SQLWrapper): Promise<T[]>;
  /** `select 1` on the reserved pool; false when the database does not answer within `ms`. */
  ping(ms: number): Promise<boolean>;
  /** Subscribes to a NOTIFY channel; `onReconnect` runs when notifications may have been missed. */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /** PGlite only: the whole data directory as a tarball (what `openPglite`'s `loadDataDir` starts from). */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  /** Connections in all: `poolReserved` of them for sign-in, the caller's state and health. */
  poolMax: number;
  poolReserved?: number;
  /** Timeout of statements inside write transactions. */
  statementTimeoutSeconds: number;
  /** Timeout of every other statement (admin reads); defaults to the write timeout. */
  readTimeoutSeconds?: number;
  /** How long a connection attempt, or a wait for a pooled connection, may take. */
  connectTimeoutSeconds?: number;
  /** Sees every statement's text (tests count statements per request with it). */
  onQuery?: (query: string) => void;
}

const loggerFor = (onQuery?: (query: string) => void) => (onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {});

/** What postgres.js's pending queries carry that the wait guard uses. */
interface PendingQuery {
  state?: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  cancel(): unknown;
}

/**
 * postgres.js queues a statement until a connection is free, for as long as it takes. Fail it with
 * POOL_WAIT_TIMEOUT when it is still waiting after `seconds`; once it is on a connection the
 * statement timeout governs it.
 */
function guardPoolWait(client: postgres.Sql, seconds: number): postgres.Sql {
  const ms = seconds * 1000;
  const unsafe = client.unsafe.bind(client) as unknown as (...args: unknown[]) => PendingQuery;
  const guarded = (...args: unknown[]) => {
    const query = unsafe(...args);
    const { resolve, reject } = query;
    let waitedTooLong = false;
    const timer = setTimeout(() => {
      if (query.state) return;
      waitedTooLong = true;
      query.cancel();
    }, ms);
    query.resolve = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
    query.reject = (error) => {
      clearTimeout(timer);
      reject(waitedTooLong ? new PoolWaitTimeout(seconds) : error);
    };
    return query;
  };
  return new Proxy(client, { get: (target, key, receiver) => (key === 'unsafe' ? guarded : Reflect.get(target, key, receiver)) });
}

/**
 * Every top-level transaction is tracked (for the shutdown drain), gets the write statement timeout,
 * and fails with POOL_WAIT_TIMEOUT when it has not started within `waitSeconds`.
 */
function guardTransactions(db: Db, writes: WriteTracker, opts: { writeTimeoutMs?: number; waitSeconds?: number }): Db {
  const transaction = db.transaction.bind(db);
  const setTimeoutSql = opts.writeTimeoutMs ? sql.raw(`set local statement_timeout = ${Math.round(opts.writeTimeoutMs)}`) : null;
  db.transaction = ((fn, config) =>
    writes.track(() => {
      let started = false;
      let abandoned = false;
      const run = transaction(async (tx) => {
        started = true;
        if (abandoned) throw new PoolWaitTimeout(opts.waitSeconds ?? 0);
        if (setTimeoutSql) await tx.execute(setTimeoutSql);
        return fn(tx);
      }, config);
      if (!opts.waitSeconds) return run;
      const waitSeconds = opts.waitSeconds;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          if (started) return;
          abandoned = true;
          reject(new PoolWaitTimeout(waitSeconds));
        }, waitSeconds * 1000);
        run.then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error) => {
            clearTimeout(timer);
            if (!abandoned || started) reject(error);
          },
        );
      });
    })) as Db['transaction'];
  return db;
}

export function openPostgres(opts: PostgresOptions): Database {
  const connectTimeout = opts.connectTimeoutSeconds ?? 2;
  const reservedSize = Math.min(opts.poolReserved ?? 0, opts.poolMax - 1);
  const clientOf = (max: number) =>
    postgres(opts.url, {
      max,
      prepare: true,
      onnotice: () => {},
      connect_timeout: connectTimeout,
      // postgres.js waits longer and longer (up to 20 s) between attempts to reach a server that is
      // down, holding every queued statement meanwhile; retrying every quarter second keeps failures
      // fast and recovery immediate.
      backoff: () => 0.25,
      connection: {
        statement_timeout: (opts.readTimeoutSeconds ?? opts.statementTimeoutSeconds) * 1000,
        application_name: 'admin-gateway',
      },
    });
  const client = clientOf(opts.poolMax - reservedSize);
  const reservedClient = reservedSize > 0 ? clientOf(reservedSize) : client;
  const writes = new WriteTracker();
  const guards = { writeTimeoutMs: opts.statementTimeoutSeconds * 1000, waitSeconds: connectTimeout };
  const dbOf = (c: postgres.Sql) =>
    guardTransactions(
      drizzlePostgres({ client: guardPoolWait(traceablePostgres(c), connectTimeout), relations, ...loggerFor(opts.onQuery) }) as unknown as Db,
      writes,
      guards,
    );
  const db = dbOf(client);
  const reserved = reservedClient === client ? db : dbOf(reservedClient);
  return {
    db,
    reserved,
    kind: 'postgres',
    writes,
    rows: (query) => queryRows(db, query),
    ping: (ms) => ping(reserved, ms),
    async listen(channel, onMessage, onReconnect) {
      let first = true;
      const sub = await client.listen(
        channel,
        (payload) => onMessage(payload),
        () => {
          // postgres.js calls this on every (re)connection of the listening socket.
          if (!first) onReconnect?.();
          first = false;
        },
      );
      return () => sub.unlisten();
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), reservedClient === client ? null : reservedClient.end({ timeout: 5 })]);
    },
  };
}

async function ping(db: Db, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const answer = queryRows(db, sql`select 1`).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `dataDir` undefined means in memory (tests). */
/** The embedded database's buffer cache (see openPglite). */
export const PGLITE_SHARED_BUFFERS = '32MB';

/**
 * `loadDataDir`: start from a data directory dumped by `dumpDataDir` instead of running initdb (the
 * test suite migrates one database and starts every test file's from it: ~1 s instead of ~6).
 */
export async function openPglite(dataDir?: string, onQuery?: (query: string) => void, opts: { loadDataDir?: Blob } = {}): Promise<Database> {
  // Loaded on demand so a PostgreSQL deployment never carries the embedded database in memory.
  const [{ PGlite }, { pg_trgm }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
  ]);
  // shared_buffers lives in the WebAssembly heap: PGlite's 128MB default held ~80 MB more RSS under
  // load than 32MB for no measured throughput (README "Memory"); 16MB saved ~20 MB more but slowed pages.
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];
  const client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...opts, extensions: { pg_trgm }, startParams });
  const writes = new WriteTracker();
  // One connection, in process: nothing to reserve, wait for or time out (PGlite does not enforce
  // statement_timeout); the filter caps are the guard here.
  const db = guardTransactions(drizzlePglite({ client: traceablePglite(client), relations, ...loggerFor(onQuery) }) as unknown as Db, writes, {});
  return {
    db,
    reserved: db,
    kind: 'pglite',
    writes,
    rows: (query) => queryRows(db, query),
    ping: (ms) => ping(db, ms),
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    dumpDataDir: () => client.dumpDataDir('none'),
    close: () => client.close(),
  };
}
