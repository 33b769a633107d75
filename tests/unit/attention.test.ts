import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attentionParameterCount, causalMask, checkWeights, crossAttention, disposeResult, embedTokens, headParameterShapes,
  identityProjections, mergeHeads, parseMatrices, permuteSquare, positionalEncoding, randomProjection, seededPermutation,
  selfAttention, splitHeads, tokenizeWords, weightsFromScores, wordPart,
} from '../../components/models/attention.js';
import { AttentionTrainer, keyRows, objectivesOf, targetMass, targetPositions } from '../../components/models/attention-train.js';
import { createRng } from '../../components/runtime/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// ---------------------------------------------------------------------------
// Plain-JS reference: loops over heads, rows and keys, no tensors.

type M = number[][];
const matmul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));

function refAttention(x: M, wq: M, wk: M, wv: M, o: { heads: number; scale: boolean; temperature: number; causal: boolean }) {
  const [q, k, v] = [matmul(x, wq), matmul(x, wk), matmul(x, wv)];
  const n = x.length;
  const dh = wq[0]!.length / o.heads;
  const weights: M[] = [];
  const output: M = x.map(() => []);
  for (let h = 0; h < o.heads; h++) {
    const cols = (m: M, i: number) => m[i]!.slice(h * dh, (h + 1) * dh);
    const w: M = [];
    for (let i = 0; i < n; i++) {
      const allowed = (j: number) => !o.causal || j <= i;
      const s = Array.from({ length: n }, (_, j) => cols(q, i).reduce((acc, qv, c) => acc + qv * cols(k, j)[c]!, 0) / (o.scale ? Math.sqrt(dh) : 1));
      let row: number[];
      if (o.temperature === 0) {
        let best = -1;
        s.forEach((sv, j) => { if (allowed(j) && (best < 0 || sv > s[best]!)) best = j; });
        row = s.map((_, j) => (j === best ? 1 : 0));
      } else {
        const m = Math.max(...s.filter((_, j) => allowed(j)));
        const e = s.map((sv, j) => (allowed(j) ? Math.exp((sv - m) / o.temperature) : 0));
        const z = e.reduce((a, b) => a + b, 0);
        row = e.map((ev) => ev / z);
      }
      w.push(row);
      for (let c = 0; c < dh; c++) output[i]!.push(row.reduce((acc, wij, j) => acc + wij * cols(v, j)[c]!, 0));
    }
    weights.push(w);
  }
  return { weights, output };
}

const maxDiff = (a: M, b: M) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));

const randomMatrix = (rows: number, cols: number, rng: ReturnType<typeof createRng>, s = 1): M =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal() * s));

async function run(x: M, wq: M, wk: M, wv: M, o: { heads: number; scale: boolean; temperature: number; causal: boolean }) {
  const r = selfAttention(tf.tensor2d(x), { wq: tf.tensor2d(wq), wk: tf.tensor2d(wk), wv: tf.tensor2d(wv) }, o);
  const out = { weights: (await r.weights.array()) as number[][][], output: (await r.output.array()) as M };
  disposeResult(r);
  return out;
}

