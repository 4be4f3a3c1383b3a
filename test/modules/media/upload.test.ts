import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { decodeQueue } from '../../../src/modules/media/pipeline.js';
import { useGateway } from '../../helpers/app.js';
import { makeRole } from '../../helpers/factories.js';
import { dataUri, makeImage, makeNoise, makePngBomb, SVG, truncated, uploadMultipart } from './images.js';

/** uploadImage over GraphQL: multipart (yoga) and data URIs, access, refusals, storage, the queue. */
const gw = useGateway({ MEDIA_BASE_URL: 'https://cdn.example.org/', MEDIA_DECODE_CONCURRENCY: '1', MEDIA_DECODE_QUEUE: '0' });

const UPLOAD = `mutation($input: UploadImageInput!) { uploadImage(input: $input) { __typename
  ... on UploadImageSuccess { media { hash url contentType width height size refCount } }
  ... on Error { message code } ... on BadInputError { fields { path message } } } }`;

const mediaRows = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from media`))[0].n);
const uploads = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'media.upload'`))[0].n);

async function uploader() {
  const role = await makeRole(gw, { scopes: ['admin:media:write'] });
  return gw.user({ roles: [role.name] });
}

describe('access', () => {
  it('refuses anonymous callers and callers without admin:media:write, and stores nothing', async () => {
    const png = await makeImage('png', 64, 64);
    const before = [await mediaRows(), await uploads()];
    const anonymous = await uploadMultipart(gw, png, { token: null });
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const plain = await gw.user();
    const denied = await uploadMultipart(gw, png, { token: plain.token });
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const json = await gw.gql(UPLOAD, { input: { dataUri: dataUri(png), purpose: 'AVATAR' } }, plain.token);
    expect(json.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect([await mediaRows(), await uploads()]).toEqual(before);
  });

  it('the builtin admin role holds admin:media', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const res = await uploadMultipart(gw, await makeImage('png', 64, 32, { r: 3, g: 4, b: 5 }), { token: admin.token, purpose: 'CAPE' });
    expect(res.body.data.uploadImage.__typename).toBe('UploadImageSuccess');
  });
});

describe('uploads', () => {
  it('a multipart file is re-encoded and stored, answered with its hash and URL, and audited', async () => {
    const me = await uploader();
    const before = await uploads();
    const res = await uploadMultipart(gw, await makeImage('jpeg', 640, 480), { token: me.token, name: 'me.jpg', type: 'image/jpeg' });
    expect(res.status).toBe(200);
    const media = res.body.data.uploadImage.media;
    expect(media).toMatchObject({ contentType: 'image/webp', width: 512, height: 512, refCount: 0 });
    expect(media.url).toBe(`https://cdn.example.org/media/${media.hash}.webp`);
    expect(await uploads()).toBe(before + 1);
    const [audit] = await gw.database.rows<{ actor_id: string; target_type: string }>(
      sql`select actor_id::text, target_type from audit_log where action = 'media.upload' and target_id = ${media.hash} order by seq desc limit 1`,
    );
    expect(audit).toEqual({ actor_id: me.id.toString(), target_type: 'Media' });
  });

  it('the same image uploaded twice (file, then data URI) is stored once', async () => {
    const me = await uploader();
    const png = await makeImage('png', 64, 64, { r: 10, g: 200, b: 10 });
    const before = await mediaRows();
    const first = await uploadMultipart(gw, png, { token: me.token, purpose: 'SKIN' });
    const second = await gw.gql(UPLOAD, { input: { dataUri: dataUri(png), purpose: 'SKIN' } }, me.token);
    expect(second.body.data.uploadImage.media.hash).toBe(first.body.data.uploadImage.media.hash);
    expect(await mediaRows()).toBe(before + 1);
  });

  it('a PNG named and typed as a JPEG is taken for what it is; an HD skin needs hd', async () => {
    const me = await uploader();
    const lying = await uploadMultipart(gw, await makeImage('png', 64, 64), { token: me.token, purpose: 'SKIN', name: 'skin.jpg', type: 'image/jpeg' });
    expect(lying.body.data.uploadImage.media).toMatchObject({ contentType: 'image/png', width: 64 });
    const hd = await makeImage('png', 128, 64);
    const refused = await uploadMultipart(gw, hd, { token: me.token, purpose: 'SKIN' });
    expect(refused.body.data.uploadImage).toMatchObject({ __typename: 'BadInputError', fields: [{ path: ['input', 'file'] }] });
    const allowed = await uploadMultipart(gw, hd, { token: me.token, purpose: 'SKIN', hd: true });
    expect(allowed.body.data.uploadImage.media).toMatchObject({ width: 128, height: 64 });
  });
});

