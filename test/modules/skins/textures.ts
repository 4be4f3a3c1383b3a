import sharp from 'sharp';
import type { TestGateway } from '../../helpers/app.js';
import { actingAs } from '../../helpers/factories.js';
import { uploadCape } from '../../../src/modules/skins/capes.js';
import { uploadSkin } from '../../../src/modules/skins/actions.js';

/**
 * Real Minecraft textures for the skins tests, drawn pixel by pixel so the renders can be checked
 * pixel by pixel: every front face the renders use has its own colour, the rest is transparent.
 * Shared by test/modules/skins and test/rest/cookiecms.
 */
export type Rgba = [number, number, number, number];

export const COLOURS = {
  face: [200, 0, 0, 255],
  hat: [0, 200, 0, 255],
  body: [0, 0, 200, 255],
  rightArm: [220, 220, 0, 255],
  rightArmEdge: [255, 128, 0, 255],
  leftArm: [200, 0, 200, 255],
  rightLeg: [0, 200, 200, 255],
  leftLeg: [250, 250, 250, 255],
  jacket: [10, 20, 30, 128],
} satisfies Record<string, Rgba>;

export const CLEAR: Rgba = [0, 0, 0, 0];

/**
 * A skin texture: 64×64 (or 64×32 with `legacy`), times `scale`. The hat layer is clear but for
 * the one pixel at face (1, 1); a 64×64 skin has a half-transparent jacket pixel at body (0, 0).
 * The right arm's outer column (texture x 44) has its own colour, to show a mirror.
 */
export async function skinPng(opts: { legacy?: boolean; scale?: number; seed?: number } = {}): Promise<Buffer> {
  const k = opts.scale ?? 1;
  const [w, h] = [64, opts.legacy ? 32 : 64];
  const raw = Buffer.alloc(w * k * h * k * 4);
  const fill = (x0: number, y0: number, rw: number, rh: number, c: Rgba) => {
    for (let y = y0 * k; y < (y0 + rh) * k; y += 1) for (let x = x0 * k; x < (x0 + rw) * k; x += 1) raw.set(c, (y * w * k + x) * 4);
  };
  fill(8, 8, 8, 8, COLOURS.face);
  fill(41, 9, 1, 1, COLOURS.hat);
  fill(20, 20, 8, 12, COLOURS.body);
  fill(44, 20, 4, 12, COLOURS.rightArm);
  fill(44, 20, 1, 12, COLOURS.rightArmEdge);
  fill(4, 20, 4, 12, COLOURS.rightLeg);
  if (!opts.legacy) {
    fill(36, 52, 4, 12, COLOURS.leftArm);
    fill(20, 52, 4, 12, COLOURS.leftLeg);
    fill(20, 36, 1, 1, COLOURS.jacket);
  }
  // A different seed makes a different texture (one pixel outside every face the renders draw).
  fill(0, 0, 1, 1, [opts.seed ?? 1, 0, 0, 255]);
  return sharp(raw, { raw: { width: w * k, height: h * k, channels: 4 } })
    .png()
    .toBuffer();
}

/** A cape texture: 64×32 times `scale`, one colour (`seed` changes it, and so the hash). */
export async function capePng(opts: { scale?: number; seed?: number } = {}): Promise<Buffer> {
  const k = opts.scale ?? 1;
  return sharp({ create: { width: 64 * k, height: 32 * k, channels: 4, background: { r: opts.seed ?? 9, g: 60, b: 90, alpha: 1 } } })
    .png()
    .toBuffer();
}

export const pngFile = (bytes: Uint8Array, name = 'texture.png', type = 'image/png') => new File([new Uint8Array(bytes)], name, { type });

/** A skin in the library, through the action (one factory per entity). */
export async function makeSkin(
  gw: TestGateway,
  ownerId: bigint,
  opts: { png?: Buffer; name?: string; slim?: boolean; select?: boolean; capeId?: string } = {},
) {
  const png = opts.png ?? (await skinPng({ seed: Math.floor(Math.random() * 250) + 2 }));
  return uploadSkin(actingAs(gw), gw.config.media, {
    ownerId,
    file: pngFile(png),
    name: opts.name ?? 'Steve',
    slim: opts.slim,
    select: opts.select,
    capeId: opts.capeId,
  });
}

/** A cape, through the action, owned by `ownerIds`. */
export async function makeCape(gw: TestGateway, ownerIds: bigint[] = [], opts: { png?: Buffer; name?: string } = {}) {
  const png = opts.png ?? (await capePng({ seed: Math.floor(Math.random() * 250) }));
  return uploadCape(actingAs(gw), gw.config.media, { file: pngFile(png), name: opts.name ?? 'Cape', ownerIds });
}

/**
 * A GraphQL multipart request (graphql-multipart-request-spec) with one file at `variables.input.file`.
 */
export async function gqlUpload(gw: TestGateway, query: string, input: Record<string, unknown>, bytes: Uint8Array, token: string | null, type = 'image/png') {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { input: { ...input, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new File([new Uint8Array(bytes)], 'texture.png', { type }));
  const headers: Record<string, string> = { 'x-graphql-yoga-csrf': '1' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await gw.app.fetch(new Request('http://gateway.test/graphql', { method: 'POST', headers, body: form }));
  return { status: res.status, body: await res.json() };
}

/** The RGBA of pixel (x, y) of a PNG. */
export async function pixels(png: Uint8Array): Promise<{ width: number; height: number; at: (x: number, y: number) => Rgba }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x, y) => {
      const i = (y * info.width + x) * 4;
      return [data[i], data[i + 1], data[i + 2], data[i + 3]];
    },
  };
}
