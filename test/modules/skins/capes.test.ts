import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { encodeId } from '../../../src/graphql/ids.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { makeImage, SVG, truncated } from '../media/images.js';
import { capePng, gqlUpload, makeCape, makeSkin } from './textures.js';

/** Capes and Discord links over GraphQL: uploadCape (multipart), deleteCape, updateUserCapes, setDiscordLink, and the User fields. */
const gw = useGateway();

const UPLOAD = `mutation($input: UploadCapeInput!) { uploadCape(input: $input) { __typename
  ... on UploadCapeSuccess { cape { id uuid name texture { hash refCount width height } } }
  ... on Error { message code } ... on BadInputError { fields { path message } } } }`;
const CAPES = 'query($id: ID!) { user(id: $id) { capes { uuid name } } }';

const count = async (table: string) => (await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n;
const state = async () => ({ capes: await count('capes'), owners: await count('cape_owners'), media: await count('media'), audit: await count('audit_log') });

describe('capes', () => {
  it('uploadCape gives the cape to its owners in one change; access; bad textures and owners write nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const [a, b] = [await gw.user(), await gw.user()];
    const png = await capePng({ seed: 3 });
    const input = { name: 'Founder', owners: [a.gid, b.gid] };
    expect((await gqlUpload(gw, UPLOAD, input, png, null)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await gqlUpload(gw, UPLOAD, input, png, a.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const before = await state();
    const bad: [string, Uint8Array, Record<string, unknown>?][] = [
      ['truncated', truncated(png)],
      ['a JPEG', await makeImage('jpeg', 64, 32)],
      ['SVG', SVG],
      ['64×64', await makeImage('png', 64, 64)],
      ['an unknown owner', png, { owners: [a.gid, encodeId('User', 999_999_999n)] }],
      ['no name', png, { name: '' }],
    ];
    for (const [what, bytes, over] of bad) {
      const res = await gqlUpload(gw, UPLOAD, { ...input, ...over }, bytes, admin.token);
      expect([what, res.body.data?.uploadCape?.__typename]).toEqual([what, 'BadInputError']);
    }
    expect(await state()).toEqual(before);

    const ok = (await gqlUpload(gw, UPLOAD, input, png, admin.token)).body.data.uploadCape;
    expect(ok).toMatchObject({ __typename: 'UploadCapeSuccess', cape: { name: 'Founder', texture: { refCount: 1, width: 64, height: 32 } } });
    // An HD cape (a multiple of 64×32) is a cape too, for anyone.
    expect((await gqlUpload(gw, UPLOAD, { name: 'Big' }, await capePng({ scale: 2 }), admin.token)).body.data.uploadCape.cape.texture.width).toBe(128);
    // Each owner sees their own capes; another user does not.
    expect((await gw.gql(CAPES, { id: a.gid }, a.token)).body.data.user.capes).toEqual([{ uuid: ok.cape.uuid, name: 'Founder' }]);
    expect((await gw.gql(CAPES, { id: a.gid }, b.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(CAPES, { id: b.gid }, admin.token)).body.data.user.capes).toHaveLength(1);
    expect((await gw.gql('query($id: ID!) { node(id: $id) { ... on Cape { name } } }', { id: ok.cape.id }, a.token)).body.errors[0].extensions.code).toBe(
      'FORBIDDEN',
    );
  });

  it('updateUserCapes adds and removes in one change; a cape taken also comes off the user’s skins; deleteCape frees its texture', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const user = await gw.user();
    const [one, two] = [await makeCape(gw), await makeCape(gw)];
    const [gOne, gTwo] = [encodeId('Cape', one.id), encodeId('Cape', two.id)];
    const change = (input: Record<string, unknown>, token: string | null = admin.token) =>
      mutate(gw, 'updateUserCapes', { user: user.gid, ...input }, token, 'user { capes { uuid } }');
    expect(await change({ add: [gOne] }, user.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await change({ add: [gOne] }, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await change({ add: [gOne, encodeId('Cape', crypto.randomUUID())] })).toMatchObject({ __typename: 'BadInputError' });
    expect(await change({ add: [gOne], remove: [gOne] })).toMatchObject({ __typename: 'BadInputError' });
    expect(await gw.database.rows(sql`select 1 from cape_owners where user_id = ${user.id}`)).toEqual([]);
    // Given in one change, both have the same grant time, so the cape id orders them.
    const both = [one.id, two.id].sort().map((uuid) => ({ uuid }));
    expect(await change({ add: [gOne, gTwo] })).toMatchObject({ user: { capes: both } });
    // Adding what the user has is no error and no change.
    expect(await change({ add: [gOne] })).toMatchObject({ user: { capes: both } });
    const skin = await makeSkin(gw, user.id, { capeId: one.id });
    expect(skin.capeId).toBe(one.id);
    expect(await change({ remove: [gOne] })).toMatchObject({ user: { capes: [{ uuid: two.id }] } });
    const [row] = await gw.database.rows<{ cape_id: string | null }>(sql`select cape_id from skins where id = ${skin.id}`);
    expect(row.cape_id).toBeNull();

    const worn = await makeSkin(gw, user.id, { capeId: two.id });
    const hash = two.textureHash;
    expect(await mutate(gw, 'deleteCape', { id: gTwo }, user.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await mutate(gw, 'deleteCape', { id: gTwo }, admin.token, 'cape { uuid }')).toMatchObject({ cape: { uuid: two.id } });
    expect(await mutate(gw, 'deleteCape', { id: gTwo }, admin.token)).toMatchObject({ __typename: 'NotFoundError' });
    expect(await gw.database.rows(sql`select 1 from media where hash = ${hash}`)).toEqual([]);
    expect((await gw.database.rows<{ cape_id: string | null }>(sql`select cape_id from skins where id = ${worn.id}`))[0].cape_id).toBeNull();
    expect((await gw.gql(CAPES, { id: user.gid }, admin.token)).body.data.user.capes).toEqual([]);
  });
});

describe('Discord links', () => {
  it('setDiscordLink links, relinks and unlinks; one user per Discord account; admin:users:write; the user and admins read it', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const [user, other] = [await gw.user(), await gw.user()];
    const Q = 'query($id: ID!) { user(id: $id) { discord { discordId username avatar } } }';
    const link = (who: string, discord: unknown, token = admin.token) =>
      mutate(gw, 'setDiscordLink', { user: who, discord }, token, 'user { discord { discordId username avatar } }');
    const discord = { discordId: '80351110224678912', username: 'nelly', avatar: '8342729096ea3675442027381ff50dfe' };
    expect(await link(user.gid, discord, user.token)).toMatchObject({ error: 'FORBIDDEN' });
    for (const bad of [
      { ...discord, discordId: 'abc' },
      { ...discord, avatar: 'not-a-hash' },
      { ...discord, username: '' },
    ]) {
      expect(await link(user.gid, bad)).toMatchObject({ __typename: 'BadInputError' });
    }
    expect(await link(user.gid, discord)).toMatchObject({ user: { discord } });
    expect(await link(other.gid, discord)).toMatchObject({ __typename: 'ConflictError' });
    expect((await gw.gql(Q, { id: user.gid }, user.token)).body.data.user.discord).toEqual(discord);
    expect((await gw.gql(Q, { id: user.gid }, other.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await link(user.gid, { ...discord, avatar: null })).toMatchObject({ user: { discord: { ...discord, avatar: null } } });
    expect(await link(user.gid, null)).toMatchObject({ user: { discord: null } });
    const actions = await gw.database.rows<{ action: string }>(sql`select action from audit_log where action like 'discord.%' order by seq`);
    expect(actions.map((r) => r.action)).toEqual(['discord.link', 'discord.link', 'discord.unlink']);
  });
});
