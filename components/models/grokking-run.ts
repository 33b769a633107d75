/**
 * Grokking (Power et al. 2022) on modular addition, in the small: learn
 * (a + b) mod p from a fraction of all p² pairs and watch test accuracy long
 * after the training set is fitted.
 *
 * Network: a shared embedding E (p × d) for both operands, the two
 * embeddings concatenated, one ReLU layer of `hidden` units and a linear
 * read-out to p logits; softmax cross-entropy on the whole training set
 * every step (full batch). Operands enter as one-hot rows times E (a matMul,
 * so no gather gradient is needed on any backend).
 *
 * Optimiser: AdamW (Loshchilov & Hutter 2019) built from tfjs-core's Adam
 * plus decoupled weight decay by hand, since tfjs-core has no AdamW:
 *   θ ← θ − η·Adam(g)            (tf.train.adam)
 *   θ ← θ − η·λ·θ                (decay applied to the weights, not through the gradient)
 * With λ = 0 the network memorises the training pairs and stays near chance
 * (1/p) on the rest; with λ ≈ 1 the decay keeps shrinking the memorising
 * weights until a generalising solution, built from a few Fourier
 * frequencies of the embedding (Nanda et al. 2023), takes over.
 *
 * Spectrum: the power of the embedding at each frequency k = 1 … (p−1)/2,
 * P_k = Σ_j |Σ_x E[x, j]·e^(−2πi·kx/p)|², computed as two matMuls with
 * cos and sin bases; a grokked embedding puts most of its power on a few k.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Rng } from '../runtime/rng.js';

export interface GrokkingConfig {
  /** The modulus p (a prime keeps every frequency distinct). */
  modulus: number;
  /** Share of the p² pairs used for training, in (0, 1). */
  trainFraction: number;
  /** Decoupled weight decay λ. */
  weightDecay: number;
  learningRate: number;
  embedding: number;
  hidden: number;
}

export const DEFAULT_GROKKING: GrokkingConfig = {
  modulus: 47,
  trainFraction: 0.5,
  weightDecay: 1,
  learningRate: 0.01,
  embedding: 16,
  hidden: 64,
};

export interface GrokPoint {
  step: number;
  trainAcc: number;
  testAcc: number;
  trainLoss: number;
}

/** All p² pairs (a, b), shuffled by the seed; the first ⌈fraction·p²⌉ train, the rest test. */
export function splitPairs(p: number, fraction: number, rng: Rng): { train: [number, number][]; test: [number, number][] } {
  const pairs: [number, number][] = [];
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) pairs.push([a, b]);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  const n = Math.min(pairs.length - 1, Math.max(1, Math.round(fraction * pairs.length)));
  return { train: pairs.slice(0, n), test: pairs.slice(n) };
}

/** Power of each frequency k = 1 … (p−1)/2 of the rows of E (p × d), via cos/sin matMuls. */
export function fourierPower(embedding: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const p = embedding.shape[0];
    const K = Math.floor((p - 1) / 2);
    const cos = new Float32Array(K * p);
    const sin = new Float32Array(K * p);
    for (let k = 1; k <= K; k++) {
      for (let x = 0; x < p; x++) {
        const angle = (2 * Math.PI * k * x) / p;
        cos[(k - 1) * p + x] = Math.cos(angle);
        sin[(k - 1) * p + x] = Math.sin(angle);
      }
    }
    const re = tf.matMul(tf.tensor2d(cos, [K, p]), embedding);
    const im = tf.matMul(tf.tensor2d(sin, [K, p]), embedding);
    return tf.sum(tf.add(tf.square(re), tf.square(im)), 1) as tf.Tensor1D;
  });
}

/** Share of the total power held by the `top` strongest frequencies. */
export function topShare(power: readonly number[], top: number): number {
  const total = power.reduce((s, v) => s + v, 0);
  const best = [...power].sort((x, y) => y - x).slice(0, top).reduce((s, v) => s + v, 0);
  return total > 0 ? best / total : 0;
}

