/**
 * npm run bench [-- --quick]: seeds 100,000 users in a database of its own, starts the gateway and a
 * raw postgres.js server as child processes, and measures both with autocannon (10 connections).
 * Last line: `ratio users_page=<gateway/raw> users_search=<gateway/raw>`; the customData filter and
 * explainAccess are measured the same way and reported above it.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { Tokens } from '../src/access/tokens.js';
import { loadConfig } from '../src/config.js';
import { openPostgres } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { encodeId } from '../src/graphql/ids.js';
import { openSession } from '../src/modules/sessions/actions.js';
import { createUser } from '../src/modules/users/actions.js';
import { seedUsers } from '../src/modules/users/seed.js';

const quick = process.argv.includes('--quick');
const BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'admin_gateway_bench';
const USERS = 100_000;
// Each side runs ROUNDS times, alternating, and the medians are compared: the machine is shared and
// noisy, and one slow stretch should not decide a ratio.
const ROUNDS = quick ? 2 : 3;
const DURATION = quick ? 4 : 10;
const WARMUP = quick ? 1 : 5;
const SECRET = 'bench-secret-bench-secret-bench-secret-000000';
const GW_PORT = 4500;
const RAW_PORT = 4501;

const SELECTION = 'totalCount edges { node { id username email createdAt roles { name } } }';
const EXPLAIN = 'held via { kind role { name } grantedScope startsAt expiresAt active }';
/** The foundation's two operations (the last line's ratios), then the access-control issue's two. */
const OPERATIONS = (moderator: string) => ({
  users_page: { query: `{ users(first: 50) { ${SELECTION} } }`, raw: '/page' },
  users_search: { query: `{ users(first: 50, filter: { username: { contains: "ab" } }) { ${SELECTION} } }`, raw: '/search' },
  users_custom_data: { query: `{ users(first: 50, filter: { customData: { path: ["plan"], equals: "team" } }) { ${SELECTION} } }`, raw: '/custom-data' },
  explain_access: {
    query: `{ explainAccess(userId: "${moderator}", scope: "admin:users:read") { ${EXPLAIN} } }`,
    raw: `/explain?user=${Buffer.from(moderator, 'base64').toString().split(':')[1]}`,
  },
});

const log = (line: string) => process.stdout.write(`${line}\n`);

function dbUrl(name: string): string {
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  return url.toString();
}

