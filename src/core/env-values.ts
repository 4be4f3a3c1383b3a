import { z } from 'zod';

/** The kinds of value environment variables hold, as zod schemas (config.ts reads the variables with them). */

/** A duration such as `15m`, `30d`, `3600s` or a bare number of seconds. */
export const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)?$/, 'expected a duration such as 15m, 1h or 30d')
  .transform((value) => {
    const match = /^(\d+)\s*(s|m|h|d)?$/.exec(value)!;
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
    return Number(match[1]) * unit;
  })
  .refine((seconds) => seconds > 0, 'must be longer than zero');

export const flag = z.enum(['true', 'false', '1', '0', 'on', 'off']).transform((v) => ['true', '1', 'on'].includes(v));

export const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// URL');

/** A comma list: its entries trimmed, empty ones dropped (`a, b,` is `['a', 'b']`). */
export const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Browser origins allowed to call the gateway cross-origin: a comma list of absolute origins
 * (`https://admin.example.org, http://localhost:5173`), each scheme://host[:port] with nothing after.
 */
export const originList = commaList
  .pipe(
    z.array(
      z.string().transform((o, ctx) => {
        const url = URL.canParse(o) ? new URL(o) : null;
        if (url && /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !o.endsWith('/'))
          return url.origin;
        ctx.addIssue({
          code: 'custom',
          message: `${o} is not an origin; expected scheme and host (and port), e.g. https://admin.example.org, separated by commas`,
        });
        return z.NEVER;
      }),
    ),
  )
  .transform((list) => [...new Set(list)]);

export const NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** A comma list of names (letters, digits, _ and -), at least one, duplicates dropped. */
export const nameList = commaList
  .pipe(z.array(z.string().regex(NAME, 'letters, digits, _ and - only, separated by commas')).min(1, 'at least one name'))
  .transform((list) => [...new Set(list)]);
