/**
 * Scaled dot-product self-attention in TensorFlow.js, multi-head, with the
 * knobs a lecture turns: the √d scaling, a temperature and the causal mask.
 *
 *   Q = X·W_Q, K = X·W_K, V = X·W_V           X: [n, d], W: [d, d]
 *   split d into h heads of d_h = d / h        Q, K, V: [h, n, d_h]
 *   scores  = Q·Kᵀ / √d_h   (scaling optional) [h, n, n]
 *   weights = softmax(scores / T) over keys,   masked keys exactly 0
 *   mixed   = weights·V                        [h, n, d_h]
 *   output  = heads concatenated               [n, d]   (no W_O here)
 *
 * Cross-attention takes its queries from one sequence and its keys and values
 * from another (scores [h, n_q, n_k]). Also: the parameter count of multi-head
 * attention, seeded permutations (attention without positions is permutation
 * equivariant), the word tokenizer and the seeded embeddings the demos use, and
 * the check that an author-given weight matrix is row-stochastic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../runtime/rng.js';

export interface MaskOptions {
  /** Divide the scores by this before the softmax; 0 = hard attention (one-hot on the row's best key). */
  temperature?: number;
  /** Token i may only look at keys j ≤ i. */
  causal?: boolean;
  /** Extra [n, n] 0/1 mask of allowed keys (e.g. the zeros of an author-given matrix). */
  allowed?: tf.Tensor2D;
}

export interface AttentionOptions extends MaskOptions {
  /** Number of heads h; d must be divisible by h. */
  heads?: number;
  /** Divide the scores by √d_h (the "scaled" in scaled dot-product). */
  scale?: boolean;
}

export interface Projections {
  wq: tf.Tensor2D;
  wk: tf.Tensor2D;
  wv: tf.Tensor2D;
}

export type AttentionResult = {
  /** Scaled scores before the mask and softmax, [h, n, n]. */
  scores: tf.Tensor3D;
  /** Row-stochastic attention weights, [h, n, n]. */
  weights: tf.Tensor3D;
  /** Value vectors per head, [h, n, d_h]. */
  values: tf.Tensor3D;
  /** Each token's mix of values, heads concatenated, [n, d]. */
  output: tf.Tensor2D;
};

/** Masked scores sit this far below: exp() of it underflows to exactly 0 in float32 on every backend. */
const MASKED = -1e9;

/** [n, n] lower-triangular 0/1 matrix: 1 where key j ≤ query i. */
export function causalMask(n: number): tf.Tensor2D {
  return tf.linalg.bandPart(tf.ones([n, n]), -1, 0) as tf.Tensor2D;
}

/**
 * Attention weights from scores [..., n, n]. The mask is applied twice on
 * purpose: −1e9 before the softmax so masked keys take no mass, and a multiply
 * after it so they are exactly 0 whatever a backend's exp() does.
 */
export function weightsFromScores<T extends tf.Tensor>(scores: T, opts: MaskOptions = {}): T {
  return tf.tidy(() => {
    const n = scores.shape[scores.rank - 1]!;
    let mask: tf.Tensor | null = opts.causal ? causalMask(n) : null;
    if (opts.allowed) mask = mask ? tf.mul(mask, opts.allowed) : opts.allowed;
    const t = opts.temperature ?? 1;
    const masked = mask ? tf.where(tf.cast(mask, 'bool'), scores, tf.fill(scores.shape, MASKED)) : scores;
    if (t <= 0) {
      // T → 0 limit: all weight on the row's highest allowed score (first one on ties).
      return tf.cast(tf.oneHot(tf.argMax(masked, -1), n), 'float32') as T;
    }
    const soft = tf.softmax(t === 1 ? masked : tf.div(masked, t));
    return (mask ? tf.mul(soft, mask) : soft) as T;
  });
}

/** [n, h·d_h] → [h, n, d_h]. */
export function splitHeads(x: tf.Tensor2D, heads: number): tf.Tensor3D {
  const [n, d] = x.shape;
  if (d % heads !== 0) throw new Error(`width ${d} is not divisible by ${heads} heads`);
  return tf.tidy(() => tf.transpose(tf.reshape(x, [n, heads, d / heads]), [1, 0, 2]) as tf.Tensor3D);
}

