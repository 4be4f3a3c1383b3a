import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { makeInvite } from '../helpers/factories.js';

// Lists over nullable columns: cursors on a missing expiry, and `not` as the complement (found by the connections-*.test.ts walks).
const gw = useGateway();
const Q = `query($o: InviteOrderBy, $f: InviteFilter, $first: Int, $last: Int, $after: String, $before: String) {
  invites(orderBy: $o, filter: $f, first: $first, last: $last, after: $after, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id expiresAt } } } }`;

describe('invites without an expiry', () => {
  it('EXPIRES_AT_ASC / EXPIRES_AT_DESC cursors on an invite without expiresAt page on (not BAD_INPUT)', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const f = { createdBy: admin.gid };
    const soon = new Date(Date.now() + 86_400_000);
    for (const expiresAt of [soon, null, null, soon]) await makeInvite(gw, { by: admin.id, expiresAt });
    // Backwards in ascending order: the last page holds the two undated invites, its startCursor is refused.
    const lastPage = await gw.gql(Q, { o: 'EXPIRES_AT_ASC', f, last: 2 }, admin.token);
    expect(lastPage.body.errors).toBeUndefined();
    const back = await gw.gql(Q, { o: 'EXPIRES_AT_ASC', f, last: 2, before: lastPage.body.data.invites.pageInfo.startCursor }, admin.token);
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data.invites.edges).toHaveLength(2);
    // Forwards in descending order: the first page holds them, its endCursor is refused.
    const first = await gw.gql(Q, { o: 'EXPIRES_AT_DESC', f, first: 2 }, admin.token);
    const next = await gw.gql(Q, { o: 'EXPIRES_AT_DESC', f, first: 2, after: first.body.data.invites.pageInfo.endCursor }, admin.token);
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data.invites.edges).toHaveLength(2);
  });
});

describe('not over a nullable column', () => {
  it('InviteFilter { not: { owner } } keeps invites without an owner; { not: { expiresAt } } those without an expiry', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    await makeInvite(gw, { by: admin.id, ownerId: owner.id });
    const unowned = await makeInvite(gw, { by: admin.id, ownerId: null, expiresAt: null });
    const notOwned = await gw.gql(Q, { f: { createdBy: admin.gid, not: { owner: owner.gid } }, first: 10 }, admin.token);
    expect(notOwned.body.data.invites.edges.map((e: any) => e.node.id)).toEqual([unowned.gid]);
    const notSoon = await gw.gql(
      Q,
      { f: { createdBy: admin.gid, not: { expiresAt: { lt: new Date(Date.now() + 86_400_000).toISOString() } } }, first: 10 },
      admin.token,
    );
    expect(notSoon.body.data.invites.edges.map((e: any) => e.node.id)).toContain(unowned.gid);
  });
});
