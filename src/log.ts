import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'admin-gateway' }, redact: ['req.headers.authorization', '*.password', '*.passwordHash'] });
}

/** The request a piece of code runs for, so logs and masked errors carry its id. */
export const requestScope = new AsyncLocalStorage<{ requestId: string; log: Logger }>();