/** [h, n, d_h] → [n, h·d_h] (heads side by side, head 0 first). */
export function mergeHeads(x: tf.Tensor3D): tf.Tensor2D {
  const [h, n, dh] = x.shape;
  return tf.tidy(() => tf.reshape(tf.transpose(x, [1, 0, 2]), [n, h * dh]) as tf.Tensor2D);
}

/**
 * The core, batched over a leading axis B (heads, or batch × heads):
 * q, k: [B, n, d_h], v: [B, n, d_v] → scores, weights [B, n, n], mixed [B, n, d_v].
 */
export function scaledDotProduct(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, opts: AttentionOptions = {}) {
  return tf.tidy(() => {
    const dh = q.shape[2];
    let scores = tf.matMul(q, k, false, true) as tf.Tensor3D;
    if (opts.scale ?? true) scores = tf.div(scores, Math.sqrt(dh));
    const weights = weightsFromScores(scores, opts);
    const mixed = tf.matMul(weights, v) as tf.Tensor3D;
    return { scores, weights, mixed };
  });
}

/** Attention from ready-made per-head queries, keys and values ([h, n, d_h] each). */
export function attendHeads(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, opts: AttentionOptions = {}): AttentionResult {
  return tf.tidy(() => {
    const { scores, weights, mixed } = scaledDotProduct(q, k, v, opts);
    return { scores, weights, values: tf.clone(v), output: mergeHeads(mixed) };
  });
}

/** Self-attention of X [n, d] through W_Q, W_K, W_V [d, d]. */
export function selfAttention(x: tf.Tensor2D, w: Projections, opts: AttentionOptions = {}): AttentionResult {
  const heads = opts.heads ?? 1;
  return tf.tidy(() => {
    const q = splitHeads(tf.matMul(x, w.wq), heads);
    const k = splitHeads(tf.matMul(x, w.wk), heads);
    const v = splitHeads(tf.matMul(x, w.wv), heads);
    return attendHeads(q, k, v, opts);
  });
}

/**
 * Cross-attention: queries from X_q [n_q, d] (e.g. the decoder's tokens), keys
 * and values from X_kv [n_k, d] (the encoder's). No mask: every query may read
 * every source token. weights [h, n_q, n_k], output [n_q, d].
 */
export function crossAttention(xq: tf.Tensor2D, xkv: tf.Tensor2D, w: Projections, opts: Omit<AttentionOptions, 'causal'> = {}): AttentionResult {
  const heads = opts.heads ?? 1;
  return tf.tidy(() => {
    const q = splitHeads(tf.matMul(xq, w.wq), heads);
    const k = splitHeads(tf.matMul(xkv, w.wk), heads);
    const v = splitHeads(tf.matMul(xkv, w.wv), heads);
    return attendHeads(q, k, v, { ...opts, causal: false });
  });
}

/** Disposes every tensor of a result. */
export function disposeResult(r: AttentionResult): void {
  tf.dispose([r.scores, r.weights, r.values, r.output]);
}

// ---------------------------------------------------------------------------
// Parameters of multi-head attention

/**
 * The weight matrices of multi-head attention with width d and h heads, as
 * their shapes: per head W_Q, W_K, W_V of [d, d/h], then one output
 * projection W_O [d, d] (no biases). d must be divisible by h.
 */
export function headParameterShapes(d: number, heads: number): { name: string; shape: [number, number] }[] {
  if (!Number.isInteger(d) || !Number.isInteger(heads) || d < 1 || heads < 1 || d % heads !== 0) {
    throw new Error(`width ${d} is not divisible by ${heads} heads`);
  }
  const dh = d / heads;
  const perHead = Array.from({ length: heads }, (_, h) =>
    (['W_Q', 'W_K', 'W_V'] as const).map((m) => ({ name: `${m}^${h + 1}`, shape: [d, dh] as [number, number] }))).flat();
  return [...perHead, { name: 'W_O', shape: [d, d] }];
}

/** Parameter count of multi-head attention: h · 3 · d · (d/h) + d² = 4d², whatever h. */
export function attentionParameterCount(d: number, heads: number): number {
  return headParameterShapes(d, heads).reduce((s, { shape: [r, c] }) => s + r * c, 0);
}

// ---------------------------------------------------------------------------
// Permutations

