import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { uploadSkin } from '../../../src/modules/skins/actions.js';
import { encodeId } from '../../../src/graphql/ids.js';
import { useGateway } from '../../helpers/app.js';
import { mutate } from '../../helpers/clients.js';
import { actingAs } from '../../helpers/factories.js';
import { makeImage, makeNoise, makePngBomb, SVG, truncated } from '../media/images.js';
import { gqlUpload, makeCape, makeSkin, pngFile, skinPng } from './textures.js';

/** Skins over GraphQL: uploadSkin (multipart), updateSkin, deleteSkin, selectSkin, the library list, and the media references. */
const gw = useGateway();

const UPLOAD = `mutation($input: UploadSkinInput!) { uploadSkin(input: $input) { __typename
  ... on UploadSkinSuccess { skin { id uuid name slim hd disabled owner { id } cape { uuid } texture { hash refCount width height contentType } } }
  ... on Error { message code } ... on BadInputError { fields { path message } } } }`;

const count = async (table: string) => (await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n;
const refCount = async (hash: string) =>
  (await gw.database.rows<{ ref_count: number }>(sql`select ref_count from media where hash = ${hash}`))[0]?.ref_count ?? 0;
const state = async () => ({
  skins: await count('skins'),
  media: await count('media'),
  audit: await count('audit_log'),
  selections: await count('skin_selections'),
});

describe('uploadSkin', () => {
  it('needs a token and admin:skins:write; stores the texture once by content (two skins, one image, two references)', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    const png = await skinPng({ seed: 31 });
    const input = { owner: owner.gid, name: 'Alex', slim: true, select: true };
    const anonymous = await gqlUpload(gw, UPLOAD, input, png, null);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const plain = await gqlUpload(gw, UPLOAD, input, png, owner.token);
    expect(plain.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gqlUpload(gw, UPLOAD, input, png, (await gw.user({ roles: ['premium'] })).token)).body.errors[0].extensions.code).toBe('FORBIDDEN');

    const first = (await gqlUpload(gw, UPLOAD, input, png, admin.token)).body.data.uploadSkin;
    expect(first).toMatchObject({
      __typename: 'UploadSkinSuccess',
      skin: {
        name: 'Alex',
        slim: true,
        hd: false,
        disabled: false,
        owner: { id: owner.gid },
        cape: null,
        texture: { refCount: 1, width: 64, height: 64, contentType: 'image/png' },
      },
    });
    const second = (await gqlUpload(gw, UPLOAD, { ...input, name: 'Alex 2', select: false }, png, (await gw.user({ roles: ['moderator'] })).token)).body.data
      .uploadSkin;
    expect(second.skin.texture.hash).toBe(first.skin.texture.hash);
    expect(await refCount(first.skin.texture.hash)).toBe(2);
    const [{ n }] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from media where hash = ${first.skin.texture.hash}`);
    expect(n).toBe(1);

    // The owner sees their own skins and selection; another plain user does not.
    const Q = 'query($id: ID!) { user(id: $id) { skins { name } selectedSkin { uuid } } }';
    const mine = await gw.gql(Q, { id: owner.gid }, owner.token);
    expect(mine.body.data.user).toEqual({ skins: [{ name: 'Alex' }, { name: 'Alex 2' }], selectedSkin: { uuid: first.skin.uuid } });
    const other = await gw.gql('query($id: ID!) { node(id: $id) { ... on Skin { name } } }', { id: first.skin.id }, (await gw.user()).token);
    expect(other.body.errors[0].extensions.code).toBe('FORBIDDEN');

    // Deleting frees the image: one reference per skin, the row goes with the last.
    expect(await mutate(gw, 'deleteSkin', { id: first.skin.id }, admin.token, 'skin { name }')).toMatchObject({ skin: { name: 'Alex' } });
    expect(await refCount(first.skin.texture.hash)).toBe(1);
    expect((await gw.gql(Q, { id: owner.gid }, owner.token)).body.data.user.selectedSkin).toBeNull();
    await mutate(gw, 'deleteSkin', { id: second.skin.id }, admin.token);
    expect(await refCount(first.skin.texture.hash)).toBe(0);
    expect(await gw.database.rows(sql`select 1 from media where hash = ${first.skin.texture.hash}`)).toEqual([]);
    const actions = await gw.database.rows<{ action: string }>(sql`select action from audit_log where action like 'skin.%' order by seq`);
    expect(actions.map((a) => a.action)).toEqual(['skin.upload', 'skin.upload', 'skin.delete', 'skin.delete']);
  });

  it('refuses bad textures with BAD_INPUT at input.file and writes nothing (never a 500)', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    const good = await skinPng();
    const before = await state();
    const cases: [string, Uint8Array, string?][] = [
      ['truncated', truncated(good)],
      ['a JPEG', await makeImage('jpeg', 64, 64), 'image/png'],
      ['a WebP', await makeImage('webp', 64, 64)],
      ['SVG', SVG, 'image/svg+xml'],
      ['a decompression bomb', makePngBomb()],
      ['64×48', await makeImage('png', 64, 48)],
      ['65×65', await makeImage('png', 65, 65)],
      ['HD for an owner without the premium level', await skinPng({ scale: 2 })],
      ['not an image', new TextEncoder().encode('hello, world')],
    ];
    for (const [what, bytes, type] of cases) {
      const res = await gqlUpload(gw, UPLOAD, { owner: owner.gid, name: 'x' }, bytes, admin.token, type);
      expect([what, res.status, res.body.data?.uploadSkin?.__typename]).toEqual([what, 200, 'BadInputError']);
      expect(res.body.data.uploadSkin.fields[0].path).toEqual(['input', 'file']);
    }
    // Beyond the media byte limit (2 MB), through the action (the /graphql body limit is 1 MB).
    const oversize = await makeNoise('png', 900, 900);
    expect(oversize.length).toBeGreaterThan(gw.config.media.maxBytes);
    await expect(uploadSkin(actingAs(gw), gw.config.media, { ownerId: owner.id, file: pngFile(oversize), name: 'x' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    for (const input of [{ name: '' }, { name: 'x'.repeat(65) }, { owner: encodeId('User', 999_999_999) }, { cape: encodeId('Cape', crypto.randomUUID()) }]) {
      const res = await gqlUpload(gw, UPLOAD, { owner: owner.gid, name: 'ok', ...input }, good, admin.token);
      expect(res.status).toBe(200);
      const payload = res.body.data?.uploadSkin;
      expect(payload ? [payload.__typename, payload.code] : res.body.errors[0].extensions.code).not.toEqual(['UploadSkinSuccess', undefined]);
    }
    expect(await state()).toEqual(before);
    // The premium level and up may have HD skins.
    const premium = await gw.user({ roles: ['premium'] });
    const hd = await gqlUpload(gw, UPLOAD, { owner: premium.gid, name: 'HD' }, await skinPng({ scale: 4 }), admin.token);
    expect(hd.body.data.uploadSkin.skin).toMatchObject({ hd: true, texture: { width: 256, height: 256 } });
  });
});

describe('updateSkin, selectSkin and the library', () => {
  it('a cape must belong to the skin owner (FORBIDDEN "You do not own this cape"); null takes it off; only changes are audited', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    const skin = await makeSkin(gw, owner.id);
    const theirs = await makeCape(gw, [owner.id]);
    const notTheirs = await makeCape(gw, []);
    const id = encodeId('Skin', skin.id);
    const edit = (input: Record<string, unknown>, token = admin.token) =>
      mutate(gw, 'updateSkin', { id, ...input }, token, 'skin { name slim disabled cape { uuid } }');
    expect(await edit({ cape: encodeId('Cape', notTheirs.id) })).toMatchObject({ error: 'FORBIDDEN', message: 'You do not own this cape' });
    expect(await edit({ name: 'x' }, owner.token)).toMatchObject({ error: 'FORBIDDEN' });
    expect(await edit({ name: 'x' }, null)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await edit({ name: '' })).toMatchObject({ __typename: 'BadInputError' });
    expect(await mutate(gw, 'updateSkin', { id: encodeId('Skin', crypto.randomUUID()), name: 'x' }, admin.token)).toMatchObject({
      __typename: 'NotFoundError',
    });
    expect(await edit({ cape: encodeId('Cape', theirs.id), name: 'Caped', slim: true })).toMatchObject({
      skin: { name: 'Caped', slim: true, cape: { uuid: theirs.id } },
    });
    expect(await edit({ cape: null })).toMatchObject({ skin: { cape: null, name: 'Caped' } });
    const [{ n }] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where target_id = ${skin.id}`);
    await edit({ name: 'Caped' });
    expect((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where target_id = ${skin.id}`))[0].n).toBe(n);

    // selectSkin: one of the user's own skins only.
    const stranger = await gw.user();
    expect(await mutate(gw, 'selectSkin', { user: stranger.gid, skin: id }, admin.token)).toMatchObject({ __typename: 'BadInputError' });
    expect(await mutate(gw, 'selectSkin', { user: owner.gid, skin: id }, admin.token, 'user { selectedSkin { name } }')).toMatchObject({
      user: { selectedSkin: { name: 'Caped' } },
    });
    expect(await mutate(gw, 'selectSkin', { user: owner.gid, skin: id }, owner.token)).toMatchObject({ error: 'FORBIDDEN' });
  });

  it('skins and capes lists: connections with totalCount and filters, admin:skins:read only', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const owner = await gw.user();
    await makeSkin(gw, owner.id, { name: 'one' });
    await makeSkin(gw, owner.id, { name: 'two', slim: true });
    const Q = 'query($f: SkinFilter) { skins(first: 10, filter: $f) { totalCount edges { node { name owner { id } } } } capes(first: 1) { totalCount } }';
    const res = await gw.gql(Q, { f: { owner: owner.gid } }, admin.token);
    expect(res.body.data.skins).toMatchObject({ totalCount: 2, edges: [{ node: { name: 'one', owner: { id: owner.gid } } }, { node: { name: 'two' } }] });
    expect((await gw.gql(Q, { f: { owner: owner.gid, slim: true } }, admin.token)).body.data.skins.totalCount).toBe(1);
    expect((await gw.gql(Q, {}, owner.token)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql(Q, {}, null)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
