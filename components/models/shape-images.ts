/**
 * A small image set the project draws for itself: greyscale size×size images
 * (default 16×16, ink = 1, paper = 0) of simple shapes, each with seeded
 * jitter — position, length, thickness, a slight tilt — and pixel noise, so
 * no two images are the same and a fixed seed always gives the same set.
 *
 * Classes: a horizontal bar, a vertical bar, a ring, a cross (+). Shapes are drawn with
 * soft (anti-aliased) edges from their distance fields: a pixel's ink falls
 * from 1 to 0 over one pixel outside the stroke's half-width.
 */
import type { Rng } from '../runtime/rng.js';

export const SHAPE_CLASSES = ['horizontal bar', 'vertical bar', 'ring', 'cross'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

export interface ShapeSet {
  /** Row-major pixels of every image, image after image: [n, size, size] flattened. */
  pixels: Float32Array;
  /** Class index of each image (into SHAPE_CLASSES). */
  labels: number[];
  size: number;
}

/** Distance from point p to segment ab. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Ink for a pixel at distance d from a stroke's centre line. */
const ink = (d: number, halfWidth: number) => Math.max(0, Math.min(1, 1 + halfWidth - d));

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();

/**
 * Draws one image of class `cls` into `out` (length size²). Bars and crosses
 * are tilted by up to ±maxTilt degrees (default 15); past about 25° the
 * hand-written edge-ratio rules start to fail, which is the demo's point.
 */
export function drawShape(
  rng: Rng,
  cls: number,
  size: number,
  out = new Float32Array(size * size),
  maxTilt = 15,
): Float32Array {
  const mid = (size - 1) / 2;
  const cx = mid + uniform(rng, -size / 6, size / 6);
  const cy = mid + uniform(rng, -size / 6, size / 6);
  const half = uniform(rng, 0.3, 0.9);
  let dist: (x: number, y: number) => number;
  if (cls === 2) {
    // Ring: an ellipse-ish circle, radius 3–6 px scaled to the image size.
    const r = uniform(rng, 0.19, 0.34) * size;
    const squash = uniform(rng, 0.8, 1.2);
    dist = (x, y) => Math.abs(Math.hypot(x - cx, (y - cy) * squash) - r);
  } else {
    // Bar: length 45–85% of the image, tilted up to ±maxTilt off its axis.
    // A cross is two such bars at right angles through the same centre.
    const tilt = (uniform(rng, -maxTilt, maxTilt) * Math.PI) / 180 + (cls === 1 ? Math.PI / 2 : 0);
    const bar = (angle: number, len: number) => {
      const ux = (Math.cos(angle) * len) / 2;
      const uy = (Math.sin(angle) * len) / 2;
      return (x: number, y: number) => segmentDistance(x, y, cx - ux, cy - uy, cx + ux, cy + uy);
    };
    const first = bar(tilt, uniform(rng, 0.45, 0.85) * size);
    if (cls === 3) {
      const second = bar(tilt + Math.PI / 2, uniform(rng, 0.45, 0.85) * size);
      dist = (x, y) => Math.min(first(x, y), second(x, y));
    } else {
      dist = first;
    }
  }
  const noise = uniform(rng, 0.02, 0.12);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = ink(dist(x, y), half) + noise * rng.normal();
      out[y * size + x] = Math.max(0, Math.min(1, v));
    }
  }
  return out;
}

/** `perClass` images of every class, interleaved (class 0, 1, 2, 3, 0, 1, …). */
export function makeShapeSet(rng: Rng, perClass: number, size = 16, maxTilt = 15): ShapeSet {
  const k = SHAPE_CLASSES.length;
  const n = perClass * k;
  const pixels = new Float32Array(n * size * size);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % k;
    drawShape(rng, cls, size, pixels.subarray(i * size * size, (i + 1) * size * size), maxTilt);
    labels.push(cls);
  }
  return { pixels, labels, size };
}
