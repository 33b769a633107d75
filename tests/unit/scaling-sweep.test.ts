import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NAMES_EN } from '../../components/data/names';
import { parseCorpus, type Corpus } from '../../components/models/corpus';
import { buildDatasets } from '../../components/models/mlp-data';
import { MlpModel, initWeights, type MlpShape } from '../../components/models/mlp';
import {
  DEFAULT_SWEEP, SWEEP_SNAPSHOT, SweepRun, fitOrNull, fitPowerLaw, isMonotone, nonEmbeddingParams, powerLaw, snapshotPoints,
  type SweepConfig,
} from '../../components/models/scaling-sweep';
import { patchWasmKernels } from '../../components/runtime/wasm-kernels';
import { createRng } from '../../components/runtime/rng';

// The demo's backend (WebAssembly, with the runtime's kernel fixes): the recorded sweep was trained on it.
beforeAll(async () => {
  patchWasmKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});

const names = parseCorpus(NAMES_EN.join('\n'));
const tiny = parseCorpus(['abba', 'cab', 'bac', 'ca', 'ab', 'bb', 'aca', 'cc', 'ba', 'abc', 'bca', 'acab', 'cabb', 'b', 'aa', 'cbc', 'bab', 'ccab', 'abcb', 'caca'].join('\n'));
const SIZES = [143, 375, 1071, 3159, 9423];
/** Nine sizes over 2.4 decades. */
const NINE = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600];

/** Residual sum of squares of a·N^(−b) + c against the losses. */
const rssOf = (n: readonly number[], y: readonly number[], a: number, b: number, c: number) =>
  n.reduce((s, v, i) => s + (a * v ** -b + c - y[i]!) ** 2, 0);

/**
 * Independent reference for the fit: a brute-force grid over (b, L∞) with a
 * from its own one-variable least squares, a = Σ x(y − c) / Σ x², then a
 * finer grid around the best cell. Different parametrisation, no search
 * tricks shared with fitPowerLaw.
 */
function referenceFit(n: readonly number[], y: readonly number[]) {
  let best = { a: 0, b: 0, c: 0, rss: Infinity };
  const scan = (bLo: number, bHi: number, cLo: number, cHi: number, steps: number) => {
    for (let i = 0; i <= steps; i++) {
      const b = bLo + ((bHi - bLo) * i) / steps;
      if (b <= 0) continue;
      const x = n.map((v) => v ** -b);
      const xx = x.reduce((s, v) => s + v * v, 0);
      for (let j = 0; j <= steps; j++) {
        const c = cLo + ((cHi - cLo) * j) / steps;
        if (c < 0) continue;
        const a = x.reduce((s, v, k) => s + v * (y[k]! - c), 0) / xx;
        const rss = rssOf(n, y, a, b, c);
        if (rss < best.rss) best = { a, b, c, rss };
      }
    }
  };
  const minY = Math.min(...y);
  scan(0.01, 2, 0, minY, 400);
  for (const width of [0.02, 0.002, 0.0002]) {
    const { b, c } = best;
    scan(b - width, b + width, c - width, c + width, 200);
  }
  return best;
}

describe('nonEmbeddingParams', () => {
  it.each([
    { V: 27, C: 3, E: 10, H: 2, N: 143 },
    { V: 27, C: 3, E: 10, H: 162, N: 9423 },
    { V: 27, C: 3, E: 10, H: 200, N: 11627 },
    { V: 5, C: 2, E: 3, H: 4, N: 24 + 4 + 20 + 5 },
  ])('counts C·E·H + H + H·V + V = $N for V=$V, C=$C, E=$E, H=$H', ({ V, C, E, H, N }) => {
    expect(nonEmbeddingParams({ vocabSize: V, context: C, embedding: E, hidden: H })).toBe(N);
  });

  it('equals 58·H + 27 for the names corpus (V = 27) and the size of every tensor but the embedding of a real model', () => {
    expect(names.vocab.length).toBe(27);
    const data = buildDatasets(tiny, 3, 1);
    for (const hidden of [1, 2, 6, 18, 54]) {
      const shape: MlpShape = { vocabSize: 27, context: 3, embedding: 10, hidden };
      expect(nonEmbeddingParams(shape)).toBe(58 * hidden + 27);
      const model = new MlpModel({ vocab: tiny.vocab, context: 3, embedding: 10, hidden, seed: 1, learningRate: 0.1, batchSize: 4 }, data);
      const { w1, b1, w2, b2 } = model.params;
      expect(w1.size + b1.size + w2.size + b2.size).toBe(nonEmbeddingParams(model.shape));
      model.dispose();
    }
  });
});

