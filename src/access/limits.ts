import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.js';
import { AppError } from '../core/errors.js';

/**
 * Attempts per key in a fixed window (the login_failures table), for public mutations that take a
 * secret: invite codes, reset tokens, and the per-address part of password sign-in (sign-in.ts).
 * An attempt is counted before it is judged, in one statement that refuses beyond the limit, so
 * parallel requests cannot all pass a check made before any of them was counted; an attempt that
 * turns out not to be a failure is given back.
 */
export const TOO_MANY_ATTEMPTS = 'Too many attempts; try again later';

export interface Limit {
  max: number;
  windowSeconds: number;
}

/** Counts one attempt on the key, or throws RATE_LIMITED (counting nothing) when the window holds `max`. */
export async function reserveAttempt(db: Tx, key: string, limit: Limit): Promise<void> {
  const fresh = sql`f.window_start > now() - make_interval(secs => ${limit.windowSeconds})`;
  const counted = await queryRows(
    db,
    sql`insert into login_failures as f (key, count) values (${key}, 1)
        on conflict (key) do update set
          count = case when ${fresh} then f.count + 1 else 1 end,
          window_start = case when ${fresh} then f.window_start else now() end
        where not (${fresh}) or f.count < ${limit.max}
        returning count`,
  );
  if (counted.length === 0) throw new AppError('RATE_LIMITED', TOO_MANY_ATTEMPTS);
}

/** Gives a reserved attempt back: it succeeded, or was never judged. */
export async function releaseAttempt(db: Tx, key: string): Promise<void> {
  await db.execute(sql`update login_failures set count = greatest(count - 1, 0) where key = ${key}`);
}
