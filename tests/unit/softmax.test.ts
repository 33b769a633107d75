import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmax } from '../../components/models/softmax';
import { createRng } from '../../components/runtime/rng';

/** Independent reference: a plain-JS loop in float64. */
function referenceSoftmax(z: number[], t: number): number[] {
  if (t === 0) {
    const max = Math.max(...z);
    const ties = z.filter((v) => v === max).length;
    return z.map((v) => (v === max ? 1 / ties : 0));
  }
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp((v - max) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('softmax', () => {
  it('matches a plain-JS reference for many random logit vectors and temperatures', async () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(30);
      const z = Array.from({ length: n }, () => (rng.next() - 0.5) * 20);
      const t = [0.05, 0.3, 1, 2, 3][trial % 5] * (0.5 + rng.next());
      const got = await softmax(z, t);
      const want = referenceSoftmax(z, t);
      got.forEach((p, i) => expect(p).toBeCloseTo(want[i], 5));
    }
  });

  it.each([
    { z: [2, 1, 0.5, 0.1], t: 1, want: [0.57, 0.21, 0.13, 0.09] },
    { z: [2, 1, 0.5, 0.1], t: 2, want: [0.41, 0.25, 0.19, 0.16] },
    { z: [2, 1, 0.5, 0.1], t: 0.1, want: [1.0, 0.0, 0.0, 0.0] },
  ])('gives the corrected seed figures $want for $z at T = $t', async ({ z, t, want }) => {
    const got = await softmax(z, t);
    got.forEach((p, i) => expect(p).toBeCloseTo(want[i], 2));
  });

  it('sums to 1', async () => {
    for (const t of [0, 0.01, 0.5, 1, 3, 100]) {
      const p = await softmax([3, -1, 0.2, 7, 7.1], t);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('puts all mass on the argmax when T is 0, and nearly all as T approaches 0', async () => {
    expect(await softmax([0.3, 2.5, -1], 0)).toEqual([0, 1, 0]);
    const cold = await softmax([0.3, 2.5, -1], 1e-3);
    expect(cold[1]).toBeGreaterThan(0.999999);
  });

  it('splits the mass between tied maxima at T = 0', async () => {
    expect(await softmax([1, 4, 4], 0)).toEqual([0, 0.5, 0.5]);
  });

  it('stays finite for huge logits (1e4)', async () => {
    const p = await softmax([1e4, 1e4 - 1, -1e4], 1);
    expect(p.every(Number.isFinite)).toBe(true);
    p.forEach((v, i) => expect(v).toBeCloseTo(referenceSoftmax([1e4, 1e4 - 1, -1e4], 1)[i], 6));
  });

  it('approaches uniform as T grows', async () => {
    const p = await softmax([2, 1, 0.5, 0.1], 1e4);
    p.forEach((v) => expect(v).toBeCloseTo(0.25, 3));
  });
});
