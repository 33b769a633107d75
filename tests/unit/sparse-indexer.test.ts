import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../components/runtime/rng';
import {
  IndexerTrainer,
  makeContext,
  recallAtK,
  SparseIndexer,
  topK,
  vocabulary,
  workSaved,
} from '../../components/models/sparse-indexer';

/** Plain-JS top-k: sort positions by score descending, earlier position first on ties. */
function sortTopK(scores: number[], k: number): number[] {
  return scores
    .map((s, i) => [s, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('topK', () => {
  it.each([
    [8, 3],
    [96, 16],
    [200, 1],
    [50, 50],
  ])('picks the same %i→%i positions as a plain-JS sort', async (n, k) => {
    const rng = createRng(n * 31 + k);
    const scores = Array.from({ length: n }, () => rng.normal());
    const t = tf.tensor1d(scores);
    expect(await topK(t, k)).toEqual(sortTopK(scores, k));
    t.dispose();
  });

  it('keeps every position when k exceeds the context', async () => {
    const t = tf.tensor1d([0.5, 2, -1]);
    expect(await topK(t, 10)).toEqual([1, 0, 2]);
    t.dispose();
  });
});

describe('recallAtK and workSaved', () => {
  it.each([
    [[0, 1, 2], [true, true, false, false], 1], // both relevant kept
    [[0, 3], [true, true, true, false], 0.5], // 1 of the 2 it could hold
    [[3], [false, false, false, false], 1], // nothing to find
    [[2, 3], [true, false, false, false], 0],
  ] as const)('gives recall for kept %j of relevant %j as %f', (kept, relevant, want) => {
    expect(recallAtK(kept, relevant)).toBe(want);
  });

  it.each([
    [16, 96, 1 - 16 / 96],
    [96, 96, 0],
    [200, 96, 0],
    [1, 1000, 0.999],
  ])('saves 1 − k/n of the comparisons for k=%i, n=%i', (k, n, want) => {
    expect(workSaved(k, n)).toBeCloseTo(want, 12);
  });
});

describe('makeContext', () => {
  it('marks exactly the past words that share the current word’s hidden topic', () => {
    const vocab = vocabulary();
    for (let s = 0; s < 20; s++) {
      const c = makeContext(createRng(s, 'ctx'), vocab, 40);
      expect(c.past).toHaveLength(40);
      c.past.forEach((w, i) => expect(c.relevant[i]).toBe(vocab.topicOf[w] === vocab.topicOf[c.current]));
      expect(c.relevant.some(Boolean)).toBe(true);
    }
  });

  it('draws the same context for the same seed', () => {
    const v = vocabulary();
    expect(makeContext(createRng(3), v, 50)).toEqual(makeContext(createRng(3), v, 50));
  });
});

describe('SparseIndexer', () => {
  const made: SparseIndexer[] = [];
  afterAll(() => made.forEach((m) => m.dispose()));

  it('scores a batch like a plain-JS (x_q·W_Q)·(x_j·W_K) on its own weights', async () => {
    const m = new SparseIndexer({ seed: 5, dim: 6, indexDim: 3 });
    made.push(m);
    const ctx = makeContext(createRng(5), m.vocab, 12);
    // Read the internals once through public maths: score of each past word against the current one.
    const embed = (await (m as any).embed.array()) as number[][];
    const wq = (await (m as any).wq.array()) as number[][];
    const wk = (await (m as any).wk.array()) as number[][];
    const proj = (x: number[], w: number[][]) => w[0].map((_, c) => x.reduce((s, v, r) => s + v * w[r][c], 0));
    const q = proj(embed[ctx.current], wq);
    const want = ctx.past.map((w) => proj(embed[w], wk).reduce((s, v, i) => s + v * q[i], 0));
    const got = await m.score(ctx, 4);
    got.scores.forEach((s, i) => expect(s).toBeCloseTo(want[i], 4));
    expect(got.kept).toEqual(sortTopK(want, 4));
  });

  it('gives the same mean recall scored as a batch as context by context', async () => {
    const m = new SparseIndexer({ seed: 9 });
    made.push(m);
    const contexts = Array.from({ length: 6 }, (_, i) => makeContext(createRng(9, `c${i}`), m.vocab, 30));
    let sum = 0;
    for (const c of contexts) sum += (await m.score(c, 5)).recall;
    expect(await m.meanRecall(contexts, 5)).toBeCloseTo(sum / contexts.length, 10);
  });

  it('raises recall@16 of same-topic tokens in 96-word contexts from chance to ≥ 0.9 with seed 42', async () => {
    const m = new SparseIndexer({ seed: 42 });
    made.push(m);
    const held = Array.from({ length: 40 }, (_, i) => makeContext(createRng(42, `held-out-${i}`), m.vocab, 96));
    const before = await m.meanRecall(held, 16);
    const loss = await new IndexerTrainer(m, createRng(42, 'train')).run(120);
    const after = await m.meanRecall(held, 16);
    console.info(`recall@16: ${before.toFixed(3)} → ${after.toFixed(3)} after 120 steps (loss ${loss.toFixed(3)})`);
    expect(before).toBeLessThan(0.4);
    expect(after).toBeGreaterThanOrEqual(0.9);
  });

  it('leaks no tensors per training step', async () => {
    const m = new SparseIndexer({ seed: 1 });
    made.push(m);
    const trainer = new IndexerTrainer(m, createRng(1), 20, 4);
    await trainer.run(1);
    const n = tf.memory().numTensors;
    await trainer.run(3);
    await m.score(makeContext(createRng(2), m.vocab, 20), 5);
    expect(tf.memory().numTensors).toBe(n);
  });
});