/**
 * A seeded permutation of 0…n−1 (Fisher–Yates); for n ≥ 2 never the identity,
 * so a "shuffle" always moves something. perm[i] = the original index now at i.
 */
export function seededPermutation(n: number, rng: { int(n: number): number }): number[] {
  const identity = Array.from({ length: n }, (_, i) => i);
  if (n < 2) return identity;
  for (;;) {
    const p = [...identity];
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    if (p.some((v, i) => v !== i)) return p;
  }
}

/** Rows and columns of a square matrix permuted together: out[i][j] = m[perm[i]][perm[j]] (P·M·Pᵀ). */
export function permuteSquare(m: readonly (readonly number[])[], perm: readonly number[]): number[][] {
  return perm.map((pi) => perm.map((pj) => m[pi]![pj]!));
}

// ---------------------------------------------------------------------------
// Tokens and seeded embeddings

/** Words, contractions ("didn't") and single punctuation marks: "Was the bank flooded?" → 5 tokens. */
export function tokenizeWords(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu) ?? [];
}

/**
 * A word's seeded vector of `dim` numbers ~ N(0, 1). Case-folded so "The"
 * and "the" share a vector; the same word always gets the same vector for a
 * seed, which is what makes raw dot products light up on repeated words.
 */
export function wordVector(word: string, dim: number, seed: number): number[] {
  const rng = createRng(seed, `word:${word.toLowerCase()}`);
  return Array.from({ length: dim }, () => rng.normal());
}

/**
 * Sinusoidal positions, [n, dim]: pairs (sin, cos) of pos·ω_k with ω_k spread
 * geometrically from 1 down to 1/n. A short base (n instead of 10,000) suits
 * sentences of a few dozen tokens: every pair still turns visibly. For each
 * pair, position p − 1 is a fixed rotation of position p, so "look one back"
 * is a linear map a head can learn.
 */
export function positionalEncoding(n: number, dim: number): number[][] {
  const pairs = Math.floor(dim / 2);
  return Array.from({ length: n }, (_, pos) => {
    const row = new Array<number>(dim).fill(0);
    for (let k = 0; k < pairs; k++) {
      const omega = Math.pow(Math.max(n, 2), -k / Math.max(pairs - 1, 1));
      row[2 * k] = Math.sin(pos * omega);
      row[2 * k + 1] = Math.cos(pos * omega);
    }
    return row;
  });
}

/**
 * Embeddings X [n, dim]: the word part (first ⌈dim/2⌉ numbers) next to the
 * position part (the rest). Concatenated, not summed as in large models: at a
 * width of 16–32 a sum would blur "which word" and "where" together, while
 * side by side a linear map can pick either one. positions = false zeroes the
 * position half: the embedding of a word is then the same wherever it stands.
 */
export function embedTokens(tokens: readonly string[], dim: number, seed: number, positions = true): number[][] {
  const dPos = dim - Math.ceil(dim / 2);
  const pos = positions ? positionalEncoding(tokens.length, dPos) : null;
  return tokens.map((t, i) => [...wordPart(t, dim, seed), ...(pos ? pos[i]! : new Array<number>(dPos).fill(0))]);
}

/**
 * The word half of an embedding of width `dim`: the word's vector scaled so
 * its squared length (about ⌊dim/2⌋/2) matches the position half's, so
 * neither half drowns the other in a dot product.
 */
export function wordPart(word: string, dim: number, seed: number): number[] {
  const dWord = Math.ceil(dim / 2);
  const dPos = dim - dWord;
  const scale = Math.sqrt(Math.max(dPos, 1) / 2 / dWord);
  return wordVector(word, dWord, seed).map((v) => v * scale);
}

/** Seeded projection [d, d] with entries ~ N(0, 1/d) (keeps q·k of order √d before scaling). */
export function randomProjection(d: number, seed: number, stream: string): number[][] {
  const rng = createRng(seed, stream);
  const s = 1 / Math.sqrt(d);
  return Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal() * s));
}

/** Identity projections: attention on the raw embeddings (scores = X·Xᵀ). */
export function identityProjections(d: number): Projections {
  const eye = tf.eye(d) as tf.Tensor2D;
  return { wq: eye, wk: tf.clone(eye), wv: tf.clone(eye) };
}

