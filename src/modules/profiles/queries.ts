import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bigintArray } from '../../db/arrays.js';
import { parseBigintId } from '../../db/values.js';
import { effectiveStatus } from '../../access/status.js';
import { userHoldsScope } from '../../access/standing.js';
import { users } from '../users/table.js';
import type { PrideFlag, Profile } from './model.js';
import { prideFlags, profiles } from './table.js';

const visibleSql = sql<boolean>`(${profiles.claimedAt} is not null or ${profiles.publishedAt} is not null) and ${profiles.hiddenAt} is null and ${effectiveStatus} = 'ACTIVE'`;

const columns = {
  userId: sql<string>`${users.id}::text`,
  sid: users.shortId,
  name: users.username,
  displayName: users.displayName,
  bio: users.bio,
  avatar: users.avatarHash,
  timezone: users.timezone,
  createdAt: users.createdAt,
  status: effectiveStatus,
  memberTitle: profiles.memberTitle,
  links: profiles.links,
  names: profiles.names,
  pronouns: profiles.pronouns,
  fields: profiles.fields,
  shownFlags: profiles.shownFlags,
  badges: profiles.badges,
  customPreferences: profiles.customPreferences,
  listPrivate: profiles.listPrivate,
  lastSidReroll: profiles.lastSidReroll,
  claimedAt: profiles.claimedAt,
  publishedAt: profiles.publishedAt,
  hiddenAt: profiles.hiddenAt,
  visible: sql<boolean>`coalesce(${visibleSql}, false)`,
  isAdmin: userHoldsScope(sql`${users.id}`, 'admin:profiles:write'),
};

type Row = {
  [K in keyof typeof columns]: K extends 'links' | 'names' | 'pronouns' | 'fields' | 'shownFlags' | 'badges' | 'customPreferences' | 'listPrivate'
    ? (typeof profiles.$inferSelect)[K] | null
    : unknown;
};

export const flagOf = (r: typeof prideFlags.$inferSelect): PrideFlag => ({
  id: r.id.toString(),
  userId: r.userId.toString(),
  hash: r.hash,
  name: r.name,
  description: r.description,
});

/** The pride flags of these users, oldest first, by user id (text). */
export async function findFlagsOf(db: Tx, userIds: readonly bigint[]): Promise<Map<string, PrideFlag[]>> {
  const out = new Map<string, PrideFlag[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .select()
    .from(prideFlags)
    .where(inArray(prideFlags.userId, [...userIds]))
    .orderBy(asc(prideFlags.id));
  for (const r of rows) {
    const list = out.get(r.userId.toString()) ?? [];
    list.push(flagOf(r));
    out.set(r.userId.toString(), list);
  }
  return out;
}

export async function findFlag(db: Tx, id: bigint): Promise<PrideFlag | null> {
  const [row] = await db.select().from(prideFlags).where(eq(prideFlags.id, id));
  return row ? flagOf(row) : null;
}

async function profilesWhere(db: Tx, where: ReturnType<typeof sql>): Promise<Profile[]> {
  const rows = (await db.select(columns).from(users).leftJoin(profiles, eq(profiles.userId, users.id)).where(where)) as Row[];
  const flags = await findFlagsOf(
    db,
    rows.map((r) => BigInt(r.userId as string)),
  );
  return rows.map((r) => {
    const own = flags.get(r.userId as string) ?? [];
    const byId = new Map(own.map((f) => [f.id, f]));
    const shown = (r.shownFlags ?? []).flatMap((id) => byId.get(id.toString()) ?? []);
    return {
      userId: r.userId as string,
      sid: r.sid as string,
      name: r.name as string,
      displayName: r.displayName as string | null,
      bio: r.bio as string | null,
      memberTitle: (r.memberTitle as string | null) ?? null,
      avatar: r.avatar as string | null,
      links: r.links ?? [],
      names: r.names ?? [],
      pronouns: (r.pronouns ?? []).map((p) => ({ ...p, displayText: p.displayText ?? null })),
      fields: r.fields ?? [],
      flags: shown,
      badges: r.badges ?? 0,
      timezone: r.timezone as string | null,
      customPreferences: r.customPreferences ?? {},
      listPrivate: r.listPrivate ?? false,
      lastSidReroll: (r.lastSidReroll as Date | null) ?? null,
      createdAt: r.createdAt as Date,
      claimedAt: (r.claimedAt as Date | null) ?? null,
      publishedAt: (r.publishedAt as Date | null) ?? null,
      hiddenAt: (r.hiddenAt as Date | null) ?? null,
      status: r.status as string,
      visible: r.visible as boolean,
      isAdmin: r.isAdmin as boolean,
    };
  });
}

/** The profiles of these users (local accounts), by user id (text); a user without a profile row has an empty one. */
export async function findProfiles(db: Tx, userIds: readonly bigint[]): Promise<Map<string, Profile>> {
  if (userIds.length === 0) return new Map();
  const rows = await profilesWhere(db, sql`${users.id} = any(${bigintArray(userIds)}) and ${users.domain} is null`);
  return new Map(rows.map((p) => [p.userId, p]));
}

export async function findProfile(db: Tx, userId: bigint): Promise<Profile | null> {
  return (await findProfiles(db, [userId])).get(userId.toString()) ?? null;
}

/** pronouns.cc's `{id|name}`: an id first ("IDs are always prioritized"), else a local username. */
export async function findProfileByRef(db: Tx, ref: string): Promise<Profile | null> {
  const id = /^[0-9]{1,19}$/.test(ref) ? parseBigintId(ref) : null;
  if (id !== null) {
    const byId = await findProfile(db, id);
    if (byId) return byId;
  }
  if (ref.length > 64) return null;
  const [byName] = await profilesWhere(db, sql`lower(${users.username}) = lower(${ref}) and ${users.domain} is null`);
  return byName ?? null;
}

/** How many flags the user has. */
export async function countFlags(db: Tx, userId: bigint): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(prideFlags).where(eq(prideFlags.userId, userId));
  return row?.n ?? 0;
}
