/**
 * One artificial neuron: receive inputs, weight them, sum with a bias, activate.
 *
 *   z = Σᵢ wᵢ·xᵢ + b        (pre-activation, a scalar)
 *   a = f(z)                (activation: sigmoid, tanh or ReLU)
 *
 * The maths runs in TensorFlow.js so the same ops the digit network uses are
 * the ones the lecture shows for a single unit.
 */
import * as tf from '@tensorflow/tfjs-core';

export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface NeuronResult {
  /** Weighted sum plus bias. */
  z: number;
  /** f(z). */
  a: number;
  /** wᵢ·xᵢ for each input: how much each connection pushed z up or down. */
  contributions: number[];
}

/** f applied element-wise to a tensor of any shape. */
export function activate(name: Activation, z: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.tanh(z);
    case 'relu':
      return tf.relu(z);
  }
}

/** The range f can take, for drawing the curve's vertical axis. */
export function activationRange(name: Activation): [number, number] {
  return name === 'tanh' ? [-1, 1] : name === 'relu' ? [0, Infinity] : [0, 1];
}

/**
 * Runs the neuron once. Inputs and weights must have the same length.
 * Reads back once (await), so it is safe to call on every control change.
 */
export async function neuronForward(
  x: readonly number[],
  w: readonly number[],
  b: number,
  f: Activation,
): Promise<NeuronResult> {
  if (x.length !== w.length) {
    throw new Error(`neuron: ${x.length} inputs but ${w.length} weights; they must match`);
  }
  // products: [n]; z and a: scalars. Packed into one tensor for one read-back.
  const packed = tf.tidy(() => {
    const products = tf.mul(tf.tensor1d([...x]), tf.tensor1d([...w]));
    const z = tf.add(tf.sum(products), b);
    const a = activate(f, z);
    return tf.concat([tf.stack([z, a]), products]);
  });
  const values = await packed.data();
  packed.dispose();
  return { z: values[0], a: values[1], contributions: Array.from(values.slice(2)) };
}

/** Samples f on [zMin, zMax] at n evenly spaced points: the curve the demo draws. */
export async function activationCurve(
  f: Activation,
  zMin: number,
  zMax: number,
  n = 121,
): Promise<{ z: number[]; a: number[] }> {
  const zs = tf.linspace(zMin, zMax, n); // [n]
  const as = tf.tidy(() => activate(f, zs)); // [n]
  const [zv, av] = await Promise.all([zs.data(), as.data()]);
  zs.dispose();
  as.dispose();
  return { z: Array.from(zv), a: Array.from(av) };
}
