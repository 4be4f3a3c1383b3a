import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import type { FilterOf } from '../../db/filter.js';
import { isoUtc } from '../../db/json.js';
import { Params, runPrepared } from '../../db/prepared.js';
import { registerUserField, loadUserFields, projectedUserFields, unprojectedUserFields } from '../users/extensions.js';
import { userJsonSql, type UserJson, type UserShape } from '../users/queries.js';
import { users } from '../users/table.js';
import { follows } from './table.js';

/** Which side of a follow a list walks: the accounts a user follows, or the accounts following it. */
export type FollowSide = 'following' | 'followers';

/** The account of the other side of a row (the one the list answers), and the side its owner is on. */
const SIDES = {
  following: { owner: sql`${follows.followerId}`, other: sql`${follows.followedId}` },
  followers: { owner: sql`${follows.followedId}`, other: sql`${follows.followerId}` },
} as const;

/** A column of the listed account, as a correlated subquery over the row's other side. */
const ofOther = (other: SQL, expr: SQL) => sql`(select ${expr} from ${users} where ${users.id} = ${other})`;

function followFilterTable(other: SQL) {
  return {
    followedAt: { kind: 'range', sql: sql`${follows.createdAt}`, description: 'When the follow was made' },
    local: { kind: 'flag', sql: ofOther(other, sql`${users.domain} is null`), description: 'true: local accounts only; false: remote only' },
    username: { kind: 'text', sql: ofOther(other, sql`${users.username}`) },
    domain: { kind: 'text', sql: ofOther(other, sql`${users.domain}`) },
  } as const;
}

export const followingFilterTable = followFilterTable(SIDES.following.other);
export const followersFilterTable = followFilterTable(SIDES.followers.other);
export type FollowFilterTable = typeof followingFilterTable;
export type FollowFilter = FilterOf<FollowFilterTable>;

function followList(side: FollowSide): ListSource<FollowFilterTable, FollowOrder> {
  const at = { sql: sql`${follows.createdAt}`, type: 'timestamptz' } as const;
  return {
    name: `follows_${side}`,
    table: follows,
    // Within one owner's list the other side is unique (one row per pair).
    id: { sql: SIDES[side].other, type: 'bigint' },
    orders: bothWays({ FOLLOWED_AT: at }),
    defaultOrder: 'FOLLOWED_AT_DESC',
    filter: side === 'following' ? followingFilterTable : followersFilterTable,
  };
}

export type FollowOrder = 'FOLLOWED_AT_ASC' | 'FOLLOWED_AT_DESC';
export const followLists = { following: followList('following'), followers: followList('followers') } as const;

/** A listed account with when the follow was made (the edge's followedAt). */
export type FollowedUser = UserJson & { followedAt: string };

/**
 * One page of the accounts `userId` follows (or that follow it): one statement builds each account's
 * JSON in a correlated subquery (registered fields with a projection included); fields without one
 * load in one statement per field for the whole page.
 */
export async function findFollowPage(
  db: Tx,
  side: FollowSide,
  userId: bigint,
  args: ListArgs<FollowFilterTable, FollowOrder>,
  shape: UserShape,
  wants: ListWants,
): Promise<Connection<FollowedUser>> {
  const { owner, other } = SIDES[side];
  const page = await findPage(
    db,
    followLists[side],
    {
      select: (p) => ({
        obj: sql<UserJson>`(select ${userJsonSql({ fields: shape.fields }, projectedUserFields(shape.nested), sql`${p.add('User')}::text`)} from ${users} where ${users.id} = ${other})`,
        followedAt: isoUtc(follows.createdAt),
      }),
      selectKey: JSON.stringify([shape.fields, shape.nested ?? null]),
      where: (p) => sql`${owner} = ${p.add(userId)}::bigint`,
      nodeOf: (row: { obj: UserJson; followedAt: string }) => ({ ...row.obj, followedAt: row.followedAt }),
    },
    args,
    wants,
  );
  await loadUserFields(
    db,
    page.edges.map((e) => e.node),
    unprojectedUserFields(shape.nested),
  );
  return page;
}

/** Whether `followerId` follows `followedId`. */
export async function isFollowing(db: Tx, followerId: bigint, followedId: bigint): Promise<boolean> {
  const p = new Params();
  const rows = await runPrepared(
    db,
    'isFollowing',
    p,
    () =>
      db
        .select({ one: sql<number>`1` })
        .from(follows)
        .where(sql`${follows.followerId} = ${p.add(followerId)}::bigint and ${follows.followedId} = ${p.add(followedId)}::bigint`),
    { name: 'is_following', plan: 'reuse' },
  );
  return rows.length > 0;
}

/** Follow counts of many users in one statement (users without follows are left out). */
async function countsOf(db: Tx, side: FollowSide, ids: readonly string[]): Promise<Map<string, unknown>> {
  // followerCount counts rows where the user is followed; followingCount rows where it follows.
  const column = side === 'followers' ? follows.followedId : follows.followerId;
  const rows = await db
    .select({ id: sql<string>`${column}::text`, n: sql<number>`count(*)::int` })
    .from(follows)
    .where(sql`${column} = any(string_to_array(${ids.join(',')}, ',')::bigint[])`)
    .groupBy(column);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

// User.followerCount / User.followingCount (schema.ts): a users page builds them into its own statement.
registerUserField('followerCount', {
  all: [],
  empty: () => 0,
  project: () => sql`(select count(*)::int from ${follows} where ${follows.followedId} = ${users.id})`,
  load: (db, ids) => countsOf(db, 'followers', ids),
});
registerUserField('followingCount', {
  all: [],
  empty: () => 0,
  project: () => sql`(select count(*)::int from ${follows} where ${follows.followerId} = ${users.id})`,
  load: (db, ids) => countsOf(db, 'following', ids),
});