/** Seeded W_Q, W_K, W_V [d, d]; `gain` multiplies W_Q and W_K (the score spread), not W_V. */
export function seededProjections(d: number, seed: number, gain = 1): Projections {
  const scaled = (stream: string) => randomProjection(d, seed, stream).map((row) => row.map((v) => v * gain));
  return {
    wq: tf.tensor2d(scaled('W_Q')),
    wk: tf.tensor2d(scaled('W_K')),
    wv: tf.tensor2d(randomProjection(d, seed, 'W_V')),
  };
}

// ---------------------------------------------------------------------------
// Author-given matrices

export interface WeightCheck {
  ok: boolean;
  /** What is wrong, naming the row or size, when !ok. */
  problem?: string;
  /** Rows rescaled to sum exactly to 1 (author tables are rounded to 2 decimals). */
  normalised?: number[][];
}

/**
 * Accepts a square matrix of non-negative numbers whose rows each sum to 1
 * within `tolerance` (0.02 by default: "0.05, 0.1, ..." tables lose a little
 * to rounding), and returns it with rows rescaled to sum to exactly 1.
 */
export function checkWeights(m: readonly (readonly number[])[], tolerance = 0.02): WeightCheck {
  const n = m.length;
  if (n === 0) return { ok: false, problem: 'the matrix is empty' };
  for (let i = 0; i < n; i++) {
    const row = m[i]!;
    if (row.length !== n) return { ok: false, problem: `it has ${n} rows but row ${i + 1} has ${row.length} values; attention weights form a square matrix (one row and one column per token)` };
    if (row.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return { ok: false, problem: `row ${i + 1} holds something that is not a number` };
    if (row.some((v) => v < 0)) return { ok: false, problem: `row ${i + 1} has a negative weight` };
    const sum = row.reduce((s, v) => s + v, 0);
    if (Math.abs(sum - 1) > tolerance) return { ok: false, problem: `row ${i + 1} sums to ${+sum.toFixed(4)}, not 1 (each row is a softmax output)` };
  }
  return { ok: true, normalised: m.map((row) => { const s = row.reduce((a, v) => a + v, 0); return row.map((v) => v / s); }) };
}

/**
 * Reads matrices as a deck author types them: rows separated by ";", values
 * by commas and/or spaces, one matrix per head separated by "|"; or JSON
 * ([[…]] for one head, [[[…]]] for several). Checks they are square, of one
 * size, and numbers; says what is wrong otherwise.
 */
export function parseMatrices(raw: unknown): { ok: true; value: number[][][] } | { ok: false; problem: string } {
  let heads: unknown;
  if (Array.isArray(raw)) heads = Array.isArray(raw[0]?.[0]) ? raw : [raw];
  else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return { ok: false, problem: 'it is empty' };
    if (text.startsWith('[')) {
      try {
        const parsed = JSON.parse(text);
        heads = Array.isArray(parsed?.[0]?.[0]) ? parsed : [parsed];
      } catch {
        return { ok: false, problem: 'it starts with "[" but is not valid JSON' };
      }
    } else {
      heads = text.split('|').map((m) => m.split(';').filter((r) => r.trim() !== '').map((r) => r.trim().split(/[\s,]+/).map((v) => (v === '' ? NaN : Number(v)))));
    }
  } else return { ok: false, problem: 'it is not text' };
  if (!Array.isArray(heads) || heads.length === 0) return { ok: false, problem: 'no matrix found' };
  const n = (heads[0] as unknown[]).length;
  for (let h = 0; h < heads.length; h++) {
    const m = heads[h] as unknown[];
    const where = heads.length > 1 ? `head ${h + 1}: ` : '';
    if (!Array.isArray(m) || m.length === 0) return { ok: false, problem: `${where}no rows` };
    if (m.length !== n) return { ok: false, problem: `${where}${m.length} rows, but head 1 has ${n}` };
    for (let i = 0; i < m.length; i++) {
      const row = m[i];
      if (!Array.isArray(row)) return { ok: false, problem: `${where}row ${i + 1} is not a list of numbers` };
      if (row.length !== n) return { ok: false, problem: `${where}${n} rows but row ${i + 1} has ${row.length} values (it must be square: one row and one column per token)` };
      if (row.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return { ok: false, problem: `${where}row ${i + 1} holds something that is not a number` };
    }
  }
  return { ok: true, value: heads as number[][][] };
}
