/**
 * Parameter counts of a fully connected network given its layer widths,
 * e.g. [784, 16, 16, 10] for the digit network.
 *
 * Two independent ways to count, which the tests hold equal:
 *  - countParams: arithmetic, nIn·nOut weights and nOut biases per layer;
 *  - DenseStack: the actual TensorFlow.js weight matrices [nIn, nOut] and bias
 *    vectors [nOut], whose element counts (tensor.size) are summed.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface LayerCount {
  /** Width of the layer feeding in. */
  inputs: number;
  /** Width of this layer. */
  outputs: number;
  weights: number;
  biases: number;
}

export interface ParamCount {
  layers: LayerCount[];
  weights: number;
  biases: number;
  total: number;
}

/** Checks widths: at least two layers, each a positive integer. */
export function validateLayers(widths: readonly number[]): void {
  if (widths.length < 2) {
    throw new Error(`layers: need at least an input and an output width, got ${widths.length}`);
  }
  for (const w of widths) {
    if (!Number.isInteger(w) || w < 1) throw new Error(`layers: widths must be positive integers, got ${w}`);
  }
}

/** Weights and biases per connection layer (there are widths.length − 1 of them). */
export function countParams(widths: readonly number[]): ParamCount {
  validateLayers(widths);
  const layers: LayerCount[] = [];
  for (let i = 1; i < widths.length; i++) {
    const inputs = widths[i - 1];
    const outputs = widths[i];
    layers.push({ inputs, outputs, weights: inputs * outputs, biases: outputs });
  }
  const weights = layers.reduce((s, l) => s + l.weights, 0);
  const biases = layers.reduce((s, l) => s + l.biases, 0);
  return { layers, weights, biases, total: weights + biases };
}

/**
 * The network's parameters as real tfjs variables: W[i] is [nIn, nOut], b[i] is [nOut].
 * Zero-initialised: only the shapes matter for counting; forward() still runs.
 */
export class DenseStack {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  constructor(readonly widths: readonly number[]) {
    validateLayers(widths);
    for (let i = 1; i < widths.length; i++) {
      // tidy frees the zeros initialisers; variables survive tidy.
      this.weights.push(tf.tidy(() => tf.variable(tf.zeros([widths[i - 1], widths[i]]))));
      this.biases.push(tf.tidy(() => tf.variable(tf.zeros([widths[i]]))));
    }
  }

  /** Number of trainable scalars, summed over the tensors themselves. */
  paramCount(): { weights: number; biases: number; total: number } {
    const weights = this.weights.reduce((s, v) => s + v.size, 0);
    const biases = this.biases.reduce((s, v) => s + v.size, 0);
    return { weights, biases, total: weights + biases };
  }

  /** x: [batch, widths[0]] → [batch, widths.at(-1)], sigmoid after every layer. */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.weights.forEach((w, i) => {
        h = tf.sigmoid(tf.add(tf.matMul(h, w), this.biases[i])) as tf.Tensor2D;
      });
      return h;
    });
  }

  dispose(): void {
    for (const v of [...this.weights, ...this.biases]) v.dispose();
  }
}

/** Counts by building the tensors, then frees them. */
export function countTfjsParams(widths: readonly number[]): { weights: number; biases: number; total: number } {
  const stack = new DenseStack(widths);
  try {
    return stack.paramCount();
  } finally {
    stack.dispose();
  }
}
