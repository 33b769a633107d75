import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../components/runtime/rng';
import {
  countDraws,
  sampleTokens,
  temperatureProbs,
  unembed,
  WEATHER_EXAMPLE,
} from '../../components/models/unembed';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS h·W_U. */
const product = (h: readonly number[], w: readonly (readonly number[])[]) =>
  w[0].map((_, j) => h.reduce((s, hi, i) => s + hi * w[i][j], 0));

const exerciseLogits = [2.0, 1.8, 1.2, 0.8, 0.6];

describe('unembed', () => {
  it('computes scores equal to a plain-JS vector × matrix product', async () => {
    const { vector, weights } = WEATHER_EXAMPLE;
    const r = await unembed(vector, weights, 1);
    product(vector, weights).forEach((s, j) => expect(r.scores[j]).toBeCloseTo(s, 5));
  });

  it('matches the product on seeded random shapes', async () => {
    const rng = createRng(11, 'shapes');
    for (const [d, v] of [[1, 1], [3, 7], [16, 40]]) {
      const h = Array.from({ length: d }, () => rng.normal());
      const w = Array.from({ length: d }, () => Array.from({ length: v }, () => rng.normal()));
      const r = await unembed(h, w, 0.7);
      product(h, w).forEach((s, j) => expect(r.scores[j]).toBeCloseTo(s, 4));
      expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('turns the worked example vector into the exercise logits 2.0, 1.8, 1.2, 0.8, 0.6', async () => {
    const r = await unembed(WEATHER_EXAMPLE.vector, WEATHER_EXAMPLE.weights, 1);
    r.scores.forEach((s, j) => expect(s).toBeCloseTo(exerciseLogits[j], 5));
  });

  it('rejects a W_U whose row count differs from the vector length', async () => {
    await expect(unembed([1, 2], [[1, 2, 3]], 1)).rejects.toThrow(/1 rows but the vector has 2/);
    await expect(unembed([1, 2], [[1, 2], [3]], 1)).rejects.toThrow(/same, non-zero length/);
  });
});

describe('temperatureProbs on the exercise logits', () => {
  it.each([
    [0.5, [0.494, 0.331, 0.1, 0.045, 0.03], 3],
    [1, [0.36, 0.29, 0.16, 0.11, 0.09], 2],
    [2, [0.28, 0.25, 0.19, 0.15, 0.14], 2],
  ])('gives the published distribution at T = %f', async (t, expected, digits) => {
    const p = await temperatureProbs(exerciseLogits, t);
    p.forEach((v, j) => expect(v).toBeCloseTo(expected[j], digits));
  });

  it('agrees with a plain-JS softmax of logits / T', async () => {
    for (const t of [0.1, 0.5, 1, 3]) {
      const e = exerciseLogits.map((l) => Math.exp(l / t));
      const z = e.reduce((a, b) => a + b, 0);
      const p = await temperatureProbs(exerciseLogits, t);
      p.forEach((v, j) => expect(v).toBeCloseTo(e[j] / z, 5));
    }
  });

  it('flattens towards uniform as T grows and sharpens as T shrinks', async () => {
    const hot = await temperatureProbs(exerciseLogits, 100);
    hot.forEach((v) => expect(v).toBeCloseTo(0.2, 2));
    const cold = await temperatureProbs(exerciseLogits, 0.05);
    expect(cold[0]).toBeGreaterThan(0.98);
  });

  it('is greedy (one-hot on the top score) at T = 0', async () => {
    expect(await temperatureProbs(exerciseLogits, 0)).toEqual([1, 0, 0, 0, 0]);
    expect(await temperatureProbs([0.1, 3, 3, -1], 0)).toEqual([0, 1, 0, 0]);
  });

  it('rejects a negative temperature', async () => {
    await expect(temperatureProbs(exerciseLogits, -1)).rejects.toThrow(/≥ 0/);
  });
});

describe('sampleTokens', () => {
  const probs = [0.494, 0.331, 0.1, 0.045, 0.03];

  it('repeats the same draws for the same seed', () => {
    expect(sampleTokens(probs, 20, createRng(5, 'sample'))).toEqual(sampleTokens(probs, 20, createRng(5, 'sample')));
  });

  it('draws each token about as often as its probability', () => {
    const counts = countDraws(sampleTokens(probs, 20000, createRng(1, 'sample')), 5);
    counts.forEach((c, j) => expect(c / 20000).toBeCloseTo(probs[j], 1));
  });

  it('never draws a token of probability 0', () => {
    const counts = countDraws(sampleTokens([0, 1, 0], 200, createRng(2)), 3);
    expect(counts).toEqual([0, 200, 0]);
  });
});
