/**
 * npm run bench [-- --quick] [-- --users N]: seeds 100,000 users in a database of its own, starts
 * the gateway, a raw postgres.js server and PostGraphile v5 (its peer) as child processes over it,
 * checks they answer the same users, and measures them in alternating autocannon rounds (10
 * connections, pools of 10). With --users N it then does the same at N users (the page and the
 * search), in the same run, so every target is read from one run's lines. Last, the gateway on the
 * embedded PGlite default, for its memory.
 * Last lines: `counts ...` (which count each side ran), `rss pg=<MB> embedded=<MB>`, with --users
 * `scale users=N users_page=<gw/pg> users_search=<gw/pg> search_p99_ms=<n>`,
 * `peers users_page=<gw/pg> users_search=<gw/pg> users_search_exact=<gw/pg> offset_page=<gw/raw> trivial=<gw/pg>`,
 * and last `ratio users_page=<gateway/raw> users_search=<gateway/raw>`.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { Tokens } from '../src/access/tokens.js';
import { loadConfig } from '../src/config.js';
import { type Database, openPglite, openPostgres } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { encodeId } from '../src/graphql/ids.js';
import { openSession } from '../src/modules/sessions/actions.js';
import { createUser } from '../src/modules/users/actions.js';
import { seedUsers } from '../src/modules/users/seed.js';
import { compare, type Measure, post, type Rounds, start, type Target } from './load.js';
import { type CountMode, normalize, type Operation, operations } from './operations.js';

const quick = process.argv.includes('--quick');
const usersArg = process.argv.indexOf('--users');
const BASE_USERS = 100_000;
const SCALE_USERS = usersArg > 0 ? Number(process.argv[usersArg + 1]) : null;
if (SCALE_USERS !== null && (!Number.isInteger(SCALE_USERS) || SCALE_USERS <= BASE_USERS))
  throw new Error(`--users takes a whole number above ${BASE_USERS} (the run always measures ${BASE_USERS} first)`);
/** --reuse: keep the databases of an earlier run of the same sizes instead of seeding again (15 minutes at a million). */
const REUSE = process.argv.includes('--reuse');
const BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Each side runs ROUNDS times, alternating, and the medians are compared: the machine is shared and
// noisy, and one slow stretch should not decide a ratio.
const ROUNDS = quick ? 2 : 3;
const DURATION = quick ? 4 : 10;
const WARMUP = quick ? 1 : 5;
const SECRET = 'bench-secret-bench-secret-bench-secret-000000';
const EMBEDDED_PORT = 4503;
/** Every side gets the same pool. */
const POOL = 10;

const log = (line: string) => process.stdout.write(`${line}\n`);

