/**
 * Which token may attend to which, for the three transformer families, and
 * the attention weights that result once the mask is applied.
 *
 *  - decoder-only (GPT, Claude, Llama): causal self-attention, token i sees 0..i;
 *  - encoder-only (BERT): full self-attention, every token sees every token;
 *  - encoder-decoder (T5, BART): the encoder's self-attention is full over the
 *    source, the decoder's is causal over the output so far, and cross-attention
 *    lets every output token see every source token.
 *
 * A mask is rows = queries (the token doing the looking), columns = keys
 * (the tokens looked at), 1 = allowed, 0 = blocked.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../runtime/rng.js';

export const ARCHITECTURES = ['decoder-only', 'encoder-only', 'encoder-decoder'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export type Mask = number[][];

export interface AttentionBlock {
  /** What this block is, e.g. "decoder self-attention (causal)". */
  label: string;
  /** Tokens that ask (rows). */
  queries: string[];
  /** Tokens that answer (columns). */
  keys: string[];
  mask: Mask;
  /** True when queries and keys both begin with the source tokens (self-attention over the input): given weights apply there. */
  overSource?: boolean;
}

/** Lower-triangular n×n: query i may see keys 0..i. */
export function causalMask(n: number): Mask {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j <= i ? 1 : 0)));
}

/** rows×cols of ones: nothing is hidden. */
export function fullMask(rows: number, cols = rows): Mask {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(1));
}

/** Number of (query, key) pairs the mask allows. */
export function allowedPairs(mask: Mask): number {
  return mask.reduce((s, row) => s + row.reduce((a, v) => a + v, 0), 0);
}

/** The attention blocks of one architecture. `target` is the decoder's output so far (encoder-decoder only). */
export function blocksFor(arch: Architecture, source: string[], target: string[] = []): AttentionBlock[] {
  switch (arch) {
    case 'decoder-only':
      return [{ label: 'self-attention (causal)', queries: source, keys: source, mask: causalMask(source.length), overSource: true }];
    case 'encoder-only':
      return [{ label: 'self-attention (full)', queries: source, keys: source, mask: fullMask(source.length), overSource: true }];
    case 'encoder-decoder':
      return [
        { label: 'encoder self-attention (full)', queries: source, keys: source, mask: fullMask(source.length), overSource: true },
        { label: 'decoder self-attention (causal)', queries: target, keys: target, mask: causalMask(target.length) },
        { label: 'cross-attention (decoder → encoder)', queries: target, keys: source, mask: fullMask(target.length, source.length) },
      ];
  }
}

/** Added to blocked scores before softmax: exp(−1e9 − max) underflows to exactly 0 in float32. */
const BLOCKED = -1e9;

/**
 * Scaled dot-product attention weights under a mask.
 * q: [n, d] query vectors, k: [m, d] key vectors, mask: [n, m].
 * Returns [n, m]: each row sums to 1 over its allowed keys, blocked entries are 0.
 */
export async function maskedAttentionWeights(q: number[][], k: number[][], mask: Mask): Promise<number[][]> {
  const n = q.length;
  const m = k.length;
  if (n === 0 || m === 0) return q.map(() => []);
  const d = q[0].length;
  return maskedSoftmax(dotScores(q, k, d), mask);
}

/** Scaled dot products q·k/√d as plain numbers: [n, m]. */
function dotScores(q: number[][], k: number[][], d: number): number[][] {
  return q.map((qi) => k.map((kj) => qi.reduce((s, v, t) => s + v * kj[t], 0) / Math.sqrt(d)));
}

/**
 * Softmax of each row of scores over the keys its mask allows (TensorFlow.js);
 * blocked entries are exactly 0. scores and mask: [n, m].
 */
export async function maskedSoftmax(scores: number[][], mask: Mask): Promise<number[][]> {
  const n = scores.length;
  const m = scores[0]?.length ?? 0;
  if (n === 0 || m === 0) return scores.map(() => []);
  if (mask.length !== n || mask.some((row) => row.length !== m)) {
    throw new Error(`attention mask must be ${n}×${m}`);
  }
  if (mask.some((row) => !row.includes(1))) throw new Error('every query must be allowed at least one key');
  const w = tf.tidy(() => {
    const allowed = tf.cast(tf.tensor2d(mask), 'bool'); // [n, m]
    return tf.softmax(tf.where(allowed, tf.tensor2d(scores), tf.fill([n, m], BLOCKED)));
  });
  const flat = await w.data();
  w.dispose();
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * m, (i + 1) * m)));
}

/** Floor for a given weight before its logarithm: a weight of 0 stays (almost exactly) 0. */
const TINY = 1e-9;

/**
 * Stand-in query/key vectors for a demo: a token string always gets the same
 * seeded vector, so adding a token never reshuffles the others.
 * role 'q' or 'k' keeps queries and keys different; d is the vector width.
 */
export function toyVectors(tokens: readonly string[], role: 'q' | 'k', d: number, seed: number): number[][] {
  return tokens.map((t, position) => {
    // Position is part of the stream so repeated words still differ slightly, as they would
    // once positional information is added.
    const rng = createRng(seed, `${role}:${t}:${position}`);
    return Array.from({ length: d }, () => rng.normal());
  });
}

/**
 * Weights for one block. Rows come from seeded toy vectors, except where
 * `given` (rows = queries, columns = keys over the source tokens, each row
 * summing to 1, e.g. an earlier slide's hand-set weights) covers a query of a
 * block over the source: there the scores are ln(given), so that softmax under
 * the mask gives the given weights with the masked ones removed and the rest
 * rescaled to sum to 1 (w_ij / Σ_allowed w_ij). Without a mask they are the
 * given weights themselves.
 */
export function blockWeights(block: AttentionBlock, seed: number, d = 8, given: number[][] | null = null): Promise<number[][]> {
  const toy = dotScores(toyVectors(block.queries, 'q', d, seed), toyVectors(block.keys, 'k', d, seed), d);
  const n = given && block.overSource ? given.length : 0;
  const scores = toy.map((row, i) => (i < n ? row.map((v, j) => (j < n ? Math.log(Math.max(TINY, given![i][j])) : v)) : row));
  return maskedSoftmax(scores, block.mask);
}
