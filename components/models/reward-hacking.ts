/**
 * Reward hacking in the small: a Bradley–Terry reward model learned from
 * pairwise preferences over three answer features, then best-of-n selection
 * against it (Goodhart's law).
 *
 * Answers: x = (correct ∈ {0, 1}, length in hundreds of words, citations ∈ {0…3}).
 * Length is heavy-tailed (0.5 + Exp(1)) and longer answers are somewhat more
 * often correct (P(correct) = 0.2 + 0.4·(1 − e^−(L−0.5))), so a liking for
 * length is not absurd, only overdone.
 * True reward r*(x) = w*·x, with w* = (2, −0.3, 0.4): verbosity costs the reader.
 * Labellers judge by w* + (0, bias, 0) and prefer a over b with probability
 * σ(r_a − r_b) (Bradley–Terry).
 *
 * Fit: logistic regression without intercept on the differences x_a − x_b,
 * by Newton's method (gradient and Hessian in TensorFlow.js). A constant c
 * added to every reward cancels in r_a − r_b: it is the one thing the
 * preferences cannot identify (a constant feature column is all zeros in the
 * differences).
 *
 * Best-of-n: n answers drawn with replacement from a fixed pool of M, the one
 * with the highest proxy (learned) reward kept. With the pool sorted by proxy,
 * the pick is the i-th smallest (1-based) with probability (i/M)^n − ((i−1)/M)^n,
 * so the expected proxy and true reward of the pick are exact sums.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.js';

export const FEATURES = ['correct', 'length', 'citations'] as const;
export const TRUE_WEIGHTS: readonly number[] = [2, -0.3, 0.4];
export type Answer = readonly [number, number, number];

export const dot = (w: readonly number[], x: readonly number[]) => w.reduce((s, wi, i) => s + wi * x[i]!, 0);
export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Bradley–Terry: P(w ≻ l) = σ(r_w − r_l). */
export const preferenceProbability = (rw: number, rl: number) => sigmoid(rw - rl);

/** The labellers' weights: the true ones plus a liking for length. */
export const labellerWeights = (bias: number): number[] => [TRUE_WEIGHTS[0]!, TRUE_WEIGHTS[1]! + bias, TRUE_WEIGHTS[2]!];

/** One seeded answer from the base distribution. */
export function sampleAnswer(rng: Rng): Answer {
  const length = 0.5 - Math.log(1 - rng.next());
  const pCorrect = 0.2 + 0.4 * (1 - Math.exp(-(length - 0.5)));
  const correct = rng.next() < pCorrect ? 1 : 0;
  return [correct, length, rng.int(4)];
}

export const sampleAnswers = (rng: Rng, count: number): Answer[] => Array.from({ length: count }, () => sampleAnswer(rng));

export interface Comparison {
  /** Winner's and loser's features. */
  winner: Answer;
  loser: Answer;
}

/**
 * `pairs` labelled comparisons between random answers, the label drawn from
 * σ(r_a − r_b) under `weights`. The same rng gives the same pairs and the same
 * uniform draws for any weights, so sliding the bias changes labels smoothly.
 */
export function labelPairs(answers: readonly Answer[], weights: readonly number[], pairs: number, rng: Rng): Comparison[] {
  const out: Comparison[] = [];
  for (let k = 0; k < pairs; k++) {
    const a = answers[rng.int(answers.length)]!;
    const b = answers[rng.int(answers.length)]!;
    const u = rng.next();
    out.push(u < preferenceProbability(dot(weights, a), dot(weights, b)) ? { winner: a, loser: b } : { winner: b, loser: a });
  }
  return out;
}

/** Differences x_w − x_l, one row per comparison (label 1 for every row). */
export const differences = (comparisons: readonly Comparison[]): number[][] =>
  comparisons.map(({ winner, loser }) => winner.map((v, i) => v - loser[i]!));

/** Solves the small system A x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/**
 * Maximum-likelihood Bradley–Terry weights: maximise Σ log σ(w·d) over the
 * difference rows d by Newton's method (a tiny ridge, 1e-6, keeps the
 * Hessian invertible). Gradient Dᵀ(1 − p) and Hessian Dᵀ diag(p(1 − p)) D in
 * TensorFlow.js; the 3 × 3 solve in plain JS. Every tensor is freed.
 */
