import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { ReadyConfig } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { ActionContext } from '../../src/modules/context.js';
import { openTestDatabase } from './db.js';
import { makeUser, type MadeUser } from './factories.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-000';
export const TEST_SECRETS_KEY = 'test-secrets-key-that-is-long-enough-for-aes-000';

/** This test file's DATA_DIR (a temporary folder, so mail files never land in ./data). */
let dataDir: string | undefined;
export function testDataDir(): string {
  dataDir ??= mkdtempSync(join(tmpdir(), 'gw-test-'));
  return dataDir;
}

export function testConfig(env: Record<string, string> = {}): ReadyConfig {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    SECRETS_KEY: TEST_SECRETS_KEY,
    LOG_LEVEL: 'silent',
    DATA_DIR: testDataDir(),
    ...env,
  }) as ReadyConfig;
}

/** A logger whose every line (JSON) is kept in `lines`, to check what the gateway logs. */
export function capturedLogger(level = 'info'): { log: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const log = pino({ level }, { write: (line: string) => void lines.push(line) });
  return { log, lines, text: () => lines.join('') };
}

export interface TestGateway {
  app: App;
  database: Database;
  config: ReadyConfig;
  url?: string;
  /** POST /graphql; returns the status and the parsed body. */
  gql(query: string, variables?: Record<string, unknown>, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** POST /graphql without a token from a client address (the socket's, as the Node server passes it). */
  gqlFrom(ip: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Any HTTP request against the gateway. */
  request(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Response>;
  /** A user (no password unless given) with the given roles, and a signed-in access token (factories' makeUser). */
  user(opts?: { username?: string; roles?: string[]; password?: string; email?: string }): Promise<MadeUser>;
  system: ActionContext;
}

/** One gateway over a fresh database for the test file; closed after it. */
export function useGateway(env: Record<string, string> | (() => Record<string, string>) = {}, opts: { log?: Logger } = {}): TestGateway {
  const gw = {} as TestGateway;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openTestDatabase();
    drop = opened.drop;
    gw.database = opened.database;
    gw.url = opened.url;
    gw.config = testConfig(typeof env === 'function' ? env() : env);
    gw.app = await createApp(gw.config, gw.database, { log: opts.log });
    gw.system = { db: gw.database.db, actor: { actorId: null, requestId: 'test' }, mailBox: gw.app.mailBox };
  });
  afterAll(async () => {
    await gw.app?.close();
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });
  gw.request = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return gw.app.fetch(new Request(`http://gateway.test${path}`, { ...init, headers, body }));
  };
  gw.gql = async (query, variables = {}, token = null, headers = {}) => {
    const res = await gw.request('/graphql', { method: 'POST', json: { query, variables }, token, headers });
    return { status: res.status, body: (await res.json()) as never };
  };
  gw.gqlFrom = async (ip, query, variables = {}, headers = {}) => {
    const req = new Request('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const res = await gw.app.fetch(req, { incoming: { socket: { remoteAddress: ip } } });
    return { status: res.status, body: (await res.json()) as never };
  };
  gw.user = (opts = {}) => makeUser(gw, opts);
  return gw;
}
