/**
 * 28×28 digit images rasterised from the stroke font in data/digit-strokes.ts,
 * in pure TypeScript (no canvas: it runs in node tests too). Each image draws
 * one glyph with a seeded distortion: rotation, scale, shear, shift, wobble
 * of the stroke points, stroke width and blur. Pixel values in [0, 1], ink 1,
 * row-major [28·28] like MNIST. The digit fills about a 20×20 box centred in
 * the 28×28 frame, as MNIST does.
 */
import { DIGIT_GLYPHS, TEST_VARIANT, type Glyph } from '../data/digit-strokes.js';
import { createRng, type Rng } from '../runtime/rng.js';

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

export interface Distortion {
  rotation: number; // radians
  scale: number;
  shear: number; // x += shear·y
  dx: number; // pixels
  dy: number;
  width: number; // stroke width in pixels
  blur: number; // 0..1: weight of a 3×3 blur mixed in
  wobble: number; // per-point jitter in unit-box units
}

/** A seeded distortion within ranges that keep the digit readable. */
export function randomDistortion(rng: Rng): Distortion {
  const u = (a: number, b: number) => a + (b - a) * rng.next();
  return {
    rotation: u(-0.2, 0.2),
    scale: u(0.85, 1.1),
    shear: u(-0.3, 0.3),
    dx: u(-2, 2),
    dy: u(-2, 2),
    width: u(1.4, 2.8),
    blur: u(0, 0.8),
    wobble: u(0, 0.025),
  };
}

/** The distortion that leaves a glyph as written. */
export const PLAIN: Distortion = { rotation: 0, scale: 1, shear: 0, dx: 0, dy: 0, width: 2, blur: 0, wobble: 0 };

/** Distance from point (px, py) to segment a–b. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2)) : 0;
  const qx = ax + t * vx - px;
  const qy = ay + t * vy - py;
  return Math.sqrt(qx * qx + qy * qy);
}

/**
 * Draws a glyph: unit-box points → 20-pixel box centred at (14, 14) → shear,
 * rotation, scale about the centre → shift. Each pixel's ink is its coverage
 * by a round pen of the given width (1 inside, linear fall-off over one pixel
 * at the edge), then a 3×3 blur is mixed in.
 */
export function rasterise(glyph: Glyph, d: Distortion = PLAIN, rng?: Rng): Float32Array {
  const c = SIDE / 2;
  const cos = Math.cos(d.rotation) * d.scale;
  const sin = Math.sin(d.rotation) * d.scale;
  const segments: number[] = [];
  for (const stroke of glyph) {
    const pts = stroke.map(([x, y]) => {
      const wx = x + (rng ? (rng.next() - 0.5) * 2 * d.wobble : 0);
      const wy = y + (rng ? (rng.next() - 0.5) * 2 * d.wobble : 0);
      const ux = (wx - 0.5) * 20 + d.shear * (wy - 0.5) * 20;
      const uy = (wy - 0.5) * 20;
      return [c + d.dx + cos * ux - sin * uy, c + d.dy + sin * ux + cos * uy];
    });
    for (let i = 0; i + 1 < pts.length; i++) segments.push(pts[i][0], pts[i][1], pts[i + 1][0], pts[i + 1][1]);
    if (pts.length === 1) segments.push(pts[0][0], pts[0][1], pts[0][0], pts[0][1]);
  }
  const r = d.width / 2;
  const img = new Float32Array(PIXELS);
  // Each segment only touches pixels within r + 1 of its bounding box.
  for (let s = 0; s < segments.length; s += 4) {
    const [ax, ay, bx, by] = [segments[s], segments[s + 1], segments[s + 2], segments[s + 3]];
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1));
    const x1 = Math.min(SIDE - 1, Math.ceil(Math.max(ax, bx) + r + 1));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1));
    const y1 = Math.min(SIDE - 1, Math.ceil(Math.max(ay, by) + r + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const v = r + 0.5 - segmentDistance(x + 0.5, y + 0.5, ax, ay, bx, by);
        if (v > img[y * SIDE + x]) img[y * SIDE + x] = Math.min(1, v);
      }
    }
  }
  return d.blur > 0 ? blur(img, d.blur) : img;
}

/** Mixes a 3×3 binomial blur (1 2 1 / 2 4 2 / 1 2 1, edges clamped) into the image with weight w. */
export function blur(img: Float32Array, w: number): Float32Array {
  const out = new Float32Array(PIXELS);
  const k = [1, 2, 1];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      for (let j = -1; j <= 1; j++) {
        for (let i = -1; i <= 1; i++) {
          const yy = Math.min(SIDE - 1, Math.max(0, y + j));
          const xx = Math.min(SIDE - 1, Math.max(0, x + i));
          sum += k[i + 1] * k[j + 1] * img[yy * SIDE + xx];
        }
      }
      out[y * SIDE + x] = (1 - w) * img[y * SIDE + x] + (w * sum) / 16;
    }
  }
  return out;
}

