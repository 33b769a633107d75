import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { bigramCount, parseCorpus, splitWords, type Corpus } from '../../components/models/corpus.js';
import { buildDatasets, buildExamples, type Examples } from '../../components/models/mlp-data.js';
import {
  MlpModel, bigramNll, crossEntropy, forward, initWeights, parameterCount, type MlpConfig, type MlpShape, type MlpWeights,
} from '../../components/models/mlp.js';
import { project2d } from '../../components/models/projection.js';
import { LiveTrainer, pushPoint, type Curve } from '../../components/models/mlp-live.js';
import { createRng } from '../../components/runtime/rng.js';

const makemore = parseCorpus(readFileSync('../shared/data/makemore-names.txt', 'utf8'));
const small = parseCorpus(makemore.words.slice(0, 3000).join('\n'));
const tiny = parseCorpus('abba\ncab\nbac\nca\nab\nbb\naca\ncc\nba\nabc');
const tinyShape = { context: 2, embedding: 3, hidden: 4 };

const config = (corpus: Corpus, over: Partial<MlpConfig> = {}): MlpConfig => ({
  vocab: corpus.vocab, context: 3, embedding: 10, hidden: 200, seed: 42, learningRate: 0.1, batchSize: 32, ...over,
});
const read = async (t: tf.Scalar) => {
  const v = (await t.data())[0];
  t.dispose();
  return v;
};

/** Independent reference: the forward pass and loss as plain float64 loops over the same weights. */
function referenceLogits(w: MlpWeights, s: MlpShape, window: ArrayLike<number>): number[] {
  const { vocabSize: V, context: C, embedding: E, hidden: H } = s;
  const input: number[] = [];
  for (let c = 0; c < C; c++) for (let e = 0; e < E; e++) input.push(w.emb[window[c] * E + e]);
  const h = Array.from({ length: H }, (_, j) => {
    let z = w.b1[j];
    for (let i = 0; i < C * E; i++) z += input[i] * w.w1[i * H + j];
    return Math.tanh(z);
  });
  return Array.from({ length: V }, (_, k) => {
    let z = w.b2[k];
    for (let j = 0; j < H; j++) z += h[j] * w.w2[j * V + k];
    return z;
  });
}

function referenceLoss(w: MlpWeights, s: MlpShape, ex: Examples): number {
  let total = 0;
  for (let r = 0; r < ex.n; r++) {
    const logits = referenceLogits(w, s, ex.x.subarray(r * s.context, (r + 1) * s.context));
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((a, z) => a + Math.exp(z - max), 0));
    total += lse - logits[ex.y[r]];
  }
  return total / ex.n;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => tf.disposeVariables());

describe('buildExamples', () => {
  it('slides a "."-padded window over each name and its closing "."', () => {
    const c = parseCorpus('ab');
    const ex = buildExamples(c, ['ab'], 3);
    expect(Array.from(ex.x)).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 2]);
    expect(Array.from(ex.y)).toEqual([1, 2, 0]);
  });

  it('makes one example per bigram in each split of makemore-names', () => {
    const data = buildDatasets(makemore, 3, 42);
    const words = splitWords(makemore.words, 42);
    expect(data.train.n).toBe(bigramCount(words.train));
    expect(data.train.n + data.val.n + data.test.n).toBe(228_146);
    expect(data.train.x.length).toBe(3 * data.train.n);
  });
});

describe('MlpModel shape and initialisation', () => {
  it('has 11,897 parameters for context 3, embedding 10, hidden 200, vocabulary 27', () => {
    expect(parameterCount({ vocabSize: 27, context: 3, embedding: 10, hidden: 200 })).toBe(11_897);
    const m = new MlpModel(config(small), buildDatasets(small, 3, 42));
    const sizes = Object.values(m.params).map((v) => v.size);
    expect(sizes).toEqual([270, 6000, 200, 5400, 27]);
    m.dispose();
  });

  it('starts near ln 27 ≈ 3.30 on makemore-names (makemore reports about 3.32)', async () => {
    const m = new MlpModel(config(makemore), buildDatasets(makemore, 3, 42));
    const loss = await read(m.evaluate('train', 20_000));
    m.dispose();
    expect(Math.abs(loss - 3.3)).toBeLessThan(0.15);
  });

  it('draws the same weights for the same seed and different ones for another', () => {
    const s = { vocabSize: 27, ...tinyShape };
    expect(initWeights(s, 1)).toEqual(initWeights(s, 1));
    expect(initWeights(s, 1).w1).not.toEqual(initWeights(s, 2).w1);
  });
});

