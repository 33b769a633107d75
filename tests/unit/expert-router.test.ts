import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  DEFAULT_ROUTER, DEFAULT_STEPS, DEFAULT_TOKENS, ExpertRouter, loadShares, makeTokens, presetParameters, switchAuxLoss,
  switchAuxLossTensor, topK, topKMask, toyParameters,
} from '../../components/models/expert-router';
import { formatCount } from '../../components/models/model-calculator';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS float64 reference: L_aux = E Σ f_i P_i with f from per-row argmax-k by repeated max scans. */
function referenceAux(probs: number[][], k: number): number {
  const E = probs[0]!.length;
  const counts = new Array<number>(E).fill(0);
  const P = new Array<number>(E).fill(0);
  for (const row of probs) {
    const taken = new Set<number>();
    for (let j = 0; j < k; j++) {
      let best = -1;
      for (let i = 0; i < E; i++) if (!taken.has(i) && (best < 0 || row[i]! > row[best]!)) best = i;
      taken.add(best);
      counts[best]!++;
    }
    row.forEach((p, i) => (P[i]! += p / probs.length));
  }
  let s = 0;
  for (let i = 0; i < E; i++) s += (counts[i]! / (probs.length * k)) * P[i]!;
  return E * s;
}

function randomProbs(n: number, E: number, seed: number): number[][] {
  const rng = createRng(seed, 'probs');
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: E }, () => Math.exp(2 * rng.normal()));
    const t = z.reduce((a, b) => a + b, 0);
    return z.map((v) => v / t);
  });
}

describe('expert-router', () => {
  it.each([2, 4, 8, 64, 256])('gives L_aux = 1 at uniform load (f = P = 1/E, E = %i)', (E) => {
    const u = new Array<number>(E).fill(1 / E);
    expect(switchAuxLoss(u, u)).toBeCloseTo(1, 12);
  });

  it('matches a hand case: E = 2, f = (3/4, 1/4), P = (0.6, 0.4) gives 2 · (0.45 + 0.1) = 1.1, in plain JS and as a tensor', () => {
    expect(switchAuxLoss([0.75, 0.25], [0.6, 0.4])).toBeCloseTo(1.1, 12);
    // four tokens, top-1: three pick expert 0, one expert 1; mean probabilities 0.6 and 0.4
    const probs = tf.tensor2d([[0.9, 0.1], [0.7, 0.3], [0.6, 0.4], [0.2, 0.8]]);
    const mask = topKMask(probs, 1);
    expect(Array.from(mask.dataSync())).toEqual([1, 0, 1, 0, 1, 0, 0, 1]);
    const aux = switchAuxLossTensor(probs, mask);
    expect(aux.dataSync()[0]).toBeCloseTo(1.1, 6);
    tf.dispose([probs, mask, aux]);
  });

  it.each([{ k: 1, seed: 1 }, { k: 2, seed: 2 }, { k: 3, seed: 3 }])('agrees with a float64 reference on random routing (k = $k)', ({ k, seed }) => {
    const p = randomProbs(50, 8, seed);
    const probs = tf.tensor2d(p);
    const mask = topKMask(probs, k);
    const aux = switchAuxLossTensor(probs, mask);
    expect(aux.dataSync()[0]).toBeCloseTo(referenceAux(p, k), 5);
    const flat = p.flat();
    const choices = topK(flat, 50, 8, k);
    const f = loadShares(choices, 8);
    const P = Array.from({ length: 8 }, (_, i) => p.reduce((s, r) => s + r[i]!, 0) / 50);
    expect(switchAuxLoss(f, P)).toBeCloseTo(referenceAux(p, k), 12);
    tf.dispose([probs, mask, aux]);
  });

  it.each([1, 2, 4])('routes each token to its k largest router probabilities (k = %i)', (k) => {
    const p = randomProbs(40, 8, 10 + k);
    const flat = p.flat();
    const choices = topK(flat, 40, 8, k);
    const probs = tf.tensor2d(p);
    const mask = topKMask(probs, k).arraySync();
    p.forEach((row, r) => {
      const chosen = Array.from(choices.slice(r * k, (r + 1) * k));
      expect(new Set(chosen).size).toBe(k);
      const rest = row.filter((_, i) => !chosen.includes(i));
      expect(Math.min(...chosen.map((i) => row[i]!))).toBeGreaterThanOrEqual(Math.max(...rest));
      expect(mask[r]!.map((v, i) => (v ? i : -1)).filter((i) => i >= 0).sort()).toEqual([...chosen].sort());
    });
    probs.dispose();
  });

  it('gives Mixtral 8×7B 46.7 B total and 12.9 B active parameters through the shared calculator', () => {
    const m = presetParameters('mixtral-8x7b');
    expect(formatCount(m.total)).toBe('46.7 B');
    expect(formatCount(m.active)).toBe('12.9 B');
    expect([m.experts, m.activeExperts]).toEqual([8, 2]);
    expect(toyParameters(8, 2)).toEqual({ total: 48, active: 30 });
  });

  it('evens the load out with L_aux and collapses it onto few experts without (seed 42, 100 steps), leaking no tensors', () => {
    const before = tf.memory().numTensors;
    const tokens = makeTokens(DEFAULT_TOKENS.n, DEFAULT_TOKENS.clusters, DEFAULT_TOKENS.spread, createRng(42, 'tokens'));
    const runs = [0, DEFAULT_ROUTER.auxWeight].map((auxWeight) => {
      const r = new ExpertRouter(tokens, { ...DEFAULT_ROUTER, auxWeight }, createRng(42, 'router'));
      r.advance(DEFAULT_STEPS, 25);
      const last = r.history.at(-1)!;
      r.dispose();
      return last;
    });
    const [off, on] = runs as [typeof runs[0], typeof runs[0]];
    for (const s of runs) expect(s.load.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(on.used).toBe(8);
    expect(on.aux).toBeLessThan(1.15);
    expect(off.used).toBeLessThanOrEqual(5);
    expect(off.aux).toBeGreaterThan(1.5);
    expect(Math.max(...off.load)).toBeGreaterThan(0.2);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
