import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/client.js';
import { useGateway } from '../../helpers/app.js';
import { encodeId } from '../../../src/graphql/ids.js';
import { dataUri, makeImage } from '../media/images.js';

/**
 * Self-service and moderation: a user edits only its own profile and flags; admins (admin:profiles)
 * read any profile, publish or hide it, clear its avatar or bio, or remove a flag, with a reason.
 */
const gw = useGateway();

const PROFILE = 'userId name bio avatar own { public publishedAt hiddenAt } flags { id }';
const READ = `query($id: ID!) { user(id: $id) { pronounsProfile { ${PROFILE} } } }`;
const PUBLIC = `query($ref: String!) { pronounsProfile(ref: $ref) { userId own { public } } }`;
const MODERATE = `mutation($input: ModeratePronounsProfileInput!) { moderatePronounsProfile(input: $input) {
  __typename ... on ModeratePronounsProfileSuccess { profile { ${PROFILE} } } ... on Error { code message } } }`;
const REMOVE = `mutation($input: RemovePrideFlagInput!) { removePrideFlag(input: $input) {
  __typename ... on RemovePrideFlagSuccess { flag { id } } ... on Error { code message } } }`;
const UPDATE = `mutation($input: UpdateMyPronounsProfileInput!) { updateMyPronounsProfile(input: $input) {
  __typename ... on UpdateMyPronounsProfileSuccess { profile { userId bio } } ... on Error { code message } } }`;

const audits = async (action: string, target: string) =>
  (await queryRows<{ diff: { reason?: string } }>(gw.database.db, sql`select diff from audit_log where action = ${action} and target_id = ${target}`)).map(
    (r) => r.diff,
  );

