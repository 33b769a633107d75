import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  bestOfN, cosine, differences, dot, fitBradleyTerry, labelPairs, labellerWeights, preferenceProbability,
  runRewardHacking, sampleAnswers, TRUE_WEIGHTS,
} from '../../components/models/reward-hacking';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rngFor = (seed: number) => (stream: string) => createRng(seed, stream);

describe('preferenceProbability (Bradley–Terry)', () => {
  it.each([[0.3, -1.2], [2, 2], [-4, 1.5]])('is unchanged when a constant is added to both rewards (r_w = %d, r_l = %d)', (rw, rl) => {
    for (const c of [-10, 0.5, 7]) expect(preferenceProbability(rw + c, rl + c)).toBeCloseTo(preferenceProbability(rw, rl), 12);
    expect(preferenceProbability(rw, rl) + preferenceProbability(rl, rw)).toBeCloseTo(1, 12);
  });

  it('leaves a constant feature invisible: its column is zero in every difference', () => {
    const answers = sampleAnswers(createRng(1, 'a'), 50).map((x) => [...x, 1] as unknown as [number, number, number]);
    const diffs = differences(labelPairs(answers, [...TRUE_WEIGHTS, 5], 200, createRng(1, 'p')));
    expect(diffs.every((d) => d[3] === 0)).toBe(true);
  });
});

describe('fitBradleyTerry', () => {
  it.each([42, 7, 2024])('recovers the generating weights from unbiased labels (seed %d)', (seed) => {
    const answers = sampleAnswers(createRng(seed, 'answers'), 1000);
    const w = fitBradleyTerry(differences(labelPairs(answers, TRUE_WEIGHTS, 6000, createRng(seed, 'pairs'))));
    expect(cosine(w, TRUE_WEIGHTS)).toBeGreaterThan(0.99);
    w.forEach((wi, i) => expect(Math.abs(wi - TRUE_WEIGHTS[i]!)).toBeLessThan(0.15));
  });

  it('learns the labellers\' length bias, not the truth, from biased labels', () => {
    const answers = sampleAnswers(createRng(3, 'answers'), 1000);
    const w = fitBradleyTerry(differences(labelPairs(answers, labellerWeights(1), 6000, createRng(3, 'pairs'))));
    expect(Math.abs(w[1]! - (TRUE_WEIGHTS[1]! + 1))).toBeLessThan(0.15);
  });

  it('stops where the plain-JS log-likelihood gradient is zero', () => {
    const answers = sampleAnswers(createRng(5, 'answers'), 300);
    const diffs = differences(labelPairs(answers, TRUE_WEIGHTS, 1500, createRng(5, 'pairs')));
    const w = fitBradleyTerry(diffs);
    const grad = [0, 0, 0];
    for (const d of diffs) {
      const q = 1 - 1 / (1 + Math.exp(-dot(w, d)));
      d.forEach((v, i) => (grad[i] += q * v));
    }
    grad.forEach((g) => expect(Math.abs(g) / diffs.length).toBeLessThan(1e-6));
  });

  it('frees every tensor it makes', () => {
    const before = tf.memory().numTensors;
    fitBradleyTerry(differences(labelPairs(sampleAnswers(createRng(1, 'a'), 100), TRUE_WEIGHTS, 200, createRng(1, 'p'))));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bestOfN', () => {
  it.each([1, 4, 32])('matches a plain-JS Monte Carlo of drawing n and keeping the top proxy (n = %d)', (n) => {
    const pool = sampleAnswers(createRng(9, 'pool'), 500);
    const proxyW = labellerWeights(1);
    const [exact] = bestOfN(pool, proxyW, TRUE_WEIGHTS, [n]);
    const rng = createRng(9, 'mc');
    const trials = 20000;
    let proxy = 0;
    let truth = 0;
    for (let t = 0; t < trials; t++) {
      let best = pool[rng.int(pool.length)]!;
      for (let j = 1; j < n; j++) {
        const x = pool[rng.int(pool.length)]!;
        if (dot(proxyW, x) > dot(proxyW, best)) best = x;
      }
      proxy += dot(proxyW, best) / trials;
      truth += dot(TRUE_WEIGHTS, best) / trials;
    }
    expect(Math.abs(exact!.proxy - proxy)).toBeLessThan(0.04);
    expect(Math.abs(exact!.truth - truth)).toBeLessThan(0.04);
  });

  it('at n = 1 gives the pool means', () => {
    const pool = sampleAnswers(createRng(2, 'pool'), 300);
    const [r] = bestOfN(pool, [1, 1, 1], TRUE_WEIGHTS, [1]);
    expect(r!.truth).toBeCloseTo(pool.reduce((s, x) => s + dot(TRUE_WEIGHTS, x), 0) / pool.length, 9);
  });
});

describe('runRewardHacking', () => {
  it('without bias, the true reward of the pick keeps rising with n', () => {
    const { curve } = runRewardHacking({ bias: 0, pairs: 4000, pool: 2000 }, rngFor(42));
    expect(curve.at(-1)!.truth).toBeGreaterThan(curve[0]!.truth + 1.5);
  });

  it('with the default bias, the proxy rises while the true reward peaks and then falls (Goodhart)', () => {
    const { curve, peak } = runRewardHacking({ bias: 1, pairs: 4000, pool: 2000 }, rngFor(42));
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.proxy).toBeGreaterThan(curve[i - 1]!.proxy);
    expect(peak.n).toBeGreaterThan(1);
    expect(peak.n).toBeLessThan(64);
    expect(curve.at(-1)!.truth).toBeLessThan(peak.truth - 0.5);
  });
});
