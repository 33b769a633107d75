import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { NAMES_EN } from '../../components/data/names';
import { buildCorpus, encode } from '../../components/models/corpus';
import {
  acceptanceProbability, buildDraftTarget, countNgrams, expectedTokensPerPass, residual, runPasses, speculativePass, speedup, stepLaw,
  type Conditional, type DraftTarget,
} from '../../components/models/draft-verify';
import { createRng } from '../../components/runtime/rng';

/** Upper critical value of χ² with `df` degrees of freedom at z standard deviations (Wilson–Hilferty). */
function chiSquareCritical(df: number, z = 3.29): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Pearson χ² of observed counts against expected probabilities, cells with expected < 5 pooled. */
function chiSquare(observed: number[], expected: number[], n: number): { stat: number; df: number } {
  let stat = 0;
  let cells = 0;
  let poolO = 0;
  let poolE = 0;
  observed.forEach((o, i) => {
    const e = expected[i]! * n;
    if (e < 5) {
      poolO += o;
      poolE += e;
    } else {
      stat += (o - e) ** 2 / e;
      cells++;
    }
  });
  if (poolE > 0) {
    stat += (poolO - poolE) ** 2 / Math.max(poolE, 1e-12);
    cells++;
  }
  return { stat, df: cells - 1 };
}

const fixed = (row: number[]): Conditional => () => Float64Array.from(row);

/** Small hand-made context-dependent models over 4 symbols: the row depends on the last symbol. */
const P_TABLE = [[0.1, 0.4, 0.3, 0.2], [0.5, 0.05, 0.05, 0.4], [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]];
const Q_TABLE = [[0.4, 0.1, 0.1, 0.4], [0.25, 0.25, 0.25, 0.25], [0.05, 0.8, 0.1, 0.05], [0.1, 0.3, 0.3, 0.3]];
const byLast = (table: number[][]): Conditional => (h) => Float64Array.from(table[h.length ? h[h.length - 1]! : 0]!);

