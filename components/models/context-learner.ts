/**
 * In-context learning as one step of gradient descent (von Oswald et al.
 * 2023, "Transformers learn in-context by gradient descent", Prop. 1).
 *
 * Task: linear regression y = w·x + noise, x ∈ R^d. The context is N tokens
 * e_j = (x_j, y_j) ∈ R^{d+1}; the query token is e_q = (x_q, 0).
 *
 * One linear self-attention (LSA) layer, no softmax, updates the query token
 *
 *   e_q ← e_q + P · W_V Eᵀ · (E W_Kᵀ)(W_Q e_q)        (sum over the N context tokens)
 *
 * with the hand-constructed weights (w₀ = 0, the start of gradient descent)
 *
 *   W_K = W_Q = [[I_d, 0], [0, 0]]     so  (W_K e_j)·(W_Q e_q) = x_j·x_q
 *   W_V       = [[0,   0], [w₀ᵀ, −1]]  so  W_V e_j = (0, w₀·x_j − y_j) = (0, −y_j)
 *   P         = (η / N) · I
 *
 * The layer's update to the query's y-slot is therefore
 *
 *   Δy_q = (η/N) Σ_j (w₀·x_j − y_j)(x_j·x_q) = −(η/N) Σ_j y_j x_j·x_q
 *
 * which is exactly −(w₁·x_q) for one gradient-descent step on the loss
 * L(w) = 1/(2N) Σ_j (w·x_j − y_j)² from w₀ = 0 with learning rate η:
 *   w₁ = w₀ − η ∇L(w₀) = (η/N) Σ_j y_j x_j.
 * The query's y-slot starts at 0, so it ends at −ŷ: as in the paper, the
 * prediction is read from the output y-slot with its sign flipped,
 * ŷ_LSA = −(e_q)_{d+1}.
 *
 * The LSA runs in TensorFlow.js (matMul of Q Kᵀ, no softmax, times V); the
 * explicit GD step is plain float64 JavaScript. They agree to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../runtime/rng.js';

/** The largest number of shots the demo offers. */
export const MAX_SHOTS = 64;
/** Seeded queries (each with its own task w and context) averaged for the error curve. */
export const TRIALS = 50;

export interface Task {
  /** The true weights. */
  w: number[];
  /** MAX_SHOTS context inputs x_j ∈ R^d. */
  xs: number[][];
  /** Their noisy targets y_j = w·x_j + noise·ε. */
  ys: number[];
  /** The query input. */
  xq: number[];
  /** The query's true (noise-free) target w·x_q. */
  yq: number;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** TRIALS seeded tasks: w, x_j, x_q ~ N(0, I_d), ε ~ N(0, 1). Values are rounded to float32 so both paths see the same numbers. */
export function makeTasks(seed: number, dims: number, noise: number, trials = TRIALS, maxShots = MAX_SHOTS): Task[] {
  const rng = createRng(seed, 'context-learner');
  const f = Math.fround;
  const vec = () => Array.from({ length: dims }, () => f(rng.normal()));
  return Array.from({ length: trials }, () => {
    const w = vec();
    const xs = Array.from({ length: maxShots }, vec);
    const ys = xs.map((x) => f(dot(w, x) + noise * rng.normal()));
    const xq = vec();
    return { w, xs, ys, xq, yq: dot(w, xq) };
  });
}

/** The explicit GD step in float64: w₁ = (η/N) Σ y_j x_j from w₀ = 0. */
export function gdStep(xs: readonly number[][], ys: readonly number[], eta: number): number[] {
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const w1 = new Array<number>(d).fill(0);
  for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) w1[k]! += (eta / n) * ys[j]! * xs[j]![k]!;
  return w1;
}

/** The GD prediction w₁·x_q. */
export function gdPredict(xs: readonly number[][], ys: readonly number[], xq: readonly number[], eta: number): number {
  return dot(gdStep(xs, ys, eta), xq);
}

/** The hand-constructed LSA weights for dimension d: W_K = W_Q, W_V (w₀ = 0). */
export function lsaWeights(d: number): { wq: number[][]; wk: number[][]; wv: number[][] } {
  const eye = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j && i < d ? 1 : 0)));
  const wv = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === d && j === d ? -1 : 0)));
  return { wq: eye, wk: eye.map((r) => [...r]), wv };
}