describe('fitPowerLaw', () => {
  it.each([
    { a: 4.33, b: 0.486, lInf: 2.232 },
    { a: 50, b: 0.95, lInf: 2.27 },
    { a: 1.9, b: 0.076, lInf: 1.7 }, // Kaplan's exponent
    { a: 12, b: 1.5, lInf: 0.4 },
    { a: 3, b: 0.3, lInf: 0 }, // a pure power law: the floor at 0
  ])('recovers a=$a, b=$b, L∞=$lInf exactly from exact losses at five sizes', ({ a, b, lInf }) => {
    const loss = SIZES.map((n) => a * n ** -b + lInf);
    const fit = fitPowerLaw(SIZES, loss);
    expect(fit.b).toBeCloseTo(b, 6);
    expect(fit.lInf).toBeCloseTo(lInf, 6);
    expect(fit.a / a).toBeCloseTo(1, 5);
    expect(fit.rss).toBeLessThan(1e-16);
    for (const n of [100, 5000, 1e5]) expect(powerLaw(fit, n)).toBeCloseTo(a * n ** -b + lInf, 6);
  });

  it.each([
    { a: 4.33, b: 0.486, lInf: 2.232, sigma: 0.001, seed: 1 },
    { a: 4.33, b: 0.486, lInf: 2.232, sigma: 0.001, seed: 2 },
    { a: 50, b: 0.95, lInf: 2.27, sigma: 0.002, seed: 3 },
    { a: 12, b: 0.7, lInf: 0.8, sigma: 0.002, seed: 4 },
    { a: 4.33, b: 0.486, lInf: 2.232, sigma: 0.0003, seed: 5, sizes: SIZES }, // the demo's five sizes
  ])('with seeded noise σ=$sigma (seed $seed) finds the least-squares optimum of an independent grid search, near the truth', ({ a, b, lInf, sigma, seed, sizes = NINE }) => {
    const rng = createRng(seed, 'noise');
    const loss = sizes.map((n) => a * n ** -b + lInf + sigma * rng.normal());
    const fit = fitPowerLaw(sizes, loss);
    const ref = referenceFit(sizes, loss);
    // At least as good as the grid's best and as the true parameters; the same minimum.
    expect(fit.rss).toBeLessThanOrEqual(ref.rss + 1e-12);
    expect(fit.rss).toBeLessThanOrEqual(rssOf(sizes, loss, a, b, lInf));
    expect(fit.b).toBeCloseTo(ref.b, 3);
    expect(fit.lInf).toBeCloseTo(ref.c, 3);
    // Near the truth: at this noise the bend is identifiable from these sizes.
    expect(Math.abs(fit.b - b) / b).toBeLessThan(0.15);
    expect(Math.abs(fit.lInf - lInf)).toBeLessThan(0.02);
  });

  it('rejects fewer than three sizes, mismatched lengths, non-positive sizes and losses that rise with size', () => {
    expect(() => fitPowerLaw([1, 2], [3, 2])).toThrow(/three distinct sizes/);
    expect(() => fitPowerLaw([1, 1, 2], [3, 2, 1])).toThrow(/three distinct sizes/);
    expect(() => fitPowerLaw([1, 2, 3], [3, 2])).toThrow(/3 sizes but 2 losses/);
    expect(() => fitPowerLaw([0, 2, 3], [3, 2, 1])).toThrow(/positive/);
    expect(() => fitPowerLaw([10, 100, 1000], [2, 2.5, 3])).toThrow(/do not fall/);
    expect(fitOrNull(snapshotPoints(27).slice(0, 2))).toBeNull();
  });
});

