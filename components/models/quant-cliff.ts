/**
 * Post-training weight quantisation of the character MLP language model
 * (models/mlp.ts) on the names corpus, and its held-out loss at each bit width.
 *
 * Integer quantisation of a group of weights with b bits:
 * - affine: scale s = (max − min)/(2^b − 1), zero point z = round(−min/s),
 *   q = clamp(round(w/s) + z, 0, 2^b − 1), ŵ = s·(q − z);
 * - symmetric: s = max|w| / (2^{b−1} − 1), q = clamp(round(w/s), ±(2^{b−1} − 1)),
 *   ŵ = s·q (one level of the 2^b left unused, so that 0 is exact).
 * Either way every ŵ is within s/2 of w. A group is the whole tensor
 * ("per tensor") or g consecutive weights in row-major order ("per group",
 * the last group possibly shorter), each with its own scale (and zero point).
 * The three weight matrices (embedding, W1, W2) are quantised; the two bias
 * vectors (a few % of the parameters) stay in float32, as is usual.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildCorpus, type Corpus } from './corpus.js';
import { buildDatasets } from './mlp-data.js';
import { crossEntropy, forward, MlpModel } from './mlp.js';

export type Scheme = 'affine' | 'symmetric';

/** Scale and zero point for one group with range [min, max]. */
export function quantParams(min: number, max: number, bits: number, scheme: Scheme): { scale: number; zero: number } {
  if (scheme === 'affine') {
    const lo = Math.min(min, 0);
    const hi = Math.max(max, 0);
    const scale = (hi - lo) / (2 ** bits - 1) || 1;
    return { scale, zero: Math.round(-lo / scale) };
  }
  const a = Math.max(Math.abs(min), Math.abs(max));
  return { scale: a / (2 ** (bits - 1) - 1) || 1, zero: 0 };
}

/** Dequantised groups [G, g] of float32 values (tf, inside a tidy). */
function quantizeGroups(x: tf.Tensor2D, bits: number, scheme: Scheme): tf.Tensor2D {
  return tf.tidy(() => {
    if (scheme === 'affine') {
      const lo = tf.minimum(tf.min(x, 1, true), 0);
      const hi = tf.maximum(tf.max(x, 1, true), 0);
      const range = tf.sub(hi, lo);
      // an all-zero group gets scale 1 (every weight is 0 and stays 0)
      const s = tf.where(tf.greater(range, 0), tf.div(range, 2 ** bits - 1), tf.onesLike(range));
      const z = tf.round(tf.div(tf.neg(lo), s));
      const q = tf.clipByValue(tf.add(tf.round(tf.div(x, s)), z), 0, 2 ** bits - 1);
      return tf.mul(s, tf.sub(q, z)) as tf.Tensor2D;
    }
    const a = tf.max(tf.abs(x), 1, true);
    const levels = 2 ** (bits - 1) - 1;
    const s = tf.where(tf.greater(a, 0), tf.div(a, levels), tf.onesLike(a));
    const q = tf.clipByValue(tf.round(tf.div(x, s)), -levels, levels);
    return tf.mul(s, q) as tf.Tensor2D;
  });
}

/**
 * Quantises and dequantises a tensor: per tensor when `group` is null (or
 * at least its size), else in row-major groups of `group` weights.
 */
export function fakeQuantize<T extends tf.Tensor>(w: T, bits: number, scheme: Scheme, group: number | null): T {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new Error('bits must be a whole number from 2 to 16');
  return tf.tidy(() => {
    const n = w.size;
    const g = group === null ? n : Math.min(n, Math.max(1, Math.floor(group)));
    const flat = tf.reshape(w, [n]);
    const full = Math.floor(n / g) * g;
    const parts: tf.Tensor[] = [];
    if (full > 0) parts.push(tf.reshape(quantizeGroups(tf.reshape(tf.slice(flat, 0, full), [full / g, g]), bits, scheme), [full]));
    if (full < n) parts.push(tf.reshape(quantizeGroups(tf.reshape(tf.slice(flat, full, n - full), [1, n - full]), bits, scheme), [n - full]));
    return tf.reshape(parts.length === 1 ? parts[0]! : tf.concat(parts), w.shape) as T;
  });
}

