import { describe, expect, it } from 'vitest';
import { updateSkin } from '../../../src/modules/skins/actions.js';
import { useGateway } from '../../helpers/app.js';
import { actingAs } from '../../helpers/factories.js';
import { CLEAR, COLOURS, makeSkin, pixels, skinPng } from './textures.js';

/** The panels' skin images (/api/skin/head|body/<uuid>?size=, /api/skin/<uuid>), checked pixel by pixel on built skins. */
const gw = useGateway();

async function image(path: string) {
  const res = await gw.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  return pixels(new Uint8Array(await res.arrayBuffer()));
}

/** Every pixel of a rectangle of the render is `colour`. */
function region(img: Awaited<ReturnType<typeof pixels>>, x0: number, y0: number, w: number, h: number, colour: readonly number[]) {
  for (let y = y0; y < y0 + h; y += 1) for (let x = x0; x < x0 + w; x += 1) expect([x, y, ...img.at(x, y)]).toEqual([x, y, ...colour]);
}

describe('skin renders', () => {
  it('head: the 8×8 face with its hat layer composited, scaled nearest-neighbour', async () => {
    const owner = await gw.user();
    const skin = await makeSkin(gw, owner.id);
    const small = await image(`/api/skin/head/${skin.id}?size=8`);
    expect([small.width, small.height]).toEqual([8, 8]);
    expect(small.at(1, 1)).toEqual(COLOURS.hat);
    region(small, 0, 0, 8, 1, COLOURS.face);
    region(small, 2, 1, 6, 7, COLOURS.face);
    // size 32: every skin pixel is a 4×4 block with sharp edges.
    const big = await image(`/api/skin/head/${skin.id}?size=32`);
    expect([big.width, big.height]).toEqual([32, 32]);
    region(big, 4, 4, 4, 4, COLOURS.hat);
    expect(big.at(3, 3)).toEqual(COLOURS.face);
    expect(big.at(8, 8)).toEqual(COLOURS.face);
  });

  it('body: the flat front view of a 64×64 skin (second layer over the first), classic and slim arms', async () => {
    const owner = await gw.user();
    const classic = await image(`/api/skin/body/${(await makeSkin(gw, owner.id)).id}?size=16`);
    expect([classic.width, classic.height]).toEqual([16, 32]);
    region(classic, 4, 0, 1, 8, COLOURS.face);
    expect(classic.at(5, 1)).toEqual(COLOURS.hat);
    region(classic, 0, 8, 1, 12, COLOURS.rightArmEdge);
    region(classic, 1, 8, 3, 12, COLOURS.rightArm);
    region(classic, 5, 8, 7, 12, COLOURS.body);
    region(classic, 12, 8, 4, 12, COLOURS.leftArm);
    region(classic, 4, 20, 4, 12, COLOURS.rightLeg);
    region(classic, 8, 20, 4, 12, COLOURS.leftLeg);
    region(classic, 0, 0, 4, 8, CLEAR);
    region(classic, 0, 20, 4, 12, CLEAR);
    // The jacket pixel (alpha 128) over the blue body: alpha "over".
    const a = 128 / 255;
    expect(classic.at(4, 8)).toEqual([Math.round(10 * a), Math.round(20 * a), Math.round(30 * a + 200 * (1 - a)), 255]);

    const slim = await image(`/api/skin/body/${(await makeSkin(gw, owner.id, { slim: true })).id}?size=16`);
    region(slim, 0, 8, 1, 12, CLEAR);
    region(slim, 1, 8, 1, 12, COLOURS.rightArmEdge);
    region(slim, 2, 8, 2, 12, COLOURS.rightArm);
    region(slim, 12, 8, 3, 12, COLOURS.leftArm);
    region(slim, 15, 8, 1, 12, CLEAR);
  });

  it('body of a legacy 64×32 skin draws the left limbs as mirrored right ones; an HD skin renders the same picture', async () => {
    const owner = await gw.user({ roles: ['premium'] });
    const legacy = await image(`/api/skin/body/${(await makeSkin(gw, owner.id, { png: await skinPng({ legacy: true }) })).id}?size=16`);
    region(legacy, 0, 8, 1, 12, COLOURS.rightArmEdge);
    region(legacy, 12, 8, 3, 12, COLOURS.rightArm);
    region(legacy, 15, 8, 1, 12, COLOURS.rightArmEdge);
    region(legacy, 8, 20, 4, 12, COLOURS.rightLeg);
    region(legacy, 5, 8, 7, 12, COLOURS.body);

    const hd = await makeSkin(gw, owner.id, { png: await skinPng({ scale: 2 }) });
    expect(hd.hd).toBe(true);
    const body = await image(`/api/skin/body/${hd.id}?size=32`);
    expect([body.width, body.height]).toEqual([32, 64]);
    region(body, 0, 16, 2, 24, COLOURS.rightArmEdge);
    region(body, 24, 16, 8, 24, COLOURS.leftArm);
    const head = await image(`/api/skin/head/${hd.id}?size=16`);
    region(head, 2, 2, 2, 2, COLOURS.hat);
  });

  it('the texture itself, cache headers, and refusals: size out of 8–512, unknown or disabled skins', async () => {
    const owner = await gw.user();
    const png = await skinPng({ seed: 77 });
    const skin = await makeSkin(gw, owner.id, { png });
    const texture = await gw.request(`/api/skin/${skin.id}`);
    expect(texture.status).toBe(200);
    expect(texture.headers.get('content-type')).toBe('image/png');
    expect((await pixels(new Uint8Array(await texture.arrayBuffer()))).at(0, 0)).toEqual([77, 0, 0, 255]);
    const first = await gw.request(`/api/skin/head/${skin.id}?size=64`);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toMatch(/public/);
    expect((await gw.request(`/api/skin/head/${skin.id}?size=64`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    for (const size of ['7', '513', 'abc', '1.5', '-8']) {
      const res = await gw.request(`/api/skin/head/${skin.id}?size=${size}`);
      expect([size, res.status]).toEqual([size, 400]);
      expect((await res.json()).error).toBe(true);
    }
    expect((await gw.request(`/api/skin/body/${skin.id}?size=512`)).status).toBe(200);
    for (const path of ['/api/skin/head/not-a-uuid', `/api/skin/body/${crypto.randomUUID()}`, `/api/skin/${crypto.randomUUID()}`]) {
      expect((await gw.request(path)).status).toBe(404);
    }
    await updateSkin(actingAs(gw), { id: skin.id, disabled: true });
    expect((await gw.request(`/api/skin/head/${skin.id}`)).status).toBe(404);
    expect((await gw.request(`/api/skin/${skin.id}`)).status).toBe(404);
  });
});
