import { adminSocketPath, runThroughSocket } from './admin-socket.js';
import { openDatabase, resolveSecrets } from './bootstrap.js';
import { describeError, parseCommand, runCommand, USAGE } from './cli/commands.js';
import type { Output } from './cli/output.js';
import { loadConfig } from './config.js';
import { DatabaseInUseError } from './db/lock.js';

/** How long the CLI waits for a gateway that holds the embedded database to finish starting. */
const SOCKET_WAIT_SECONDS = 180;

const output: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  flush: () => (process.stdout.writableNeedDrain ? new Promise<void>((ok) => process.stdout.once('drain', ok)) : Promise.resolve()),
};

/**
 * `npm run cli -- <command>`: with the embedded database held by a running gateway, the command
 * runs inside it through the admin socket (admin-socket.ts); otherwise the CLI opens the database
 * itself. Either way the same code (cli/commands.ts) runs the same named actions.
 */
async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  if (!parsed) {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    const exit = await runThroughSocket(adminSocketPath(config), argv, process.stdout, process.stderr);
    if (exit !== null) return exit;
  }
  const database = await openDatabase(config, 'cli', undefined, { migrate: !parsed.command.unmigrated }).catch(async (error) => {
    // A gateway that is still starting holds the database but serves no socket yet: wait for it.
    if (!(error instanceof DatabaseInUseError) || error.holder !== 'gateway' || config.databaseUrl) throw error;
    process.stderr.write('The gateway is starting; waiting for its admin socket...\n');
    const end = Date.now() + SOCKET_WAIT_SECONDS * 1000;
    while (Date.now() < end) {
      await new Promise((ok) => setTimeout(ok, 250));
      const exit = await runThroughSocket(adminSocketPath(config), argv, process.stdout, process.stderr);
      if (exit !== null) return exit;
    }
    throw error;
  });
  if (typeof database === 'number') return database;
  try {
    return await runCommand(parsed, { database, secrets: () => resolveSecrets(config, database), output, via: 'cli' });
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(describeError(error).text);
    process.exitCode = 1;
  },
);