export interface QuantConfig {
  context: number;
  embedding: number;
  hidden: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export const DEFAULT_QUANT_CONFIG: QuantConfig = {
  context: 3, embedding: 10, hidden: 64, steps: 3000, batchSize: 64, learningRate: 0.2, seed: 42,
};

/** The bit widths the curve covers, high to low. */
export const BITS = [8, 7, 6, 5, 4, 3, 2] as const;

export interface CurvePoint {
  bits: number;
  perTensor: number;
  perGroup: number;
}

type Params = { emb: tf.Tensor2D; w1: tf.Tensor2D; b1: tf.Tensor1D; w2: tf.Tensor2D; b2: tf.Tensor1D };

/**
 * The trained model plus the held-out (validation) examples on the device;
 * evaluates the loss with the weights quantised any way. Owns its tensors.
 */
export class QuantLab {
  readonly config: QuantConfig;
  readonly model: MlpModel;
  readonly corpus: Corpus;
  private readonly valX: tf.Tensor2D;
  private readonly valY: tf.Tensor1D;

  constructor(words: readonly string[], config: QuantConfig) {
    this.config = config;
    this.corpus = buildCorpus([...words]);
    const data = buildDatasets(this.corpus, config.context, config.seed);
    this.model = new MlpModel({
      vocab: this.corpus.vocab, context: config.context, embedding: config.embedding, hidden: config.hidden,
      seed: config.seed, learningRate: config.learningRate, batchSize: config.batchSize,
    }, data);
    this.valX = tf.tensor2d(data.val.x, [data.val.n, config.context], 'int32');
    this.valY = tf.tensor1d(data.val.y, 'int32');
  }

  /** Trains `count` more steps (at most to config.steps); returns the steps taken so far. */
  train(count: number): number {
    const left = Math.min(count, this.config.steps - this.model.stepCount);
    if (left > 0) this.model.trainSteps(left).dispose();
    return this.model.stepCount;
  }

  get trained(): boolean {
    return this.model.stepCount >= this.config.steps;
  }

  /** Weight-matrix parameters (quantised) and bias parameters (kept in float32). */
  get counts(): { weights: number; biases: number; total: number; sizes: number[] } {
    const { emb, w1, w2, b1, b2 } = this.model.params;
    const weights = emb.size + w1.size + w2.size;
    const biases = b1.size + b2.size;
    return { weights, biases, total: weights + biases, sizes: [emb.size, w1.size, w2.size] };
  }

  /** Held-out loss with the weights as trained (bits = null) or quantised. */
  loss(bits: number | null, scheme: Scheme = 'affine', group: number | null = null): number {
    const p = this.model.params as unknown as Params;
    const value = tf.tidy(() => {
      const q = (w: tf.Tensor2D) => (bits === null ? w : fakeQuantize(w, bits, scheme, group));
      const params = { emb: q(p.emb), w1: q(p.w1), b1: p.b1, w2: q(p.w2), b2: p.b2 };
      return crossEntropy(forward(params, this.valX), this.valY);
    });
    const v = value.dataSync()[0]!;
    value.dispose();
    return v;
  }

  /** Loss against bits, per tensor and per group of `group`. */
  curve(scheme: Scheme, group: number, bits: readonly number[] = BITS): CurvePoint[] {
    return bits.map((b) => ({ bits: b, perTensor: this.loss(b, scheme, null), perGroup: this.loss(b, scheme, group) }));
  }

  dispose(): void {
    this.model.dispose();
    tf.dispose([this.valX, this.valY]);
  }
}

/**
 * Bits a stored weight costs, group scales included: a 16-bit scale per group
 * (and a b-bit zero point for affine); groups are counted tensor by tensor
 * (`sizes`: the quantised tensors' sizes; one group per tensor when null).
 */
export function bitsPerWeight(bits: number, scheme: Scheme, group: number | null, sizes: readonly number[]): number {
  const weights = sizes.reduce((a, b) => a + b, 0);
  const groups = sizes.reduce((a, n) => a + (group === null ? 1 : Math.ceil(n / group)), 0);
  const overhead = groups * (16 + (scheme === 'affine' ? bits : 0));
  return bits + overhead / weights;
}

/** Model size in bytes: weights at `weightBits` each (overhead included), biases at 32 bits. */
export function modelBytes(weightBits: number, counts: { weights: number; biases: number }): number {
  return (weightBits * counts.weights + 32 * counts.biases) / 8;
}
