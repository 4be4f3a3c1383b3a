import type { AuthService } from '../access/caller.js';
import type { Db } from '../db/client.js';

type Caller = Awaited<ReturnType<AuthService['callerOf']>>;

interface Pending {
  promise: Promise<Caller>;
  resolve: (caller: Caller) => void;
  reject: (error: unknown) => void;
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
 * one database read among the requests with the same credentials on the same pool that arrive in
 * the same turn of the event loop: the read starts once that turn is over (setImmediate). A request
 * never takes the answer of a read that was already under way when it arrived, so a revocation,
 * suspension or removed role committed before a request arrives still counts for that request.
 * Reads of one caller may overlap (a new turn's read does not wait for the last one to answer), so
 * sharing costs a request at most one turn of the loop, never a database round trip.
 */
export class CallerReads {
  private readonly waiting = new WeakMap<Db, Map<string, Pending>>();

  constructor(private readonly auth: AuthService) {}

  read(header: string | null, db: Db): Promise<Caller> {
    if (!header) return this.auth.callerOf(header, db);
    let byHeader = this.waiting.get(db);
    if (!byHeader) {
      byHeader = new Map();
      this.waiting.set(db, byHeader);
    }
    let next = byHeader.get(header);
    if (!next) {
      const read = pending();
      byHeader.set(header, read);
      const map = byHeader;
      setImmediate(() => {
        map.delete(header);
        this.auth.callerOf(header, db).then(read.resolve, read.reject);
      });
      next = read;
    }
    return next.promise;
  }
}
