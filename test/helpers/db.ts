import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { expect, inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

export const onPostgres = process.env.TEST_DB === 'postgres';

/** Every statement the test databases run, in order (tests may clear it). */
export const statementLog: string[] = [];

/**
 * The live-event publisher's read of the audit rows a NOTIFY named (modules/audit/events.ts). It runs
 * when an earlier write's notification arrives, on PostgreSQL possibly during a request measured.
 */
const publisherRead = /^select .* from "audit_log" where \(\("audit_log"\."seq" >= \$1\) and \("audit_log"\."seq" <= \$2\)\)/;

/**
 * The data statements of one request, without the publisher's reads: those after the one statement
 * that reads the caller's state (graphql/caller-reads.ts), which it expects to come first.
 */
export async function statementsOfRequest<T>(request: () => Promise<T>): Promise<{ res: T; statements: string[] }> {
  statementLog.length = 0;
  const res = await request();
  const [caller, ...statements] = statementLog.filter((q) => !publisherRead.test(q));
  expect(caller).toMatch(/from sessions s where s\.id = /);
  return { res, statements };
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or (TEST_DB=postgres) a new
 * database on TEST_DATABASE_URL's server, dropped afterwards. Both start as a copy of the run's one
 * migrated database (test/setup/templates.ts); `migrate` then finds nothing to do, and is run anyway
 * so a file never depends on the copy being complete.
 */
export async function openTestDatabase(): Promise<{ database: Database; url?: string; drop: () => Promise<void> }> {
  const onQuery = (q: string) => statementLog.push(q);
  if (!onPostgres) {
    const template = inject('pgliteTemplate');
    const loadDataDir = template ? new Blob([await readFile(template)]) : undefined;
    const database = await openPglite(undefined, onQuery, { loadDataDir });
    await migrate(database);
    return { database, drop: () => database.close() };
  }
  const base = process.env.TEST_DATABASE_URL!;
  const name = `gw_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  const template = inject('postgresTemplate');
  await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  // A generous wait for a pooled connection: 50 parallel writes on 5 connections passed the 2 s default
  // on a loaded machine (UNAVAILABLE); tests of the timeout itself open their own pool.
  const database = openPostgres({ url: url.toString(), poolMax: 5, statementTimeoutSeconds: 30, connectTimeoutSeconds: 60, onQuery });
  await migrate(database);
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