describe('MlpModel forward and gradient', () => {
  const shape = { vocabSize: tiny.vocab.length, ...tinyShape };

  it.each(['gather', 'onehot'] as const)('matches a plain-JS forward pass on a tiny model (lookup by %s)', async (lookup) => {
    const m = new MlpModel(config(tiny, { ...tinyShape, lookup }), buildDatasets(tiny, 2, 1));
    const w = await m.weights();
    const ex = buildExamples(tiny, tiny.words, 2);
    const logits = tf.tidy(() => m.logits(tf.tensor2d(ex.x, [ex.n, 2], 'int32')));
    const got = await logits.array();
    logits.dispose();
    for (let r = 0; r < ex.n; r++) {
      const want = referenceLogits(w, shape, ex.x.subarray(2 * r, 2 * r + 2));
      want.forEach((z, k) => expect(got[r][k]).toBeCloseTo(z, 5));
    }
    expect(await read(tf.tidy(() => crossEntropy(forward(m.params, tf.tensor2d(ex.x, [ex.n, 2], 'int32'), lookup), tf.tensor1d(ex.y, 'int32')))))
      .toBeCloseTo(referenceLoss(w, shape, ex), 5);
    m.dispose();
  });

  it('evaluates a whole split in chunks to the same mean as the reference', async () => {
    const data = buildDatasets(small, 3, 42);
    expect(data.train.n).toBeGreaterThan(2 * 8192); // several chunks
    const m = new MlpModel(config(small, { hidden: 8, embedding: 4 }), data);
    (await m.trainSteps(20)).dispose();
    const w = await m.weights();
    const s = { vocabSize: 27, context: 3, embedding: 4, hidden: 8 };
    expect(await read(m.evaluate('train'))).toBeCloseTo(referenceLoss(w, s, data.train), 4);
    const prefix = { ...data.val, n: 100, x: data.val.x.subarray(0, 300), y: data.val.y.subarray(0, 100) };
    expect(await read(m.evaluate('val', 100))).toBeCloseTo(referenceLoss(w, s, prefix), 4);
    m.dispose();
  });

  it.each([
    ['emb', 3, 'gather'], ['emb', 3, 'onehot'], ['w1', 7, 'gather'], ['b1', 2, 'gather'], ['w2', 5, 'onehot'], ['b2', 1, 'gather'],
  ] as const)('gives the finite-difference gradient for %s[%d] (lookup by %s)', async (name, index, lookup) => {
    // A few big steps first: at initialisation W2 is tiny (×0.01), so the
    // gradients reaching the embeddings are too small to check meaningfully.
    const m = new MlpModel(config(tiny, { ...tinyShape, seed: 3, learningRate: 1, batchSize: 8, lookup }), buildDatasets(tiny, 2, 1));
    (await m.trainSteps(30)).dispose();
    const ex = buildExamples(tiny, tiny.words, 2);
    const w = await m.weights();
    const { grads, value } = tf.variableGrads(() =>
      crossEntropy(m.logits(tf.tensor2d(ex.x, [ex.n, 2], 'int32')), tf.tensor1d(ex.y, 'int32')));
    const analytic = (await grads[m.params[name].name].data())[index];
    tf.dispose([value, ...Object.values(grads)]);
    const eps = 1e-5;
    const at = (delta: number) => {
      const copy = { ...w, [name]: Float64Array.from(w[name]) } as unknown as MlpWeights;
      (copy[name] as unknown as Float64Array)[index] += delta;
      return referenceLoss(copy, shape, ex);
    };
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    expect(Math.abs(numeric)).toBeGreaterThan(1e-3); // a parameter that actually matters
    expect(Math.abs(analytic - numeric)).toBeLessThan(1e-3 * Math.abs(numeric) + 1e-6);
    m.dispose();
  });
});