describe('selfAttention', () => {
  it('matches the plain-JS reference on 60 random cases (heads, scaling, temperature, causal)', async () => {
    const rng = createRng(3, 'attention-cases');
    for (let c = 0; c < 60; c++) {
      const heads = [1, 2, 3, 4][rng.int(4)]!;
      const d = heads * (1 + rng.int(4));
      const n = 2 + rng.int(7);
      const o = { heads, scale: rng.next() < 0.5, temperature: [0, 0.5, 1, 2][rng.int(4)]!, causal: rng.next() < 0.5 };
      const [x, wq, wk, wv] = [randomMatrix(n, d, rng), randomMatrix(d, d, rng, 0.5), randomMatrix(d, d, rng, 0.5), randomMatrix(d, d, rng)];
      const got = await run(x, wq, wk, wv, o);
      const want = refAttention(x, wq, wk, wv, o);
      expect(got.weights.length).toBe(heads);
      got.weights.forEach((w, h) => w.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want.weights[h]![i]![j]!, 4))));
      got.output.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want.output[i]![j]!, 3)));
    }
  });

  it('gives rows that sum to 1 and causal entries that are exactly 0', async () => {
    const rng = createRng(5, 'rows');
    const n = 12;
    const x = randomMatrix(n, 8, rng, 3); // large values: near-saturated softmax
    for (const temperature of [0, 0.1, 1, 3]) {
      const { weights } = await run(x, randomMatrix(8, 8, rng), randomMatrix(8, 8, rng), randomMatrix(8, 8, rng), { heads: 2, scale: true, temperature, causal: true });
      for (const head of weights) {
        head.forEach((row, i) => {
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          row.forEach((v, j) => (j > i ? expect(v).toBe(0) : expect(v).toBeGreaterThanOrEqual(0)));
        });
      }
    }
  });

  it('saturates without the √d scaling: the largest weight per row grows', async () => {
    const rng = createRng(6, 'saturation');
    const d = 32;
    const x = randomMatrix(10, d, rng);
    const w = () => randomMatrix(d, d, rng, 1 / Math.sqrt(d) * 2);
    const [wq, wk, wv] = [w(), w(), w()];
    const peak = async (scale: boolean) => {
      const { weights } = await run(x, wq, wk, wv, { heads: 1, scale, temperature: 1, causal: false });
      return weights[0]!.reduce((s, row) => s + Math.max(...row), 0) / 10;
    };
    expect(await peak(false)).toBeGreaterThan((await peak(true)) + 0.1);
  });

  it('with identity projections scores each pair by the raw embedding dot product', async () => {
    const x = [[1, 0], [0, 2], [1, 1]];
    const p = identityProjections(2);
    const r = selfAttention(tf.tensor2d(x), p, { scale: false });
    expect(await r.scores.array()).toEqual([[[1, 0, 1], [0, 4, 2], [1, 2, 2]]]);
    disposeResult(r);
    tf.dispose([p.wq, p.wk, p.wv]);
  });

  it('splits and merges heads without moving a number', async () => {
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    const split = splitHeads(x, 3);
    expect(await split.array()).toEqual([[[1, 2], [7, 8]], [[3, 4], [9, 10]], [[5, 6], [11, 12]]]);
    expect(await mergeHeads(split).array()).toEqual(await x.array());
    expect(() => splitHeads(x, 4)).toThrow(/not divisible/);
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const r = selfAttention(tf.tensor2d([[1, 2], [3, 4]]), identityProjections(2), { causal: true, temperature: 0 });
    disposeResult(r);
    // the two input tensors created inline above (x and 3 projections) are the only survivors
    expect(tf.memory().numTensors - before).toBe(4);
  });
});