export function fitBradleyTerry(diffs: readonly (readonly number[])[], iterations = 25): number[] {
  const k = diffs[0]?.length ?? 0;
  let w = new Array<number>(k).fill(0);
  if (!diffs.length) return w;
  const D = tf.tensor2d(diffs as number[][]);
  try {
    for (let it = 0; it < iterations; it++) {
      const [g, H] = tf.tidy(() => {
        const p = tf.sigmoid(tf.matMul(D, tf.tensor2d(w, [k, 1])));
        const grad = tf.matMul(D, tf.sub(1, p), true, false);
        const hess = tf.matMul(tf.mul(D, tf.mul(p, tf.sub(1, p))), D, true, false);
        return [grad.dataSync(), hess.dataSync()] as const;
      });
      const Hm = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => H[i * k + j]! + (i === j ? 1e-6 : 0)));
      const step = solve(Hm, Array.from(g));
      w = w.map((wi, i) => wi + step[i]!);
      if (Math.max(...step.map(Math.abs)) < 1e-10) break;
    }
  } finally {
    D.dispose();
  }
  return w;
}

/** Cosine of the angle between two weight vectors. */
export const cosine = (a: readonly number[], b: readonly number[]) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));

export interface BestOfN {
  n: number;
  /** Expected proxy (learned) and true reward of the pick. */
  proxy: number;
  truth: number;
}

/**
 * Exact expectations of best-of-n from a pool (drawn with replacement), for
 * each n in `ns`: sort by proxy, P(pick = i-th) = (i/M)^n − ((i−1)/M)^n.
 */
export function bestOfN(pool: readonly Answer[], proxyWeights: readonly number[], trueWeights: readonly number[], ns: readonly number[]): BestOfN[] {
  const scored = pool.map((x) => ({ proxy: dot(proxyWeights, x), truth: dot(trueWeights, x) })).sort((a, b) => a.proxy - b.proxy);
  const M = scored.length;
  return ns.map((n) => {
    let proxy = 0;
    let truth = 0;
    let below = 0;
    for (let i = 1; i <= M; i++) {
      const upTo = (i / M) ** n;
      const pr = upTo - below;
      below = upTo;
      proxy += pr * scored[i - 1]!.proxy;
      truth += pr * scored[i - 1]!.truth;
    }
    return { n, proxy, truth };
  });
}

/** n = 1 … 2^maxLog2 on a log grid with `perOctave` points per doubling (whole numbers, no repeats). */
export function logGrid(maxLog2 = 8, perOctave = 4): number[] {
  const out = new Set<number>();
  for (let j = 0; j <= maxLog2 * perOctave; j++) out.add(Math.round(2 ** (j / perOctave)));
  return [...out];
}

export interface RewardHackingConfig {
  bias: number;
  pairs: number;
  pool: number;
}

export const DEFAULT_REWARD_HACKING: RewardHackingConfig = { bias: 1, pairs: 4000, pool: 2000 };

export interface RewardHackingResult {
  learned: number[];
  labeller: number[];
  curve: BestOfN[];
  /** Where the true reward of the pick is highest on the grid. */
  peak: BestOfN;
}

/** The whole demo for one bias: pool, labels, BT fit, best-of-n curve. Streams: 'answers', 'pairs', 'pool'. */
export function runRewardHacking(cfg: RewardHackingConfig, rngFor: (stream: string) => Rng, ns = logGrid()): RewardHackingResult {
  const answers = sampleAnswers(rngFor('answers'), 1000);
  const labeller = labellerWeights(cfg.bias);
  const learned = fitBradleyTerry(differences(labelPairs(answers, labeller, cfg.pairs, rngFor('pairs'))));
  const pool = sampleAnswers(rngFor('pool'), cfg.pool);
  const curve = bestOfN(pool, learned, TRUE_WEIGHTS, ns);
  const peak = curve.reduce((b, c) => (c.truth > b.truth ? c : b), curve[0]!);
  return { learned, labeller, curve, peak };
}