function dbUrl(name: string): string {
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Seeds `users` users in `database` (migrated here), with a signed-in superadmin for the bench's requests. */
async function seed(database: Database, users: number): Promise<{ token: string; moderator: string }> {
  await migrate(database);
  const ctx = { db: database.db, actor: { actorId: null, requestId: 'bench' } };
  const started = Date.now();
  // In batches of 100,000: one statement per batch keeps the seed's memory flat at a million.
  for (let done = 0; done < users; done += 100_000) await seedUsers(ctx, Math.min(100_000, users - done), 'demo-password');
  log(`seeded ${users} users (${database.kind}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // As after any bulk load: visibility map and statistics, so every side gets index-only counts and good plans.
  await database.db.execute(sql`vacuum analyze`);
  await createUser(ctx, { username: 'bench_admin', email: 'bench@example.org' }, { roleNames: ['superadmin'] });
  return signIn(database);
}

/** A session of the bench's superadmin, and a moderator's id (explainAccess asks about one). */
async function signIn(database: Database): Promise<{ token: string; moderator: string }> {
  const ctx = { db: database.db, actor: { actorId: null, requestId: 'bench' } };
  const [benchAdmin] = await database.rows<{ id: string }>(sql`select id::text as id from users where username = 'bench_admin'`);
  const config = loadConfig({ JWT_SECRET: SECRET });
  const tokens = new Tokens({ ...config.jwt, secret: SECRET });
  const session = await openSession(
    ctx,
    tokens,
    BigInt(benchAdmin.id),
    { ip: null, userAgent: 'bench' },
    { ttlSeconds: 3600, refreshTtlSeconds: 3600, action: 'session.login' },
  );
  const [mod] = await database.rows<{ id: string }>(
    sql`select ur.user_id::text as id from user_roles ur join roles r on r.id = ur.role_id where r.name = 'moderator' order by ur.user_id limit 1`,
  );
  return { token: session.accessToken, moderator: encodeId('User', mod.id) };
}

/** One size of the run: its users, its database, and the ports of its three servers. */
interface Size {
  users: number;
  db: string;
  ports: { gateway: number; raw: number; pg: number; yoga: number };
  /** Above 100,000: the scale part (two operations, longer rounds, each side on an idle database). */
  scale: boolean;
}

function size(users: number): Size {
  const scale = users !== BASE_USERS;
  const port = scale ? 4510 : 4500;
  return {
    users,
    db: scale ? `admin_gateway_bench_${users}` : 'admin_gateway_bench',
    ports: { gateway: port, raw: port + 1, pg: port + 2, yoga: port + 4 },
    scale,
  };
}

async function preparePostgres({ users, db: DB_NAME }: Size): Promise<{ token: string; moderator: string }> {
  if (REUSE) {
    const database = openPostgres({ url: dbUrl(DB_NAME), poolMax: 4, statementTimeoutSeconds: 600 });
    try {
      const [seeded] = await database.rows<{ n: number }>(sql`select count(*)::int as n from users`).catch(() => [{ n: 0 }]);
      if (seeded.n > users) {
        log(`reusing ${DB_NAME} (${seeded.n} users)`);
        await migrate(database);
        return await signIn(database);
      }
    } finally {
      await database.close();
    }
  }
  const admin = postgres(BASE, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
  await admin.unsafe(`create database ${DB_NAME}`);
  await admin.end();
  const database = openPostgres({ url: dbUrl(DB_NAME), poolMax: 4, statementTimeoutSeconds: 600 });
  try {
    return await seed(database, users);
  } finally {
    await database.close();
  }
}

/** The gateway runs as `npm start` runs it: the built bundle, with the start script's environment and node flags. */
const startCommand = (() => {
  const script: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start;
  const words = script.split('&&').at(-1)!.trim().split(/\s+/);
  const env: Record<string, string> = {};
  for (let word = words[0]; /^[A-Z_]+=/.test(word); word = words[0]) {
    const [name, value] = word.split('=');
    env[name] = value;
    words.shift();
  }
  if (words.shift() !== 'node') throw new Error(`npm start does not end in a node command: ${script}`);
  return { env, args: words };
})();

const gatewayEnv = (extra: Record<string, string>) => ({
  ...startCommand.env,
  HOST: '127.0.0.1',
  JWT_SECRET: SECRET,
  SECRETS_KEY: SECRET,
  NODE_ENV: 'production',
  // Request logs at warn: the bench measures the service, not its terminal.
  LOG_LEVEL: 'warn',
  DB_POOL_MAX: String(POOL),
  // Its peers queue for a pooled connection as long as it takes; so does the gateway here (it answers
  // 503 after 2 s by default), or a slow count at a million users would read as failed requests.
  DB_CONNECT_TIMEOUT: '60',
  ...extra,
});

/** Does the gateway's schema have the count strategies yet? */
async function countMode(port: number, token: string): Promise<CountMode> {
  const probe = JSON.stringify({ query: '{ users(first: 1) { count(strategy: CAPPED) { value exact } } }' });
  const answer = (await post(`http://127.0.0.1:${port}/graphql`, probe, { authorization: `Bearer ${token}` })) as { errors?: unknown };
  return answer.errors ? 'totalCount' : 'strategies';
}

const fmt = (m: Measure) => `${String(m.requestsPerSec).padStart(6)} req/s p99 ${String(m.p99Ms).padStart(5)} ms rss ${String(m.rssMb).padStart(3)} MB`;

/**
 * The embedded default: the gateway on PGlite (DATA_DIR, no DATABASE_URL), seeded the same way
 * (100,000 users), under the page load; answers its peak RSS.
 */
async function embeddedRss(): Promise<{ mb: number; users: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pglite-'));
  const users = BASE_USERS;
  try {
    const database = await openPglite(join(dir, 'pglite'));
    let token: string;
    try {
      ({ token } = await seed(database, users));
    } finally {
      await database.close();
    }
    const gateway = await start(
      'embedded gateway',
      startCommand.args,
      gatewayEnv({ DATA_DIR: dir, PORT: String(EMBEDDED_PORT) }),
      `http://127.0.0.1:${EMBEDDED_PORT}/readyz`,
    );
    try {
      const auth = { authorization: `Bearer ${token}` };
      let mb = 0;
      for (const query of [operations('', 'totalCount').users_page.gateway, '{ __typename }']) {
        const body = JSON.stringify({ query });
        const m = await compare([{ url: `http://127.0.0.1:${EMBEDDED_PORT}/graphql`, body, headers: auth, pid: gateway.pid! }], { ...baseRounds, rounds: 1 });
        if (m[0].errors || m[0].non2xx) throw new Error(`embedded: failed requests (${m[0].errors}/${m[0].non2xx})`);
        mb = Math.max(mb, m[0].rssMb);
      }
      return { mb, users };
    } finally {
      gateway.kill('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls until no statement runs on database `DB_NAME` (at most two minutes). */
async function settle(DB_NAME: string): Promise<void> {
  const admin = postgres(BASE, { max: 1, onnotice: () => {} });
  try {
    for (let i = 0; i < 240; i++) {
      const [{ n }] = await admin`select count(*)::int as n from pg_stat_activity where datname = ${DB_NAME} and state = 'active'`;
      if (n === 0) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.end();
  }
}

const baseRounds: Rounds = { rounds: ROUNDS, duration: DURATION, warmup: WARMUP };
// At a million users a counted search takes seconds: rounds long enough to finish some, and each
// side starts on an idle database.
const roundsOf = (at: Size): Rounds =>
  at.scale ? { rounds: ROUNDS, duration: Math.max(DURATION, 10), warmup: Math.max(WARMUP, 3), settle: () => settle(at.db) } : baseRounds;

const PEER_NAMES = { users_page: 1, users_search: 1, users_search_exact: 1, offset_page: 1, trivial: 1 };

interface Result {
  gateway: Measure;
  raw?: Measure;
  pg?: Measure;
  /** Gateway throughput over its peer's (PostGraphile's, or raw's where the peer is raw). */
  ratio: number;
  vsRaw?: number;
  vsPg?: number;
  /** Bare graphql-yoga over PostGraphile (trivial only): the stack's own floor. */
  yoga?: Measure;
  yogaVsPg?: number;
}

/** Seeds (or reuses) one size, starts its three servers and measures `pick` of the operations. */
async function measureSize(at: Size, pick: (all: Record<string, Operation>) => Record<string, Operation>) {
  const rounds = roundsOf(at);
  log(`bench: ${at.users} users, ${ROUNDS} alternating rounds of ${rounds.duration} s per side`);
  const { token, moderator } = await preparePostgres(at);
  const url = dbUrl(at.db);
  const { gateway: GW_PORT, raw: RAW_PORT, pg: PG_PORT, yoga: YOGA_PORT } = at.ports;
  const gateway = await start('gateway', startCommand.args, gatewayEnv({ DATABASE_URL: url, PORT: String(GW_PORT) }), `http://127.0.0.1:${GW_PORT}/readyz`);
  const raw = await start(
    'raw',
    ['--import', 'tsx', 'bench/raw-server.ts'],
    { RAW_DATABASE_URL: url, RAW_PORT: String(RAW_PORT), RAW_POOL_MAX: String(POOL) },
    `http://127.0.0.1:${RAW_PORT}/trivial`,
  );
  const pg = await start(
    'postgraphile',
    ['--import', 'tsx', 'bench/pg-server.ts'],
    { PG_DATABASE_URL: url, PG_PORT: String(PG_PORT), PG_POOL_MAX: String(POOL), GRAPHILE_ENV: 'production' },
    `http://127.0.0.1:${PG_PORT}/graphql`,
  );
  const yoga = await start('yoga', ['--import', 'tsx', 'bench/yoga-server.ts'], { YOGA_PORT: String(YOGA_PORT) }, `http://127.0.0.1:${YOGA_PORT}/graphql`);
  const auth = { authorization: `Bearer ${token}` };
  const results: Record<string, Result> = {};
  const mode = await countMode(GW_PORT, token);
  let counts = '';
  try {
    for (const [name, op] of Object.entries(pick(operations(moderator, mode)))) {
      const body = JSON.stringify({ query: op.gateway });
      const pgBody = op.pg ? JSON.stringify({ query: op.pg }) : '';
      const answers = {
        gateway: normalize('gateway', await post(`http://127.0.0.1:${GW_PORT}/graphql`, body, auth)),
        raw: op.raw ? normalize('raw', await post(`http://127.0.0.1:${RAW_PORT}${op.raw}`, '{}')) : undefined,
        pg: op.pg ? normalize('pg', await post(`http://127.0.0.1:${PG_PORT}/graphql`, pgBody)) : undefined,
      };
      agree(name, answers);
      const targets: Target[] = [];
      if (op.raw) targets.push({ url: `http://127.0.0.1:${RAW_PORT}${op.raw}`, body: '{}', headers: {}, pid: raw.pid! });
      if (op.pg) targets.push({ url: `http://127.0.0.1:${PG_PORT}/graphql`, body: pgBody, headers: {}, pid: pg.pid! });
      if (op.yoga) targets.push({ url: `http://127.0.0.1:${YOGA_PORT}/graphql`, body: JSON.stringify({ query: op.yoga }), headers: {}, pid: yoga.pid! });
      targets.push({ url: `http://127.0.0.1:${GW_PORT}/graphql`, body, headers: auth, pid: gateway.pid! });
      const measured = await compare(targets, rounds);
      const gwM = measured[measured.length - 1];
      const rawM = op.raw ? measured[0] : undefined;
      const pgM = op.pg ? measured[op.raw ? 1 : 0] : undefined;
      const yogaM = op.yoga ? measured[measured.length - 2] : undefined;
      for (const [side, m] of [
        ['gateway', gwM],
        ['raw', rawM],
        ['postgraphile', pgM],
        ['yoga', yogaM],
      ] as const) {
        // At scale a peer's request may outlast autocannon's 10 s: reported, not fatal.
        if (m && at.scale && m.errors && side !== 'gateway') log(`${name}: ${side} had ${m.errors} timed-out requests`);
        else if (m && (m.errors || m.non2xx)) throw new Error(`${name}: ${side} had failed requests (${m.errors} errors, ${m.non2xx} non-2xx)`);
      }
      const vsRaw = rawM ? gwM.requestsPerSec / rawM.requestsPerSec : undefined;
      const vsPg = pgM ? gwM.requestsPerSec / pgM.requestsPerSec : undefined;
      const yogaVsPg = yogaM && pgM ? yogaM.requestsPerSec / pgM.requestsPerSec : undefined;
      results[name] = { gateway: gwM, raw: rawM, pg: pgM, yoga: yogaM, ratio: (op.peer === 'pg' ? vsPg : vsRaw) ?? 0, vsRaw, vsPg, yogaVsPg };
      if (op.counts) counts += ` ${name}: gateway ${op.counts.gateway}, postgraphile ${op.counts.pg};`;
      const parts = [`gateway ${fmt(gwM)}`];
      if (rawM) parts.push(`raw ${fmt(rawM)}`);
      if (pgM) parts.push(`postgraphile ${fmt(pgM)}`);
      if (yogaM) parts.push(`bare yoga ${fmt(yogaM)}`);
      const ratios = [
        vsRaw === undefined ? '' : `gw/raw ${vsRaw.toFixed(2)}`,
        vsPg === undefined ? '' : `gw/pg ${vsPg.toFixed(2)}`,
        yogaVsPg === undefined ? '' : `yoga/pg ${yogaVsPg.toFixed(2)}`,
      ].filter(Boolean);
      log(`${name.padEnd(18)} ${parts.join(' | ')} | ${ratios.join(' ')}`);
    }
  } finally {
    gateway.kill('SIGTERM');
    raw.kill('SIGTERM');
    pg.kill('SIGTERM');
    yoga.kill('SIGTERM');
  }
  return { results, counts, mode };
}

async function main() {
  log(`bench: autocannon with 10 connections, pools of ${POOL}, medians of alternating rounds${quick ? ' (quick)' : ''}`);
  execSync('npm run -s build', { stdio: 'inherit' });
  const base = await measureSize(size(BASE_USERS), (all) => all);
  // At scale, the two operations of the scale line (the others take minutes each there).
  const scaled = SCALE_USERS === null ? null : await measureSize(size(SCALE_USERS), (all) => ({ users_page: all.users_page, users_search: all.users_search }));
  const { results, counts, mode } = base;
  const rssPg = Math.max(...[...Object.values(results), ...Object.values(scaled?.results ?? {})].map((r) => r.gateway.rssMb));
  const embedded = await embeddedRss();
  mkdirSync(new URL('./results', import.meta.url), { recursive: true });
  const summary = (users: number, r: Record<string, Result>) => ({ users, results: r });
  writeFileSync(
    new URL(`./results/${SCALE_USERS === null ? 'latest' : `users-${SCALE_USERS}`}.json`, import.meta.url),
    `${JSON.stringify({ at: new Date().toISOString(), quick, connections: 10, pool: POOL, rounds: ROUNDS, durationSeconds: DURATION, node: process.version, countMode: mode, rss: { pg: rssPg, embedded: embedded.mb, embeddedUsers: embedded.users }, sizes: [summary(BASE_USERS, results), ...(scaled && SCALE_USERS ? [summary(SCALE_USERS, scaled.results)] : [])] }, null, 2)}\n`,
  );
  const r = (from: Record<string, Result>, name: string, key: 'ratio' | 'vsRaw' | 'vsPg' = 'ratio') => (from[name][key] ?? 0).toFixed(2);
  log(`counts${counts}`);
  log(`rss pg=${rssPg} embedded=${embedded.mb}`);
  if (scaled) {
    const s = scaled.results;
    log(`scale users=${SCALE_USERS} users_page=${r(s, 'users_page')} users_search=${r(s, 'users_search')} search_p99_ms=${s.users_search.gateway.p99Ms}`);
  }
  log(`floor trivial: bare graphql-yoga/pg=${(results.trivial?.yogaVsPg ?? 0).toFixed(2)} (the gateway's stack with nothing of the gateway)`);
  log(
    `peers ${Object.keys(results)
      .filter((k) => k in PEER_NAMES)
      .map((k) => `${k}=${r(results, k)}`)
      .join(' ')}`,
  );
  log(`ratio users_page=${r(results, 'users_page', 'vsRaw')} users_search=${r(results, 'users_search', 'vsRaw')}`);
}

/** Every side answers the same users in the same order (and the same count where each counts exactly). */
function agree(name: string, answers: Record<'gateway' | 'raw' | 'pg', unknown>) {
  const { gateway, ...others } = answers;
  for (const [side, answer] of Object.entries(others)) {
    if (answer === undefined) continue;
    const [a, b] = [gateway, answer].map((x) => {
      const v = x as { count?: number | null; rows?: unknown };
      return v && typeof v === 'object' && 'rows' in v ? { rows: v.rows } : x;
    });
    const [ca, cb] = [gateway, answer].map((x) => (x as { count?: number | null })?.count ?? null);
    if (JSON.stringify(a) !== JSON.stringify(b) || (ca !== null && cb !== null && ca !== cb)) {
      throw new Error(
        `${name}: the gateway and ${side} disagree\ngateway: ${JSON.stringify(gateway).slice(0, 400)}\n${side}: ${JSON.stringify(answer).slice(0, 400)}`,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
