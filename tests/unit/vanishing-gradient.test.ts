import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { regimeOf, stepsToVanish, unrollGradients } from '../../components/models/vanishing-gradient';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Relative closeness, for values spanning many orders of magnitude. */
function expectRelClose(actual: number, expected: number, tol = 1e-4) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.abs(expected) + 1e-30);
}

describe('unrollGradients (linear RNN)', () => {
  it.each([
    [0.5, 10],
    [0.9, 50],
    [1, 20],
    [1.1, 50],
    [2, 30],
  ])('backpropagates w^s to the state s steps back (w = %s, n = %i)', async (w, n) => {
    const { gradient } = await unrollGradients({ weight: w, steps: n });
    expect(gradient).toHaveLength(n + 1);
    gradient.forEach((g, s) => expectRelClose(g, w ** s));
  });

  it('gives the lecture\'s contrast: 0.9^50 ≈ 0.0052 vanishes, 1.1^50 ≈ 117 explodes', async () => {
    const small = await unrollGradients({ weight: 0.9, steps: 50 });
    const large = await unrollGradients({ weight: 1.1, steps: 50 });
    expectRelClose(small.gradient[50], 0.005154);
    expectRelClose(large.gradient[50], 117.39);
    expect(regimeOf(small.gradient[50])).toBe('vanishing');
    expect(regimeOf(large.gradient[50])).toBe('exploding');
  });

  it('records the hidden states h_k = w^k · h_0', async () => {
    const { hidden } = await unrollGradients({ weight: 0.8, steps: 5, h0: 2 });
    hidden.forEach((h, k) => expectRelClose(h, 2 * 0.8 ** k));
  });
});

describe('unrollGradients (tanh RNN)', () => {
  /** Plain-JS BPTT reference: forward, then the product of w·(1 − h_t²) going back. */
  function reference(w: number, n: number, h0: number): number[] {
    const h = [h0];
    for (let t = 1; t <= n; t++) h.push(Math.tanh(w * h[t - 1]));
    const g = [1];
    for (let s = 1; s <= n; s++) g.push(g[s - 1] * w * (1 - h[n - s + 1] ** 2));
    return g;
  }

  it.each([
    [0.9, 30, 0.5],
    [1.5, 30, 0.5],
    [3, 12, -0.2],
  ])('matches the hand-derived product for w = %s, n = %i, h0 = %s', async (w, n, h0) => {
    const { gradient } = await unrollGradients({ weight: w, steps: n, activation: 'tanh', h0 });
    const ref = reference(w, n, h0);
    gradient.forEach((g, s) => expectRelClose(g, ref[s], 1e-3));
  });

  it('vanishes even for w = 1.5 once tanh saturates (the 1 − h² factor < 1)', async () => {
    const { gradient } = await unrollGradients({ weight: 1.5, steps: 40, activation: 'tanh', h0: 0.5 });
    expect(regimeOf(gradient[40])).toBe('vanishing');
  });
});

describe('input checks and helpers', () => {
  it.each([0, -3, 2.5, 10_000])('rejects steps = %s', async (n) => {
    await expect(unrollGradients({ weight: 0.9, steps: n })).rejects.toThrow(/steps/);
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await unrollGradients({ weight: 0.9, steps: 20, activation: 'tanh' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [0.5, 7], // 0.5^7 = 0.0078 < 0.01, 0.5^6 = 0.0156
    [0.9, 44], // 0.9^44 = 0.0097, 0.9^43 = 0.0108
    [1, Infinity],
    [1.2, Infinity],
  ])('stepsToVanish(%s) = %s for the 0.01 threshold', (w, s) => {
    expect(stepsToVanish(w)).toBe(s);
  });

  it.each([
    [1e-5, 'vanishing'],
    [0.5, 'stable'],
    [1e5, 'exploding'],
    [Infinity, 'exploding'],
  ] as const)('calls a gradient of %s %s', (g, regime) => {
    expect(regimeOf(g)).toBe(regime);
  });
});