/**
 * The LSA layer on a batch: contexts [B][N][d+1] tokens (x_j, y_j), queries
 * [B][d] inputs (their y-slot is 0). Returns the query's output y-slot for
 * each and the prediction ŷ = −y-slot.
 */
export function lsaBatch(contexts: number[][][], queries: number[][], eta: number): { ySlot: Float32Array; prediction: number[] } {
  const b = contexts.length;
  const n = contexts[0]!.length;
  const d = queries[0]!.length;
  const { wq, wk, wv } = lsaWeights(d);
  const ySlot = tf.tidy(() => {
    const E = tf.tensor3d(contexts.flat(2), [b, n, d + 1]);
    const eq = tf.tensor3d(queries.flatMap((q) => [...q, 0]), [b, 1, d + 1]);
    const WQ = tf.tensor2d(wq);
    const WK = tf.tensor2d(wk);
    const WV = tf.tensor2d(wv);
    const project = (t: tf.Tensor3D, rows: number, W: tf.Tensor2D) =>
      tf.reshape(tf.matMul(tf.reshape(t, [b * rows, d + 1]) as tf.Tensor2D, W, false, true), [b, rows, d + 1]) as tf.Tensor3D;
    // Row-vector convention: Q = e_q W_Qᵀ, K = E W_Kᵀ, V = E W_Vᵀ.
    const Q = project(eq, 1, WQ);
    const K = project(E, n, WK);
    const V = project(E, n, WV);
    const scores = tf.matMul(Q, K, false, true); // [b, 1, n]: x_q·x_j, no softmax
    const update = tf.mul(tf.matMul(scores, V), eta / n); // P = (η/N) I
    const out = tf.add(eq, update); // residual: e_q + Δe_q
    return tf.reshape(tf.slice(out, [0, 0, d], [b, 1, 1]), [b]);
  });
  const values = ySlot.dataSync() as Float32Array;
  ySlot.dispose();
  return { ySlot: values, prediction: Array.from(values, (v) => -v) };
}

export interface Sweep {
  dims: number;
  eta: number;
  noise: number;
  /** lsa[N-1][t], gd[N-1][t]: predictions of trial t with N shots. */
  lsa: number[][];
  gd: number[][];
  /** Mean squared error against the true y_q over the trials, for N = 1 … MAX_SHOTS. */
  lsaError: number[];
  gdError: number[];
  /** Largest |ŷ_LSA − ŷ_GD| over every N and trial. */
  maxDifference: number;
  tasks: Task[];
}

/** Every N from 1 to maxShots, every trial: LSA (tf.js) and GD (float64) predictions and their errors. */
export function sweep(seed: number, dims: number, noise: number, eta: number, trials = TRIALS, maxShots = MAX_SHOTS): Sweep {
  const tasks = makeTasks(seed, dims, noise, trials, maxShots);
  const lsa: number[][] = [];
  const gd: number[][] = [];
  const lsaError: number[] = [];
  const gdError: number[] = [];
  let maxDifference = 0;
  for (let n = 1; n <= maxShots; n++) {
    const contexts = tasks.map((t) => t.xs.slice(0, n).map((x, j) => [...x, t.ys[j]!]));
    const { prediction } = lsaBatch(contexts, tasks.map((t) => t.xq), eta);
    const g = tasks.map((t) => gdPredict(t.xs.slice(0, n), t.ys.slice(0, n), t.xq, eta));
    lsa.push(prediction);
    gd.push(g);
    lsaError.push(prediction.reduce((s, p, i) => s + (p - tasks[i]!.yq) ** 2, 0) / trials);
    gdError.push(g.reduce((s, p, i) => s + (p - tasks[i]!.yq) ** 2, 0) / trials);
    for (let i = 0; i < trials; i++) maxDifference = Math.max(maxDifference, Math.abs(prediction[i]! - g[i]!));
  }
  return { dims, eta, noise, lsa, gd, lsaError, gdError, maxDifference, tasks };
}