describe('bad input is a BadInputError naming the field, never a 500, and stores nothing', () => {
  it.each([
    ['SVG', () => SVG, /^SVG images are not accepted/],
    ['a truncated PNG', async () => truncated(await makeNoise('png', 120, 120)), /corrupt or truncated/],
    ['a decompression bomb', async () => makePngBomb(), /^The image is 20000×20000 pixels/],
    ['text', async () => Buffer.from('not an image at all'), /^Not an image/],
    ['a GIF', () => makeImage('gif', 8, 8), /^GIF images are not accepted/],
  ])('%s as a file', async (_name, make, message) => {
    const me = await uploader();
    const before = [await mediaRows(), await uploads()];
    const res = await uploadMultipart(gw, await make(), { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body.data.uploadImage.__typename).toBe('BadInputError');
    expect(res.body.data.uploadImage.message).toMatch(message);
    expect(res.body.data.uploadImage.fields[0].path).toEqual(['input', 'file']);
    expect([await mediaRows(), await uploads()]).toEqual(before);
  });

  it('a data URI lying about SVG, a bad data URI, both or neither source, a wrong purpose', async () => {
    const me = await uploader();
    const before = await mediaRows();
    const ask = (input: Record<string, unknown>) => gw.gql(UPLOAD, { input }, me.token);
    const svg = await ask({ dataUri: dataUri(SVG, 'image/png'), purpose: 'FLAG' });
    expect(svg.body.data.uploadImage).toMatchObject({ __typename: 'BadInputError', fields: [{ path: ['input', 'dataUri'] }] });
    const bad = await ask({ dataUri: 'data:image/png;base64,!!!', purpose: 'FLAG' });
    expect(bad.body.data.uploadImage.message).toBe('The data URI is not valid base64');
    const neither = await ask({ purpose: 'FLAG' });
    expect(neither.body.data.uploadImage).toMatchObject({
      __typename: 'BadInputError',
      fields: [{ path: ['input', 'file'], message: 'give exactly one of file and dataUri' }],
    });
    const wrong = await ask({ dataUri: dataUri(await makeImage('png', 8, 8)), purpose: 'BANNER' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].extensions.code).toBe('BAD_INPUT');
    const notAFile = await ask({ file: 'hello', purpose: 'FLAG' });
    expect(notAFile.status).toBe(400);
    expect(notAFile.body.errors[0].extensions.code).toBe('BAD_INPUT');
    expect(await mediaRows()).toBe(before);
  });
});

describe('body size', () => {
  it('a multipart body over the 1 MB limit of /graphql is a 413, not a 500, and stores nothing', async () => {
    const me = await uploader();
    const before = await mediaRows();
    const big = await makeNoise('png', 700, 700);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const res = await uploadMultipart(gw, big, { token: me.token });
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
    expect(await mediaRows()).toBe(before);
  });
});

describe('the decode queue', () => {
  it('answers RATE_LIMITED while it is full (MEDIA_DECODE_CONCURRENCY=1, MEDIA_DECODE_QUEUE=0 here)', async () => {
    const me = await uploader();
    let release!: () => void;
    // Hold the only decode slot of this gateway's queue.
    const held = decodeQueue(gw.config.media).run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const res = await uploadMultipart(gw, await makeImage('png', 64, 64, { r: 5, g: 5, b: 250 }), { token: me.token });
      expect(res.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(res.body.errors[0].message).toBe('Too many images are being processed; try again shortly');
    } finally {
      release();
      await held;
    }
    const again = await uploadMultipart(gw, await makeImage('png', 64, 64, { r: 5, g: 5, b: 250 }), { token: me.token });
    expect(again.body.data.uploadImage.__typename).toBe('UploadImageSuccess');
  });
});