describe('isMonotone', () => {
  it.each([
    { losses: [3, 2.5, 2.4], monotone: true },
    { losses: [3, 3, 2.4], monotone: false },
    { losses: [3, 2.5, 2.6], monotone: false },
  ])('is $monotone for $losses', ({ losses, monotone }) => {
    expect(isMonotone(losses)).toBe(monotone);
  });
});

/** One SGD step of the char MLP and the mean validation loss after it, in float64 loops (independent of tfjs). */
function referenceOneStep(corpus: Corpus, c: SweepConfig, hidden: number): number {
  const V = corpus.vocab.length;
  const { context: C, embedding: E, batchSize: B, learningRate: lr, seed } = c;
  const shape = { vocabSize: V, context: C, embedding: E, hidden };
  const w = initWeights(shape, seed);
  const emb = Array.from(w.emb);
  const w1 = Array.from(w.w1);
  const b1 = Array.from(w.b1);
  const w2 = Array.from(w.w2);
  const b2 = Array.from(w.b2);
  const data = buildDatasets(corpus, C, seed);
  const H = hidden;
  const forward = (x: ArrayLike<number>, row: number) => {
    const u: number[] = [];
    for (let k = 0; k < C; k++) for (let e = 0; e < E; e++) u.push(emb[x[row * C + k]! * E + e]!);
    const h = Array.from({ length: H }, (_, j) => {
      let z = b1[j]!;
      for (let i = 0; i < C * E; i++) z += u[i]! * w1[i * H + j]!;
      return Math.tanh(z);
    });
    const z = Array.from({ length: V }, (_, k) => {
      let s = b2[k]!;
      for (let j = 0; j < H; j++) s += h[j]! * w2[j * V + k]!;
      return s;
    });
    const max = Math.max(...z);
    const exp = z.map((v) => Math.exp(v - max));
    const sum = exp.reduce((s, v) => s + v, 0);
    return { u, h, p: exp.map((v) => v / sum) };
  };
  const rng = createRng(seed, 'batches');
  const rows = Array.from({ length: B }, () => rng.int(data.train.n));
  const g = { emb: emb.map(() => 0), w1: w1.map(() => 0), b1: b1.map(() => 0), w2: w2.map(() => 0), b2: b2.map(() => 0) };
  for (const r of rows) {
    const { u, h, p } = forward(data.train.x, r);
    const dz = p.map((v, k) => (v - (k === data.train.y[r] ? 1 : 0)) / B);
    const dh = h.map((_, j) => dz.reduce((s, d, k) => s + d * w2[j * V + k]!, 0));
    for (let j = 0; j < H; j++) for (let k = 0; k < V; k++) g.w2[j * V + k]! += h[j]! * dz[k]!;
    dz.forEach((d, k) => (g.b2[k]! += d));
    const da = dh.map((d, j) => d * (1 - h[j]! ** 2));
    for (let i = 0; i < C * E; i++) for (let j = 0; j < H; j++) g.w1[i * H + j]! += u[i]! * da[j]!;
    da.forEach((d, j) => (g.b1[j]! += d));
    for (let k = 0; k < C; k++) {
      for (let e = 0; e < E; e++) {
        let du = 0;
        for (let j = 0; j < H; j++) du += da[j]! * w1[(k * E + e) * H + j]!;
        g.emb[data.train.x[r * C + k]! * E + e]! += du;
      }
    }
  }
  const update = (p: number[], d: number[]) => p.forEach((_, i) => (p[i]! -= lr * d[i]!));
  update(emb, g.emb);
  update(w1, g.w1);
  update(b1, g.b1);
  update(w2, g.w2);
  update(b2, g.b2);
  let nll = 0;
  for (let r = 0; r < data.val.n; r++) nll -= Math.log(forward(data.val.x, r).p[data.val.y[r]!]!);
  return nll / data.val.n;
}

