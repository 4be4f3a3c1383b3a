import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { encodeId } from '../../../src/graphql/ids.js';
import { createUser } from '../../../src/modules/users/actions.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeFollow, makeRole, unique } from '../../helpers/factories.js';

const gw = useGateway();

const rows = async (q: ReturnType<typeof sql>) => gw.database.rows<Record<string, unknown>>(q);
const followCount = async () => Number((await rows(sql`select count(*)::int as n from follows`))[0].n);
const auditCount = async (action: string) => Number((await rows(sql`select count(*)::int as n from audit_log where action = ${action}`))[0].n);

async function remoteUser(domain: string) {
  const created = await createUser(gw.system, { username: unique('remote'), domain });
  return { id: BigInt(created.id), gid: encodeId('User', BigInt(created.id)), username: created.username };
}

const LISTS = `query($id: ID!, $filter: FollowFilter, $first: Int, $after: String, $orderBy: FollowOrderBy) {
  node(id: $id) { ... on User {
    followerCount followingCount
    following(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount edges { followedAt cursor node { username domain followerCount roles { name } } } pageInfo { hasNextPage endCursor }
    }
    followers(first: 10) { totalCount edges { node { username } } }
  } }
}`;

describe('follows', () => {
  it('follows local and remote accounts, with counts and both connections, audited once per change', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const me = await gw.user();
    const local = await gw.user({ roles: ['moderator'] });
    const remote = await remoteUser('remote.example');
    const before = await auditCount('follow.create');
    for (const target of [local, remote]) {
      const done = await mutate(
        gw,
        'followUser',
        { followerId: me.gid, followedId: target.gid },
        admin.token,
        'result { following changed follower { username } followed { username } }',
      );
      expect(done).toMatchObject({ __typename: 'FollowUserSuccess', result: { following: true, changed: true, follower: { username: me.username } } });
    }
    expect(await auditCount('follow.create')).toBe(before + 2);

    const res = await gw.gql(LISTS, { id: me.gid, first: 1 }, admin.token);
    expect(res.body.errors).toBeUndefined();
    const user = res.body.data.node;
    expect(user).toMatchObject({ followerCount: 0, followingCount: 2, followers: { totalCount: 0 } });
    // Most recent follow first: the remote account, then the local one on the next page.
    expect(user.following.totalCount).toBe(2);
    expect(user.following.edges.map((e: any) => e.node.username)).toEqual([remote.username]);
    expect(user.following.edges[0].node).toMatchObject({ domain: 'remote.example', followerCount: 1, roles: [] });
    expect(Date.parse(user.following.edges[0].followedAt)).toBeGreaterThan(0);
    const next = await gw.gql(LISTS, { id: me.gid, first: 1, after: user.following.pageInfo.endCursor }, admin.token);
    expect(next.body.data.node.following.edges.map((e: any) => e.node.username)).toEqual([local.username]);
    expect(next.body.data.node.following.edges[0].node.roles).toEqual([{ name: 'moderator' }]);
    expect(next.body.data.node.following.pageInfo.hasNextPage).toBe(false);

    const onlyLocal = await gw.gql(LISTS, { id: me.gid, filter: { local: true } }, admin.token);
    expect(onlyLocal.body.data.node.following.edges.map((e: any) => e.node.username)).toEqual([local.username]);
    const byDomain = await gw.gql(LISTS, { id: me.gid, filter: { domain: { equals: 'remote.example' } }, orderBy: 'FOLLOWED_AT_ASC' }, admin.token);
    expect(byDomain.body.data.node.following.totalCount).toBe(1);
    // The count strategies agree with totalCount, filtered or not.
    const counted = `query($id: ID!, $filter: FollowFilter) { node(id: $id) { ... on User {
      following(first: 1, filter: $filter) { totalCount exact: count(strategy: EXACT) { value exact } capped: count(strategy: CAPPED) { value exact } } } } }`;
    for (const filter of [null, { local: true }]) {
      const list = (await gw.gql(counted, { id: me.gid, filter }, admin.token)).body.data.node.following;
      expect(list.exact).toEqual({ value: list.totalCount, exact: true });
      expect(list.capped).toEqual({ value: list.totalCount, exact: true });
    }
    const refused = await gw.gql(counted, { id: me.gid, filter: null }, (await gw.user()).token);
    expect(refused.body.data?.node ?? null).toBeNull();
    const theirs = await gw.gql(LISTS, { id: remote.gid }, admin.token);
    expect(theirs.body.data.node.followers).toEqual({ totalCount: 1, edges: [{ node: { username: me.username } }] });
  });

  it('counts come with a users page in its own statement', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const made = await makeFollow(gw);
    await makeFollow(gw, { followedId: made.followedId });
    const res = await gw.gql(
      `query($ids: [ID!]) { users(filter: { id: { in: $ids } }) { edges { node { id followerCount followingCount } } } }`,
      { ids: [made.followedGid, made.followerGid] },
      admin.token,
    );
    const byId = Object.fromEntries(res.body.data.users.edges.map((e: any) => [e.node.id, e.node]));
    expect(byId[made.followedGid]).toMatchObject({ followerCount: 2, followingCount: 0 });
    expect(byId[made.followerGid]).toMatchObject({ followerCount: 0, followingCount: 1 });
  });

  it('following oneself, an account that is not active, or one already followed answers success and changes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const b = await gw.user();
    const off = await gw.user();
    expect((await mutate(gw, 'deactivateUser', { id: off.gid }, admin.token)).__typename).toBe('DeactivateUserSuccess');
    await makeFollow(gw, { followerId: a.id, followedId: b.id });
    const before = { follows: await followCount(), audits: await auditCount('follow.create') };
    for (const [follower, followed] of [
      [a, a],
      [a, off],
      [a, b],
    ]) {
      const done = await mutate(gw, 'followUser', { followerId: follower.gid, followedId: followed.gid }, admin.token, 'result { changed }');
      expect(done).toEqual({ __typename: 'FollowUserSuccess', result: { changed: false } });
    }
    expect({ follows: await followCount(), audits: await auditCount('follow.create') }).toEqual(before);
  });

  it('unfollows, audited; unfollowing again changes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const made = await makeFollow(gw);
    const input = { followerId: made.followerGid, followedId: made.followedGid };
    const before = await auditCount('follow.delete');
    expect(await mutate(gw, 'unfollowUser', input, admin.token, 'result { following changed }')).toMatchObject({ result: { following: false, changed: true } });
    expect(await mutate(gw, 'unfollowUser', input, admin.token, 'result { changed }')).toMatchObject({ result: { changed: false } });
    expect(await auditCount('follow.delete')).toBe(before + 1);
    expect((await rows(sql`select 1 from follows where follower_id = ${made.followerId} and followed_id = ${made.followedId}`)).length).toBe(0);
  });

  it('parallel follows of one pair make one follow and one audit row', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const b = await gw.user();
    const before = await auditCount('follow.create');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => mutate(gw, 'followUser', { followerId: a.gid, followedId: b.gid }, admin.token, 'result { changed }')),
    );
    expect(answers.filter((r) => r.result?.changed === true)).toHaveLength(1);
    expect(answers.every((r) => r.__typename === 'FollowUserSuccess')).toBe(true);
    expect(await auditCount('follow.create')).toBe(before + 1);
  });

  it('needs admin:follows:write to follow and admin:follows:read to list; counts of oneself need neither', async () => {
    const a = await gw.user();
    const b = await gw.user();
    const reader = await gw.user();
    const role = await makeRole(gw, { scopes: ['admin:users:read', 'admin:follows:read'] });
    await mutate(gw, 'assignRole', { userId: encodeId('User', reader.id), role: role.name }, (await gw.user({ roles: ['superadmin'] })).token);
    const before = await followCount();
    for (const token of [a.token, reader.token]) {
      expect(await mutate(gw, 'followUser', { followerId: a.gid, followedId: b.gid }, token)).toMatchObject({ error: 'FORBIDDEN' });
    }
    expect(await followCount()).toBe(before);
    const writer = await makeRole(gw, { scopes: ['admin:users:read', 'admin:follows:write'] });
    const w = await gw.user();
    await mutate(gw, 'assignRole', { userId: w.gid, role: writer.name }, (await gw.user({ roles: ['superadmin'] })).token);
    expect(await mutate(gw, 'followUser', { followerId: a.gid, followedId: b.gid }, w.token, 'result { changed }')).toMatchObject({
      result: { changed: true },
    });

    const list = `query($id: ID!) { node(id: $id) { ... on User { following(first: 5) { totalCount } } } }`;
    expect((await gw.gql(list, { id: a.gid }, a.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(list, { id: a.gid }, reader.token)).body.data.node.following.totalCount).toBe(1);
    const counts = `{ viewer { followingCount followerCount } }`;
    expect((await gw.gql(counts, {}, a.token)).body.data.viewer).toEqual({ followingCount: 1, followerCount: 0 });
    const others = `query($id: ID!) { user(id: $id) { followerCount } }`;
    expect((await gw.gql(others, { id: b.gid }, reader.token)).body.data.user.followerCount).toBe(1);
  });

  it('refuses bad input with BAD_INPUT, and an unknown account with NOT_FOUND, writing nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const before = { follows: await followCount(), audits: await auditCount('follow.create') };
    const wrongType = await mutate(gw, 'followUser', { followerId: a.gid, followedId: encodeId('Role', 1n) }, admin.token);
    expect(wrongType.error ?? wrongType.code).toBe('BAD_INPUT');
    const garbage = await mutate(gw, 'followUser', { followerId: 'nonsense', followedId: a.gid }, admin.token);
    expect(garbage.error ?? garbage.code).toBe('BAD_INPUT');
    const missing = await mutate(gw, 'followUser', { followerId: a.gid, followedId: encodeId('User', 987_654_321n) }, admin.token);
    expect(missing).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const badFilter = await gw.gql(LISTS, { id: a.gid, filter: { followedAt: { gt: 'yesterday' } } }, admin.token);
    expect(badFilter.body.errors[0].extensions.code).toBe('BAD_INPUT');
    expect({ follows: await followCount(), audits: await auditCount('follow.create') }).toEqual(before);
  });
});
