import type { Config } from './config.js';

/** Error codes of the layers a start goes through (Node's socket errors, PostgreSQL's SQLSTATEs, postgres.js's own). */
interface Coded {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
}

/** Every error in a `cause` chain, outermost first (Drizzle wraps the driver's error as `cause`). */
function chain(error: unknown): Coded[] {
  const seen: Coded[] = [];
  for (let e = error; e && typeof e === 'object' && seen.length < 10; e = (e as Coded).cause) seen.push(e as Coded);
  return seen;
}

/** The database named by DATABASE_URL, for messages: `user@host:port/name` (never the password). */
function target(config: Config): string {
  if (!config.databaseUrl) return `the embedded database in ${config.dataDir}`;
  try {
    const url = new URL(config.databaseUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `PostgreSQL ${user}${url.hostname}:${url.port || 5432}${url.pathname || '/'}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * One line saying what stopped a start and what to do about it, from the innermost known cause:
 * a server that refuses or cannot be found, an unknown database or role, failed authentication, a
 * database that already holds tables the gateway did not create, a port in use or a bad HOST.
 * Null when the error is none of these (the caller prints its message).
 */
export function explainStartupError(error: unknown, config: Config): string | null {
  const db = target(config);
  for (const e of chain(error).reverse()) {
    const message = typeof e.message === 'string' ? e.message : '';
    switch (e.code) {
      case 'ECONNREFUSED':
        return `${db} refused the connection: is PostgreSQL running there? (check DATABASE_URL)`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return e.hostname === config.host && !config.databaseUrl?.includes(String(e.hostname))
          ? `HOST ${config.host} is not an address of this machine: use 0.0.0.0, 127.0.0.1 or one of its addresses`
          : `${db}: the host name cannot be resolved (check DATABASE_URL)`;
      case 'CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        return `${db} did not answer within DB_CONNECT_TIMEOUT (${config.connectTimeoutSeconds} s): check DATABASE_URL and the network`;
      case '3D000':
        return `${db}: ${message}; create it (createdb) or name an existing one in DATABASE_URL`;
      case '28P01':
        return `${db}: ${message}; check the user and password in DATABASE_URL`;
      case '28000':
        return `${db}: ${message}; check the user in DATABASE_URL, or create the role (createuser)`;
      case '42P07':
        return `${db} already has tables the gateway did not create (${message}): give the gateway an empty database of its own`;
      case 'EADDRINUSE':
        return `Port ${config.port} on ${config.host} is already in use: stop what holds it or set PORT`;
      case 'EADDRNOTAVAIL':
        return `HOST ${config.host} is not an address of this machine: use 0.0.0.0, 127.0.0.1 or one of its addresses`;
      case 'EACCES':
        if (e.port !== undefined) return `Port ${config.port} needs privileges this process does not have: set PORT above 1023`;
    }
  }
  return null;
}
