import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'admin-gateway' }, redact: ['req.headers.authorization', '*.password', '*.passwordHash'] });
}
