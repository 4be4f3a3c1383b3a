import argon2 from 'argon2';
import { AppError } from '../core/errors.js';

/** argon2id with the library's defaults (64 MiB, 3 passes, 4 lanes). */
const OPTIONS = { type: argon2.argon2id } as const;

/**
 * Verifying against this when the user is unknown (or has no usable hash) costs what verifying a
 * real password costs, so "no such user" and "wrong password" take alike. Made with OPTIONS once;
 * a test checks its parameters still match what hashPassword writes.
 */
export const DUMMY_HASH = '$argon2id$v=19$m=65536,p=4,t=3$+VNZF9evl8dCAuRVO/PejQ$L1mtUhzkBzO2FfQAFTauiiOGvQoT7Rm14kq6MBaDKaU';

export interface HashingLimits {
  /** Hashes or verifications running at once (LOGIN_HASH_CONCURRENCY). */
  concurrency: number;
  /** How many may wait for a slot; beyond that a call is refused at once (LOGIN_HASH_QUEUE). */
  queue: number;
}

/**
 * A small semaphore around every argon2 call in the process. Each call takes 64 MiB and a thread for
 * a noticeable time; unbounded, 60 parallel bad logins made an admin's correct login wait a minute.
 * Bounded, excess calls answer RATE_LIMITED before doing any work.
 */
let limits: HashingLimits = { concurrency: 2, queue: 8 };
let running = 0;
const waiting: (() => void)[] = [];
const stats = { hashed: 0, verified: 0, refused: 0, peakRunning: 0 };

/** Set once at start from the configuration (createApp); the defaults hold until then. */
export function configurePasswordHashing(next: HashingLimits): void {
  limits = { ...next };
}

/** Counters for metrics and tests: work done, calls refused, and the most that ever ran at once. */
export function passwordHashingStats(): Readonly<typeof stats & { running: number; waiting: number }> {
  return { ...stats, running, waiting: waiting.length };
}

export const BUSY_MESSAGE = 'Too many attempts; try again later';

async function bounded<T>(work: () => Promise<T>): Promise<T> {
  // Decided synchronously, so a call is queued or refused in the order it arrived.
  if (running >= limits.concurrency) {
    if (waiting.length >= limits.queue) {
      stats.refused += 1;
      throw new AppError('RATE_LIMITED', BUSY_MESSAGE);
    }
    // The releasing call hands its slot over, so `running` stays as it is.
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running += 1;
  }
  stats.peakRunning = Math.max(stats.peakRunning, running);
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

/** argon2id; throws RATE_LIMITED when the hashing queue is full. */
export function hashPassword(password: string): Promise<string> {
  return bounded(async () => {
    const hash = await argon2.hash(password, OPTIONS);
    stats.hashed += 1;
    return hash;
  });
}

/**
 * True when the password matches the argon2 hash. Without a usable hash the dummy is verified, so
 * the answer (false) takes as long. Throws RATE_LIMITED when the hashing queue is full.
 */
export function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  const usable = !!hash && hash.startsWith('$argon2');
  return bounded(async () => {
    const ok = await argon2.verify(usable ? hash : DUMMY_HASH, password).catch(() => false);
    stats.verified += 1;
    return usable && ok;
  });
}
