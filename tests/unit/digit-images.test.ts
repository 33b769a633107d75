import { describe, expect, it } from 'vitest';
import { DIGIT_GLYPHS, TEST_VARIANT } from '../../components/data/digit-strokes';
import { PIXELS, SIDE, inkStats, makeDigitSet, rasterise } from '../../components/models/digit-images';

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
});