describe('MlpModel training', () => {
  it('lowers the loss clearly within 300 steps on a 3,000-name subset', async () => {
    const m = new MlpModel(config(small, { hidden: 64 }), buildDatasets(small, 3, 42));
    const before = await read(m.evaluate('val'));
    const last = await read(m.trainSteps(300));
    const after = await read(m.evaluate('val'));
    expect(m.stepCount).toBe(300);
    expect(after).toBeLessThan(before - 0.5);
    expect(last).toBeLessThan(before);
    m.dispose();
  });

  it('is reproducible: same seed, same loss after 40 steps', async () => {
    const run = async (seed: number) => {
      const m = new MlpModel(config(small, { hidden: 32, seed }), buildDatasets(small, 3, seed));
      const loss = await read(m.trainSteps(40));
      m.dispose();
      return loss;
    };
    const a = await run(5);
    expect(await run(5)).toBe(a);
    expect(await run(6)).not.toBe(a);
  });

  it('uses the learning rate it is given (0 leaves the weights alone)', async () => {
    const m = new MlpModel(config(tiny, { ...tinyShape, learningRate: 0 }), buildDatasets(tiny, 2, 1));
    const before = await m.weights();
    (await m.trainSteps(5)).dispose();
    expect(await m.weights()).toEqual(before);
    m.learningRate = 0.5;
    (await m.trainSteps(1)).dispose();
    expect((await m.weights()).w2).not.toEqual(before.w2);
    m.dispose();
  });

  it('returns to the tensor count it started from after dispose', async () => {
    const baseline = tf.memory().numTensors;
    const m = new MlpModel(config(small, { hidden: 16 }), buildDatasets(small, 3, 1));
    (await m.trainSteps(3)).dispose();
    m.evaluate('val', 100).dispose();
    await m.sampleAsync(3, 1, createRng(1));
    m.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe('MlpModel.sample', () => {
  it('draws reproducible names over the vocabulary, the same sync and async', async () => {
    const m = new MlpModel(config(small, { hidden: 32 }), buildDatasets(small, 3, 42));
    (await m.trainSteps(100)).dispose();
    const a = m.sample(20, 1, createRng(9, 'sample'));
    expect(await m.sampleAsync(20, 1, createRng(9, 'sample'))).toEqual(a);
    expect(a.every((n) => /^[a-z]{0,30}$/.test(n))).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(10);
    m.dispose();
  });

  it('is greedy at temperature 0: every name the same', () => {
    const m = new MlpModel(config(tiny, tinyShape), buildDatasets(tiny, 2, 1));
    const names = m.sample(5, 0, createRng(1));
    expect(new Set(names).size).toBe(1);
    m.dispose();
  });
});

describe('project2d', () => {
  it('returns 2-D vectors as they are', () => {
    expect(project2d([1, 2, 3, 4], 2, 2).points).toEqual([[1, 2], [3, 4]]);
  });

  it('finds the principal axes of wider vectors and keeps their signs stable', () => {
    const rng = createRng(4);
    // Points spread 10 along (1,1,0)/√2 and 1 along z, almost nothing along (1,−1,0)/√2.
    const data: number[] = [];
    for (let i = 0; i < 200; i++) {
      const a = rng.normal() * 10;
      const b = rng.normal();
      const c = rng.normal() * 0.01;
      data.push((a + c) / Math.SQRT2, (a - c) / Math.SQRT2, b);
    }
    const p = project2d(data, 200, 3);
    expect(Math.abs(p.axes[0][0])).toBeCloseTo(Math.SQRT1_2, 3);
    expect(Math.abs(p.axes[1][2])).toBeCloseTo(1, 3);
    expect(p.explained).toBeGreaterThan(0.999);
    const flipped = project2d(data, 200, 3, p.axes.map((a) => a.map((x) => -x)));
    expect(flipped.points[0][0]).toBeCloseTo(-p.points[0][0], 9);
  });
});

describe('LiveTrainer', () => {
  const live = (seed = 1) => new LiveTrainer(
    new MlpModel(config(small, { hidden: 32, seed }), buildDatasets(small, 3, seed)),
    { sampleCount: 4, temperature: 1, rng: createRng(seed, 'live'), valLimit: 500, valEveryMs: 0 },
  );

  it('runs several steps in a frame and reads loss, validation and embedding back together', async () => {
    const t = live();
    const f = await t.frame(1e9, 5);
    expect(f.steps).toBe(5);
    expect(t.model.stepCount).toBe(5);
    expect(f.trainLoss).toBeGreaterThan(2.5);
    expect(f.valLoss).toBeGreaterThan(2.5);
    expect(f.embedding).toEqual((await t.model.weights()).emb);
    t.dispose();
  });

  it('fills a frame with as many steps as its time box allows, and adapts the step cap to the frame time', async () => {
    let clock = 0;
    const t = new LiveTrainer(new MlpModel(config(small, { hidden: 8 }), buildDatasets(small, 3, 1)),
      { sampleCount: 2, temperature: 1, rng: createRng(1), valLimit: 100, valEveryMs: 1e9, now: () => (clock += 1) });
    // Each clock read (one per step) advances 1 ms: a 12 ms box holds 12 steps.
    const f = await t.frame(12, 1000);
    expect(f.steps).toBe(12);
    // Cap-limited frames that finish early raise the cap; slow ones lower it.
    t.stepsPerFrame = 2;
    await t.frame(1e9, 2);
    expect(t.stepsPerFrame).toBeGreaterThan(2);
    const before = t.stepsPerFrame;
    await t.frame(0.5, before);
    expect(t.stepsPerFrame).toBeLessThan(before);
    t.dispose();
  });

  it('finishes a batch of sampled names within 30 frames and leaks no tensors per frame', async () => {
    const t = live();
    await t.frame(1e9, 1);
    const baseline = tf.memory().numTensors;
    let names: string[] | null = null;
    for (let i = 0; i < 30 && !names; i++) {
      names = (await t.frame(1e9, 2, false)).names;
      expect(tf.memory().numTensors).toBeLessThanOrEqual(baseline);
    }
    expect(names).toHaveLength(4);
    t.dispose();
  });

  it('advances the sampler only as often as sampleEveryMs allows', async () => {
    let clock = 0;
    const t = new LiveTrainer(new MlpModel(config(small, { hidden: 8 }), buildDatasets(small, 3, 1)),
      { sampleCount: 2, temperature: 1, rng: createRng(1), valLimit: 100, valEveryMs: 1e9, sampleEveryMs: 1e6, now: () => (clock += 1) });
    await t.frame(1e9, 1); // the first frame samples
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 35; i++) expect((await t.frame(1e9, 1)).names).toBeNull();
    expect(tf.memory().numTensors).toBe(baseline);
    clock += 2e6;
    let names: string[] | null = null;
    for (let i = 0; i < 31 && !names; i++, clock += 2e6) names = (await t.frame(1e9, 1)).names;
    expect(names).toHaveLength(2);
    t.dispose();
  });

  it('trains a given number of steps and reports whole-split losses', async () => {
    const t = live(3);
    const seen: number[] = [];
    const r = await t.run(120, { chunk: 50, onChunk: (step) => seen.push(step) });
    expect(seen).toEqual([50, 100, 120]);
    expect(r.valLoss).toBeCloseTo(await read(t.model.evaluate('val')), 5);
    expect(r.trainLoss).toBeLessThan(3.2);
    t.dispose();
  });

  it('keeps curves bounded by thinning old points', () => {
    let c: Curve = [];
    for (let i = 0; i < 1500; i++) c = pushPoint(c, [i, 1]);
    expect(c.length).toBeLessThanOrEqual(600);
    expect(c.at(-1)).toEqual([1499, 1]);
    expect(c.map((p) => p[0])).toEqual([...c.map((p) => p[0])].sort((a, b) => a - b));
  });
});

describe('bigramNll (the counting baseline on the MLP loss chart)', () => {
  it('equals the bigram table\'s NLL (tensor counts) when it is fitted and scored on the same names, unsmoothed', async () => {
    const { BigramModel } = await import('../../components/models/bigram.js');
    for (const corpus of [tiny, small]) {
      const model = new BigramModel(corpus);
      const table = await model.table(0);
      model.dispose();
      expect(bigramNll(corpus, corpus.words, corpus.words, 0)).toBeCloseTo(table.nll, 4);
    }
  });

  it('matches a hand count on a two-name corpus with add-one smoothing', () => {
    // "ab", "b": pairs .a ab b. | .b b. ; vocabulary ". a b" (V = 3).
    const c = parseCorpus('ab\nb');
    // Rows with +1: '.' → (. 1, a 2, b 2)/5; 'a' → (. 1, a 1, b 2)/4; 'b' → (. 3, a 1, b 1)/5.
    const expected = -(Math.log(2 / 5) + Math.log(2 / 4) + Math.log(3 / 5) + Math.log(2 / 5) + Math.log(3 / 5)) / 5;
    expect(bigramNll(c, c.words, c.words, 1)).toBeCloseTo(expected, 12);
  });

  it('scores held-out names worse than the names it counted, and both under ln V', () => {
    const { train, val } = splitWords(small.words, 42);
    const seen = bigramNll(small, train, train, 1);
    const heldOut = bigramNll(small, train, val, 1);
    expect(heldOut).toBeGreaterThan(seen);
    expect(heldOut).toBeLessThan(Math.log(small.vocab.length));
    expect(heldOut).toBeGreaterThan(2.3);
    expect(heldOut).toBeLessThan(2.6);
  });
});
