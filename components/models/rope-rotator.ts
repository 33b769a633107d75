/**
 * Rotary position embedding (RoPE; Su et al. 2021, "RoFormer"): instead of
 * adding a position vector, rotate the query and the key.
 *
 * Split a d-dimensional vector into d/2 pairs (x_{2i}, x_{2i+1}). At position
 * m, pair i is turned by the angle m·θ_i, θ_i = base^(−2i/d) (base 10000):
 *
 *   R(m)x  pair i = ( x_{2i} cos mθ_i − x_{2i+1} sin mθ_i,
 *                     x_{2i} sin mθ_i + x_{2i+1} cos mθ_i )
 *
 * A rotation keeps lengths, and rotating both vectors by different angles
 * leaves only the difference: (R(m)q)·(R(n)k) = q·R(n − m)k, so the score
 * depends on m − n alone — every diagonal of the score matrix over (m, n) is
 * constant. The sinusoidal encoding of the original Transformer gets the same
 * property for the position codes themselves: PE(p)·PE(p + k) = Σ_i cos(ω_i k)
 * (models/positional-encoding.ts).
 *
 * What this does NOT give: a network that works past the lengths it was
 * trained on. The score is defined at any distance, but distances (and, for
 * the slow pairs, angles) never met in training are untested, and in
 * practice models with sinusoidal or rotary positions degrade past their
 * training length; ALiBi (Press et al. 2022), position interpolation (Chen et
 * al. 2023) and YaRN (Peng et al. 2023) were made for that. `seenAngles`
 * says which angles of each pair training covered.
 */
import * as tf from '@tensorflow/tfjs-core';
import { positionalEncodingTensor } from './positional-encoding.js';

/** θ_i = base^(−2i/d), i = 0 … d/2 − 1: fast pairs first. */
export function ropeFrequencies(dims: number, base = 10000): number[] {
  return Array.from({ length: Math.floor(dims / 2) }, (_, i) => base ** (-(2 * i) / dims));
}

export function checkRope(dims: number, base: number): void {
  if (!Number.isInteger(dims) || dims < 2 || dims % 2 !== 0) throw new Error(`dims must be an even whole number ≥ 2 (one rotating pair per two dimensions), got ${dims}`);
  if (!(base > 1)) throw new Error(`base must be greater than 1, got ${base}`);
}

/**
 * Rotates row r of x [P, d] by the angles positions[r]·θ_i, pair by pair
 * (TensorFlow.js; caller disposes).
 */
export function rotate(x: tf.Tensor2D, positions: readonly number[], base = 10000): tf.Tensor2D {
  const [P, d] = x.shape;
  checkRope(d, base);
  if (positions.length !== P) throw new Error(`one position per row: ${positions.length} positions for ${P} rows`);
  return tf.tidy(() => {
    const half = d / 2;
    const angles = tf.mul(tf.tensor2d([...positions], [P, 1]), tf.tensor2d([ropeFrequencies(d, base)], [1, half])); // [P, d/2]
    const cos = tf.cos(angles);
    const sin = tf.sin(angles);
    const pairs = tf.reshape(x, [P, half, 2]);
    const even = tf.reshape(tf.slice(pairs, [0, 0, 0], [P, half, 1]), [P, half]);
    const odd = tf.reshape(tf.slice(pairs, [0, 0, 1], [P, half, 1]), [P, half]);
    const a = tf.sub(tf.mul(even, cos), tf.mul(odd, sin));
    const b = tf.add(tf.mul(even, sin), tf.mul(odd, cos));
    return tf.reshape(tf.stack([a, b], 2), [P, d]) as tf.Tensor2D;
  });
}

/** Scores S[m][n] = (R(m)q)·(R(n)k) for m, n = 0 … positions − 1 (TensorFlow.js; caller disposes). */
export function ropeScoreTensor(q: readonly number[], k: readonly number[], positions: number, base = 10000): tf.Tensor2D {
  if (q.length !== k.length) throw new Error(`q and k need the same length, got ${q.length} and ${k.length}`);
  checkRope(q.length, base);
  return tf.tidy(() => {
    const pos = Array.from({ length: positions }, (_, p) => p);
    const tile = (v: readonly number[]) => tf.tile(tf.tensor2d([[...v]]), [positions, 1]) as tf.Tensor2D;
    const Q = rotate(tile(q), pos, base);
    const K = rotate(tile(k), pos, base);
    return tf.matMul(Q, K, false, true) as tf.Tensor2D;
  });
}

