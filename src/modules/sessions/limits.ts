import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { AppError } from '../../graphql/errors.js';
import { loginFailures } from './table.js';

/**
 * Failed attempts per key in a fixed window (the login_failures table), for public mutations that
 * take a secret: invite codes, reset tokens. Password sign-in has its own, atomic, limits in sign-in.ts.
 */
export const TOO_MANY_ATTEMPTS = 'Too many attempts; try again later';

export interface Limit {
  max: number;
  windowSeconds: number;
}

export async function assertUnderLimit(db: Db, key: string, limit: Limit): Promise<void> {
  const [row] = await db
    .select({ count: loginFailures.count })
    .from(loginFailures)
    .where(and(eq(loginFailures.key, key), sql`${loginFailures.windowStart} > now() - make_interval(secs => ${limit.windowSeconds})`));
  if (row && row.count >= limit.max) throw new AppError('RATE_LIMITED', TOO_MANY_ATTEMPTS);
}

export async function recordFailedAttempt(db: Db, key: string, limit: Limit): Promise<void> {
  const fresh = sql`${loginFailures.windowStart} > now() - make_interval(secs => ${limit.windowSeconds})`;
  await db
    .insert(loginFailures)
    .values({ key, count: 1 })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: { count: sql`case when ${fresh} then ${loginFailures.count} + 1 else 1 end`, windowStart: sql`case when ${fresh} then ${loginFailures.windowStart} else now() end` },
    });
}
