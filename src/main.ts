import { createServer, type Server } from 'node:http';
import { adminSocketPath, serveAdminSocket } from './admin-socket.js';
import { createApp } from './app.js';
import { ensureAdministrator, ensureLiquidClient, openDatabase, resolveSecrets } from './bootstrap.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { DatabaseInUseError } from './db/lock.js';
import { createLogger } from './log.js';
import { explainStartupError } from './startup.js';

/** Binds the port before anything else, answering 503 until the gateway is ready. */
function listenEarly(port: number, host: string): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"status":"starting"}');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

let config: Config | undefined;

async function main() {
  const begun = performance.now();
  config = loadConfig();
  const log = createLogger(config.logLevel, { pretty: config.development });
  // Port and host first: a port in use is said at once, before migrations or a new administrator.
  const server = await listenEarly(config.port, config.host);
  const database = await openDatabase(config, 'gateway', (phase, ms, detail) => log.info({ phase, ms }, `${phase}: ${detail} (${ms} ms)`));
  const ready = await resolveSecrets(config, database);
  const admin = await ensureAdministrator(ready, database);
  if (admin?.password) {
    // Printed once, on the console only; it is not logged or stored anywhere else.
    process.stdout.write(`\nCreated administrator "${admin.username}" with password: ${admin.password}\nChange it after signing in.\n\n`);
  } else if (admin) {
    log.info({ username: admin.username }, 'created administrator from ADMIN_USERNAME');
  }
  await ensureLiquidClient(ready, database);
  const app = await createApp(ready, database, { log });
  server.removeAllListeners('request');
  server.on('request', app.listener);
  // The embedded database is this process's alone: the CLI reaches it through the admin socket.
  const socket = database.kind === 'pglite' ? await serveAdminSocket(adminSocketPath(ready), { database, ready, log }) : null;
  const ms = Math.round(performance.now() - begun);
  log.info(
    { phase: 'listening', port: ready.port, database: database.kind, graphiql: ready.graphiql, ms },
    `listening: admin gateway on http://localhost:${ready.port}/graphql (ready in ${ms} ms)`,
  );

  server.on('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(`Server error: ${error.message}\n`);
    process.exit(1);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining requests');
    // Subscription streams never end by themselves: complete them so their connections close.
    void app.events.stop();
    // Stop accepting; requests in flight, and the writes they run, may finish for
    // SHUTDOWN_WRITE_TIMEOUT. Whatever still runs then is cut, and the log says what.
    const closed = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
    server.closeIdleConnections();
    const limitMs = ready.shutdownWriteTimeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([closed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), limitMs)))]);
    clearTimeout(timer);
    if (!drained) {
      const writes = database.writes.running();
      log.warn(
        { writesCut: writes.length, writesRunningMs: writes, connectionsCut: await openConnections(server) },
        `requests still running after SHUTDOWN_WRITE_TIMEOUT (${ready.shutdownWriteTimeoutSeconds} s); cutting them`,
      );
      server.closeAllConnections();
    }
    await socket?.close();
    await app.close();
    await database.close();
    log.info('stopped');
    process.exit(drained ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((_error, count) => resolve(count ?? 0)));
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof DatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    const explained = config ? explainStartupError(error, config) : null;
    process.stderr.write(`Failed to start: ${explained ?? (error instanceof Error ? error.message : String(error))}\n`);
  }
  process.exit(1);
});