function oneHot(pairs: [number, number][], p: number, which: 0 | 1): tf.Tensor2D {
  const data = new Float32Array(pairs.length * p);
  pairs.forEach((pair, i) => (data[i * p + pair[which]] = 1));
  return tf.tensor2d(data, [pairs.length, p]);
}

/**
 * A seeded run: build with the config and an rng, then `train(n)` steps at a
 * time; `history` holds a point every `every` steps. Call dispose() when done.
 */
export class GrokkingRun {
  readonly config: GrokkingConfig;
  readonly train: [number, number][];
  readonly test: [number, number][];
  step = 0;
  readonly history: GrokPoint[] = [];
  private readonly vars: tf.Variable[];
  private readonly E: tf.Variable;
  private readonly W1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly W2: tf.Variable;
  private readonly b2: tf.Variable;
  private readonly optimizer: tf.AdamOptimizer;
  private readonly data: { trainA: tf.Tensor2D; trainB: tf.Tensor2D; trainY: tf.Tensor2D; testA: tf.Tensor2D; testB: tf.Tensor2D; testLabels: tf.Tensor1D; trainLabels: tf.Tensor1D };
  private readonly decay: tf.Scalar;
  private disposed = false;

  constructor(config: GrokkingConfig, rng: Rng) {
    this.config = config;
    const { modulus: p, embedding: d, hidden: h } = config;
    const split = splitPairs(p, config.trainFraction, rng);
    this.train = split.train;
    this.test = split.test;
    const init = (rows: number, cols: number, scale: number) => {
      const v = new Float32Array(rows * cols);
      for (let i = 0; i < v.length; i++) v[i] = rng.normal() * scale;
      return tf.tidy(() => tf.variable(tf.tensor2d(v, [rows, cols])));
    };
    this.E = init(p, d, 1 / Math.sqrt(d));
    this.W1 = init(2 * d, h, Math.sqrt(2 / (2 * d)));
    this.b1 = tf.tidy(() => tf.variable(tf.zeros([h])));
    this.W2 = init(h, p, 1 / Math.sqrt(h));
    this.b2 = tf.tidy(() => tf.variable(tf.zeros([p])));
    this.vars = [this.E, this.W1, this.b1, this.W2, this.b2];
    const labels = (pairs: [number, number][]) => tf.tensor1d(pairs.map(([a, b]) => (a + b) % p), 'int32');
    const trainLabels = labels(this.train);
    this.data = {
      trainA: oneHot(this.train, p, 0),
      trainB: oneHot(this.train, p, 1),
      trainY: oneHot(this.train.map(([a, b]) => [(a + b) % p, 0] as [number, number]), p, 0),
      testA: oneHot(this.test, p, 0),
      testB: oneHot(this.test, p, 1),
      testLabels: labels(this.test),
      trainLabels,
    };
    this.optimizer = tf.train.adam(config.learningRate, 0.9, 0.98, 1e-8);
    this.decay = tf.scalar(1 - config.learningRate * config.weightDecay);
  }

  private logits(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    const x = tf.concat([tf.matMul(a, this.E), tf.matMul(b, this.E)], 1);
    const hidden = tf.relu(tf.add(tf.matMul(x, this.W1), this.b1));
    return tf.add(tf.matMul(hidden, this.W2), this.b2) as tf.Tensor2D;
  }

