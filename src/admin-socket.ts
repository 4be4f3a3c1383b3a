import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ReadyConfig } from './bootstrap.js';
import { describeError, parseCommand, runCommand } from './cli/commands.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';

/**
 * The local admin socket: while the gateway holds the embedded database (PGlite is one process),
 * the CLI's commands run inside the gateway through DATA_DIR/admin.sock, a unix socket of mode
 * 0600 (only the user the gateway runs as can connect). One request per command: POST /run with
 * `{argv}`; the answer streams JSON lines `{out}`, `{err}` and last `{exit}`, so progress shows
 * as it happens and the output is the same as when the CLI opens the database itself.
 */
export const adminSocketPath = (config: Config) => join(resolve(config.dataDir), 'admin.sock');

/** Unix socket paths are limited to ~107 bytes; a longer DATA_DIR gets no socket (and a warning). */
const MAX_PATH_BYTES = 100;
const MAX_BODY_BYTES = 64 * 1024;

type Line = { out: string } | { err: string } | { exit: number };

export interface AdminSocket {
  close(): Promise<void>;
}

export async function serveAdminSocket(path: string, deps: { database: Database; ready: ReadyConfig; log: Logger }): Promise<AdminSocket | null> {
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) {
    deps.log.warn({ path }, 'DATA_DIR is too long a path for the admin socket: the CLI cannot reach this gateway');
    return null;
  }
  // A socket file left by a gateway that died: this process holds DATA_DIR's lock, so no live
  // gateway can be serving it.
  if (existsSync(path)) unlinkSync(path);
  const server = createServer((req, res) => void handle(req, res, deps));
  // Created with mode 0600 from the start (umask), not made private after a window.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(path, () => {
        server.off('error', fail);
        ok();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return { close: () => closeSocket(server, path) };
}

function closeSocket(server: Server, path: string): Promise<void> {
  return new Promise((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  });
}

async function handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, deps: Parameters<typeof serveAdminSocket>[1]) {
  if (req.method !== 'POST' || req.url !== '/run') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_BODY_BYTES) {
      res.writeHead(413).end();
      return;
    }
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const send = (line: Line) => res.write(`${JSON.stringify(line)}\n`);
  let exit = 1;
  try {
    const { argv } = JSON.parse(body) as { argv: unknown };
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new Error('argv must be a list of strings');
    const parsed = parseCommand(argv);
    if (!parsed) throw new Error('no command');
    // The command only, never its options (they may hold a password).
    deps.log.info({ command: parsed.name }, `admin socket: ${parsed.name}`);
    exit = await runCommand(parsed, {
      database: deps.database,
      secrets: async () => deps.ready,
      output: {
        out: (out) => send({ out }),
        err: (err) => send({ err }),
        flush: () => drained(res),
      },
      via: 'cli:socket',
    });
  } catch (error) {
    const { text, unexpected } = describeError(error);
    if (unexpected) deps.log.error({ err: error }, 'admin socket command failed');
    send({ err: text });
  }
  res.end(`${JSON.stringify({ exit })}\n`);
}

/** Resolves once `res` has sent what it buffered (or the client went away). */
function drained(res: import('node:http').ServerResponse): Promise<void> {
  if (!res.writableNeedDrain) return Promise.resolve();
  return new Promise((ok) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      ok();
    };
    res.on('drain', done).on('close', done);
  });
}

/**
 * Runs `argv` in the gateway that serves `path`, writing its output as it arrives; answers the exit
 * code, or null when no gateway answers there (no socket, or one left by a gateway that died).
 */
export function runThroughSocket(path: string, argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number | null> {
  if (!existsSync(path)) return Promise.resolve(null);
  return new Promise((ok, fail) => {
    const req = request({ socketPath: path, path: '/run', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let rest = '';
      let exit = 1;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        rest += chunk;
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        for (const raw of lines) {
          if (!raw) continue;
          const line = JSON.parse(raw) as Partial<{ out: string; err: string; exit: number }>;
          if (line.out !== undefined) out.write(line.out);
          if (line.err !== undefined) err.write(line.err);
          if (line.exit !== undefined) exit = line.exit;
        }
      });
      res.on('end', () => ok(exit));
      res.on('error', fail);
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? ok(null) : fail(error)));
    req.end(JSON.stringify({ argv }));
  });
}
