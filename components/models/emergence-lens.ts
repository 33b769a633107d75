/**
 * "Emergence" as a property of the metric (Schaeffer, Miranda & Koyejo 2023,
 * "Are Emergent Abilities of Large Language Models a Mirage?").
 *
 * Their toy model: the per-token cross-entropy falls as a smooth power law in
 * the number of parameters N, L(N) = (N/c)^(−α), so the chance of getting one
 * token right, p(N) = exp(−L(N)), rises smoothly. An answer of k tokens is
 * scored by exact match: right only if all k tokens are right, which for
 * independent tokens happens with probability p^k. For k = 1 that is p itself;
 * for k = 10 it stays near 0 for small models and then shoots up: a sudden
 * "emergent" jump made by the scoring, not by the model.
 *
 * The exact-match curve is computed with TensorFlow.js as the product of k
 * per-token probabilities (tf.prod over a models × k tile), and measured by
 * seeded simulation: each model answers `questions` k-token questions, each
 * token right with probability p, and the share answered exactly is counted.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.js';

/** Power-law constants: p ≈ 0.30 at N = 10⁷, 0.90 at 10¹⁰, 0.98 at 10¹². */
export const SCALE_LAW = { c: 1.67e7, alpha: 0.356 } as const;

/** log10 N of the model family drawn (10⁷ … 10¹² parameters, half a decade apart). */
export const FAMILY_LOG_N: readonly number[] = Array.from({ length: 11 }, (_, i) => 7 + i / 2);

/** Per-token cross-entropy (nats) of a model with N parameters. */
export const perTokenLoss = (n: number, law = SCALE_LAW): number => (n / law.c) ** -law.alpha;

/** Per-token accuracy p(N) = exp(−L(N)). */
export const perTokenAccuracy = (n: number, law = SCALE_LAW): number => Math.exp(-perTokenLoss(n, law));

/**
 * Exact match on k-token answers for each per-token accuracy: the product of
 * k copies of p, computed as tf.prod over a [models, k] tile (one read-back).
 */
export async function exactMatch(p: readonly number[], k: number): Promise<number[]> {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a whole number ≥ 1, got ${k}`);
  const t = tf.tidy(() => tf.prod(tf.tile(tf.reshape(tf.tensor1d(p as number[], 'float32'), [p.length, 1]), [1, k]), 1));
  try {
    return Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/**
 * Seeded measurement: for each p, `questions` answers of k tokens, each token
 * right with probability p; returns the share of answers with all k right.
 */
export function simulateExactMatch(p: readonly number[], k: number, questions: number, rng: Rng): number[] {
  return p.map((pi) => {
    let exact = 0;
    for (let q = 0; q < questions; q++) {
      let all = true;
      for (let j = 0; j < k; j++) if (!(rng.next() < pi)) all = false; // draw every token, so streams stay aligned across k
      if (all) exact++;
    }
    return exact / questions;
  });
}

/** The N at which p(N)^k first reaches `level` (closed form: p = level^(1/k)). */
export function crossing(k: number, level: number, law = SCALE_LAW): number {
  const p = level ** (1 / k);
  const loss = -Math.log(p);
  return law.c * loss ** (-1 / law.alpha);
}