describe('self-service', () => {
  it('the profile mutations take no account id: a user edits only its own, whatever it holds', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const res = await gw.gql(UPDATE, { input: { bio: 'mine' } }, admin.token);
    expect(res.body.data.updateMyPronounsProfile).toMatchObject({
      __typename: 'UpdateMyPronounsProfileSuccess',
      profile: { userId: admin.id.toString(), bio: 'mine' },
    });
    expect((await gw.gql(UPDATE, { input: { bio: 'x' } })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a user reads its own profile through User.pronounsProfile, not another one', async () => {
    const u = await gw.user();
    const other = await gw.user();
    expect((await gw.gql(READ, { id: u.gid }, u.token)).body.data.user.pronounsProfile.userId).toBe(u.id.toString());
    expect((await gw.gql(READ, { id: other.gid }, u.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('moderation', () => {
  it('an admin reads a profile nobody may see yet, publishes it (public), hides it (null to others), with reasons, audited', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const u = await gw.user();
    expect((await gw.gql(PUBLIC, { ref: u.username })).body.data.pronounsProfile).toBeNull();
    expect((await gw.gql(PUBLIC, { ref: u.username }, admin.token)).body.data.pronounsProfile).toMatchObject({ own: { public: false } });

    const published = await gw.gql(MODERATE, { input: { userId: u.gid, action: 'PUBLISH', reason: 'Asked by mail' } }, admin.token);
    expect(published.body.data.moderatePronounsProfile.profile.own.public).toBe(true);
    expect((await gw.gql(PUBLIC, { ref: u.username })).body.data.pronounsProfile).toMatchObject({ userId: u.id.toString(), own: null });
    expect((await gw.request(`/api/v1/users/${u.username}`)).status).toBe(200);

    await gw.gql(MODERATE, { input: { userId: u.gid, action: 'HIDE', reason: 'Spam' } }, admin.token);
    expect((await gw.gql(PUBLIC, { ref: u.username })).body.data.pronounsProfile).toBeNull();
    expect((await gw.request(`/api/v1/users/${u.username}`)).status).toBe(404);
    // Its own user still reads it.
    expect((await gw.gql(PUBLIC, { ref: u.username }, u.token)).body.data.pronounsProfile.own.public).toBe(false);
    expect(await audits('profile.publish', u.id.toString())).toEqual([{ reason: 'Asked by mail' }]);
    expect(await audits('profile.hide', u.id.toString())).toEqual([{ reason: 'Spam' }]);
  });

  it('clears an avatar (its image freed) and a bio, and removes a flag, each with a reason', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const u = await gw.user();
    const patched = await gw.request('/api/v1/users/@me', {
      method: 'PATCH',
      headers: { authorization: u.token },
      json: { bio: 'rude', avatar: dataUri(await makeImage('png', 32, 32, { r: 5, g: 6, b: 7 })) },
    });
    const hash = ((await patched.json()) as { avatar: string }).avatar;
    const flagRes = await gw.request('/api/v1/users/@me/flags', {
      method: 'POST',
      headers: { authorization: u.token },
      json: { flag: dataUri(await makeImage('png', 16, 16, { r: 1, g: 60, b: 7 })), name: 'x' },
    });
    const flag = (await flagRes.json()) as { id: string; hash: string };

    for (const action of ['CLEAR_AVATAR', 'CLEAR_BIO'])
      expect((await gw.gql(MODERATE, { input: { userId: u.gid, action, reason: 'Rules' } }, admin.token)).body.data.moderatePronounsProfile.__typename).toBe(
        'ModeratePronounsProfileSuccess',
      );
    const after = (await gw.gql(READ, { id: u.gid }, admin.token)).body.data.user.pronounsProfile;
    expect(after).toMatchObject({ bio: null, avatar: null });
    expect(await queryRows(gw.database.db, sql`select 1 from media where hash = ${hash}`)).toHaveLength(0);

    const removed = await gw.gql(REMOVE, { input: { id: flag.id, reason: 'Offensive' } }, admin.token);
    expect(removed.body.data.removePrideFlag).toMatchObject({ __typename: 'RemovePrideFlagSuccess', flag: { id: flag.id } });
    expect(await queryRows(gw.database.db, sql`select 1 from pride_flags where id = ${BigInt(flag.id)}`)).toHaveLength(0);
    expect(await audits('flag.remove', flag.id)).toMatchObject([{ reason: 'Offensive' }]);
  });

  it('refuses without admin:profiles:write (FORBIDDEN), anonymous (UNAUTHENTICATED), without a reason (BAD_INPUT), writing nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const u = await gw.user();
    const input = { userId: u.gid, action: 'PUBLISH', reason: 'r' };
    expect((await gw.gql(MODERATE, { input }, plain.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(MODERATE, { input })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql(MODERATE, { input: { ...input, reason: '  ' } }, admin.token)).body.data.moderatePronounsProfile.__typename).toBe('BadInputError');
    expect((await gw.gql(REMOVE, { input: { id: '12345', reason: 'r' } }, admin.token)).body.data.removePrideFlag.__typename).toBe('NotFoundError');
    expect((await gw.gql(REMOVE, { input: { id: 'x', reason: 'r' } }, plain.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(PUBLIC, { ref: u.username })).body.data.pronounsProfile).toBeNull();
    expect(await audits('profile.publish', u.id.toString())).toEqual([]);
  });
});

describe('badges', () => {
  const BADGES = `mutation($input: SetPronounsBadgesInput!) { setPronounsBadges(input: $input) {
    __typename ... on SetPronounsBadgesSuccess { profile { userId badges } } ... on Error { code message } } }`;
  const badgesOf = async (id: bigint) =>
    (await queryRows<{ badges: number }>(gw.database.db, sql`select badges from profiles where user_id = ${id}`))[0]?.badges;

  it('an admin sets the bitmask with a reason: GraphQL and the pronouns.cc shim answer it, audited with what it was', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const u = await gw.user();
    const set = await gw.gql(BADGES, { input: { userId: u.gid, badges: 5, reason: 'Volunteer' } }, admin.token);
    expect(set.body.data.setPronounsBadges).toEqual({ __typename: 'SetPronounsBadgesSuccess', profile: { userId: u.id.toString(), badges: 5 } });
    await gw.gql(MODERATE, { input: { userId: u.gid, action: 'PUBLISH', reason: 'r' } }, admin.token);
    const shown = await gw.request(`/api/v1/users/${u.username}`);
    expect(((await shown.json()) as { badges: number }).badges).toBe(5);
    await gw.gql(BADGES, { input: { userId: u.gid, badges: 0, reason: 'Stepped down' } }, admin.token);
    expect(await badgesOf(u.id)).toBe(0);
    expect(await audits('profile.badges', u.id.toString())).toEqual([
      { badges: { from: 0, to: 5 }, reason: 'Volunteer' },
      { badges: { from: 5, to: 0 }, reason: 'Stepped down' },
    ]);
  });

  it('refuses without the scope, anonymous, below the owner’s rank, negative, without a reason or for no user, writing nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const root = await gw.user({ roles: ['superadmin'] });
    const plain = await gw.user();
    const u = await gw.user();
    const input = { userId: u.gid, badges: 2, reason: 'r' };
    expect((await gw.gql(BADGES, { input }, plain.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(BADGES, { input })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gw.gql(BADGES, { input: { ...input, userId: root.gid } }, admin.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    for (const bad of [{ badges: -1 }, { reason: ' ' }])
      expect((await gw.gql(BADGES, { input: { ...input, ...bad } }, admin.token)).body.data.setPronounsBadges.__typename).toBe('BadInputError');
    expect((await gw.gql(BADGES, { input: { ...input, badges: 2 ** 31 } }, admin.token)).body.errors[0].message).toMatch(/Int cannot represent/);
    const gone = { ...input, userId: encodeId('User', 987654321n) };
    expect((await gw.gql(BADGES, { input: gone }, admin.token)).body.data.setPronounsBadges.__typename).toBe('NotFoundError');
    expect(await badgesOf(u.id)).toBeUndefined();
    expect(await badgesOf(root.id)).toBeUndefined();
    expect(await audits('profile.badges', u.id.toString())).toEqual([]);
  });
});

describe('avatars set by admins (updateUser, createUser)', () => {
  const UPDATE_USER = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { __typename ... on UpdateUserSuccess { user { avatarHash } } ... on Error { code message } } }`;

  it('name a stored image and hold a reference to it; one that is not stored is BAD_INPUT', async () => {
    const root = await gw.user({ roles: ['superadmin'] });
    const u = await gw.user();
    const patched = await gw.request('/api/v1/users/@me', {
      method: 'PATCH',
      headers: { authorization: u.token },
      json: { avatar: dataUri(await makeImage('png', 24, 24, { r: 200, g: 1, b: 2 })) },
    });
    const hash = ((await patched.json()) as { avatar: string }).avatar;
    const count = async () =>
      (await queryRows<{ ref_count: number }>(gw.database.db, sql`select ref_count from media where hash = ${hash}`))[0]?.ref_count ?? 0;
    const other = await gw.user();
    const set = await gw.gql(UPDATE_USER, { input: { id: other.gid, avatarHash: hash } }, root.token);
    expect(set.body.data.updateUser).toMatchObject({ __typename: 'UpdateUserSuccess', user: { avatarHash: hash } });
    expect(await count()).toBe(2);
    expect((await gw.gql(UPDATE_USER, { input: { id: other.gid, avatarHash: 'f'.repeat(64) } }, root.token)).body.data.updateUser.__typename).toBe(
      'BadInputError',
    );
    await gw.gql(UPDATE_USER, { input: { id: other.gid, avatarHash: null } }, root.token);
    expect(await count()).toBe(1);
  });
});
