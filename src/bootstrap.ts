import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from './config.js';
import { openPglite, openPostgres, type Database, type PostgresOptions } from './db/client.js';
import { lockDataDir } from './db/lock.js';
import { migrate } from './db/migrate.js';
import { gatewaySettings } from './db/settings.js';
import { createUser } from './modules/users/actions.js';
import { ensureApplication } from './modules/applications/registration.js';
import type { ApplicationRow } from './modules/applications/queries.js';
import { hasAdministrator } from './modules/users/queries.js';

/** The configuration once every secret is known (given or generated). */
export type ReadyConfig = Config & { jwt: Config['jwt'] & { secret: string }; secretsKey: string };

/** A start phase and how long it took, for the start-up lines. */
export type PhaseReport = (phase: 'database' | 'migrations', ms: number, detail: string) => void;

/**
 * Opens the configured database and applies migrations: PostgreSQL when DATABASE_URL is set,
 * otherwise PGlite in DATA_DIR, locked to this process. The connection is tried before the
 * migrations, so a server that is down or a wrong URL fails in the `database` phase.
 * `migrate: false` opens without migrating (the CLI's `migrate --check`).
 */
export async function openDatabase(config: Config, holder: string, report: PhaseReport = () => {}, opts: { migrate?: boolean } = {}): Promise<Database> {
  const apply = opts.migrate === false ? async () => {} : migrate;
  let started = performance.now();
  const phase = (name: 'database' | 'migrations', detail: string) => {
    report(name, Math.round(performance.now() - started), detail);
    started = performance.now();
  };
  if (config.databaseUrl) {
    const database = openPostgres(postgresOptions(config, config.databaseUrl));
    try {
      await database.db.execute(sql`select 1`);
      phase('database', 'PostgreSQL');
      await apply(database);
      phase('migrations', 'up to date');
    } catch (error) {
      await database.close().catch(() => {});
      throw error;
    }
    return database;
  }
  const dir = resolve(config.dataDir);
  const release = lockDataDir(dir, holder);
  try {
    const database = await openPglite(join(dir, 'pglite'));
    phase('database', `embedded (PGlite) in ${dir}`);
    await apply(database);
    phase('migrations', 'up to date');
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** The pool as configured: its size and reserved share, and the timeouts. */
export function postgresOptions(config: Config, url: string): PostgresOptions {
  return {
    url,
    poolMax: config.dbPoolMax,
    poolReserved: config.dbPoolReserved,
    statementTimeoutSeconds: config.statementTimeoutSeconds,
    readTimeoutSeconds: config.readStatementTimeoutSeconds,
    connectTimeoutSeconds: config.connectTimeoutSeconds,
  };
}

/**
 * The secrets the gateway needs, each taken from its variable when set, otherwise generated once and
 * kept (see `keptSecret`): JWT_SECRET (the HS256 key of the gateway's own tokens) and SECRETS_KEY
 * (encrypts queued mail). Production requires both to be set (config.ts).
 */
export async function resolveSecrets(config: Config, database: Database): Promise<ReadyConfig> {
  const secret = config.jwt.secret ?? (await keptSecret(config, database, 'jwt-secret', 'jwt_secret', 48));
  const secretsKey = config.secretsKey ?? (await keptSecret(config, database, 'secrets-key', 'secrets_key', 32));
  return { ...config, jwt: { ...config.jwt, secret }, secretsKey };
}

/**
 * A random secret generated on first use and kept: in DATA_DIR/<file> (mode 0600) with the embedded
 * database, or in the gateway_settings row <key> on PostgreSQL, so every instance shares it.
 */
async function keptSecret(config: Config, database: Database, file: string, key: string, bytes: number): Promise<string> {
  if (database.kind === 'pglite') {
    const path = join(resolve(config.dataDir), file);
    if (!existsSync(path)) {
      mkdirSync(resolve(config.dataDir), { recursive: true });
      writeFileSync(path, randomBytes(bytes).toString('base64url'), { mode: 0o600 });
    }
    return readFileSync(path, 'utf8').trim();
  }
  await database.db
    .insert(gatewaySettings)
    .values({ key, value: randomBytes(bytes).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await database.rows<{ value: string }>(sql`select value from gateway_settings where key = ${key}`);
  return row.value;
}

/**
 * On a database with no administrator, creates one with the superadmin role: from ADMIN_* when
 * given, otherwise `admin` with a generated password that is returned to be printed once.
 */
export async function ensureAdministrator(config: Config, database: Database): Promise<{ username: string; password?: string } | null> {
  if (await hasAdministrator(database.db)) return null;
  const given = config.initialAdmin ?? {};
  const username = given.username ?? 'admin';
  const generated = given.password ? undefined : randomBytes(12).toString('base64url');
  await createUser(
    { db: database.db, actor: { actorId: null, requestId: 'bootstrap' } },
    { username, email: given.email ?? null, password: given.password ?? generated },
    { roleNames: ['superadmin'] },
  );
  return { username, password: generated };
}

/**
 * With LIQUID_CLIENT_ID set, keeps the Liquid Nitrogen client: a public INTERNAL application (no
 * secret, PKCE; first-party, so no consent page) with grants authorization_code and refresh_token and
 * the redirect URIs of LIQUID_REDIRECT_URIS. Null when Liquid sign-in is not configured.
 */
export async function ensureLiquidClient(config: Config, database: Database): Promise<ApplicationRow | null> {
  if (!config.liquid.clientId) return null;
  return ensureApplication(
    { db: database.db, actor: { actorId: null, requestId: 'bootstrap' } },
    {
      clientId: config.liquid.clientId,
      displayName: 'Liquid Nitrogen',
      clientType: 'PUBLIC',
      role: 'INTERNAL',
      grants: ['authorization_code', 'refresh_token'],
      redirectUris: config.liquid.redirectUris,
    },
  );
}
