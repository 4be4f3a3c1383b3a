import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { configurePasswordHashing, DUMMY_HASH, hashPassword, passwordHashingStats, verifyPassword } from '../../src/access/passwords.js';
import { addressKey } from '../../src/access/sign-in.js';
import { useGateway } from '../helpers/app.js';

// Two hashes at a time and eight waiting, whatever the machine's environment says.
const gw = useGateway({ LOGIN_HASH_CONCURRENCY: '2', LOGIN_HASH_QUEUE: '8' });

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken user { username } } }`;

/** A login from a client address, answered as the raw response text (to compare byte for byte). */
async function loginRaw(ip: string, u: string, p: string): Promise<string> {
  const req = new Request('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: LOGIN, variables: { u, p } }),
  });
  return (await gw.app.fetch(req, { incoming: { socket: { remoteAddress: ip } } })).text();
}

/** The outcome of a login: OK, or the error's code. */
async function loginFrom(ip: string, u: string, p: string): Promise<string> {
  const body = JSON.parse(await loginRaw(ip, u, p));
  return body.errors ? body.errors[0].extensions.code : body.data.login.accessToken ? 'OK' : 'NONE';
}

const tally = (codes: string[]) => {
  const counts: Record<string, number> = {};
  for (const c of codes) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
};

/** Retries until the check holds; generous, since two cores are shared by the whole machine. */
async function eventually(check: () => Promise<boolean>, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe('sign-in limits are one atomic step', () => {
  it('40 parallel wrong passwords for one user from one address: at most 5 are verified', async () => {
    await gw.user({ username: 'flooded', password: 'flooded-password' });
    const before = passwordHashingStats().verified;
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => loginFrom('198.51.100.1', 'flooded', `wrong-${i}`)));
    const t = tally(codes);
    expect(t.UNAUTHENTICATED ?? 0).toBeLessThanOrEqual(5);
    expect((t.UNAUTHENTICATED ?? 0) + (t.RATE_LIMITED ?? 0)).toBe(40);
    // Only those answered UNAUTHENTICATED had their password verified at all.
    expect(passwordHashingStats().verified - before).toBe(t.UNAUTHENTICATED ?? 0);
    // The address is now out of tries for this account, even with the right password...
    expect(await loginFrom('198.51.100.1', 'flooded', 'flooded-password')).toBe('RATE_LIMITED');
    // ...but the owner elsewhere is not locked out.
    expect(await loginFrom('198.51.100.2', 'flooded', 'flooded-password')).toBe('OK');
  });

  it('40 parallel wrong passwords for one user from 40 addresses: at most 5 addresses are verified', async () => {
    await gw.user({ username: 'sprayed', password: 'sprayed-password' });
    const before = passwordHashingStats().verified;
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => loginFrom(`198.51.101.${i + 1}`, 'sprayed', `wrong-${i}`)));
    const t = tally(codes);
    expect(t.UNAUTHENTICATED ?? 0).toBeLessThanOrEqual(5);
    expect((t.UNAUTHENTICATED ?? 0) + (t.RATE_LIMITED ?? 0)).toBe(40);
    expect(passwordHashingStats().verified - before).toBeLessThanOrEqual(5);
  });
});

describe('one address cannot lock an account for everyone', () => {
  it('the account locks only once 5 distinct addresses failed', async () => {
    await gw.user({ username: 'boss', password: 'boss-password-1' });
    // One address hammers: five tries, then it is refused.
    for (let i = 0; i < 5; i++) expect(await loginFrom('203.0.113.1', 'boss', `guess-${i}`)).toBe('UNAUTHENTICATED');
    for (let i = 0; i < 5; i++) expect(await loginFrom('203.0.113.1', 'boss', `guess-more-${i}`)).toBe('RATE_LIMITED');
    // The owner signs in from its own address.
    expect(await loginFrom('192.0.2.10', 'boss', 'boss-password-1')).toBe('OK');
    // Three more addresses fail (four distinct in all): still open to the owner.
    for (const ip of ['203.0.113.2', '203.0.113.3', '203.0.113.4']) expect(await loginFrom(ip, 'boss', 'nope')).toBe('UNAUTHENTICATED');
    expect(await loginFrom('192.0.2.10', 'boss', 'boss-password-1')).toBe('OK');
    // The fifth distinct failing address locks the account for every address, right password or not.
    expect(await loginFrom('203.0.113.5', 'boss', 'nope')).toBe('UNAUTHENTICATED');
    expect(await loginFrom('192.0.2.10', 'boss', 'boss-password-1')).toBe('RATE_LIMITED');
    expect(await loginFrom('192.0.2.11', 'boss', 'boss-password-1')).toBe('RATE_LIMITED');
  });

  it('each address has its own limit over all accounts (20 failures)', async () => {
    for (let i = 0; i < 20; i++) expect(await loginFrom('203.0.113.66', `nobody-${i}`, 'x')).toBe('UNAUTHENTICATED');
    expect(await loginFrom('203.0.113.66', 'nobody-else', 'x')).toBe('RATE_LIMITED');
    expect(await loginFrom('203.0.113.67', 'nobody-else', 'x')).toBe('UNAUTHENTICATED');
  });
});

describe('answers tell nothing about the account', () => {
  it('an unknown name and a wrong password answer byte for byte alike', async () => {
    await gw.user({ username: 'known_one', password: 'known-password-1' });
    const wrong = await loginRaw('192.0.2.30', 'known_one', 'not-the-password');
    const unknown = await loginRaw('192.0.2.31', 'unknown_one', 'not-the-password');
    expect(JSON.parse(wrong).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(unknown).toBe(wrong);
  });

  it('a locked unknown name answers RATE_LIMITED like a locked existing one', async () => {
    await gw.user({ username: 'locked_known', password: 'locked-password-1' });
    for (let i = 1; i <= 5; i++) {
      expect(await loginFrom(`198.51.102.${i}`, 'locked_known', 'nope')).toBe('UNAUTHENTICATED');
      expect(await loginFrom(`198.51.102.${i}`, 'locked_unknown', 'nope')).toBe('UNAUTHENTICATED');
    }
    const known = await loginRaw('198.51.102.99', 'locked_known', 'locked-password-1');
    const unknown = await loginRaw('198.51.102.99', 'locked_unknown', 'locked-password-1');
    expect(JSON.parse(known).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(unknown).toBe(known);
  });
});

describe('password hashing is bounded', () => {
  it('beyond the queue logins answer RATE_LIMITED at once, and the admin still gets in', async () => {
    await gw.user({ username: 'the_admin', password: 'admin-password-1', roles: ['admin'] });
    const before = passwordHashingStats();
    // 60 parallel bad logins, each from its own address for its own name, so no count limit stops them.
    const flood = Promise.all(Array.from({ length: 60 }, (_, i) => loginFrom(`10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`, `flood-${i}`, 'wrong')));
    let admin = 'NONE';
    let adminRefused = 0;
    await eventually(async () => {
      admin = await loginFrom('192.0.2.200', 'the_admin', 'admin-password-1');
      if (admin !== 'RATE_LIMITED') return true;
      adminRefused += 1;
      return false;
    });
    expect(admin).toBe('OK');
    const t = tally(await flood);
    expect(t.RATE_LIMITED ?? 0).toBeGreaterThan(0);
    expect((t.UNAUTHENTICATED ?? 0) + (t.RATE_LIMITED ?? 0)).toBe(60);
    const after = passwordHashingStats();
    // Every RATE_LIMITED was the hashing queue refusing before any work; never more than two ran at once.
    expect(after.refused - before.refused).toBe((t.RATE_LIMITED ?? 0) + adminRefused);
    expect(after.peakRunning).toBeLessThanOrEqual(2);
    // Refused attempts were never verified, so they do not count against their address.
    const [{ n }] = await gw.database.rows<{ n: number }>(sql`select coalesce(sum(count), 0)::int as n from login_failures where key like 'ip:10.9.%'`);
    expect(n).toBe(t.UNAUTHENTICATED ?? 0);
  });

  it('the semaphore runs N, queues M and refuses the rest at once', async () => {
    configurePasswordHashing({ concurrency: 1, queue: 1 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => verifyPassword(DUMMY_HASH, 'guess')));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      configurePasswordHashing({ concurrency: 2, queue: 8 });
    }
  });

  it('the dummy hash costs what a real one costs (same parameters)', async () => {
    const params = (h: string) => h.split('$').slice(1, 4).join('$');
    expect(params(DUMMY_HASH)).toBe(params(await hashPassword('anything-at-all')));
  });
});

describe('one password check for every sign-in flow', () => {
  it('only access/sign-in.ts calls verifyPassword (every flow goes through checkPasswordLogin)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const callers = files('src').filter((f) => f.endsWith('.ts') && !f.endsWith('access/passwords.ts') && /\bverifyPassword\b/.test(readFileSync(f, 'utf8')));
    expect(callers).toEqual([join('src', 'access', 'sign-in.ts')]);
  });

  it('addresses count as IPv4, IPv6 /64, or one unknown address', () => {
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(null)).toBe('unknown');
  });
});
