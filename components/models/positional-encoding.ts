/**
 * Sinusoidal positional encoding (Vaswani et al. 2017, "Attention Is All You Need"):
 *
 *   PE(pos, 2i)   = sin(pos / base^(2i/d))
 *   PE(pos, 2i+1) = cos(pos / base^(2i/d)),   base = 10000
 *
 * Each pair of dimensions (2i, 2i+1) is a point turning on a circle at its own
 * angular speed ω_i = base^(−2i/d): fast for the first pairs, slower and slower
 * after. Because sin a·sin b + cos a·cos b = cos(a − b),
 *
 *   PE(p) · PE(q) = Σ_i cos((p − q)·ω_i),
 *
 * which depends only on the distance p − q, not on where the pair sits.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface PeOptions {
  /** Number of positions (rows). */
  positions: number;
  /** Model dimension d (columns), even: one sin/cos pair per frequency. */
  dimensions: number;
  /** The wavelength base, 10000 in the paper. */
  base?: number;
}

/** ω_i = base^(−2i/d) for i = 0 … d/2 − 1. */
export function angularSpeeds(dimensions: number, base = 10000): number[] {
  return Array.from({ length: Math.floor(dimensions / 2) }, (_, i) => base ** (-(2 * i) / dimensions));
}

/** Throws a readable message for sizes the encoding is not defined for. */
export function checkPeOptions({ positions, dimensions, base = 10000 }: PeOptions): void {
  if (!Number.isInteger(positions) || positions < 1) throw new Error(`positions must be a whole number ≥ 1, got ${positions}`);
  if (!Number.isInteger(dimensions) || dimensions < 2 || dimensions % 2 !== 0) {
    throw new Error(`dimensions must be an even whole number ≥ 2 (one sin/cos pair per frequency), got ${dimensions}`);
  }
  if (!(base > 1)) throw new Error(`base must be greater than 1, got ${base}`);
}

/** The encoding as a tensor [positions, dimensions] (caller disposes). */
export function positionalEncodingTensor({ positions, dimensions, base = 10000 }: PeOptions): tf.Tensor2D {
  checkPeOptions({ positions, dimensions, base });
  return tf.tidy(() => {
    const half = dimensions / 2;
    const pos = tf.reshape(tf.range(0, positions, 1, 'float32'), [positions, 1]); // [P, 1]
    const speeds = tf.tensor2d([angularSpeeds(dimensions, base)], [1, half]); // [1, d/2]
    const angles = tf.mul(pos, speeds); // [P, d/2]
    // stack → [P, d/2, 2] puts sin and cos of one frequency side by side: columns 2i, 2i+1
    return tf.reshape(tf.stack([tf.sin(angles), tf.cos(angles)], 2), [positions, dimensions]) as tf.Tensor2D;
  });
}

export interface PeMatrix {
  positions: number;
  dimensions: number;
  /** Row-major values, rows[pos][dim]. */
  rows: number[][];
}

export async function positionalEncoding(opts: PeOptions): Promise<PeMatrix> {
  const t = positionalEncodingTensor(opts);
  const rows = (await t.array()) as number[][];
  t.dispose();
  return { positions: opts.positions, dimensions: opts.dimensions, rows };
}

/**
 * Dot products of every position with position `p`: G[q] = PE(p)·PE(q),
 * computed as PE · PE(p)ᵀ → [P].
 */
export async function similarityTo(pe: tf.Tensor2D, p: number): Promise<number[]> {
  const t = tf.tidy(() => tf.reshape(tf.matMul(pe, tf.slice(pe, [p, 0], [1, -1]), false, true), [-1]));
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

/** The dot product as a function of distance only: Σ_i cos(k·ω_i). */
export function dotAtDistance(k: number, dimensions: number, base = 10000): number {
  return angularSpeeds(dimensions, base).reduce((s, w) => s + Math.cos(k * w), 0);
}
