import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { gdPredict, lsaBatch, lsaWeights, makeTasks, MAX_SHOTS, sweep } from '../../components/models/context-learner';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Independent float64 reference: one GD step on L(w) = 1/(2N) Σ (w·x − y)² from w = 0, then w₁·x_q. */
function referenceGd(xs: number[][], ys: number[], xq: number[], eta: number): number {
  const n = xs.length;
  const d = xq.length;
  const grad = new Array(d).fill(0);
  for (let j = 0; j < n; j++) {
    const residual = 0 - ys[j]!; // w₀·x_j − y_j with w₀ = 0
    for (let k = 0; k < d; k++) grad[k] += (residual * xs[j]![k]!) / n;
  }
  let pred = 0;
  for (let k = 0; k < d; k++) pred += -eta * grad[k] * xq[k]!;
  return pred;
}

describe('linear self-attention with von Oswald et al.\'s weights', () => {
  it.each([
    { d: 2, n: 1, eta: 1, seed: 1 },
    { d: 2, n: 16, eta: 1, seed: 1 },
    { d: 2, n: 64, eta: 0.5, seed: 7 },
    { d: 3, n: 5, eta: 1.5, seed: 3 },
    { d: 3, n: 33, eta: 0.1, seed: 42 },
    { d: 3, n: 64, eta: 1, seed: 99 },
  ])('equals one explicit GD step to 1e-6 when d=$d, N=$n, η=$eta, seed=$seed', ({ d, n, eta, seed }) => {
    const tasks = makeTasks(seed, d, 0.1, 20, n);
    const contexts = tasks.map((t) => t.xs.map((x, j) => [...x, t.ys[j]!]));
    const { ySlot, prediction } = lsaBatch(contexts, tasks.map((t) => t.xq), eta);
    tasks.forEach((t, i) => {
      const ref = referenceGd(t.xs, t.ys, t.xq, eta);
      expect(Math.abs(prediction[i]! - ref)).toBeLessThanOrEqual(1e-6);
      // The y-slot carries −ŷ: the sign is flipped when reading the prediction.
      expect(ySlot[i]!).toBeCloseTo(-ref, 5);
      expect(Math.abs(gdPredict(t.xs, t.ys, t.xq, eta) - ref)).toBeLessThanOrEqual(1e-12);
    });
  });

  it('builds W_K = W_Q = [[I, 0], [0, 0]] and W_V with −1 in its y-corner', () => {
    const { wq, wk, wv } = lsaWeights(2);
    expect(wq).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 0]]);
    expect(wk).toEqual(wq);
    expect(wv).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, -1]]);
  });

  it('matches a hand computation for one shot', () => {
    // x = (1, 2), y = 3, x_q = (0.5, −1), η = 1, N = 1: ŷ = 3·(1·0.5 + 2·(−1)) = −4.5.
    const { ySlot, prediction } = lsaBatch([[[1, 2, 3]]], [[0.5, -1]], 1);
    expect(prediction[0]).toBeCloseTo(-4.5, 6);
    expect(ySlot[0]).toBeCloseTo(4.5, 6);
  });
});

describe('error against the number of shots', () => {
  it.each([
    { d: 2, seed: 1 },
    { d: 3, seed: 5 },
  ])('falls on average with N when d=$d, seed=$seed', ({ d, seed }) => {
    const s = sweep(seed, d, 0.1, 1);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const early = mean(s.gdError.slice(0, 4));
    const mid = mean(s.gdError.slice(12, 20));
    const late = mean(s.gdError.slice(MAX_SHOTS - 8));
    expect(mid).toBeLessThan(early);
    expect(late).toBeLessThan(mid);
    expect(late).toBeLessThan(early / 5);
    // float32 LSA vs float64 GD: 1e-6 relative to the prediction's size (|ŷ| reaches ~10 at d = 3).
    s.lsa.forEach((row, n) => row.forEach((p, t) => expect(Math.abs(p - s.gd[n]![t]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(s.gd[n]![t]!)))));
    expect(s.maxDifference).toBeLessThan(1e-5);
    s.lsaError.forEach((e, i) => expect(Math.abs(e - s.gdError[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, e)));
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    sweep(2, 2, 0.1, 1, 10, 8);
    lsaBatch([[[1, 2, 3]]], [[0.5, -1]], 1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
