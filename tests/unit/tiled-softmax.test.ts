import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  makeQkv, maxAbsDiff, naiveAttention, naiveHbm, sramBytes, tiledAttention, tiledHbm, type Qkv,
} from '../../components/models/tiled-softmax';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain float64 attention: scores, a two-pass softmax per row, then PV. */
function reference({ q, k, v, n, d }: Qkv): { o: Float64Array; s: Float64Array } {
  const s = new Float64Array(n * n);
  const o = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c]! * k[j * d + c]!;
      s[i * n + j] = dot / Math.sqrt(d);
      max = Math.max(max, s[i * n + j]!);
    }
    let z = 0;
    for (let j = 0; j < n; j++) z += Math.exp(s[i * n + j]! - max);
    for (let j = 0; j < n; j++) {
      const p = Math.exp(s[i * n + j]! - max) / z;
      for (let c = 0; c < d; c++) o[i * d + c] += p * v[j * d + c]!;
    }
  }
  return { o, s };
}

const CASES = [
  { n: 16, d: 8, block: 4 },
  { n: 16, d: 8, block: 16 },
  { n: 32, d: 8, block: 8 },
  { n: 32, d: 8, block: 5 }, // last block shorter
  { n: 24, d: 4, block: 1 },
  { n: 64, d: 16, block: 32 },
];

describe('tiledAttention (online softmax)', () => {
  it.each(CASES)('equals naive attention to float32 tolerance when N = $n, d = $d, B = $block', ({ n, d, block }) => {
    const qkv = makeQkv(n, d, 42);
    const naive = naiveAttention(qkv);
    const tiled = tiledAttention(qkv, block);
    expect(tiled.blocks).toBe(Math.ceil(n / block));
    expect(maxAbsDiff(naive.o, tiled.o)).toBeLessThan(1e-5);
  });

  it.each(CASES)('and both equal a float64 reference when N = $n, d = $d, B = $block', ({ n, d, block }) => {
    const qkv = makeQkv(n, d, 7);
    const ref = reference(qkv);
    expect(maxAbsDiff(naiveAttention(qkv).o, ref.o)).toBeLessThan(1e-5);
    expect(maxAbsDiff(tiledAttention(qkv, block).o, ref.o)).toBeLessThan(1e-5);
  });

  it('is not bit-identical to the naive order for the default N = 32, d = 8, B = 8 (different summation order)', () => {
    const qkv = makeQkv(32, 8, 42);
    const diff = maxAbsDiff(naiveAttention(qkv).o, tiledAttention(qkv, 8).o);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(1e-6);
  });

  it.each(CASES)('keeps ℓ = Σ e^{s − m} over the keys seen so far, m their maximum, after every block (N = $n, B = $block)', ({ n, d, block }) => {
    const qkv = makeQkv(n, d, 3);
    const { s } = reference(qkv);
    const t = tiledAttention(qkv, block);
    for (let b = 0; b < t.blocks; b++) {
      const seen = Math.min(n, (b + 1) * block);
      for (let i = 0; i < n; i++) {
        let m = -Infinity;
        for (let j = 0; j < seen; j++) m = Math.max(m, s[i * n + j]!);
        let l = 0;
        for (let j = 0; j < seen; j++) l += Math.exp(s[i * n + j]! - m);
        expect(t.m[b]![i]).toBeCloseTo(m, 5);
        expect(Math.abs(t.l[b]![i]! - l) / l).toBeLessThan(1e-5);
        // the rescale factor is e^{m_old − m_new} ≤ 1, exactly 1 when the max did not move
        if (b > 0) {
          expect(t.rescale[b]![i]).toBeCloseTo(Math.exp(t.m[b - 1]![i]! - t.m[b]![i]!), 6);
          expect(t.rescale[b]![i]).toBeLessThanOrEqual(1);
          expect(t.m[b]![i]).toBeGreaterThanOrEqual(t.m[b - 1]![i]!);
        }
      }
    }
  });

  it('rejects a block size that is not a whole number ≥ 1', () => {
    expect(() => tiledAttention(makeQkv(8, 2, 1), 0)).toThrow(/block/);
    expect(() => tiledAttention(makeQkv(8, 2, 1), 2.5)).toThrow(/block/);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const qkv = makeQkv(32, 8, 1);
    naiveAttention(qkv);
    tiledAttention(qkv, 8);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('HBM byte counts', () => {
  it('match a hand count for N = 4, d = 2', () => {
    // naive: Q, K 16 · S 16 · S, P 32 · P, V 16 + 8 · O 8 = 96 numbers = 384 bytes
    expect(naiveHbm(4, 2).bytes).toBe(384);
    // tiled B = 2: Q 8 · K, V twice each (2 query blocks) 32 · O 8 = 48 numbers = 192 bytes
    expect(tiledHbm(4, 2, 2).bytes).toBe(192);
    // one block: Q 8 · K, V once 16 · O 8 = 32 numbers = 128 bytes
    expect(tiledHbm(4, 2, 4).bytes).toBe(128);
  });

  it.each([
    { n: 32, d: 8, block: 8, naive: 20480, tiled: 10240 },
    { n: 32, d: 8, block: 16, naive: 20480, tiled: 6144 },
    { n: 32, d: 8, block: 32, naive: 20480, tiled: 4096 },
    { n: 16, d: 8, block: 4, naive: 6144, tiled: 5120 },
  ])('give naive 4(4Nd + 4N²) and tiled 4(2Nd + 2Nd⌈N/B⌉) bytes (N = $n, B = $block)', ({ n, d, block, naive, tiled }) => {
    expect(naiveHbm(n, d).bytes).toBe(naive);
    expect(tiledHbm(n, d, block).bytes).toBe(tiled);
    expect(naiveHbm(n, d).bytes).toBe(4 * (4 * n * d + 4 * n * n));
  });

  it('needs fast memory for the three blocks, the B×B tile, the accumulator and m, ℓ', () => {
    // B = 8, d = 8: 3·64 + 64 + 64 + 16 = 336 numbers
    expect(sramBytes(8, 8)).toBe(1344);
  });
});
