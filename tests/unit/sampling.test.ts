import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decode, entropy, filterDistribution, rankOrder, renormalise, sampleMany, topKMask, topPMask,
} from '../../components/models/sampling.js';
import { createRng } from '../../components/runtime/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// ---------------------------------------------------------------------------
// An independent reference, written the slow and obvious way.

function refSoftmax(z: number[], t: number): number[] {
  if (t === 0) {
    const m = Math.max(...z);
    const ties = z.filter((v) => v === m).length;
    return z.map((v) => (v === m ? 1 / ties : 0));
  }
  const e = z.map((v) => Math.exp(v / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Top-k by picking the current best k times (first index wins ties). */
function refTopK(p: number[], k: number): Set<number> {
  if (k <= 0 || k >= p.length) return new Set(p.keys());
  const chosen = new Set<number>();
  while (chosen.size < k) {
    let best = -1;
    p.forEach((v, i) => { if (!chosen.has(i) && (best < 0 || v > p[best]!)) best = i; });
    chosen.add(best);
  }
  return chosen;
}

/** Top-p by brute force: the smallest subset with mass ≥ p; among those, the heaviest. */
function refTopP(p: number[], topP: number): Set<number> {
  if (topP >= 1) return new Set(p.keys());
  const total = p.reduce((a, b) => a + b, 0);
  let best: number[] | null = null;
  let bestMass = -1;
  for (let mask = 1; mask < 1 << p.length; mask++) {
    const members = [...p.keys()].filter((i) => mask & (1 << i));
    const mass = members.reduce((a, i) => a + p[i]!, 0);
    if (mass < topP * total - 1e-9) continue;
    if (!best || members.length < best.length || (members.length === best.length && mass > bestMass)) {
      best = members;
      bestMass = mass;
    }
  }
  return new Set(best!);
}

function refPipeline(z: number[], t: number, k: number, topP: number) {
  const tempered = refSoftmax(z, t);
  const kSet = refTopK(tempered, k);
  const kMass = [...kSet].reduce((a, i) => a + tempered[i]!, 0);
  const afterK = tempered.map((v, i) => (kSet.has(i) ? v / kMass : 0));
  const pSet = refTopP(afterK, topP);
  const kept = tempered.map((v, i) => kSet.has(i) && pSet.has(i) && v > 0);
  const mass = tempered.reduce((a, v, i) => a + (kept[i] ? v : 0), 0);
  return { kept, probabilities: tempered.map((v, i) => (kept[i] ? v / mass : 0)) };
}

// The seed deck's menu after "I love to eat": six named words, then six more
// sharing the remaining 0.09 equally.
const MENU = ['pizza', 'pasta', 'shoes', 'clouds', 'dreams', 'hope', 'w7', 'w8', 'w9', 'w10', 'w11', 'w12'];
const MENU_P = [0.4, 0.3, 0.1, 0.05, 0.04, 0.02, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015];

describe('sampling pipeline (temperature → top-k → top-p → renormalise)', () => {
  it('matches the brute-force reference on 150 random cases', async () => {
    const rng = createRng(7, 'sampling-cases');
    for (let c = 0; c < 150; c++) {
      const v = 2 + rng.int(7); // 2..8 tokens: brute force stays cheap
      const z = Array.from({ length: v }, () => rng.normal() * 2);
      const t = [0, 0.3, 0.7, 1, 1.5, 3][rng.int(6)]!;
      const k = rng.int(v + 2); // 0 = off, ≥ v = off
      const p = [1, 0.95, 0.9, 0.75, 0.5, 0.2, 0.01][rng.int(7)]!;
      const got = await decode(z, { temperature: t, topK: k, topP: p });
      const want = refPipeline(z, t, k, p);
      expect(got.kept, JSON.stringify({ z, t, k, p })).toEqual(want.kept);
      got.probabilities.forEach((q, i) => expect(q).toBeCloseTo(want.probabilities[i]!, 5));
      expect(got.keptCount).toBe(want.kept.filter(Boolean).length);
    }
  });

  it('keeps pizza … hope for top-p = 0.9 in the seed deck example (0.91 ≥ 0.9, 0.89 is not)', () => {
    const r = filterDistribution(MENU_P, { topP: 0.9 });
    expect(MENU.filter((_, i) => r.kept[i])).toEqual(['pizza', 'pasta', 'shoes', 'clouds', 'dreams', 'hope']);
    expect(r.keptMass).toBeCloseTo(0.91, 10);
    expect(r.probabilities[0]).toBeCloseTo(0.4 / 0.91, 10);
    expect(r.probabilities[5]).toBeCloseTo(0.02 / 0.91, 10);
    expect(r.probabilities.slice(6)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('renormalises top-3 of pizza 0.4, pasta 0.3, shoes 0.1 to 0.50, 0.375, 0.125', () => {
    const r = filterDistribution(MENU_P, { topK: 3 });
    expect(r.probabilities.slice(0, 3).map((v) => +v.toFixed(6))).toEqual([0.5, 0.375, 0.125]);
    expect(r.keptCount).toBe(3);
    expect(r.probabilities.slice(3).every((v) => v === 0)).toBe(true);
  });

  it('gives the corrected softmax values for logits 2, 1, 0.5, 0.1 at T = 1 and T = 2', async () => {
    const t1 = await decode([2, 1, 0.5, 0.1], { temperature: 1 });
    const t2 = await decode([2, 1, 0.5, 0.1], { temperature: 2 });
    expect(t1.probabilities.map((v) => +v.toFixed(2))).toEqual([0.57, 0.21, 0.13, 0.09]);
    expect(t2.probabilities.map((v) => +v.toFixed(2))).toEqual([0.41, 0.25, 0.19, 0.16]);
  });

  it('sums to 1 and zeroes exactly the removed tokens', async () => {
    const rng = createRng(11, 'invariants');
    for (let c = 0; c < 60; c++) {
      const z = Array.from({ length: 20 }, () => rng.normal() * 3);
      const r = await decode(z, { temperature: 0.2 + rng.next() * 2, topK: rng.int(25), topP: 0.05 + rng.next() });
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      r.probabilities.forEach((q, i) => (r.kept[i] ? expect(q).toBeGreaterThan(0) : expect(q).toBe(0)));
    }
  });

  it('keeps a minimal set for top-p: dropping its least likely member falls below p', () => {
    const rng = createRng(12, 'minimal');
    for (let c = 0; c < 100; c++) {
      const p = renormalise(Array.from({ length: 16 }, () => rng.next() ** 3), new Array(16).fill(true));
      const topP = 0.01 + 0.98 * rng.next();
      const mask = topPMask(p, topP);
      const kept = p.filter((_, i) => mask[i]);
      const mass = kept.reduce((a, b) => a + b, 0);
      expect(mass).toBeGreaterThanOrEqual(topP - 1e-9);
      expect(mass - Math.min(...kept)).toBeLessThan(topP);
      // and it is a prefix of the ranking: nothing dropped beats anything kept
      const dropped = p.filter((_, i) => !mask[i]);
      if (dropped.length) expect(Math.max(...dropped)).toBeLessThanOrEqual(Math.min(...kept));
    }
  });

  it.each([
    ['T = 0', { temperature: 0 }],
    ['T = 0 with top-p 0.99', { temperature: 0, topP: 0.99 }],
    ['top-k = 1 at T = 3', { temperature: 3, topK: 1 }],
    ['top-p = 0.01 at T = 1', { temperature: 1, topP: 0.01 }],
  ])('collapses to the argmax with %s', async (_name, opts) => {
    const r = await decode([0.3, 2.5, -1, 2.4, 0], opts);
    expect(r.probabilities).toEqual([0, 1, 0, 0, 0]);
    expect(r.keptCount).toBe(1);
  });

  it('treats top-k 0, top-k ≥ V and top-p 1 as "off"', () => {
    const p = [0.5, 0.2, 0.2, 0.1];
    for (const opts of [{ topK: 0 }, { topK: 4 }, { topK: 99 }, { topP: 1 }, {}]) {
      const r = filterDistribution(p, opts);
      expect(r.keptCount).toBe(4);
      r.probabilities.forEach((q, i) => expect(q).toBeCloseTo(p[i]!, 12));
    }
  });

  it('ranks ties by index so the result never depends on sort order', () => {
    expect(rankOrder([0.25, 0.25, 0.5, 0])).toEqual([2, 0, 1, 3]);
    expect(topKMask([0.25, 0.25, 0.25, 0.25], 2)).toEqual([true, true, false, false]);
  });
});

describe('entropy', () => {
  it.each([
    ['uniform over 8', new Array(8).fill(1 / 8), Math.log(8), 3, 8],
    ['one-hot', [0, 1, 0], 0, 0, 1],
    ['½, ¼, ¼', [0.5, 0.25, 0.25], 1.5 * Math.LN2, 1.5, 2 ** 1.5],
  ])('of %s is right in nats, bits and effective choices', (_n, p, nats, bits, choices) => {
    const e = entropy(p);
    expect(e.nats).toBeCloseTo(nats, 10);
    expect(e.bits).toBeCloseTo(bits, 10);
    expect(e.effectiveChoices).toBeCloseTo(choices, 10);
  });

  it('falls as the temperature falls (logits 2, 1, 0.5, 0.1)', async () => {
    const values = [];
    for (const t of [3, 2, 1, 0.5, 0.1]) values.push(entropy((await decode([2, 1, 0.5, 0.1], { temperature: t })).probabilities).nats);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]!);
  });
});

describe('sampleMany', () => {
  it('is reproducible for a seed and different across seeds', () => {
    const p = [0.5, 0.3, 0.2];
    expect(sampleMany(p, 50, createRng(1, 's')).draws).toEqual(sampleMany(p, 50, createRng(1, 's')).draws);
    expect(sampleMany(p, 50, createRng(1, 's')).draws).not.toEqual(sampleMany(p, 50, createRng(2, 's')).draws);
  });

  it('never draws a removed token', () => {
    const r = filterDistribution(MENU_P, { topK: 3 });
    const { counts } = sampleMany(r.probabilities, 5000, createRng(3, 's'));
    expect(counts.slice(3).every((c) => c === 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('lands within 4 standard errors of each probability over 20,000 draws', () => {
    const p = [0.5, 0.375, 0.125, 0, 0];
    const n = 20000;
    const { counts } = sampleMany(p, n, createRng(4, 's'));
    p.forEach((q, i) => expect(Math.abs(counts[i]! / n - q)).toBeLessThanOrEqual(4 * Math.sqrt((q * (1 - q)) / n) + 1e-12));
  });

  it('refuses a distribution with no mass', () => {
    expect(() => sampleMany([0, 0], 3, createRng(1))).toThrow(/no mass/);
  });
});
