import type { MediaConfig } from '../../config.js';
import { decodeQueue, loadSharp } from '../media/pipeline.js';

/** What the panels' image URLs draw: the face (8×8 with its hat layer) or the flat front view (16×32). */
export type RenderKind = 'head' | 'body';

export const RENDER_SIZES = { min: 8, max: 512 } as const;

interface Raw {
  data: Buffer;
  width: number;
  /** Texture pixels per skin pixel (1 for 64×64 / 64×32, 2 for 128×128, ...). */
  k: number;
  /** A 64×64 skin (separate left limbs and second layers); false for the legacy 64×32. */
  modern: boolean;
}

/**
 * Copies a `w`×`h` rectangle (skin pixels) of the texture at (sx, sy) to the canvas at (dx, dy),
 * mirrored horizontally when asked (64×32 skins draw the left limbs as mirrored right ones). A base
 * layer replaces what is there; an overlay is composited over it (alpha "over").
 */
function blit(
  src: Raw,
  canvas: Buffer,
  canvasWidth: number,
  r: { sx: number; sy: number; w: number; h: number; dx: number; dy: number },
  overlay = false,
  mirror = false,
) {
  const { k } = src;
  for (let y = 0; y < r.h * k; y += 1) {
    for (let x = 0; x < r.w * k; x += 1) {
      const fromX = mirror ? (r.sx + r.w) * k - 1 - x : r.sx * k + x;
      const from = ((r.sy * k + y) * src.width + fromX) * 4;
      const to = ((r.dy * k + y) * canvasWidth + r.dx * k + x) * 4;
      const a = src.data[from + 3] / 255;
      if (!overlay) {
        src.data.copy(canvas, to, from, from + 4);
        continue;
      }
      if (a === 0) continue;
      const under = canvas[to + 3] / 255;
      const out = a + under * (1 - a);
      for (let c = 0; c < 3; c += 1) canvas[to + c] = Math.round((src.data[from + c] * a + canvas[to + c] * under * (1 - a)) / out);
      canvas[to + 3] = Math.round(out * 255);
    }
  }
}

/** The flat picture of `kind` in texture pixels: `width`×`height` RGBA. */
export function composeSkin(src: Raw, kind: RenderKind, slim: boolean): { data: Buffer; width: number; height: number } {
  const [w, h] = kind === 'head' ? [8, 8] : [16, 32];
  const width = w * src.k;
  const canvas = Buffer.alloc(width * h * src.k * 4);
  const put = (sx: number, sy: number, rw: number, rh: number, dx: number, dy: number, overlay = false, mirror = false) =>
    blit(src, canvas, width, { sx, sy, w: rw, h: rh, dx, dy }, overlay, mirror);
  const hx = kind === 'head' ? 0 : 4;
  put(8, 8, 8, 8, hx, 0);
  put(40, 8, 8, 8, hx, 0, true);
  if (kind === 'head') return { data: canvas, width, height: h * src.k };
  const arm = slim ? 3 : 4;
  put(20, 20, 8, 12, 4, 8); // body
  put(44, 20, arm, 12, 4 - arm, 8); // right arm (the viewer's left)
  put(4, 20, 4, 12, 4, 20); // right leg
  if (src.modern) {
    put(36, 52, arm, 12, 12, 8); // left arm
    put(20, 52, 4, 12, 8, 20); // left leg
    put(20, 36, 8, 12, 4, 8, true); // jacket
    put(44, 36, arm, 12, 4 - arm, 8, true); // right sleeve
    put(52, 52, arm, 12, 12, 8, true); // left sleeve
    put(4, 36, 4, 12, 4, 20, true); // right trouser
    put(4, 52, 4, 12, 8, 20, true); // left trouser
  } else {
    put(44, 20, arm, 12, 12, 8, false, true);
    put(4, 20, 4, 12, 8, 20, false, true);
  }
  return { data: canvas, width, height: h * src.k };
}

/**
 * A render of a skin texture as PNG: the head `size`×`size`, the body `size`×2·`size`, scaled with
 * nearest-neighbour (pixel art stays sharp). Runs in the media decode queue (RATE_LIMITED when full).
 */
export function renderSkin(config: MediaConfig, texture: Uint8Array, kind: RenderKind, slim: boolean, size: number): Promise<Buffer> {
  return decodeQueue(config).run(async () => {
    const sharp = await loadSharp();
    const { data, info } = await sharp(texture).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const k = Math.max(1, Math.floor(info.width / 64));
    const picture = composeSkin({ data, width: info.width, k, modern: info.height === info.width }, kind, slim);
    return sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 4 } })
      .resize(size, kind === 'head' ? size : size * 2, { kernel: 'nearest' })
      .png()
      .toBuffer();
  });
}