describe('SweepRun', () => {
  const small: SweepConfig = { ...DEFAULT_SWEEP, widths: [2, 4, 8], steps: 1, batchSize: 16, learningRate: 0.5, seed: 7 };

  it('gives each width the validation loss of one SGD step computed by a plain float64 loop', async () => {
    const run = new SweepRun(tiny, { ...small, context: 2, embedding: 3 });
    const points = await run.finish(1);
    expect(points.map((p) => p.hidden)).toEqual([2, 4, 8]);
    for (const p of points) expect(p.valLoss).toBeCloseTo(referenceOneStep(tiny, { ...small, context: 2, embedding: 3 }, p.hidden), 4);
    run.dispose();
  });

  it('trains one model at a time in chunks of any size to the same point, tracks progress and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const config = { ...small, steps: 40 };
    const whole = new SweepRun(names, config);
    const reference = await whole.finish(40);
    whole.dispose();
    const run = new SweepRun(names, config);
    expect(run.sizes).toEqual([2, 4, 8].map((h) => 58 * h + 27));
    expect(run.progress).toEqual({ index: 0, step: 0 });
    expect(await run.advance(15)).toBeNull();
    expect(run.progress).toEqual({ index: 0, step: 15 });
    expect(run.batchLoss).toBeGreaterThan(0);
    const during = tf.memory().numTensors;
    expect(during).toBeGreaterThan(before);
    expect(await run.advance(100)).toMatchObject({ hidden: 2, params: 143, totalParams: 143 + 270 }); // stops at the model's last step
    expect(run.progress).toEqual({ index: 1, step: 0 });
    expect(tf.memory().numTensors).toBe(before); // the finished model is disposed
    await run.finish(7);
    expect(run.done).toBe(true);
    expect(run.points.map((p) => p.valLoss)).toEqual(reference.map((p) => p.valLoss));
    expect(await run.advance(10)).toBeNull();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('truncates to the first k models, dropping a later model in training, and retrains it to the same point', async () => {
    const before = tf.memory().numTensors;
    const run = new SweepRun(names, { ...small, steps: 20 });
    await run.advance(20);
    await run.advance(20);
    const first = run.points.map((p) => p.valLoss);
    await run.advance(5); // the third model is training
    expect(run.progress).toEqual({ index: 2, step: 5 });
    run.truncate(3); // keeps it: it is one of the first three
    expect(run.progress).toEqual({ index: 2, step: 5 });
    run.truncate(1);
    expect(run.points).toHaveLength(1);
    expect(run.progress).toEqual({ index: 1, step: 0 });
    await run.advance(20);
    expect(run.points.map((p) => p.valLoss)).toEqual(first);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('SWEEP_SNAPSHOT', () => {
  it('is the default sweep retrained now: five falling losses that the fit bends towards L∞ below them', async () => {
    const before = tf.memory().numTensors;
    const run = new SweepRun(names, DEFAULT_SWEEP);
    const points = await run.finish(250);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    points.forEach((p, i) => expect(p.valLoss).toBeCloseTo(SWEEP_SNAPSHOT.valLoss[i]!, 4));
    const recorded = snapshotPoints(27);
    expect(recorded.map((p) => p.params)).toEqual(points.map((p) => p.params));
    expect(isMonotone(recorded.map((p) => p.valLoss))).toBe(true);
    const fit = fitOrNull(recorded)!;
    expect(fit.b).toBeCloseTo(0.486, 3);
    expect(fit.lInf).toBeCloseTo(2.232, 3);
    expect(fit.lInf).toBeLessThan(Math.min(...recorded.map((p) => p.valLoss)));
    // Bent, not straight: the fit with a floor beats a pure power law (L∞ = 0) by far.
    const x = recorded.map((p) => Math.log(p.params));
    const y = recorded.map((p) => Math.log(p.valLoss));
    const mx = x.reduce((s, v) => s + v, 0) / 5;
    const my = y.reduce((s, v) => s + v, 0) / 5;
    const slope = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const pure = recorded.reduce((s, p, i) => s + (Math.exp(my + slope * (x[i]! - mx)) - p.valLoss) ** 2, 0);
    expect(fit.rss * 10).toBeLessThan(pure);
  }, 240_000);
});
