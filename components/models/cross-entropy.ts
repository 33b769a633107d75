/**
 * Cross-entropy for next-token prediction: the loss of one prediction is
 *
 *   L = −log p(correct token)
 *
 * so a confident right answer costs almost nothing (−ln 0.95 ≈ 0.05), a coin
 * flip costs ln 2 ≈ 0.69, and a confident wrong answer costs a lot
 * (−ln 0.01 ≈ 4.61). Over a batch the loss is the mean of these.
 * Natural log (nats) by default; base 2 gives bits.
 */
import * as tf from '@tensorflow/tfjs-core';

export type LogBase = 'e' | '2';

/** The probabilities the lecture marks on the curve. */
export const LECTURE_POINTS = [0.95, 0.5, 0.01] as const;

/** Smallest probability we take the log of, so p = 0 reads as a (very) large finite loss. */
export const P_FLOOR = 1e-12;

const lnOf = (base: LogBase) => (base === 'e' ? 1 : Math.LN2);

/** −log p for each p (element-wise over a tensor of any shape), clipped at P_FLOOR. */
export function negLog(p: tf.Tensor, base: LogBase = 'e'): tf.Tensor {
  return tf.tidy(() => tf.div(tf.neg(tf.log(tf.clipByValue(p, P_FLOOR, 1))), lnOf(base)));
}

/** −log p for a list of probabilities, read back once. */
export async function lossAt(ps: readonly number[], base: LogBase = 'e'): Promise<number[]> {
  for (const p of ps) {
    if (!(p >= 0 && p <= 1)) throw new Error(`probability must be between 0 and 1, got ${p}`);
  }
  const t = tf.tidy(() => negLog(tf.tensor1d([...ps]), base));
  const out = Array.from(await t.data());
  t.dispose();
  return out;
}

/**
 * Mean cross-entropy of a batch: probs [n, V] (rows are distributions),
 * targets [n] int32 (index of the correct token in each row) → scalar.
 */
export function meanCrossEntropy(probs: tf.Tensor2D, targets: tf.Tensor1D, base: LogBase = 'e'): tf.Scalar {
  return tf.tidy(() => {
    const [, V] = probs.shape;
    const picked = tf.sum(tf.mul(probs, tf.oneHot(targets, V)), 1); // [n]: p of the correct token
    return tf.mean(negLog(picked, base)) as tf.Scalar;
  });
}

/**
 * Points of the curve L(p) for drawing: `samples` values of p spaced evenly
 * in log10(p) from pMin to 1 (the curve changes fastest near 0).
 */
export async function lossCurve(
  samples = 200,
  pMin = 0.001,
  base: LogBase = 'e',
): Promise<{ p: number; loss: number }[]> {
  if (!(pMin > 0 && pMin < 1)) throw new Error(`pMin must be in (0, 1), got ${pMin}`);
  const ps = Array.from({ length: samples }, (_, i) => pMin ** (1 - i / (samples - 1)));
  const losses = await lossAt(ps, base);
  return ps.map((p, i) => ({ p, loss: losses[i] }));
}

/** Loss of guessing uniformly among V tokens: log V (the MLP's loss at step 0 on 27 characters ≈ 3.30). */
export function uniformLoss(vocabSize: number, base: LogBase = 'e'): number {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new Error(`vocabulary size must be a whole number ≥ 1, got ${vocabSize}`);
  return Math.log(vocabSize) / lnOf(base);
}

/** Perplexity 1/p: "as unsure as choosing among this many equally likely tokens". */
export function perplexity(p: number): number {
  return 1 / Math.max(p, P_FLOOR);
}
