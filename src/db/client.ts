import type { SQLWrapper } from 'drizzle-orm';
import type { PgAsyncDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { relations } from './relations.js';

export type Db = PgAsyncDatabase<PgQueryResultHKT, typeof relations>;
/** A database handle or an open transaction on it. */
export type Tx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Runs a raw statement and returns its rows: postgres.js answers an array, PGlite `{ rows }`. */
export async function queryRows<T = Record<string, unknown>>(db: Tx, query: SQLWrapper): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs a raw statement and returns its rows, whichever driver is underneath. */
  rows<T = Record<string, unknown>>(query: SQLWrapper): Promise<T[]>;
  /** Subscribes to a NOTIFY channel; `onReconnect` runs when notifications may have been missed. */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  poolMax: number;
  statementTimeoutSeconds: number;
  /** Sees every statement's text (tests count statements per request with it). */
  onQuery?: (query: string) => void;
}

const loggerFor = (onQuery?: (query: string) => void) => (onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {});

export function openPostgres(opts: PostgresOptions): Database {
  const client = postgres(opts.url, {
    max: opts.poolMax,
    prepare: true,
    onnotice: () => {},
    connection: {
      statement_timeout: opts.statementTimeoutSeconds * 1000,
      application_name: 'admin-gateway',
    },
  });
  const db = drizzlePostgres({ client, relations, ...loggerFor(opts.onQuery) }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    rows: (query) => queryRows(db, query),
    async listen(channel, onMessage, onReconnect) {
      let first = true;
      const sub = await client.listen(channel, (payload) => onMessage(payload), () => {
        // postgres.js calls this on every (re)connection of the listening socket.
        if (!first) onReconnect?.();
        first = false;
      });
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** `dataDir` undefined means in memory (tests). */
export async function openPglite(dataDir?: string, onQuery?: (query: string) => void): Promise<Database> {
  // Loaded on demand so a PostgreSQL deployment never carries the embedded database in memory.
  const [{ PGlite }, { pg_trgm }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
  ]);
  const client = await PGlite.create(dataDir ? { dataDir, extensions: { pg_trgm } } : { extensions: { pg_trgm } });
  const db = drizzlePglite({ client, relations, ...loggerFor(onQuery) }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    rows: (query) => queryRows(db, query),
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    close: () => client.close(),
  };
}