export interface RopeView {
  /** S[m][n] = (R(m)q)·(R(n)k). */
  scores: number[][];
  /** PE(m)·PE(n) of the sinusoidal encoding with the same d and base. */
  sinusoidal: number[][];
  /** Norms of every rotated query and key, ‖R(p)q‖ and ‖R(p)k‖ for p = 0 … P − 1. */
  qNorms: number[];
  kNorms: number[];
}

/** Everything the element draws, from TensorFlow.js, with one read-back. */
export async function ropeView(q: readonly number[], k: readonly number[], positions: number, base = 10000): Promise<RopeView> {
  const d = q.length;
  const packed = tf.tidy(() => {
    const pos = Array.from({ length: positions }, (_, p) => p);
    const tile = (v: readonly number[]) => tf.tile(tf.tensor2d([[...v]]), [positions, 1]) as tf.Tensor2D;
    const Q = rotate(tile(q), pos, base);
    const K = rotate(tile(k), pos, base);
    const pe = positionalEncodingTensor({ positions, dimensions: d, base });
    const norms = (x: tf.Tensor2D) => tf.reshape(tf.sqrt(tf.sum(tf.square(x), 1)), [1, positions]);
    return tf.concat([tf.matMul(Q, K, false, true), tf.matMul(pe, pe, false, true), norms(Q), norms(K)], 0); // [2P + 2, P]
  });
  const rows = (await packed.array()) as number[][];
  packed.dispose();
  return {
    scores: rows.slice(0, positions),
    sinusoidal: rows.slice(positions, 2 * positions),
    qNorms: rows[2 * positions]!,
    kNorms: rows[2 * positions + 1]!,
  };
}

/* ---------------- float64 references ---------------- */

/** R(m)x in plain float64 JS. */
export function rotateReference(x: readonly number[], m: number, base = 10000): number[] {
  const theta = ropeFrequencies(x.length, base);
  const out = [...x];
  theta.forEach((t, i) => {
    const c = Math.cos(m * t);
    const s = Math.sin(m * t);
    out[2 * i] = x[2 * i]! * c - x[2 * i + 1]! * s;
    out[2 * i + 1] = x[2 * i]! * s + x[2 * i + 1]! * c;
  });
  return out;
}

export const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** (R(m)q)·(R(n)k) in float64. */
export function scoreReference(q: readonly number[], k: readonly number[], m: number, n: number, base = 10000): number {
  return dot(rotateReference(q, m, base), rotateReference(k, n, base));
}

/**
 * The same score written as a function of the distance only:
 * Σ_i [(q_{2i}k_{2i} + q_{2i+1}k_{2i+1}) cos((m−n)θ_i) − (q_{2i+1}k_{2i} − q_{2i}k_{2i+1}) sin((m−n)θ_i)].
 */
export function scoreAtDistance(q: readonly number[], k: readonly number[], distance: number, base = 10000): number {
  return ropeFrequencies(q.length, base).reduce((s, t, i) => {
    const a = q[2 * i]! * k[2 * i]! + q[2 * i + 1]! * k[2 * i + 1]!;
    const b = q[2 * i + 1]! * k[2 * i]! - q[2 * i]! * k[2 * i + 1]!;
    return s + a * Math.cos(distance * t) - b * Math.sin(distance * t);
  }, 0);
}

/** The angle between q's and k's pair i after rotation, in radians wrapped to (−π, π]. */
export function pairAngle(q: readonly number[], k: readonly number[], i: number, m: number, n: number, base = 10000): number {
  const t = ropeFrequencies(q.length, base)[i]!;
  const aq = Math.atan2(q[2 * i + 1]!, q[2 * i]!) + m * t;
  const ak = Math.atan2(k[2 * i + 1]!, k[2 * i]!) + n * t;
  return wrap(aq - ak);
}

const wrap = (a: number) => {
  const r = ((a + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
  return r === -Math.PI ? Math.PI : r;
};

/**
 * The relative rotations pair i met in training on sequences of `trained`
 * positions: distances −(trained − 1) … trained − 1 turn it by up to
 * (trained − 1)·θ_i either way. Returns that half-width in radians (π or more:
 * every angle was seen), and whether distance `distance` lies inside.
 */
export function seenAngles(dims: number, i: number, trained: number, distance: number, base = 10000): { halfWidth: number; all: boolean; seen: boolean } {
  const t = ropeFrequencies(dims, base)[i]!;
  const halfWidth = (trained - 1) * t;
  const all = halfWidth >= Math.PI;
  return { halfWidth, all, seen: all || Math.abs(distance) * t <= halfWidth + 1e-12 };
}
