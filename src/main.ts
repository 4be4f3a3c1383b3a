import { createServer, type Server } from 'node:http';
import { createApp } from './app.js';
import { ensureAdministrator, ensureLiquidClient, openDatabase, resolveSecrets } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseInUseError } from './db/lock.js';
import { createLogger } from './log.js';

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, 'gateway');
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
  const server = createServer(app.listener);
  server.listen(ready.port, ready.host, () => {
    log.info({ port: ready.port, database: database.kind, graphiql: ready.graphiql }, `admin gateway listening on http://localhost:${ready.port}/graphql`);
  });

  server.on('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(error.code === 'EADDRINUSE' ? `Port ${ready.port} is already in use (PORT)\n` : `Server error: ${error.message}\n`);
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
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
