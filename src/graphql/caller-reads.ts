import type { AuthService } from '../access/caller.js';
import type { Db } from '../db/client.js';

type Caller = Awaited<ReturnType<AuthService['callerOf']>>;

interface Pending {
  promise: Promise<Caller>;
  resolve: (caller: Caller) => void;
  reject: (error: unknown) => void;
}

interface Key {
  /** A read of this caller is on its way to the database. */
  running: boolean;
  /** The requests that arrived while it ran: they share the next read, which starts after all of them arrived. */
  next: Pending | null;
}

function pending(): Pending {
  let resolve!: (caller: Caller) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<Caller>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Reads the caller of each request (AuthService.callerOf: token, session, status, grants), sharing
 * one database read among the requests with the same credentials on the same pool that wait at the
 * same time. A request never takes the answer of a read that was already under way when it arrived:
 * it waits for the next one, which starts after it arrived, so a revocation, suspension or removed
 * role committed before a request arrives still counts for that request. What is shared is only the
 * number of reads: with ten requests of one admin UI in flight, one read runs and one waits.
 */
export class CallerReads {
  private readonly keys = new WeakMap<Db, Map<string, Key>>();

  constructor(private readonly auth: AuthService) {}

  read(header: string | null, db: Db): Promise<Caller> {
    if (!header) return this.auth.callerOf(header, db);
    let byHeader = this.keys.get(db);
    if (!byHeader) {
      byHeader = new Map();
      this.keys.set(db, byHeader);
    }
    let key = byHeader.get(header);
    if (!key) {
      key = { running: false, next: null };
      byHeader.set(header, key);
    }
    if (!key.running) return this.run(byHeader, header, key, db);
    key.next ??= pending();
    return key.next.promise;
  }

  private run(byHeader: Map<string, Key>, header: string, key: Key, db: Db): Promise<Caller> {
    key.running = true;
    const read = this.auth.callerOf(header, db);
    const settle = () => {
      key.running = false;
      const waiting = key.next;
      key.next = null;
      if (!waiting) {
        byHeader.delete(header);
        return;
      }
      this.run(byHeader, header, key, db).then(waiting.resolve, waiting.reject);
    };
    read.then(settle, settle);
    return read;
  }
}