export interface DigitSet {
  /** n images, row-major [n, 784]. */
  x: Float32Array;
  /** n labels 0–9. */
  y: Int32Array;
  n: number;
}

/**
 * `perDigit` images of every digit: 'train' draws the styles other than
 * TEST_VARIANT, 'test' only the held-out style. Seeded: the same arguments
 * give the same pixels. Labels cycle 0..9 so any prefix is balanced.
 */
export function makeDigitSet(split: 'train' | 'test', perDigit: number, seed: number): DigitSet {
  const rng = createRng(seed, `digits-${split}`);
  const n = perDigit * 10;
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const digit = i % 10;
    const styles = DIGIT_GLYPHS[digit].map((_, v) => v).filter((v) => (split === 'test' ? v === TEST_VARIANT : v !== TEST_VARIANT));
    const glyph = DIGIT_GLYPHS[digit][styles[rng.int(styles.length)]];
    x.set(rasterise(glyph, randomDistortion(rng), rng), i * PIXELS);
    y[i] = digit;
  }
  return { x, y, n };
}

/** Fraction of pixels above 0.5 and the ink-weighted centre (pixel coordinates). */
export function inkStats(img: Float32Array): { ink: number; cx: number; cy: number } {
  let on = 0;
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < PIXELS; i++) {
    if (img[i] > 0.5) on++;
    mass += img[i];
    sx += img[i] * ((i % SIDE) + 0.5);
    sy += img[i] * (Math.floor(i / SIDE) + 0.5);
  }
  return { ink: on / PIXELS, cx: mass ? sx / mass : NaN, cy: mass ? sy / mass : NaN };
}

/** A stroke drawn on the pad: points in pad pixel units (0–28, x right, y down). */
export type PadStroke = readonly (readonly [number, number])[];

/** Pen width, in pixels of the 28×28 frame, of the pad's strokes (the middle of the training range 1.4–2.8). */
export const PAD_PEN = 2.2;

/** Strokes in pad pixels → a glyph in the unit box that `rasterise` (PLAIN) draws at the same pixels. */
export function padGlyph(strokes: readonly PadStroke[]): Glyph {
  return strokes.map((s) => s.map(([x, y]) => [x / 20 - 0.2, y / 20 - 0.2] as const));
}

/** A glyph (unit box) → strokes in pad pixels, where `rasterise(glyph)` draws it. */
export function glyphStrokes(glyph: Glyph): PadStroke[] {
  return glyph.map((s) => s.map(([x, y]) => [(x + 0.2) * 20, (y + 0.2) * 20] as const));
}

/** Bounding box of the stroke points: [xmin, ymin, xmax, ymax], or null without points. */
export function strokeBox(strokes: readonly PadStroke[]): [number, number, number, number] | null {
  const pts = strokes.flat();
  if (!pts.length) return null;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/**
 * The larger side of a typical training glyph's stroke box, in unit-box units
 * (the median over all styles of all digits): a drawing is scaled to this size,
 * so it reaches the network as large as the training digits were.
 */
export const GLYPH_EXTENT = (() => {
  const sides = DIGIT_GLYPHS.flat().map((g) => {
    const [x0, y0, x1, y1] = strokeBox(g as PadStroke[])!;
    return Math.max(x1 - x0, y1 - y0);
  }).sort((a, b) => a - b);
  return sides[Math.floor(sides.length / 2)];
})();

/**
 * What the network reads from a drawing, prepared the way MNIST's digits
 * were: the drawing's bounding box is scaled (aspect ratio kept) so its larger
 * side is as long as a training glyph's, the strokes are drawn with the usual
 * pen, and the image is shifted so its centre of mass (ink-weighted) sits at
 * the centre of the 28×28 frame. Where and how large the student drew no
 * longer matters. An empty drawing gives an empty image.
 */
export function centreDrawing(strokes: readonly PadStroke[], pen = PAD_PEN): Float32Array {
  const box = strokeBox(strokes);
  if (!box) return new Float32Array(PIXELS);
  const [x0, y0, x1, y1] = box;
  // A dot or a tiny tick is not blown up to full size: at most 6× enlargement.
  const side = Math.max(x1 - x0, y1 - y0, (GLYPH_EXTENT * 20) / 6);
  const k = GLYPH_EXTENT / side;
  const mx = (x0 + x1) / 2;
  const my = (y0 + y1) / 2;
  const glyph: Glyph = strokes.map((s) => s.map(([x, y]) => [0.5 + (x - mx) * k, 0.5 + (y - my) * k] as const));
  const first = rasterise(glyph, { ...PLAIN, width: pen });
  const { cx, cy } = inkStats(first);
  if (!Number.isFinite(cx)) return first;
  return rasterise(glyph, { ...PLAIN, width: pen, dx: SIDE / 2 - cx, dy: SIDE / 2 - cy });
}
