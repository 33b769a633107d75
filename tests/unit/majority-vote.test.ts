import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { pluralityCurve, pluralityRight, simulateVotes, wilson } from '../../components/models/majority-vote';
import { createRng } from '../../components/runtime/rng';

/** Independent reference: P(Binomial(k, p) ≥ (k + 1)/2) by a plain float64 loop over the pmf. */
function binomialTail(p: number, k: number): number {
  let pmf = (1 - p) ** k; // P(X = 0)
  let tail = 0;
  for (let x = 0; x <= k; x++) {
    if (2 * x > k) tail += pmf;
    pmf = (pmf * (k - x) * p) / ((x + 1) * (1 - p));
  }
  return tail;
}

/** Independent reference: enumerate every sequence of k answers (0 = right, 1…m wrong) and apply the tie rule. */
function bruteForce(p: number, m: number, k: number): number {
  const q = (1 - p) / m;
  let total = 0;
  const seq = new Array<number>(k).fill(0);
  const visit = (i: number, prob: number) => {
    if (i === k) {
      const counts = new Array<number>(m + 1).fill(0);
      for (const a of seq) counts[a]!++;
      const top = Math.max(...counts);
      if (counts[0] === top) total += prob / counts.filter((c) => c === top).length;
      return;
    }
    for (let a = 0; a <= m; a++) {
      seq[i] = a;
      visit(i + 1, prob * (a === 0 ? p : q));
    }
  };
  visit(0, 1);
  return total;
}

describe('pluralityRight', () => {
  it('gives 0.68256 exactly at p = 0.6, k = 5 with one wrong answer (P(Binomial(5, 0.6) ≥ 3))', () => {
    // Hand computation: 10·0.6³·0.4² + 5·0.6⁴·0.4 + 0.6⁵ = 0.3456 + 0.2592 + 0.07776.
    expect(pluralityRight({ p: 0.6, wrong: 1, k: 5 })).toBeCloseTo(0.68256, 12);
  });

  it.each([
    [0.6, 1], [0.6, 3], [0.6, 41], [0.3, 7], [0.45, 21], [0.51, 41], [0.9, 11], [0.05, 9], [0.5, 15],
  ])('equals the binomial tail when m = 1 and k is odd (p = %d, k = %d)', (p, k) => {
    expect(pluralityRight({ p, wrong: 1, k })).toBeCloseTo(binomialTail(p, k), 12);
  });

  it.each([
    [0.6, 1, 4], [0.4, 2, 5], [0.3, 3, 6], [0.25, 4, 5], [0.5, 2, 8], [0.35, 5, 4], [0.2, 3, 7],
  ])('matches a brute-force sum over every answer sequence with ties split evenly (p = %d, m = %d, k = %d)', (p, m, k) => {
    expect(pluralityRight({ p, wrong: m, k })).toBeCloseTo(bruteForce(p, m, k), 12);
  });

  it('counts a tie between the right answer and one wrong answer as 1/2 (m = 1, k = 2)', () => {
    // p² (both right) + 2p(1 − p) · ½ (one each) = p.
    for (const p of [0.2, 0.6, 0.9]) expect(pluralityRight({ p, wrong: 1, k: 2 })).toBeCloseTo(p, 12);
  });

  it.each([[0, 1], [0.2, 3], [0.6, 1], [0.6, 4], [0.99, 10], [1, 2]])('gives p when k = 1 (p = %d, m = %d)', (p, m) => {
    expect(pluralityRight({ p, wrong: m, k: 1 })).toBeCloseTo(p, 14);
  });

  it('stays in [0, 1] and rises with p for every m and k', () => {
    for (const m of [1, 2, 3, 6]) {
      for (const k of [1, 2, 5, 10, 25, 41]) {
        let prev = -1;
        for (let i = 0; i <= 20; i++) {
          const v = pluralityRight({ p: i / 20, wrong: m, k });
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
          expect(v).toBeGreaterThanOrEqual(prev - 1e-12);
          prev = v;
        }
      }
    }
  });

  it('helps even below p = 0.5 when the wrong answers are split (p = 0.4, m = 3), and hurts with one wrong answer', () => {
    expect(pluralityRight({ p: 0.4, wrong: 3, k: 41 })).toBeGreaterThan(0.85);
    expect(pluralityRight({ p: 0.4, wrong: 1, k: 41 })).toBeLessThan(0.15);
  });

  it('rejects a bad setting', () => {
    expect(() => pluralityRight({ p: 1.2, wrong: 1, k: 3 })).toThrow(RangeError);
    expect(() => pluralityRight({ p: 0.5, wrong: 0, k: 3 })).toThrow(RangeError);
    expect(() => pluralityRight({ p: 0.5, wrong: 1, k: 0 })).toThrow(RangeError);
  });

  it('gives the curve k = 1 … maxK and makes no tensors', () => {
    const before = tf.memory().numTensors;
    const curve = pluralityCurve(0.6, 3, 41);
    expect(curve.map((c) => c.k)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(curve[4]!.exact).toBe(pluralityRight({ p: 0.6, wrong: 3, k: 5 }));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('simulateVotes', () => {
  it.each([
    [0.6, 1, 5], [0.4, 3, 9], [0.3, 2, 4], [0.55, 5, 20],
  ])('agrees with the exact value within its 95 %% interval (p = %d, m = %d, k = %d, 20,000 seeded trials)', (p, m, k) => {
    const exact = pluralityRight({ p, wrong: m, k });
    const sim = simulateVotes({ p, wrong: m, k }, 20_000, createRng(7, `votes-${p}-${m}-${k}`));
    expect(sim.outcomes).toHaveLength(20_000);
    expect(sim.low).toBeLessThanOrEqual(exact);
    expect(sim.high).toBeGreaterThanOrEqual(exact);
    expect(sim.high - sim.low).toBeLessThan(0.03);
  });

  it('is reproducible for a seed stream and differs for the next one', () => {
    const s = { p: 0.6, wrong: 3, k: 5 };
    const a = simulateVotes(s, 200, createRng(42, 'votes-0'));
    expect(simulateVotes(s, 200, createRng(42, 'votes-0')).outcomes).toEqual(a.outcomes);
    expect(simulateVotes(s, 200, createRng(42, 'votes-1')).outcomes).not.toEqual(a.outcomes);
    expect(a.share).toBe(a.outcomes.reduce((x, y) => x + y, 0) / 200);
  });

  it.each([[0, 10], [5, 10], [10, 10], [120, 200]])('brackets the share with the Wilson interval (%d of %d)', (w, n) => {
    const { low, high } = wilson(w, n);
    expect(low).toBeLessThanOrEqual(w / n);
    expect(high).toBeGreaterThanOrEqual(w / n);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
  });

  it('matches the textbook Wilson interval for 120 of 200 (0.531 … 0.665)', () => {
    const { low, high } = wilson(120, 200);
    expect(low).toBeCloseTo(0.5308, 3);
    expect(high).toBeCloseTo(0.6650, 3);
  });
});
