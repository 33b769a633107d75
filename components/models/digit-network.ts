/**
 * The 784-16-16-10 digit network: two hidden layers (sigmoid or ReLU),
 * softmax output, mean cross-entropy, trained with Adam on minibatches.
 * 784·16+16 + 16·16+16 + 16·10+10 = 13,002 parameters.
 *
 * Shapes (B = batch): x [B, 784] → h1 = f(x·W1 + b1) [B, 16]
 *   → h2 = f(h1·W2 + b2) [B, 16] → logits = h2·W3 + b3 [B, 10] → softmax.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers gradient functions only on request; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRng } from '../runtime/rng.js';
import { PIXELS, type DigitSet } from './digit-images.js';

export type Activation = 'sigmoid' | 'relu';
export const LAYERS = [PIXELS, 16, 16, 10] as const;
export const PARAMETERS = LAYERS.slice(1).reduce((sum, n, i) => sum + LAYERS[i] * n + n, 0);

export interface DigitParams {
  w1: tf.Tensor2D; b1: tf.Tensor1D;
  w2: tf.Tensor2D; b2: tf.Tensor1D;
  w3: tf.Tensor2D; b3: tf.Tensor1D;
}

/** Plain weights (row-major), for references and initialisation. */
export type DigitWeights = Record<keyof DigitParams, Float32Array>;

/** Seeded initialisation: N(0,1)·gain/√fan-in, biases 0. Gain √2 for ReLU (He); 2 for sigmoid, whose slope is at most 1/4. */
export function initWeights(seed: number, activation: Activation): DigitWeights {
  const rng = createRng(seed, 'digit-init');
  const gain = activation === 'relu' ? Math.SQRT2 : 2;
  const normal = (n: number, fanIn: number) => Float32Array.from({ length: n }, () => (rng.normal() * gain) / Math.sqrt(fanIn));
  return {
    w1: normal(PIXELS * 16, PIXELS), b1: new Float32Array(16),
    w2: normal(16 * 16, 16), b2: new Float32Array(16),
    w3: normal(16 * 10, 16), b3: new Float32Array(10),
  };
}

const act = (z: tf.Tensor, a: Activation) => (a === 'relu' ? tf.relu(z) : tf.sigmoid(z));

/** Forward pass: x [B, 784] → hidden activations and logits. */
export function forward(p: DigitParams, x: tf.Tensor2D, a: Activation): { h1: tf.Tensor2D; h2: tf.Tensor2D; logits: tf.Tensor2D } {
  const h1 = act(tf.add(tf.matMul(x, p.w1), p.b1), a) as tf.Tensor2D;
  const h2 = act(tf.add(tf.matMul(h1, p.w2), p.b2), a) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(h2, p.w3), p.b3) as tf.Tensor2D;
  return { h1, h2, logits };
}

/** Mean cross-entropy −mean log softmax(logits)[label]; labels int32 [B]. */
export function loss(p: DigitParams, x: tf.Tensor2D, y: tf.Tensor1D, a: Activation): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    const { logits } = forward(p, x, a);
    const target = tf.oneHot(y, 10, 1, 0, 'float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), target), 1))) as tf.Scalar;
  });
}

export interface NetworkConfig {
  seed: number;
  activation: Activation;
  learningRate: number;
  batchSize: number;
}

/** The network with its training and test sets on the device; owns its tensors: dispose(). */
export class DigitNetwork {
  readonly params: DigitParams;
  readonly config: NetworkConfig;
  stepCount = 0;
  private readonly optimizer: tf.Optimizer;
  private readonly train: { x: tf.Tensor2D; y: tf.Tensor1D; n: number };
  private readonly test: { x: tf.Tensor2D; y: tf.Tensor1D; n: number };
  private readonly batchRng;

  constructor(config: NetworkConfig, train: DigitSet, test: DigitSet) {
    this.config = { ...config };
    const w = initWeights(config.seed, config.activation);
    // tidy disposes the initial-value tensors tf.variable() would keep alive; variables are not tracked by it.
    this.params = tf.tidy(() => ({
      w1: tf.variable(tf.tensor2d(w.w1, [PIXELS, 16])) as unknown as tf.Tensor2D,
      b1: tf.variable(tf.tensor1d(w.b1)) as unknown as tf.Tensor1D,
      w2: tf.variable(tf.tensor2d(w.w2, [16, 16])) as unknown as tf.Tensor2D,
      b2: tf.variable(tf.tensor1d(w.b2)) as unknown as tf.Tensor1D,
      w3: tf.variable(tf.tensor2d(w.w3, [16, 10])) as unknown as tf.Tensor2D,
      b3: tf.variable(tf.tensor1d(w.b3)) as unknown as tf.Tensor1D,
    }));
    this.optimizer = tf.train.adam(config.learningRate);
    const up = (s: DigitSet) => ({ x: tf.tensor2d(s.x, [s.n, PIXELS]), y: tf.tensor1d(s.y, 'int32'), n: s.n });
    this.train = up(train);
    this.test = up(test);
    this.batchRng = createRng(config.seed, 'digit-batches');
  }

  /** One Adam step on a seeded minibatch; returns the batch loss unread (caller disposes). */
  step(): tf.Scalar {
    const B = Math.min(this.config.batchSize, this.train.n);
    const idx = tf.tensor1d(Int32Array.from({ length: B }, () => this.batchRng.int(this.train.n)), 'int32');
    const vars = Object.values(this.params) as unknown as tf.Variable[];
    const out = this.optimizer.minimize(() => tf.tidy(() => loss(this.params, tf.gather(this.train.x, idx), tf.gather(this.train.y, idx), this.config.activation)), true, vars)!;
    idx.dispose();
    this.stepCount++;
    return out;
  }

  /** Accuracy on the held-out styles as a scalar tensor (unread). */
  testAccuracy(): tf.Scalar {
    return tf.tidy(() => {
      const { logits } = forward(this.params, this.test.x, this.config.activation);
      return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), this.test.y), 'float32')) as tf.Scalar;
    });
  }

  /** One image [784] → [10 probabilities, 16 h1, 16 h2] as one tensor [42] (one read-back). */
  probe(image: Float32Array): tf.Tensor1D {
    return tf.tidy(() => {
      const { h1, h2, logits } = forward(this.params, tf.tensor2d(image, [1, PIXELS]), this.config.activation);
      return tf.concat([tf.reshape(tf.softmax(logits), [10]), tf.reshape(h1, [16]), tf.reshape(h2, [16])]) as tf.Tensor1D;
    });
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
    this.optimizer.dispose();
    for (const s of [this.train, this.test]) tf.dispose([s.x, s.y]);
  }
}