describe('draft-verify', () => {
  let models: DraftTarget;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    models = await buildDraftTarget(NAMES_EN);
  });

  it.each([
    { name: 'hand-made', p: [0.1, 0.4, 0.3, 0.2], q: [0.4, 0.1, 0.1, 0.4] },
    { name: 'q = p', p: [0.2, 0.3, 0.5], q: [0.2, 0.3, 0.5] },
    { name: 'disjoint supports', p: [0.6, 0.4, 0, 0], q: [0, 0, 0.3, 0.7] },
    { name: 'q has zeros where p does not', p: [0.25, 0.25, 0.25, 0.25], q: [0.5, 0.5, 0, 0] },
  ])('gives P(accept x) + P(resample x) = p(x) for every x when $name (exact enumeration, float64)', ({ p, q }) => {
    const law = stepLaw(p, q);
    law.total.forEach((t, x) => expect(Math.abs(t - p[x]!)).toBeLessThan(1e-15));
    // β by hand: Σ min(p, q).
    expect(law.beta).toBeCloseTo(p.reduce((s, px, x) => s + Math.min(px, q[x]!), 0), 15);
    expect(law.accept.reduce((a, b) => a + b, 0)).toBeCloseTo(law.beta, 15);
  });

  it('gives P(emit x) = p(x) on every real context of the names models (draft bigram, target 4-gram)', () => {
    for (const w of ['', 'e', 'em', 'emm', 'emma', 'xq', 'zzzz']) {
      const history = [...w].map((ch) => models.vocab.indexOf(ch));
      const p = models.target(history);
      const q = models.draft(history);
      const law = stepLaw(p, q);
      law.total.forEach((t, x) => expect(Math.abs(t - p[x]!)).toBeLessThan(1e-15));
    }
  });

  it('computes the residual by hand: p = (0.1, 0.4, 0.3, 0.2), q = (0.4, 0.1, 0.1, 0.4) → (0, 0.6, 0.4, 0)', () => {
    const r = residual([0.1, 0.4, 0.3, 0.2], [0.4, 0.1, 0.1, 0.4]);
    [0, 0.6, 0.4, 0].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 15));
    expect(acceptanceProbability([0.1, 0.4, 0.3, 0.2], [0.4, 0.1, 0.1, 0.4])).toBeCloseTo(0.5, 15);
  });

  it('draws the first emitted symbol from p (χ² over 40,000 seeded passes, γ = 3, hand-made models)', () => {
    const rng = createRng(42, 'chi-first');
    const n = 40_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[speculativePass([2], 3, byLast(Q_TABLE), byLast(P_TABLE), rng).emitted[0]!]++;
    const { stat, df } = chiSquare(counts, P_TABLE[2]!, n);
    expect(stat).toBeLessThan(chiSquareCritical(df));
  });

  it('draws whole 3-symbol sequences from the target law p(x1)p(x2|x1)p(x3|x2) (χ² over 64 cells, 60,000 seeded runs)', () => {
    const rng = createRng(42, 'chi-seq');
    const n = 60_000;
    const counts = new Array<number>(64).fill(0);
    const expected = new Array<number>(64).fill(0);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) for (let c = 0; c < 4; c++) {
      expected[a * 16 + b * 4 + c] = P_TABLE[0]![a]! * P_TABLE[a]![b]! * P_TABLE[b]![c]!;
    }
    for (let i = 0; i < n; i++) {
      const history = [0];
      while (history.length < 4) for (const t of speculativePass(history, 2, byLast(Q_TABLE), byLast(P_TABLE), rng).emitted) history.push(t);
      counts[history[1]! * 16 + history[2]! * 4 + history[3]!]++;
    }
    const { stat, df } = chiSquare(counts, expected, n);
    expect(df).toBeGreaterThan(40);
    expect(stat).toBeLessThan(chiSquareCritical(df));
  });

  it('fails the χ² test when the residual step is left out (resampling from p instead): the test can tell', () => {
    // Emulate the book's "replace with the big model's answer" by drawing from p after a rejection.
    const p = P_TABLE[2]!;
    const q = Q_TABLE[2]!;
    const rng = createRng(7, 'wrong');
    const n = 40_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = rng.choice(q);
      const u = rng.next();
      counts[u < Math.min(1, p[x]! / q[x]!) ? x : rng.choice(p)]++;
    }
    const { stat, df } = chiSquare(counts, p, n);
    expect(stat).toBeGreaterThan(chiSquareCritical(df));
  });

  it('draws the next character of a name from the 4-gram target after "em" (χ² over 30,000 passes, γ = 4)', () => {
    const history = [...'em'].map((ch) => models.vocab.indexOf(ch));
    const p = models.target(history);
    const rng = createRng(42, 'chi-names');
    const n = 30_000;
    const counts = new Array<number>(p.length).fill(0);
    for (let i = 0; i < n; i++) counts[speculativePass(history, 4, models.draft, models.target, rng).emitted[0]!]++;
    const { stat, df } = chiSquare(counts, [...p], n);
    expect(stat).toBeLessThan(chiSquareCritical(df));
  });

  it.each([1, 2, 4, 8])('matches (1 − α^{γ+1})/(1 − α) tokens per pass for a constant α = 0.7, γ = %i (100,000 simulated passes)', (gamma) => {
    // Context-free p and q with Σ min(p, q) = 0.7: every draft is accepted with probability 0.7, independently.
    const p = [0.5, 0.2, 0.3, 0];
    const q = [0.2, 0.2, 0.3, 0.3];
    expect(acceptanceProbability(p, q)).toBeCloseTo(0.7, 15);
    const { stats } = runPasses(gamma, 100_000, fixed(q), fixed(p), createRng(42, `const-${gamma}`));
    const formula = (1 - 0.7 ** (gamma + 1)) / (1 - 0.7);
    expect(expectedTokensPerPass(0.7, gamma)).toBeCloseTo(formula, 12);
    // Standard error of the mean tokens per pass is below 1.6/√n ≈ 0.005.
    expect(Math.abs(stats.tokensPerPass - formula)).toBeLessThan(0.02);
    expect(Math.abs(stats.alpha - 0.7)).toBeLessThan(0.01);
  });

  it('always accepts when q = p: γ + 1 tokens every pass, α = 1', () => {
    const row = [0.1, 0.2, 0.3, 0.4];
    const { stats, passes } = runPasses(5, 500, fixed(row), fixed(row), createRng(1));
    expect(stats.alpha).toBe(1);
    expect(stats.tokensPerPass).toBe(6);
    expect(passes.every((ps) => ps.final.kind === 'bonus' && ps.accepted === 5)).toBe(true);
    expect(expectedTokensPerPass(1, 5)).toBe(6);
  });

  it('rejects every draft when the supports are disjoint: one token a pass, drawn from p', () => {
    const { stats, passes } = runPasses(4, 2000, fixed([0, 0, 0.5, 0.5]), fixed([0.3, 0.7, 0, 0]), createRng(3));
    expect(stats.alpha).toBe(0);
    expect(stats.tokensPerPass).toBe(1);
    expect(passes.every((ps) => ps.final.kind === 'resampled' && ps.checks.length === 1 && ps.discarded.length === 3)).toBe(true);
    expect(passes.every((ps) => ps.emitted[0] === 0 || ps.emitted[0] === 1)).toBe(true);
    const zeros = passes.filter((ps) => ps.emitted[0] === 0).length;
    expect(Math.abs(zeros / 2000 - 0.3)).toBeLessThan(0.04);
  });

  it.each([
    { alpha: 0.6, gamma: 4, c: 0.05, want: (1 - 0.6 ** 5) / (0.4 * 1.2) },
    { alpha: 0.8, gamma: 3, c: 0, want: (1 - 0.8 ** 4) / 0.2 },
    { alpha: 0, gamma: 8, c: 0.1, want: 1 / 1.8 },
  ])('gives speedup (1 − α^{γ+1})/((1 − α)(γc + 1)) = $want at α = $alpha, γ = $gamma, c = $c', ({ alpha, gamma, c, want }) => {
    expect(speedup(alpha, gamma, c)).toBeCloseTo(want, 12);
  });

  it('builds a target that is stronger than the draft (lower NLL on the names) and differs from it', () => {
    expect(models.targetNll).toBeLessThan(models.draftNll - 0.2);
    const p = models.target([]);
    const q = models.draft([]);
    expect(acceptanceProbability(p, q)).toBeLessThan(1 - 1e-6);
  });

  it('counts the n-grams like a plain loop (orders 1–3 on a small corpus)', async () => {
    const corpus = buildCorpus(['ab', 'ba', 'abb']);
    const V = corpus.vocab.length;
    const tables = await countNgrams(corpus, 3);
    for (let n = 1; n <= 3; n++) {
      const ref = new Float64Array(V ** n);
      for (const w of corpus.words) {
        const padded = [...new Array<number>(n - 1).fill(0), ...encode(corpus, w), 0];
        for (let i = n - 1; i < padded.length; i++) {
          let cell = 0;
          for (let k = i - n + 1; k <= i; k++) cell = cell * V + padded[k]!;
          ref[cell]++;
        }
      }
      expect([...tables[n - 1]!]).toEqual([...ref]);
    }
  });

  it('leaves no tensors behind when it builds its models', async () => {
    const before = tf.memory().numTensors;
    await buildDraftTarget(NAMES_EN.slice(0, 500));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('measures the element\'s default run (seed 42, stream "stats-4", γ = 4, 2,000 passes): α = 0.63, 2.46 per pass, formula 2.45', () => {
    const { stats } = runPasses(4, 2000, models.draft, models.target, createRng(42, 'stats-4'));
    expect([stats.tokens, stats.checked, stats.accepted]).toEqual([4912, 4600, 2912]);
    expect(stats.alpha.toFixed(2)).toBe('0.63');
    expect(stats.tokensPerPass.toFixed(2)).toBe('2.46');
    expect(stats.predicted.toFixed(2)).toBe('2.45');
    expect(stats.alpha).toBeGreaterThan(0.3);
    expect(stats.alpha).toBeLessThan(0.95);
    expect(Math.abs(stats.tokensPerPass - stats.predicted)).toBeLessThan(0.25);
  });
});