  /** Runs n full-batch AdamW steps; records a history point every `every` steps (and at the last). Returns the last point. */
  async advance(n: number, every = 25): Promise<GrokPoint> {
    if (this.disposed) throw new Error('GrokkingRun used after dispose()');
    if (this.step === 0 && !this.history.length) await this.record(0);
    for (let i = 0; i < n; i++) {
      tf.tidy(() => {
        this.optimizer.minimize(() => tf.losses.softmaxCrossEntropy(this.data.trainY, this.logits(this.data.trainA, this.data.trainB)) as tf.Scalar, false, this.vars);
        // Decoupled weight decay on the matrices (not the biases): θ ← (1 − ηλ)·θ.
        if (this.config.weightDecay > 0) for (const v of [this.E, this.W1, this.W2]) v.assign(tf.mul(v, this.decay));
      });
      this.step++;
      if (this.step % every === 0 || i === n - 1) await this.record(this.step);
    }
    return this.history.at(-1)!;
  }

  private async record(step: number): Promise<void> {
    const [trainAcc, testAcc, trainLoss] = tf.tidy(() => {
      const acc = (a: tf.Tensor2D, b: tf.Tensor2D, y: tf.Tensor1D) => tf.mean(tf.cast(tf.equal(tf.argMax(this.logits(a, b), 1), y), 'float32'));
      const trainLogits = this.logits(this.data.trainA, this.data.trainB);
      return [
        acc(this.data.trainA, this.data.trainB, this.data.trainLabels),
        acc(this.data.testA, this.data.testB, this.data.testLabels),
        tf.losses.softmaxCrossEntropy(this.data.trainY, trainLogits),
      ];
    });
    const values = await Promise.all([trainAcc, testAcc, trainLoss].map((t) => t.data()));
    [trainAcc, testAcc, trainLoss].forEach((t) => t.dispose());
    this.history.push({ step, trainAcc: values[0]![0]!, testAcc: values[1]![0]!, trainLoss: values[2]![0]! });
  }

  /** Fourier power of the embedding, k = 1 … (p−1)/2. */
  async spectrum(): Promise<number[]> {
    const t = fourierPower(this.E as unknown as tf.Tensor2D);
    try {
      return Array.from(await t.data());
    } finally {
      t.dispose();
    }
  }

  /** The embedding matrix as rows (p × d). */
  async embeddingRows(): Promise<number[][]> {
    return (await this.E.array()) as number[][];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.vars.forEach((v) => v.dispose());
    Object.values(this.data).forEach((t) => t.dispose());
    this.decay.dispose();
    this.optimizer.dispose();
  }
}

/**
 * The default run (DEFAULT_GROKKING, seed 42, rng stream "grok"), recorded
 * every 25 steps for 700 steps on the WebAssembly backend by
 * GrokkingRun.advance: [step, train accuracy, test accuracy], and the
 * embedding's Fourier power at step 700. The element shows it on first
 * screen and in print; tests/unit/grokking-run.test.ts retrains the same run
 * and checks that it reproduces these numbers.
 */
export const GROKKED_SNAPSHOT = {
  config: DEFAULT_GROKKING,
  seed: 42,
  stream: 'grok',
  history: [[0, 0.021, 0.024], [25, 0.145, 0], [50, 0.331, 0], [75, 0.601, 0.001], [100, 0.852, 0.003], [125, 0.974, 0.005], [150, 1, 0.012], [175, 1, 0.024], [200, 1, 0.042], [225, 1, 0.053], [250, 1, 0.097], [275, 1, 0.17], [300, 1, 0.274], [325, 1, 0.409], [350, 1, 0.563], [375, 1, 0.71], [400, 1, 0.851], [425, 1, 0.923], [450, 1, 0.971], [475, 1, 0.987], [500, 1, 0.99], [525, 1, 0.995], [550, 1, 0.996], [575, 1, 0.997], [600, 1, 0.998], [625, 1, 0.998], [650, 1, 0.999], [675, 1, 0.999], [700, 1, 0.998]] as [number, number, number][],
  spectrum: [122.07, 41.4, 14.22, 1105.76, 777.82, 21.37, 68.22, 33.32, 41.83, 1568.26, 46.31, 31.23, 1352.91, 35.56, 25.82, 42.32, 33.83, 60.56, 102.16, 54.56, 65.69, 213.25, 37.71],
};
