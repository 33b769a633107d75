import { describe, expect, it } from 'vitest';
import { createRng } from '../../components/runtime/rng';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    const a = createRng(42, 'x');
    const b = createRng(42, 'x');
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
  });

  it('gives different sequences for different streams of one seed', () => {
    expect(createRng(42, 'init').next()).not.toBe(createRng(42, 'sample').next());
  });

  it('draws uniform numbers in [0, 1) with mean near 1/2', () => {
    const r = createRng(1);
    const xs = Array.from({ length: 20000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const r = createRng(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('chooses indices in proportion to their weights and never a zero weight', () => {
    const r = createRng(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[r.choice([0.2, 0, 0.8])]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / 30000).toBeCloseTo(0.2, 1);
  });
});
