import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { AppError } from '../core/errors.js';
import { DatabaseInUseError } from '../db/lock.js';
import { migrations, seed } from './database.js';
import type { CommandEnv } from './output.js';
import { createAdmin, exportUsers, linkIdentity, listUsers, revokeSessions, setPassword, token, type Values } from './users.js';

interface Command {
  args: string;
  what: string;
  /** Options that must be given. */
  required?: string[];
  /** Boolean flags (every other option takes a value). */
  flags?: string[];
  /** Opens the database without applying migrations first. */
  unmigrated?: boolean;
  /** Runs the command; answers the exit code (a number), or nothing for 0. */
  run(env: CommandEnv, values: Values): Promise<unknown>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Record<string, Command> = {
  'create-admin': {
    args: '--username U --email E --password P',
    what: 'create a superadmin',
    required: ['username', 'email', 'password'],
    run: createAdmin,
  },
  token: { args: '--username U [--ttl 1h]', what: 'print an access token (last line) for scripts', required: ['username'], run: token },
  'set-password': {
    args: '--username U --password P',
    what: 'set a password; ends every session of the user',
    required: ['username', 'password'],
    run: setPassword,
  },
  'revoke-sessions': { args: '--username U', what: 'end every session of the user', required: ['username'], run: revokeSessions },
  'list-users': { args: '[--limit 50] [--after ID]', what: 'a page of users: id, username, email, status, roles', run: listUsers },
  'export-users': { args: '', what: 'every user as a JSON line (no hashes, no secrets); progress on stderr', run: exportUsers },
  seed: { args: '--users N [--password P]', what: 'add N demo users (default password: demo-password)', required: ['users'], run: seed },
  'link-identity': {
    args: '--username U --issuer I --subject S',
    what: "map an identity provider's (iss, sub) to a user",
    required: ['username', 'issuer', 'subject'],
    run: linkIdentity,
  },
  migrate: {
    args: '[--check]',
    what: 'apply pending migrations; --check changes nothing, exit 2 when some are pending',
    flags: ['check'],
    unmigrated: true,
    run: migrations,
  },
};

export const USAGE = `Usage: npm run cli -- <command> [options]

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${`${name} ${c.args}`.padEnd(52)} ${c.what}`)
  .join('\n')}

With the embedded database (no DATABASE_URL) and the gateway running, commands run inside the
gateway through DATA_DIR/admin.sock; otherwise the CLI opens the database itself.
`;

const OPTIONS = ['username', 'email', 'password', 'ttl', 'users', 'issuer', 'subject', 'limit', 'after', 'check'];

export interface Parsed {
  name: string;
  command: Command;
  values: Values;
}

/** The command and its options, or a BAD_INPUT error with the usage; null for `--help`. */
export function parseCommand(argv: string[]): Parsed | null {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return null;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new AppError('BAD_INPUT', `unknown command "${name}"\n\n${USAGE}`);
  const flags = new Set(command.flags ?? []);
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: Object.fromEntries(OPTIONS.map((o) => [o, { type: flags.has(o) ? ('boolean' as const) : ('string' as const) }])),
    }));
  } catch (error) {
    throw new AppError('BAD_INPUT', `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const missing = (command.required ?? []).filter((n) => !values[n]);
  if (missing.length) throw new AppError('BAD_INPUT', `missing ${missing.map((n) => `--${n}`).join(', ')}\n\n${USAGE}`);
  return { name, command, values };
}

/** Runs a parsed command; answers its exit code. */
export async function runCommand(parsed: Parsed, env: CommandEnv): Promise<number> {
  const exit = await parsed.command.run(env, parsed.values);
  return typeof exit === 'number' ? exit : 0;
}

/** What the CLI prints for an error, and whether it was unexpected (not the user's input or setup). */
export function describeError(error: unknown): { text: string; unexpected: boolean } {
  if (error instanceof ConfigError || error instanceof DatabaseInUseError || error instanceof AppError)
    return { text: `${error.message}\n`, unexpected: false };
  return { text: `Error: ${error instanceof Error ? error.message : String(error)}\n`, unexpected: true };
}
