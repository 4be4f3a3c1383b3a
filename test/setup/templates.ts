import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * Every test file gets a database of its own, and every one of them starts migrated. Migrating once
 * per run and copying the result is what keeps the suite's time in its tests: a new PGlite runs
 * initdb (~5 s) and the migrations (~1 s) where loading a dumped data directory takes ~1 s; on
 * PostgreSQL a file's database is `CREATE DATABASE … TEMPLATE` of one migrated database.
 * test/helpers/db.ts reads what is provided here; tests of migrating itself open their own.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

export async function pgliteTemplate(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'gw-template-'));
  const database = await openPglite();
  await migrate(database);
  const dump = await database.dumpDataDir!();
  await database.close();
  const file = join(dir, 'pglite.tar');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => rm(dir, { recursive: true, force: true });
}

export async function postgresTemplate(project: TestProject) {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return;
  const name = `gw_template_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = openPostgres({ url: url.toString(), poolMax: 2, statementTimeoutSeconds: 120, connectTimeoutSeconds: 60 });
  await migrate(database);
  // A template may have no connection open while it is copied.
  await database.close();
  project.provide('postgresTemplate', name);
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