describe('permutation equivariance (attention without positions does not know order)', () => {
  it.each([
    { heads: 1, causal: false },
    { heads: 2, causal: false },
    { heads: 4, causal: false },
  ])('permuting the input rows permutes the output rows, and the weights as P·W·Pᵀ ($heads heads)', async ({ heads, causal }) => {
    const rng = createRng(11, `perm-${heads}`);
    for (let c = 0; c < 10; c++) {
      const n = 3 + rng.int(8);
      const d = heads * (2 + rng.int(3));
      const x = randomMatrix(n, d, rng);
      const [wq, wk, wv] = [randomMatrix(d, d, rng, 0.6), randomMatrix(d, d, rng, 0.6), randomMatrix(d, d, rng)];
      const perm = seededPermutation(n, rng);
      const px = perm.map((i) => x[i]!);
      const o = { heads, scale: true, temperature: 1, causal };
      // float64 reference on the permuted input, and the float64 reference's own equivariance
      const ref = refAttention(x, wq, wk, wv, o);
      const refP = refAttention(px, wq, wk, wv, o);
      refP.weights.forEach((w, h) => expect(maxDiff(w, permuteSquare(ref.weights[h]!, perm))).toBeLessThan(1e-12));
      // TensorFlow.js (float32) on the permuted input against the permuted float64 reference
      const got = await run(px, wq, wk, wv, o);
      got.weights.forEach((w, h) => expect(maxDiff(w, permuteSquare(ref.weights[h]!, perm))).toBeLessThan(1e-5));
      expect(maxDiff(got.output, perm.map((i) => ref.output[i]!))).toBeLessThan(1e-4);
    }
  });

  it('holds for the demos\' embeddings only without positions: with positions a shuffle changes the weights', async () => {
    const tokens = tokenizeWords('The cat sat on the mat because it was warm');
    const perm = seededPermutation(tokens.length, createRng(42, 'shuffle'));
    const shuffled = perm.map((i) => tokens[i]!);
    const { wq, wk, wv } = { wq: randomProjection(16, 1, 'q'), wk: randomProjection(16, 1, 'k'), wv: randomProjection(16, 1, 'v') };
    const o = { heads: 1, scale: true, temperature: 1, causal: false };
    const gap = (positions: boolean) => {
      const a = refAttention(embedTokens(tokens, 16, 42, positions), wq, wk, wv, o).weights[0]!;
      const b = refAttention(embedTokens(shuffled, 16, 42, positions), wq, wk, wv, o).weights[0]!;
      return maxDiff(b, permuteSquare(a, perm));
    };
    expect(gap(false)).toBeLessThan(1e-12);
    expect(gap(true)).toBeGreaterThan(0.01);
  });

  it('draws seeded permutations that are never the identity and always use every index once', () => {
    const rng = createRng(1, 'p');
    for (let n = 2; n < 12; n++) {
      const p = seededPermutation(n, rng);
      expect([...p].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(p.some((v, i) => v !== i)).toBe(true);
    }
    expect(seededPermutation(1, rng)).toEqual([0]);
    expect(seededPermutation(6, createRng(42, 's'))).toEqual(seededPermutation(6, createRng(42, 's')));
  });
});

describe('parameters of multi-head attention', () => {
  it.each([[64, [1, 2, 4, 8]], [512, [1, 8]], [12_288, [1, 96]]] as const)('has 4·d² weights for d = %i whatever the number of heads %j', (d, headCounts) => {
    for (const h of headCounts) expect(attentionParameterCount(d, h)).toBe(4 * d * d);
  });

  it('counts the same for 1 and 8 heads at d = 64 when the weight tensors are really built', () => {
    const built = (heads: number) => {
      const tensors = headParameterShapes(64, heads).map(({ shape }) => tf.zeros(shape));
      const size = tensors.reduce((s, t) => s + t.size, 0);
      tf.dispose(tensors);
      return size;
    };
    expect(built(1)).toBe(built(8));
    expect(built(8)).toBe(4 * 64 * 64);
    // 8 heads: 24 matrices of 64 × 8 plus W_O
    expect(headParameterShapes(64, 8)).toHaveLength(25);
    expect(headParameterShapes(64, 8)[0]!.shape).toEqual([64, 8]);
    expect(() => headParameterShapes(64, 5)).toThrow(/not divisible/);
  });
});

describe('causal masking', () => {
  it('leaves the upper triangle exactly 0 and earlier outputs bit-for-bit unchanged when a later token is edited', async () => {
    const tokens = tokenizeWords('The cat sat on the mat because it was warm');
    const rng = createRng(9, 'edit');
    const d = 16;
    const [wq, wk, wv] = [randomMatrix(d, d, rng, 0.5), randomMatrix(d, d, rng, 0.5), randomMatrix(d, d, rng)];
    const o = { heads: 2, scale: true, temperature: 1, causal: true };
    const before = await run(embedTokens(tokens, d, 42), wq, wk, wv, o);
    for (const k of [9, 6, 3]) {
      const edited = tokens.map((t, i) => (i === k ? 'dog' : t));
      const after = await run(embedTokens(edited, d, 42), wq, wk, wv, o);
      after.weights.forEach((w) => w.forEach((row, i) => row.forEach((v, j) => (j > i ? expect(v).toBe(0) : null))));
      for (let i = 0; i < k; i++) {
        expect(after.output[i]).toEqual(before.output[i]);
        after.weights.forEach((w, h) => expect(w[i]).toEqual(before.weights[h]![i]));
      }
      expect(maxDiff([after.output[k]!], [before.output[k]!])).toBeGreaterThan(1e-3);
    }
    // Without the mask the edit reaches every row.
    const open = { ...o, causal: false };
    const a = await run(embedTokens(tokens, d, 42), wq, wk, wv, open);
    const b = await run(embedTokens(tokens.map((t, i) => (i === 9 ? 'dog' : t)), d, 42), wq, wk, wv, open);
    expect(maxDiff([a.output[0]!], [b.output[0]!])).toBeGreaterThan(1e-4);
  });
});

describe('crossAttention', () => {
  it('takes queries from one sequence and keys and values from the other (float64 reference)', async () => {
    const rng = createRng(13, 'cross');
    const [nq, nk, d] = [4, 6, 8];
    const xq = randomMatrix(nq, d, rng);
    const xkv = randomMatrix(nk, d, rng);
    const [wq, wk, wv] = [randomMatrix(d, d, rng, 0.5), randomMatrix(d, d, rng, 0.5), randomMatrix(d, d, rng)];
    const r = crossAttention(tf.tensor2d(xq), tf.tensor2d(xkv), { wq: tf.tensor2d(wq), wk: tf.tensor2d(wk), wv: tf.tensor2d(wv) }, { heads: 2 });
    const w = (await r.weights.array()) as number[][][];
    const out = (await r.output.array()) as M;
    disposeResult(r);
    expect(w[0]).toHaveLength(nq);
    expect(w[0]![0]).toHaveLength(nk);
    const [q, k, v] = [matmul(xq, wq), matmul(xkv, wk), matmul(xkv, wv)];
    for (let h = 0; h < 2; h++) {
      const c = (m: M, i: number) => m[i]!.slice(h * 4, h * 4 + 4);
      for (let i = 0; i < nq; i++) {
        const s = Array.from({ length: nk }, (_, j) => c(q, i).reduce((a, x, t) => a + x * c(k, j)[t]!, 0) / 2);
        const m = Math.max(...s);
        const e = s.map((x) => Math.exp(x - m));
        const z = e.reduce((a, b) => a + b, 0);
        e.forEach((x, j) => expect(w[h]![i]![j]).toBeCloseTo(x / z, 5));
        for (let t = 0; t < 4; t++) expect(out[i]![h * 4 + t]).toBeCloseTo(e.reduce((a, x, j) => a + (x / z) * c(v, j)[t]!, 0), 4);
      }
    }
  });
});

describe('weightsFromScores (author-given scores)', () => {
  it('is softmax(scores / T) per row, with zeros where the allowed mask is 0', async () => {
    const scores = [[2, 1, 0], [0, 0, 0], [1, 3, 2]];
    const allowed = tf.tensor2d([[1, 1, 0], [1, 1, 1], [0, 1, 1]]);
    const w = weightsFromScores(tf.tensor2d(scores), { temperature: 2, allowed });
    const got = (await w.array()) as M;
    const ref = scores.map((row, i) => {
      const ok = [[1, 1, 0], [1, 1, 1], [0, 1, 1]][i]!;
      const e = row.map((s, j) => (ok[j] ? Math.exp(s / 2) : 0));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    });
    got.forEach((row, i) => row.forEach((v, j) => (ref[i]![j] === 0 ? expect(v).toBe(0) : expect(v).toBeCloseTo(ref[i]![j]!, 6))));
  });

  it('puts all weight on the best allowed key at T = 0', async () => {
    const w = weightsFromScores(tf.tensor2d([[0, 9, 1], [5, 9, 1], [1, 2, 3]]), { temperature: 0, causal: true });
    expect(await w.array()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  });

  it('builds the causal mask as a lower triangle', async () => {
    expect(await causalMask(3).array()).toEqual([[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
  });
});

describe('checkWeights (author-given weights)', () => {
  const catSat = [
    [0.5, 0.2, 0.1, 0.05, 0.1, 0.05],
    [0.1, 0.5, 0.2, 0.05, 0.1, 0.05],
    [0.1, 0.3, 0.3, 0.1, 0.1, 0.1],
    [0.1, 0.1, 0.2, 0.3, 0.2, 0.1],
    [0.2, 0.1, 0.1, 0.1, 0.3, 0.2],
    [0.1, 0.2, 0.1, 0.05, 0.2, 0.35],
  ];

  it('accepts the seed deck\'s "The cat sat on the mat" table and makes rows sum to exactly 1', () => {
    const r = checkWeights(catSat);
    expect(r.ok).toBe(true);
    r.normalised!.forEach((row) => expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12));
  });

  it.each([
    ['not square', [[0.5, 0.5], [0.5, 0.5], [1, 0]], /3 rows but row 1 has 2/],
    ['not numbers', [[0.5, NaN], [0.5, 0.5]], /row 1 holds something that is not a number/],
    ['negative', [[1.5, -0.5], [0.5, 0.5]], /row 1 has a negative/],
    ['a row off by 0.1', [[0.5, 0.5], [0.6, 0.5]], /row 2 sums to 1.1/],
    ['empty', [], /empty/],
  ])('rejects a matrix that is %s, naming the problem', (_name, m, message) => {
    const r = checkWeights(m as M);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(message);
  });
});

describe('parseMatrices (how deck authors type matrices)', () => {
  it.each([
    ['commas', '0.5, 0.5; 0.2, 0.8', [[[0.5, 0.5], [0.2, 0.8]]]],
    ['spaces', '0.5 0.5; 0.2   0.8;', [[[0.5, 0.5], [0.2, 0.8]]]],
    ['heads split by |', '1 0; 0 1 | 0.5 0.5; 0.5 0.5', [[[1, 0], [0, 1]], [[0.5, 0.5], [0.5, 0.5]]]],
    ['JSON, one head', '[[1, 0], [0.3, 0.7]]', [[[1, 0], [0.3, 0.7]]]],
    ['JSON, two heads', '[[[1]], [[1]]]', [[[1]], [[1]]]],
  ])('reads %s', (_name, text, want) => {
    expect(parseMatrices(text)).toEqual({ ok: true, value: want });
  });

  it.each([
    ['', /empty/],
    ['1, 2; 3', /row 2 has 1 values/],
    ['1, a; 3, 4', /row 1 holds something that is not a number/],
    ['1 0; 0 1 | 1', /head 2: 1 rows, but head 1 has 2/],
    ['[[1, 2]', /not valid JSON/],
  ])('rejects %j, saying why', (text, why) => {
    const r = parseMatrices(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(why);
  });
});

describe('tokens and embeddings', () => {
  it.each([
    ['Was the bank flooded?', ['Was', 'the', 'bank', 'flooded', '?']],
    ["the animal didn't cross the street because it was tired", ['the', 'animal', "didn't", 'cross', 'the', 'street', 'because', 'it', 'was', 'tired']],
    ['The cat sat on the mat', ['The', 'cat', 'sat', 'on', 'the', 'mat']],
  ])('tokenizes %j into words and punctuation', (text, tokens) => {
    expect(tokenizeWords(text)).toEqual(tokens);
  });

  it('gives a word the same vector wherever it appears, and a new one for a new seed', () => {
    const x = embedTokens(['The', 'cat', 'the'], 16, 42);
    expect(x[0]!.slice(0, 8)).toEqual(x[2]!.slice(0, 8));
    expect(x[0]!.slice(8)).not.toEqual(x[2]!.slice(8)); // positions differ
    expect(wordPart('cat', 16, 42)).not.toEqual(wordPart('cat', 16, 43));
    expect(embedTokens(['a', 'b'], 16, 42)).toEqual(embedTokens(['a', 'b'], 16, 42));
  });

  it('encodes position p − 1 as a fixed rotation of position p in every (sin, cos) pair', () => {
    const pe = positionalEncoding(10, 8);
    for (let k = 0; k < 4; k++) {
      const angle = Math.atan2(pe[1]![2 * k]!, pe[1]![2 * k + 1]!); // ω_k
      for (let p = 1; p < 10; p++) {
        const [s, c] = [pe[p]![2 * k]!, pe[p]![2 * k + 1]!];
        expect(s * Math.cos(angle) - c * Math.sin(angle)).toBeCloseTo(pe[p - 1]![2 * k]!, 10);
        expect(c * Math.cos(angle) + s * Math.sin(angle)).toBeCloseTo(pe[p - 1]![2 * k + 1]!, 10);
      }
    }
  });

  it('draws projections with variance 1/d', () => {
    const w = randomProjection(64, 1, 'W_Q').flat();
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance * 64).toBeGreaterThan(0.9);
    expect(variance * 64).toBeLessThan(1.1);
  });
});

describe('training W_Q, W_K, W_V', () => {
  const animal = tokenizeWords("the animal didn't cross the street because it was tired");

  it('knows the target of each row for both tasks', () => {
    expect(targetPositions('refer', animal)).toEqual([0, 1, 2, 3, 4, 5, 6, 1, 8, 9]);
    expect(keyRows('refer', animal)).toEqual([7]);
    expect(targetPositions('previous', ['a', 'b', 'c'])).toEqual([-1, 0, 1]);
    expect(keyRows('previous', ['a', 'b', 'c'])).toEqual([1, 2]);
    // Two "the": weight on either counts for the second one.
    expect(targetMass([[1, 0, 0], [0, 1, 0], [0.5, 0, 0.5]], ['the', 'x', 'the'], [0, 1, 2], [2])).toBe(1);
  });

  it.each([
    ['previous', ['the', 'cat', 'sat', 'on', 'the', 'mat', 'and', 'ran'], 120],
    ['refer', animal, 150],
  ] as const)('learns the "%s" pattern from a blur (seed 42): key-row weight on target ≥ 0.8', async (task, tokens, steps) => {
    const trainer = new AttentionTrainer({ tokens: [...tokens], task, dim: 24, heads: 1, causal: true, seed: 42 });
    const [start] = await trainer.closeness();
    let first = NaN;
    let last = NaN;
    for (let s = 0; s < steps; s++) {
      const loss = trainer.trainStep();
      if (s === 0) first = (await loss.data())[0]!;
      if (s === steps - 1) last = (await loss.data())[0]!;
      loss.dispose();
    }
    const [end] = await trainer.closeness();
    expect(start).toBeLessThan(0.4);
    expect(end).toBeGreaterThanOrEqual(0.8);
    expect(last).toBeLessThan(first / 3);
    const tensors = tf.memory().numTensors;
    trainer.trainStep().dispose();
    (await trainer.closeness()).forEach((c) => expect(c).toBeGreaterThan(0));
    expect(tf.memory().numTensors).toBe(tensors); // a step leaves nothing behind
    trainer.dispose();
  });

  it('lets two heads split "previous word" and "first word" between them (seed 42, 120 steps)', async () => {
    const tokens = tokenizeWords('The cat sat on the mat because it was warm');
    expect(objectivesOf('previous-first')).toEqual(['previous', 'first']);
    expect(targetPositions('first', tokens)).toEqual(new Array(10).fill(0));
    expect(keyRows('first', tokens)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const trainer = new AttentionTrainer({ tokens, task: 'previous-first', dim: 16, heads: 2, causal: true, seed: 42 });
    const masses = async () => {
      const r = trainer.attend();
      const w = (await r.weights.array()) as number[][][];
      disposeResult(r);
      return w.map((head) => trainer.massesOf(head)); // [head][previous, first]
    };
    const start = await masses();
    start.flat().forEach((m) => expect(m).toBeLessThan(0.45));
    for (let s = 0; s < 120; s++) trainer.trainStep().dispose();
    const end = await masses();
    // One head per job, and the other head does not do it.
    const prevHead = end[0]![0]! > end[1]![0]! ? 0 : 1;
    const firstHead = 1 - prevHead;
    expect(end[prevHead]![0]).toBeGreaterThanOrEqual(0.85);
    expect(end[firstHead]![1]).toBeGreaterThanOrEqual(0.9);
    expect(end[firstHead]![0]).toBeLessThan(0.4);
    expect(end[prevHead]![1]).toBeLessThan(0.4);
    trainer.dispose();
  });

  it('frees every tensor it made when disposed, also after training (no tensor kept by tf.variable)', () => {
    const before = tf.memory().numTensors;
    for (const task of ['previous', 'previous-first'] as const) {
      const trainer = new AttentionTrainer({ tokens: ['a', 'b', 'c', 'd'], task, dim: 8, heads: 2, causal: true, seed: 1 });
      for (let s = 0; s < 3; s++) trainer.trainStep().dispose();
      trainer.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
