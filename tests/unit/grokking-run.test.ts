import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GROKKING, fourierPower, GROKKED_SNAPSHOT, GrokkingRun, splitPairs, topShare } from '../../components/models/grokking-run';
import { createRng } from '../../components/runtime/rng';

// The demo's backend (WebAssembly): the CPU backend takes minutes for these runs.
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

/** Plain float64 DFT power of each column summed, k = 1 … (p−1)/2. */
function dftPower(rows: number[][]): number[] {
  const p = rows.length;
  const out: number[] = [];
  for (let k = 1; k <= (p - 1) / 2; k++) {
    let total = 0;
    for (let j = 0; j < rows[0]!.length; j++) {
      let re = 0;
      let im = 0;
      for (let x = 0; x < p; x++) {
        re += rows[x]![j]! * Math.cos((2 * Math.PI * k * x) / p);
        im -= rows[x]![j]! * Math.sin((2 * Math.PI * k * x) / p);
      }
      total += re * re + im * im;
    }
    out.push(total);
  }
  return out;
}

describe('splitPairs', () => {
  it('splits all p² pairs into disjoint train and test sets by the seed', () => {
    const { train, test } = splitPairs(47, 0.5, createRng(42, 'grok'));
    expect(train.length).toBe(Math.round(0.5 * 47 * 47));
    expect(train.length + test.length).toBe(47 * 47);
    expect(new Set([...train, ...test].map(([a, b]) => a * 47 + b)).size).toBe(47 * 47);
    expect(splitPairs(47, 0.5, createRng(42, 'grok')).train).toEqual(train);
    expect(splitPairs(47, 0.5, createRng(43, 'grok')).train).not.toEqual(train);
  });
});

describe('fourierPower', () => {
  it('equals a plain float64 DFT of the embedding columns', () => {
    const rng = createRng(1, 'e');
    const rows = Array.from({ length: 13 }, () => Array.from({ length: 5 }, () => rng.normal()));
    const t = tf.tensor2d(rows);
    const got = Array.from(fourierPower(t).dataSync());
    t.dispose();
    const want = dftPower(rows);
    got.forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(1e-4 * (1 + want[k]!)));
  });

  it('puts a pure cosine of frequency 3 all on k = 3', () => {
    const rows = Array.from({ length: 11 }, (_, x) => [Math.cos((2 * Math.PI * 3 * x) / 11), Math.sin((2 * Math.PI * 3 * x) / 11)]);
    const t = tf.tensor2d(rows);
    const power = Array.from(fourierPower(t).dataSync());
    t.dispose();
    expect(topShare(power, 1)).toBeGreaterThan(0.9999);
    expect(power.indexOf(Math.max(...power))).toBe(2); // k = 3
  });
});

describe('GrokkingRun (p = 47, half the pairs, full-batch AdamW)', () => {
  /** Trains `max` steps of the default run with weight decay λ; returns the history and the top-3 spectrum share before and after. */
  async function train(weightDecay: number, max: number) {
    const before = tf.memory().numTensors;
    const run = new GrokkingRun({ ...DEFAULT_GROKKING, weightDecay }, createRng(42, 'grok'));
    const initShare = topShare(await run.spectrum(), 3);
    while (run.step < max) await run.advance(50, 25);
    const share = topShare(await run.spectrum(), 3);
    const history = [...run.history];
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return { history, initShare, share };
  }

  it('with weight decay 1: fits the training pairs first, then test accuracy passes 95 %, and the embedding spectrum concentrates', async () => {
    const { history, initShare, share } = await train(1, 700);
    const fitted = history.find((h) => h.trainAcc === 1)!;
    const general = history.find((h) => h.testAcc > 0.95)!;
    expect(fitted).toBeDefined();
    expect(general).toBeDefined();
    expect(general.step).toBeGreaterThan(fitted.step);
    // At the moment the training set is fitted the network has memorised, not generalised.
    expect(fitted.testAcc).toBeLessThan(0.2);
    // A few frequencies hold most of the embedding's power; at initialisation they did not.
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeGreaterThan(2 * initShare);
    // This is the run the element shows on first screen and in print: it reproduces the recorded snapshot.
    expect(GROKKED_SNAPSHOT.config).toEqual(DEFAULT_GROKKING);
    expect([GROKKED_SNAPSHOT.seed, GROKKED_SNAPSHOT.stream]).toEqual([42, 'grok']);
    expect(history.map((h) => h.step)).toEqual(GROKKED_SNAPSHOT.history.map((g) => g[0]));
    history.forEach((h, i) => {
      expect(Math.abs(h.trainAcc - GROKKED_SNAPSHOT.history[i]![1])).toBeLessThan(0.02);
      expect(Math.abs(h.testAcc - GROKKED_SNAPSHOT.history[i]![2])).toBeLessThan(0.02);
    });
    expect(topShare(GROKKED_SNAPSHOT.spectrum, 3)).toBeGreaterThan(0.5);
  }, 180_000);

  it('with weight decay 0: fits the training pairs and stays near chance (1/47 ≈ 2 %) on the rest for 200 more steps', async () => {
    const { history } = await train(0, 400);
    const fitted = history.findIndex((h) => h.trainAcc === 1);
    expect(fitted).toBeGreaterThanOrEqual(0);
    for (const h of history.slice(fitted)) expect(h.testAcc).toBeLessThan(0.06);
    expect(history.at(-1)!.step).toBe(400);
  }, 180_000);

});
