import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { AppError } from '../core/errors.js';
import type { Database } from '../db/client.js';
import { MIGRATIONS_FOLDER, migrate } from '../db/migrate.js';
import { seedUsers } from '../modules/users/seed.js';
import { type CommandEnv, progress } from './output.js';
import type { Values } from './users.js';

/** Seeding runs in chunks of this many users, each one transaction, so progress can be shown. */
const SEED_CHUNK = 10_000;

export async function seed(env: CommandEnv, v: Values): Promise<void> {
  const n = Number(v.users);
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new AppError('BAD_INPUT', '--users must be a whole number from 1 to 10,000,000');
  const password = typeof v.password === 'string' ? v.password : 'demo-password';
  const started = Date.now();
  const step = progress(env.output, 'seeded users', n);
  let inserted = 0;
  while (inserted < n) {
    const ctx = { db: env.database.db, actor: { actorId: null, requestId: `${env.via}:seed` } };
    inserted += (await seedUsers(ctx, Math.min(SEED_CHUNK, n - inserted), password)).inserted;
    if (inserted < n) step(inserted);
  }
  env.output.out(`Seeded ${inserted} users in ${((Date.now() - started) / 1000).toFixed(1)} s (password: ${v.password ? 'as given' : 'demo-password'})\n`);
}

/** The migrations in drizzle/ that the database has not applied, by folder name, oldest first. */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const local = readdirSync(MIGRATIONS_FOLDER, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const [table] = await database.rows<{ present: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!table?.present) return local;
  const applied = await database.rows<{ name: string | null }>(sql`select name from drizzle.__drizzle_migrations`);
  const names = new Set(applied.map((r) => r.name));
  // Tables written before drizzle kept names hold one row per migration, in order.
  if (applied.some((r) => r.name === null)) return local.slice(applied.length);
  return local.filter((name) => !names.has(name));
}

/**
 * `migrate` applies what is pending (the gateway does at every start); `migrate --check` changes
 * nothing and says what is pending: exit code 0 when up to date, 2 when migrations are pending.
 */
export async function migrations(env: CommandEnv, v: Values): Promise<number> {
  const pending = await pendingMigrations(env.database);
  if (v.check) {
    if (pending.length === 0) {
      env.output.out('Migrations: up to date\n');
      return 0;
    }
    env.output.out(`Migrations: ${pending.length} pending\n${pending.map((name) => `  ${name}\n`).join('')}`);
    return 2;
  }
  if (pending.length) await migrate(env.database);
  env.output.out(pending.length ? `Applied ${pending.length} migration${pending.length === 1 ? '' : 's'}\n` : 'Migrations: up to date\n');
  return 0;
}
