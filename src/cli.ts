import { parseArgs } from 'node:util';
import { openDatabase, resolveSecrets } from './bootstrap.js';
import { Tokens } from './access/tokens.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseInUseError } from './db/lock.js';
import type { Database } from './db/client.js';
import { AppError } from './core/errors.js';
import type { ActionContext } from './modules/context.js';
import { openSession } from './modules/sessions/actions.js';
import { createUser, linkExternalIdentity } from './modules/users/actions.js';
import { seedUsers } from './modules/users/seed.js';
import { findUserByUsername } from './modules/users/queries.js';

const USAGE = `Usage: npm run cli -- <command> [options]

  create-admin --username U --email E --password P   create a superadmin
  token --username U [--ttl 1h]                       print an access token (last line) for scripts
  seed --users N [--password P]                       add N demo users (default password: demo-password)
  link-identity --username U --issuer I --subject S   map an identity provider's (iss, sub) to a user
`;

const TTL = /^(\d+)(s|m|h|d)$/;

function ttlSeconds(value: string): number {
  const m = TTL.exec(value);
  if (!m) throw new AppError('BAD_INPUT', `--ttl must look like 30m, 1h or 7d (got "${value}")`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's'];
}

async function userId(database: Database, username: string): Promise<bigint> {
  const user = await findUserByUsername(database.db, username, null, { fields: ['id'] });
  if (!user) throw new AppError('NOT_FOUND', `No local user named "${username}"`);
  return BigInt(user.id);
}

function required(values: Record<string, string | undefined>, ...names: string[]): void {
  const missing = names.filter((n) => !values[n]);
  if (missing.length) throw new AppError('BAD_INPUT', `missing ${missing.map((n) => `--${n}`).join(', ')}\n\n${USAGE}`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      ttl: { type: 'string' },
      users: { type: 'string' },
      issuer: { type: 'string' },
      subject: { type: 'string' },
    },
  });
  if (!['create-admin', 'token', 'seed', 'link-identity'].includes(command)) throw new AppError('BAD_INPUT', `unknown command "${command}"\n\n${USAGE}`);

  const config = loadConfig();
  const database = await openDatabase(config, 'cli');
  try {
    const cli: ActionContext = { db: database.db, actor: { actorId: null, requestId: `cli:${command}` } };
    switch (command) {
      case 'create-admin': {
        required(values, 'username', 'email', 'password');
        const user = await createUser(cli, { username: values.username!, email: values.email!, password: values.password! }, { roleNames: ['superadmin'] });
        process.stdout.write(`Created superadmin ${user.username} (id ${user.id})\n`);
        break;
      }
      case 'token': {
        required(values, 'username');
        const ready = await resolveSecrets(config, database);
        const id = await userId(database, values.username!);
        const ttl = values.ttl ? ttlSeconds(values.ttl) : ready.jwt.accessTtlSeconds;
        const session = await openSession(
          cli,
          new Tokens(ready.jwt),
          id,
          { ip: null, userAgent: 'cli' },
          { ttlSeconds: ttl, refreshTtlSeconds: ready.jwt.refreshTtlSeconds, action: 'session.cli-token' },
        );
        process.stdout.write(`Access token for ${values.username}, valid until ${new Date(Date.now() + ttl * 1000).toISOString()}:\n${session.accessToken}\n`);
        break;
      }
      case 'seed': {
        required(values, 'users');
        const n = Number(values.users);
        const started = Date.now();
        const { inserted } = await seedUsers(cli, n, values.password ?? 'demo-password');
        process.stdout.write(
          `Seeded ${inserted} users in ${((Date.now() - started) / 1000).toFixed(1)} s (password: ${values.password ? 'as given' : 'demo-password'})\n`,
        );
        break;
      }
      case 'link-identity': {
        required(values, 'username', 'issuer', 'subject');
        const id = await userId(database, values.username!);
        await linkExternalIdentity(cli, id, values.issuer!, values.subject!);
        process.stdout.write(`Linked ${values.issuer} / ${values.subject} to ${values.username}\n`);
        break;
      }
    }
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof ConfigError || error instanceof DatabaseInUseError || error instanceof AppError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
