import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './client.js';

/** drizzle/ at the project's top level, found from src/db (tsx) or dist (the built bundle). */
function migrationsFolder(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'drizzle', '.'))) return join(dir, 'drizzle');
  }
  throw new Error('drizzle/ migrations folder not found');
}

export const MIGRATIONS_FOLDER = migrationsFolder();

/** Applies the migrations in drizzle/ (idempotent). */
export async function migrate(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  // Each migrator is typed for its own driver's database class; `database.kind` says which one db is.
  if (database.kind === 'pglite') await (await import('drizzle-orm/pglite/migrator')).migrate(database.db as never, config);
  else await migratePostgres(database.db as never, config);
}
