import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';

const options = (level: string) => ({
  level,
  base: { service: 'admin-gateway' },
  redact: ['req.headers.authorization', '*.password', '*.passwordHash'],
});

/**
 * The process logger: one JSON line per event, or with `pretty` (development) pino-pretty's
 * readable lines. pino-pretty is a development dependency: where it is not installed (a production
 * install) the lines stay JSON.
 */
export function createLogger(level: string, opts: { pretty?: boolean } = {}): Logger {
  const pretty = opts.pretty ? prettyStream() : null;
  return pretty ? pino(options(level), pretty) : pino(options(level));
}

function prettyStream(): DestinationStream | null {
  try {
    const build = createRequire(import.meta.url)('pino-pretty') as (o: Record<string, unknown>) => DestinationStream;
    return build({ colorize: process.stdout.isTTY === true, sync: true, ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' });
  } catch {
    return null;
  }
}
