import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { and, isNull, sql } from 'drizzle-orm';
import { verifyPassword } from './passwords.js';
import { queryRows, type Db } from '../db/client.js';
import { AppError, unauthenticated } from '../core/errors.js';
import { effectiveStatus } from './status.js';
import { users } from '../modules/users/table.js';
import { reserveAttempt, TOO_MANY_ATTEMPTS } from './limits.js';

/**
 * What password sign-in allows inside one window. Every attempt is counted before its password is
 * verified, in one locked step, so parallel requests cannot slip past a limit:
 * - `perAddress`: failures from one client address over all accounts;
 * - `perAccountAndAddress`: failures from one address for one account (a hammering address locks
 *   only itself out of that account);
 * - `addressesPerAccount`: distinct addresses with failures that lock the account for everyone.
 * IPv6 addresses count per /64, IPv4-mapped ones as IPv4; a request without an address is one address.
 */
export const LOGIN_LIMITS = { perAddress: 20, perAccountAndAddress: 5, addressesPerAccount: 5, windowSeconds: 15 * 60 };

export const INVALID_LOGIN = 'Invalid username or password';

// Serialises the attempts on one account (two-key advisory locks do not meet the one-key ones).
const LOGIN_LOCK_SPACE = 0x6c6f67;

/** The stored form of a name: sha256 of the lowercased name, so typed names are not kept. */
export function accountKey(username: string): string {
  return createHash('sha256').update(username.toLowerCase()).digest('hex');
}

/** The address an attempt counts against: IPv4 as is, IPv6 by its /64, none as `unknown`. */
export function addressKey(ip: string | null): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  const bare = ip.replace(/%.*$/, '');
  if (!isIPv6(bare)) return ip;
  const [head, tail] = bare.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

const fresh = (column: string) => sql.raw(`${column} > now() - make_interval(secs => ${LOGIN_LIMITS.windowSeconds})`);

/**
 * Counts one attempt against every limit, or refuses it with RATE_LIMITED and counts nothing.
 * One transaction under the account's lock: read the account's live failures per address, then
 * add one to the address's counter (a conditional upsert that refuses beyond its limit) and to the
 * (account, address) row.
 */
async function reserveLoginAttempt(db: Db, account: string, address: string): Promise<void> {
  const L = LOGIN_LIMITS;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOGIN_LOCK_SPACE}::int, hashtext(${account}))`);
    const [state] = await queryRows<{ addresses: number; mine: number }>(
      tx,
      sql`select (count(*) filter (where failures > 0))::int as addresses,
                 coalesce(max(failures) filter (where address = ${address}), 0)::int as mine
          from login_attempts where account = ${account} and ${fresh('window_start')}`,
    );
    if (state.addresses >= L.addressesPerAccount || state.mine >= L.perAccountAndAddress) throw new AppError('RATE_LIMITED', TOO_MANY_ATTEMPTS);
    // Throws RATE_LIMITED beyond the address's limit; the transaction then counts nothing.
    await reserveAttempt(tx, `ip:${address}`, { max: L.perAddress, windowSeconds: L.windowSeconds });
    await tx.execute(
      sql`insert into login_attempts as a (account, address, failures) values (${account}, ${address}, 1)
          on conflict (account, address) do update set
            failures = case when ${fresh('a.window_start')} then a.failures + 1 else 1 end,
            window_start = case when ${fresh('a.window_start')} then a.window_start else now() end`,
    );
  });
}

/**
 * Gives a counted attempt back. `success`: the address proved the password, so its failures on the
 * account are forgotten; `unverified`: the password was never checked (hashing queue full, an error),
 * so this attempt does not count.
 */
async function releaseLoginAttempt(db: Db, account: string, address: string, outcome: 'success' | 'unverified'): Promise<void> {
  const pair =
    outcome === 'success'
      ? sql`delete from login_attempts where account = ${account} and address = ${address}`
      : sql`update login_attempts set failures = greatest(failures - 1, 0) where account = ${account} and address = ${address}`;
  await db.execute(sql`with pair as (${pair}) update login_failures set count = greatest(count - 1, 0) where key = ${`ip:${address}`}`);
}

/**
 * THE password check of every sign-in flow (login today; an OAuth password grant or a legacy
 * login tomorrow must call this, never verifyPassword): counts the attempt against LOGIN_LIMITS
 * first, then verifies. Answers the user's id; throws RATE_LIMITED when a limit is reached (whether
 * the account exists or not) or hashing is saturated, and UNAUTHENTICATED alike for an unknown name,
 * (`by: 'email'`: the name is the account's email, as Litecord signs in)
 * a wrong password and an account that may not sign in (an unknown name is verified against a dummy
 * hash, so it takes as long).
 */
export async function checkPasswordLogin(
  db: Db,
  username: string,
  password: string,
  ip: string | null,
  by: 'username' | 'email' = 'username',
): Promise<{ userId: bigint }> {
  // An email counts against its own account key (the limits per address are shared by both forms).
  const account = accountKey(by === 'email' ? `email:${username}` : username);
  const address = addressKey(ip);
  await reserveLoginAttempt(db, account, address);
  let user: { id: bigint; passwordHash: string | null; status: string } | undefined;
  let ok: boolean;
  const column = by === 'email' ? users.email : users.username;
  try {
    [user] = await db
      .select({ id: users.id, passwordHash: users.passwordHash, status: effectiveStatus })
      .from(users)
      .where(and(sql`lower(${column}) = lower(${username})`, isNull(users.domain)));
    ok = await verifyPassword(user?.passwordHash, password);
  } catch (error) {
    await releaseLoginAttempt(db, account, address, 'unverified').catch(() => {});
    throw error;
  }
  if (!user || !ok || user.status !== 'ACTIVE') throw unauthenticated(INVALID_LOGIN);
  await releaseLoginAttempt(db, account, address, 'success');
  return { userId: user.id };
}
