import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  crossing, exactMatch, FAMILY_LOG_N, perTokenAccuracy, perTokenLoss, SCALE_LAW, simulateExactMatch,
} from '../../components/models/emergence-lens';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const family = FAMILY_LOG_N.map((e) => perTokenAccuracy(10 ** e));

describe('per-token accuracy p(N) = exp(−(N/c)^(−α))', () => {
  it('rises smoothly and monotonically from about 0.30 at 10⁷ to 0.98 at 10¹² parameters', () => {
    expect(family[0]).toBeCloseTo(0.3, 2);
    expect(family.at(-1)).toBeCloseTo(0.98, 2);
    for (let i = 1; i < family.length; i++) expect(family[i]!).toBeGreaterThan(family[i - 1]!);
    // Smooth: no half-decade step moves p by more than 0.15.
    for (let i = 1; i < family.length; i++) expect(family[i]! - family[i - 1]!).toBeLessThan(0.15);
  });

  it('is exp of minus a power law, by hand at N = 10¹⁰', () => {
    const L = Math.pow(1e10 / SCALE_LAW.c, -SCALE_LAW.alpha);
    expect(perTokenLoss(1e10)).toBeCloseTo(L, 12);
    expect(perTokenAccuracy(1e10)).toBeCloseTo(Math.exp(-L), 12);
  });
});

describe('exactMatch (tf.prod of k per-token probabilities)', () => {
  it('coincides with per-token accuracy at k = 1', async () => {
    const em = await exactMatch(family, 1);
    em.forEach((v, i) => expect(v).toBeCloseTo(family[i]!, 6));
  });

  it.each([2, 5, 10, 30])('equals p^k at every point for k = %i', async (k) => {
    const em = await exactMatch(family, k);
    em.forEach((v, i) => expect(Math.abs(v - family[i]! ** k)).toBeLessThan(1e-6));
  });

  it('turns a smooth rise into a late jump at k = 10: flat under 1 % to 10⁸ while p climbs 0.30 → 0.59, over 50 % by 10¹⁰·⁵', async () => {
    const em = await exactMatch(family, 10);
    const i8 = FAMILY_LOG_N.indexOf(8);
    for (let i = 0; i <= i8; i++) expect(em[i]!).toBeLessThan(0.01);
    expect(family[i8]! - family[0]!).toBeGreaterThan(0.25);
    expect(em[FAMILY_LOG_N.indexOf(10.5)]!).toBeGreaterThan(0.5);
  });

  it('rejects k that is not a whole number ≥ 1 and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await exactMatch(family, 7);
    expect(tf.memory().numTensors).toBe(before);
    await expect(exactMatch(family, 0)).rejects.toThrow(/k must be/);
  });
});

describe('simulateExactMatch (seeded measurement)', () => {
  it('lands within 4 binomial standard errors of p^k on 2,000 questions', () => {
    const measured = simulateExactMatch(family, 8, 2000, createRng(42, 'answers'));
    measured.forEach((m, i) => {
      const q = family[i]! ** 8;
      expect(Math.abs(m - q)).toBeLessThanOrEqual(4 * Math.sqrt((q * (1 - q)) / 2000) + 1e-9);
    });
  });

  it('gives the same numbers for the same seed', () => {
    expect(simulateExactMatch(family, 5, 300, createRng(7, 'a'))).toEqual(simulateExactMatch(family, 5, 300, createRng(7, 'a')));
  });
});

describe('crossing(k, level)', () => {
  it.each([[1, 0.5], [10, 0.1], [10, 0.5], [25, 0.5]])('finds the N where p^%i reaches %d', (k, level) => {
    const n = crossing(k, level);
    expect(perTokenAccuracy(n) ** k).toBeCloseTo(level, 10);
  });
});
