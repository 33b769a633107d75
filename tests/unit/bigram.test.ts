import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { parseCorpus, encode, type Corpus } from '../../components/models/corpus.js';
import {
  BigramModel, averageNll, bigramPairs, countBigrams, pick, probabilities, sampleName, stepsToName,
} from '../../components/models/bigram.js';
import { createRng } from '../../components/runtime/rng.js';

const makemore = parseCorpus(readFileSync('../shared/data/makemore-names.txt', 'utf8'));

/** Independent reference: the plain double loop over names and characters, in float64. */
function referenceCounts(corpus: Corpus): number[][] {
  const V = corpus.vocab.length;
  const counts = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  for (const w of corpus.words) {
    const seq = [0, ...encode(corpus, w), 0];
    for (let i = 0; i + 1 < seq.length; i++) counts[seq[i]][seq[i + 1]]++;
  }
  return counts;
}

function referenceNll(counts: number[][], k: number): number {
  let total = 0;
  let n = 0;
  for (const row of counts) {
    const sum = row.reduce((a, b) => a + b + k, 0);
    for (const c of row) {
      if (c > 0) total -= c * Math.log((c + k) / sum);
      n += c;
    }
  }
  return total / n;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('countBigrams', () => {
  it('counts the seed deck example: ".a" once, P(a | .) = 1/4', async () => {
    const c = parseCorpus('aabid\npriya\nzeel\nnipun');
    const { xs, ys } = bigramPairs(c);
    expect(xs.length).toBe(4 * 1 + 5 + 5 + 4 + 5);
    const counts = countBigrams(xs, ys, c.vocab.length, 'matmul');
    const probs = probabilities(counts, 0);
    const [cnt, p] = [await counts.array(), await probs.array()];
    const a = c.stoi.get('a')!;
    expect(cnt[0][a]).toBe(1);
    expect(p[0][a]).toBeCloseTo(0.25, 6);
    expect(cnt[c.stoi.get('e')!][c.stoi.get('e')!]).toBe(1);
    tf.dispose([counts, probs]);
  });

  it('counts names with letters beyond ASCII, astral ones included, as the double loop does', async () => {
    const c = parseCorpus("josé\nzoë\nd'arcy\n𐐨𐐩a\nanne-marie");
    const { xs, ys } = bigramPairs(c);
    const counts = countBigrams(xs, ys, c.vocab.length);
    expect(await counts.array()).toEqual(referenceCounts(c));
    expect(xs.length).toBe(5 + 4 + 7 + 4 + 11);
    counts.dispose();
  });

  it.each(['scatter', 'matmul'] as const)('matches the plain-JS double loop on makemore-names (228,146 bigrams) by %s', async (method) => {
    const { xs, ys } = bigramPairs(makemore);
    expect(xs.length).toBe(228_146);
    const counts = countBigrams(xs, ys, 27, method);
    expect(await counts.array()).toEqual(referenceCounts(makemore));
    expect((await tf.sum(counts).data())[0]).toBe(228_146);
    counts.dispose();
  });
});

describe('probabilities and averageNll', () => {
  it.each([
    [0, 2.4540],
    [1, 2.4546],
  ])('gives the published NLL on makemore-names with smoothing %d: %f', async (k, published) => {
    const model = new BigramModel(makemore);
    const table = await model.table(k);
    model.dispose();
    expect(table.pairs).toBe(228_146);
    expect(table.nll.toFixed(4)).toBe(published.toFixed(4));
    expect(table.nll).toBeCloseTo(referenceNll(referenceCounts(makemore), k), 5);
  });

  it('makes every row a distribution, and smoothing removes all zeros', async () => {
    const model = new BigramModel(makemore);
    for (const k of [0, 0.5, 3]) {
      const { probabilities: p } = await model.table(k);
      for (const row of p) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const zeros = p.flat().filter((x) => x === 0).length;
      if (k > 0) expect(zeros).toBe(0);
      else expect(zeros).toBeGreaterThan(0);
    }
    model.dispose();
  });

  it('stays below the uniform baseline ln V and moves towards it with heavy smoothing', async () => {
    const model = new BigramModel(makemore);
    const nlls = [];
    for (const k of [0, 10, 1000, 1e6]) nlls.push((await model.table(k)).nll);
    model.dispose();
    for (let i = 1; i < nlls.length; i++) expect(nlls[i]).toBeGreaterThan(nlls[i - 1]);
    expect(nlls[3]).toBeLessThan(Math.log(27) + 1e-3);
    expect(nlls[3]).toBeCloseTo(Math.log(27), 2);
  });

  it('makes an all-zero row uniform instead of 0/0', async () => {
    const p = probabilities(tf.tensor2d([[0, 0], [1, 3]]), 0);
    expect(await p.array()).toEqual([[0.5, 0.5], [0.25, 0.75]]);
    const nll = averageNll(tf.tensor2d([[0, 0], [1, 3]]), p);
    expect((await nll.data())[0]).toBeCloseTo(-(Math.log(0.25) + 3 * Math.log(0.75)) / 4, 6);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const model = new BigramModel(parseCorpus('anna\nbob'));
    await model.table(1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sampling', () => {
  it.each([
    [0, 0], [0.1999, 0], [0.2, 1], [0.69, 1], [0.7, 3], [0.999999, 3],
  ])('pick(row, %f) returns the first index whose running sum exceeds r → %d', (r, i) => {
    expect(pick([0.2, 0.5, 0, 0.3], r)).toBe(i);
  });

  it('exposes each draw: current, its row, the random number, the chosen next', async () => {
    const model = new BigramModel(makemore);
    const { probabilities: p, vocab } = await model.table(0);
    model.dispose();
    const rng = createRng(42, 'sample');
    const steps = sampleName(p, rng);
    const replay = createRng(42, 'sample');
    expect(steps[0].current).toBe(0);
    for (let i = 0; i < steps.length; i++) {
      expect(steps[i].r).toBe(replay.next());
      expect(steps[i].row).toBe(p[steps[i].current]);
      expect(steps[i].chosen).toBe(pick(steps[i].row, steps[i].r));
      if (i > 0) expect(steps[i].current).toBe(steps[i - 1].chosen);
    }
    expect(steps.at(-1)!.chosen).toBe(0);
    expect(stepsToName(vocab, steps)).toMatch(/^[a-z]+$/);
  });

  it('is reproducible from the seed and draws names in proportion to the table', async () => {
    const c = parseCorpus('ab\nab\nab\nb');
    const model = new BigramModel(c);
    const { probabilities: p, vocab } = await model.table(0);
    model.dispose();
    const names = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 4000 }, () => stepsToName(vocab, sampleName(p, rng)));
    };
    const a = names(1);
    expect(a).toEqual(names(1));
    // P(.→a) = 3/4, then a→b always, b→. always: "ab" with 3/4, "b" with 1/4.
    expect(new Set(a)).toEqual(new Set(['ab', 'b']));
    expect(a.filter((n) => n === 'ab').length / a.length).toBeCloseTo(0.75, 1);
  });
});

afterAll(() => tf.disposeVariables());