async function prepareDatabase(): Promise<{ token: string; moderator: string }> {
  const admin = postgres(BASE, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
  await admin.unsafe(`create database ${DB_NAME}`);
  await admin.end();
  const database = openPostgres({ url: dbUrl(DB_NAME), poolMax: 4, statementTimeoutSeconds: 600 });
  try {
    await migrate(database);
    const ctx = { db: database.db, actor: { actorId: null, requestId: 'bench' } };
    const started = Date.now();
    await seedUsers(ctx, USERS, 'demo-password');
    log(`seeded ${USERS} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // As after any bulk load: visibility map and statistics, so both sides get index-only counts and good plans.
    await database.db.execute(sql`vacuum analyze`);
    const benchAdmin = await createUser(ctx, { username: 'bench_admin', email: 'bench@example.org' }, { roleNames: ['superadmin'] });
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
  } finally {
    await database.close();
  }
}

/** Starts a child process and waits until `readyUrl` answers. */
async function start(name: string, args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) break;
    if (
      await fetch(readyUrl).then(
        (r) => r.status < 500,
        () => false,
      )
    ) {
      if (child.exitCode === null) return child;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error(`${name} did not start: ${output.slice(-2000)}`);
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

interface Measure {
  requestsPerSec: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  rssMb: number;
}

interface Target {
  url: string;
  body: string;
  headers: Record<string, string>;
  pid: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Warms both targets, then measures them in alternating rounds; answers the median of each side. */
async function compare(a: Target, b: Target): Promise<[Measure, Measure]> {
  await measure(a, WARMUP);
  await measure(b, WARMUP);
  const runs: [Measure[], Measure[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    runs[0].push(await measure(a, DURATION));
    runs[1].push(await measure(b, DURATION));
  }
  return runs.map((list) => ({
    requestsPerSec: median(list.map((m) => m.requestsPerSec)),
    p99Ms: median(list.map((m) => m.p99Ms)),
    errors: list.reduce((n, m) => n + m.errors, 0),
    non2xx: list.reduce((n, m) => n + m.non2xx, 0),
    rssMb: Math.max(...list.map((m) => m.rssMb)),
  })) as [Measure, Measure];
}

async function measure(target: Target, duration: number): Promise<Measure> {
  const { url, body, headers, pid } = target;
  const options = { url, method: 'POST' as const, body, headers: { 'content-type': 'application/json', ...headers }, connections: 10 };
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
  const result = await autocannon({ ...options, duration });
  clearInterval(timer);
  return {
    requestsPerSec: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    rssMb: Math.round(Math.max(peak, rssMb(pid))),
  };
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  // biome-ignore lint/suspicious/noExplicitAny: the bench reads known answers of its own queries
  return res.json() as Promise<any>;
}

async function main() {
  log(`bench: ${USERS} users, autocannon with 10 connections, ${ROUNDS} alternating rounds of ${DURATION} s per side (medians)${quick ? ' (quick)' : ''}`);
  const { token, moderator } = await prepareDatabase();
  const url = dbUrl(DB_NAME);
  // Request logs go to a file-less sink (warn level); the bench measures the service, not its terminal.
  // The gateway runs as `npm start` runs it: the built bundle, with the start script's node flags.
  execSync('npm run -s build', { stdio: 'inherit' });
  const startScript: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start;
  const nodeArgs = startScript.split('&& node ')[1].trim().split(/\s+/);
  const gateway = await start(
    'gateway',
    nodeArgs,
    {
      DATABASE_URL: url,
      PORT: String(GW_PORT),
      HOST: '127.0.0.1',
      JWT_SECRET: SECRET,
      SECRETS_KEY: SECRET,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '10',
    },
    `http://127.0.0.1:${GW_PORT}/readyz`,
  );
  const raw = await start(
    'raw',
    ['--import', 'tsx', 'bench/raw-server.ts'],
    { RAW_DATABASE_URL: url, RAW_PORT: String(RAW_PORT) },
    `http://127.0.0.1:${RAW_PORT}/page`,
  );
  const auth = { authorization: `Bearer ${token}` };
  const results: Record<string, { gateway: Measure; raw: Measure; ratio: number }> = {};
  try {
    for (const [name, op] of Object.entries(OPERATIONS(moderator))) {
      const body = JSON.stringify({ query: op.query });
      const [g, r] = [await post(`http://127.0.0.1:${GW_PORT}/graphql`, body, auth), await post(`http://127.0.0.1:${RAW_PORT}${op.raw}`, '{}')];
      if (JSON.stringify(g) !== JSON.stringify(r)) {
        throw new Error(
          `${name}: the gateway and the raw server disagree\ngateway: ${JSON.stringify(g).slice(0, 400)}\nraw:     ${JSON.stringify(r).slice(0, 400)}`,
        );
      }
      const [rawM, gwM] = await compare(
        { url: `http://127.0.0.1:${RAW_PORT}${op.raw}`, body: '{}', headers: {}, pid: raw.pid! },
        { url: `http://127.0.0.1:${GW_PORT}/graphql`, body, headers: auth, pid: gateway.pid! },
      );
      if (gwM.errors || gwM.non2xx || rawM.errors || rawM.non2xx)
        throw new Error(`${name}: failed requests (gateway ${gwM.errors}/${gwM.non2xx}, raw ${rawM.errors}/${rawM.non2xx})`);
      const ratio = gwM.requestsPerSec / rawM.requestsPerSec;
      results[name] = { gateway: gwM, raw: rawM, ratio };
      log(
        `${name.padEnd(17)} gateway ${String(gwM.requestsPerSec).padStart(6)} req/s p99 ${String(gwM.p99Ms).padStart(4)} ms rss ${gwM.rssMb} MB | raw ${String(rawM.requestsPerSec).padStart(6)} req/s p99 ${String(rawM.p99Ms).padStart(4)} ms rss ${rawM.rssMb} MB | ratio ${ratio.toFixed(2)}`,
      );
    }
  } finally {
    gateway.kill('SIGTERM');
    raw.kill('SIGTERM');
  }
  mkdirSync(new URL('./results', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/latest.json', import.meta.url),
    `${JSON.stringify({ at: new Date().toISOString(), quick, users: USERS, connections: 10, rounds: ROUNDS, durationSeconds: DURATION, node: process.version, results }, null, 2)}\n`,
  );
  log(`ratio users_page=${results.users_page.ratio.toFixed(2)} users_search=${results.users_search.ratio.toFixed(2)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
