import { describe, expect, it } from 'vitest';
import { DIGIT_GLYPHS, TEST_VARIANT } from '../../components/data/digit-strokes';
import { GLYPH_EXTENT, PIXELS, SIDE, centreDrawing, glyphStrokes, inkStats, makeDigitSet, rasterise, strokeBox, type PadStroke } from '../../components/models/digit-images';

describe('digit-images', () => {
  it('draws every glyph with a plausible amount of ink, centred', () => {
    for (const [digit, styles] of DIGIT_GLYPHS.entries()) {
      expect(styles.length).toBeGreaterThan(TEST_VARIANT);
      for (const glyph of styles) {
        const img = rasterise(glyph);
        const { ink, cx, cy } = inkStats(img);
        expect(ink, `digit ${digit}`).toBeGreaterThan(0.03);
        expect(ink, `digit ${digit}`).toBeLessThan(0.3);
        expect(Math.abs(cx - SIDE / 2), `digit ${digit}`).toBeLessThan(3.5);
        expect(Math.abs(cy - SIDE / 2), `digit ${digit}`).toBeLessThan(3.5);
        expect(Math.max(...img)).toBeLessThanOrEqual(1);
        expect(Math.min(...img)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('draws a 1 as a vertical bar in the middle columns', () => {
    const img = rasterise(DIGIT_GLYPHS[1][0]);
    expect(img[14 * SIDE + 14]).toBeGreaterThan(0.9);
    expect(img[14 * SIDE + 4]).toBe(0);
    expect(img[2 * SIDE + 14]).toBe(0); // above the top of the 20-pixel box
  });

  it('is reproducible with a seed and differs across seeds', () => {
    const a = makeDigitSet('train', 3, 7);
    const b = makeDigitSet('train', 3, 7);
    const c = makeDigitSet('train', 3, 8);
    expect(a.x).toEqual(b.x);
    expect(a.x).not.toEqual(c.x);
    expect(a.n).toBe(30);
    expect(a.x.length).toBe(30 * PIXELS);
    expect(Array.from(a.y.slice(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps distorted images in the frame with ink in range', () => {
    const set = makeDigitSet('test', 20, 1);
    for (let i = 0; i < set.n; i++) {
      const { ink, cx, cy } = inkStats(set.x.subarray(i * PIXELS, (i + 1) * PIXELS));
      expect(ink).toBeGreaterThan(0.02);
      expect(ink).toBeLessThan(0.4);
      expect(Math.hypot(cx - 14, cy - 14)).toBeLessThan(6);
    }
  });

  describe('centreDrawing (MNIST-style preparation of a pad drawing)', () => {
    /** Pad strokes of a glyph, shrunk by k about the origin and moved by (dx, dy). */
    const placed = (strokes: PadStroke[], k: number, dx: number, dy: number): PadStroke[] => strokes.map((s) => s.map(([x, y]) => [x * k + dx, y * k + dy] as const));
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    const seven = glyphStrokes(DIGIT_GLYPHS[7][TEST_VARIANT]);

    it('puts the centre of mass at the middle of the frame (14, 14)', () => {
      for (const [k, dx, dy] of [[1, 0, 0], [0.3, 0, 0], [0.3, 18, 17], [0.25, -1, 19]] as const) {
        const { cx, cy } = inkStats(centreDrawing(placed(seven, k, dx, dy)));
        expect(Math.hypot(cx - 14, cy - 14), `k=${k} shift=(${dx}, ${dy})`).toBeLessThan(0.25);
      }
    });

    it('gives the same input for a digit drawn small in a corner as for the same digit drawn large in the middle', () => {
      const big = centreDrawing(seven);
      for (const [k, dx, dy] of [[0.3, 0, 0], [0.3, 18, 17], [0.4, 16, 0], [0.6, -4, 8]] as const) {
        const small = centreDrawing(placed(seven, k, dx, dy));
        // Up to how the pixel grid cuts the strokes (a shift of < 1 px after centring).
        expect(maxDiff(small, big), `k=${k}`).toBeLessThan(0.6);
        expect(Math.abs(inkStats(small).ink - inkStats(big).ink), `k=${k}`).toBeLessThan(0.01);
      }
    });

    it('scales the larger side of the box to a training glyph\'s size and keeps the aspect ratio', () => {
      // A horizontal bar drawn 6 px long stays a horizontal bar, 20·GLYPH_EXTENT px long.
      const img = centreDrawing([[[2, 3], [8, 3]]]);
      const rows = new Set<number>();
      const cols = new Set<number>();
      img.forEach((v, i) => { if (v > 0.5) { rows.add(Math.floor(i / SIDE)); cols.add(i % SIDE); } });
      expect(rows.size).toBeLessThanOrEqual(3);
      expect(Math.abs(cols.size - GLYPH_EXTENT * 20)).toBeLessThanOrEqual(3);
      // Every training style's box has its larger side near GLYPH_EXTENT (the median).
      for (const g of DIGIT_GLYPHS.flat()) {
        const [x0, y0, x1, y1] = strokeBox(g as PadStroke[])!;
        expect(Math.max(x1 - x0, y1 - y0)).toBeGreaterThan(GLYPH_EXTENT * 0.75);
        expect(Math.max(x1 - x0, y1 - y0)).toBeLessThan(GLYPH_EXTENT * 1.25);
      }
    });

    it('leaves an empty drawing empty and keeps every pixel in [0, 1]', () => {
      expect(Math.max(...centreDrawing([]))).toBe(0);
      const dot = centreDrawing([[[3, 3], [3, 3]]]);
      expect(Math.max(...dot)).toBeLessThanOrEqual(1);
      expect(inkStats(dot).ink).toBeLessThan(0.05); // a dot is not blown up to a blob
      expect(dot[14 * SIDE + 14]).toBeGreaterThan(0.5);
    });
  });
});
