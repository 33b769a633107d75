/**
 * The last step of a transformer: from the final vector at the last position
 * to the next token.
 *
 *   scores = h · W_U          h: [d], W_U: [d, V]  →  scores: [V]  (one per vocabulary token)
 *   p      = softmax(scores / T)
 *   next   = a seeded draw from p (T = 0: the highest score, no randomness)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.js';

export interface UnembedResult {
  /** h·W_U, one raw score (logit) per vocabulary token. */
  scores: number[];
  /** Probabilities after dividing by T and applying softmax. */
  probs: number[];
}

/**
 * A worked example with d = 4 and five tokens, built so that h·W_U gives the
 * exercise's logits for "The weather today is" (2.0, 1.8, 1.2, 0.8, 0.6).
 * The four dimensions are named only to make the product readable.
 */
export const WEATHER_EXAMPLE = {
  vocab: ['sunny', 'cloudy', 'rainy', 'snowy', 'windy'],
  features: ['clear sky', 'cloud cover', 'precipitation', 'air movement'],
  vector: [0.8, 0.5, 0.4, 0.2],
  /** Row-major [d = 4][V = 5]. */
  weights: [
    [2, 1, 0, 0, 0.5],
    [0.4, 2, 1.6, 0.8, 0],
    [0, 0, 1, 1, 0],
    [1, 0, 0, 0, 1],
  ],
} as const;

/** Checks that W_U is d×V for a d-long vector. */
export function checkShapes(vector: readonly number[], weights: readonly (readonly number[])[]): void {
  if (weights.length !== vector.length) {
    throw new Error(`W_U has ${weights.length} rows but the vector has ${vector.length} entries; they must match`);
  }
  const v = weights[0]?.length ?? 0;
  if (v === 0 || weights.some((row) => row.length !== v)) throw new Error('every row of W_U must have the same, non-zero length');
}

/** softmax(logits / T) as a tensor; T = 0 gives a one-hot on the (first) largest logit. */
export function softmaxWithTemperature(logits: tf.Tensor1D, temperature: number): tf.Tensor1D {
  if (!(temperature >= 0)) throw new Error(`temperature must be ≥ 0, got ${temperature}`);
  return tf.tidy(() =>
    temperature === 0
      ? (tf.cast(tf.oneHot(tf.argMax(logits), logits.size), 'float32') as tf.Tensor1D)
      : (tf.softmax(tf.div(logits, temperature)) as tf.Tensor1D),
  ) as tf.Tensor1D;
}

/** Runs h·W_U → ÷T → softmax with one read-back. */
export async function unembed(
  vector: readonly number[],
  weights: readonly (readonly number[])[],
  temperature: number,
): Promise<UnembedResult> {
  checkShapes(vector, weights);
  const v = weights[0].length;
  const packed = tf.tidy(() => {
    const h = tf.tensor2d([[...vector]]); // [1, d]
    const wu = tf.tensor2d(weights.map((r) => [...r])); // [d, V]
    const scores = tf.reshape(tf.matMul(h, wu), [v]) as tf.Tensor1D; // [V]
    return tf.concat([scores, softmaxWithTemperature(scores, temperature)]); // [2V]
  });
  const flat = await packed.data();
  packed.dispose();
  return { scores: Array.from(flat.subarray(0, v)), probs: Array.from(flat.subarray(v)) };
}

/** Softmax with temperature for given logits (skipping W_U), one read-back. */
export async function temperatureProbs(logits: readonly number[], temperature: number): Promise<number[]> {
  const p = tf.tidy(() => softmaxWithTemperature(tf.tensor1d([...logits]), temperature));
  const v = await p.data();
  p.dispose();
  return Array.from(v);
}

/** n seeded draws from probs: the token indices in order. */
export function sampleTokens(probs: readonly number[], n: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => rng.choice(probs));
}

/** How often each index occurs in draws. */
export function countDraws(draws: readonly number[], size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const d of draws) counts[d]++;
  return counts;
}
