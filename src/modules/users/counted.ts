import type { SQL } from 'drizzle-orm';
import { keptCount } from '../../db/counts.js';
import type { FilterOf } from '../../db/filter.js';
import { USER_STATUSES } from './queries.js';

/**
 * Which users filters the kept count of users answers (db/counts.ts keeps it per stored status):
 * any and/or/not tree of `status` conditions only, e.g. the legacy lists' "every account but the
 * deleted ones". A set naming ACTIVE without SUSPENDED (or the other way round) is not answered from
 * it: a suspension with an end time lapses into ACTIVE by the clock, with no write to count.
 */

type StatusOnly = { status?: { in: readonly string[] } | null; and?: StatusOnly[] | null; or?: StatusOnly[] | null; not?: StatusOnly | null };

const ALL: ReadonlySet<string> = new Set(USER_STATUSES);
const inter = (a: ReadonlySet<string>, b: ReadonlySet<string>) => new Set([...a].filter((s) => b.has(s)));

/** The stored statuses `filter` selects, or null when it tests anything but a clock-free status set. */
export function statusesOf(filter: Record<string, unknown> | null | undefined): ReadonlySet<string> | null {
  let set = ALL;
  if (!filter) return set;
  const f = filter as StatusOnly & Record<string, unknown>;
  for (const [key, value] of Object.entries(f)) {
    if (value == null) continue;
    if (key === 'status') {
      const wanted = new Set(f.status?.in ?? []);
      if (wanted.has('ACTIVE') !== wanted.has('SUSPENDED')) return null;
      set = inter(set, wanted);
    } else if (key === 'and' || key === 'or') {
      const parts = (value as StatusOnly[]).map((part) => statusesOf(part));
      if (parts.some((s) => s === null)) return null;
      if (parts.length === 0) continue;
      const sets = parts as ReadonlySet<string>[];
      const joined = key === 'and' ? sets.reduce(inter) : new Set(sets.flatMap((s) => [...s]));
      set = inter(set, joined);
    } else if (key === 'not') {
      const inner = statusesOf(value as StatusOnly);
      if (inner === null) return null;
      set = new Set([...set].filter((s) => !inner.has(s)));
    } else return null;
  }
  return set;
}

/** The kept count of the users `filter` selects, when it is one the count answers. */
export function keptUserCount(filter: FilterOf<Record<string, never>> | Record<string, unknown> | null | undefined, slow: SQL): SQL | undefined {
  const statuses = statusesOf(filter as Record<string, unknown> | null | undefined);
  if (!statuses) return undefined;
  return keptCount('users', { keys: statuses.size === ALL.size ? undefined : [...statuses], slow });
}
