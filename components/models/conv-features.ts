/**
 * Two ways to tell a horizontal bar, a vertical bar, a ring and a cross apart.
 *
 * 1. The hand-written way: a person picks two edge filters (Sobel kernels),
 *    sums how strongly each fires, looks at the ink in the middle of the
 *    shape, and writes threshold rules on those numbers.
 * 2. The handoff: a tiny convolutional network whose filters start random
 *    and are found by gradient descent —
 *
 *      image [B, S, S, 1]
 *        → conv 3×3, F filters, 'same' padding, + bias   [B, S, S, F]
 *        → ReLU                                           (the feature maps)
 *        → max-pool 2×2, stride 2                         [B, S/2, S/2, F]
 *        → flatten → dense to C class scores              [B, C]
 *        → softmax
 *
 * Both use the same operation (tf.conv2d, a cross-correlation as in every
 * deep-learning library); only who chose the 3×3 numbers differs.
 */
import * as tf from '@tensorflow/tfjs-core';
// optimizer.minimize needs the gradient kernels registered (idempotent side-effect import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRng, tfSeed, type Rng } from '../runtime/rng.js';
import { SHAPE_CLASSES, type ShapeSet } from './shape-images.js';

/* ------------------------------------------------------------------ */
/* The hand-written way                                                 */
/* ------------------------------------------------------------------ */

/** Sobel kernels, row-major 3×3. "Horizontal edges" fire where brightness changes from top to bottom. */
export const HAND_FILTERS = {
  horizontalEdges: [-1, -2, -1, 0, 0, 0, 1, 2, 1],
  verticalEdges: [-1, 0, 1, -2, 0, 2, -1, 0, 1],
} as const;

/** How lopsided the edge sums must be before the rules call a bar (hand-tuned on a training set). */
export const HAND_RATIO = 2;

/** Ink at the shape's centre (0–1) above which the rules call a cross rather than a ring. */
export const HAND_CENTRE_INK = 0.35;

export interface HandVerdict {
  /** Σ |image ⊛ horizontal-edge kernel|. */
  horizontal: number;
  /** Σ |image ⊛ vertical-edge kernel|. */
  vertical: number;
  /** Mean ink in the 2×2 pixels around the ink's centre of mass: high for a cross, low for a ring. */
  centreInk: number;
  /** Index into SHAPE_CLASSES. */
  label: number;
  /** The rule that decided, in words. */
  rule: string;
}

/** Applies the hand-written rules to one image (size² pixels). One read-back. */
export async function handRules(image: Float32Array, size: number): Promise<HandVerdict> {
  return (await handRulesBatch(image, 1, size))[0];
}

/** The hand-written rules on n images stored one after another ([n, size, size]). One read-back. */
export async function handRulesBatch(pixels: Float32Array, n: number, size: number): Promise<HandVerdict[]> {
  const sums = tf.tidy(() => {
    const x = tf.tensor4d(pixels.subarray(0, n * size * size), [n, size, size, 1]);
    // kernel [3, 3, 1, 2]: the two Sobel filters side by side.
    const k = tf.reshape(
      tf.stack([HAND_FILTERS.horizontalEdges, HAND_FILTERS.verticalEdges].map((f) => tf.tensor2d([...f], [3, 3])), 2),
      [3, 3, 1, 2],
    ) as tf.Tensor4D;
    return tf.sum(tf.abs(tf.conv2d(x, k, 1, 'same')), [1, 2]); // sum over rows and columns: [n, 2]
  });
  const flat = await sums.data();
  sums.dispose();
  return Array.from({ length: n }, (_, i) => {
    const horizontal = flat[2 * i];
    const vertical = flat[2 * i + 1];
    const centreInk = inkAtCentre(pixels.subarray(i * size * size, (i + 1) * size * size), size);
    return { horizontal, vertical, centreInk, ...decide(horizontal, vertical, centreInk) };
  });
}

/** Mean of the 2×2 pixels nearest the ink-weighted centre of the image. */
function inkAtCentre(image: Float32Array, size: number): number {
  let total = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < size * size; i++) {
    total += image[i];
    mx += image[i] * (i % size);
    my += image[i] * Math.floor(i / size);
  }
  if (total === 0) return 0;
  const x0 = Math.max(0, Math.min(size - 2, Math.floor(mx / total)));
  const y0 = Math.max(0, Math.min(size - 2, Math.floor(my / total)));
  const at = (x: number, y: number) => image[y * size + x];
  return (at(x0, y0) + at(x0 + 1, y0) + at(x0, y0 + 1) + at(x0 + 1, y0 + 1)) / 4;
}

function decide(h: number, v: number, centre: number): { label: number; rule: string } {
  if (h > HAND_RATIO * v) return { label: 0, rule: `horizontal edges > ${HAND_RATIO}× vertical → horizontal bar` };
  if (v > HAND_RATIO * h) return { label: 1, rule: `vertical edges > ${HAND_RATIO}× horizontal → vertical bar` };
  if (centre > HAND_CENTRE_INK) return { label: 3, rule: 'both directions, ink in the middle → cross' };
  return { label: 2, rule: 'both directions, empty middle → ring' };
}

/* ------------------------------------------------------------------ */
/* The handoff: a tiny CNN                                              */
/* ------------------------------------------------------------------ */

export interface CnnOptions {
  /** Image side in pixels (even, so the 2×2 pool halves it exactly). */
  size?: number;
  /** Number of 3×3 filters in the conv layer. */
  filters?: number;
  /** Adam learning rate. */
  learningRate?: number;
  seed?: number;
}

export interface CnnWeights {
  /** [3, 3, 1, F] row-major. */
  kernel: Float32Array;
  /** [F]. */
  bias: Float32Array;
  /** [(S/2)²·F, C]. */
  dense: Float32Array;
  /** [C]. */
  denseBias: Float32Array;
}

export interface Inspection {
  /** F filters, each 9 numbers row-major (3×3). */
  filters: number[][];
  /** F feature maps after ReLU, each S² numbers row-major. */
  maps: Float32Array[];
  /** Class probabilities (softmax), in SHAPE_CLASSES order. */
  probs: number[];
}

export class TinyCnn {
  readonly size: number;
  readonly filters: number;
  readonly classes = SHAPE_CLASSES.length;
  private readonly kernel: tf.Variable<tf.Rank.R4>;
  private readonly bias: tf.Variable<tf.Rank.R1>;
  private readonly dense: tf.Variable<tf.Rank.R2>;
  private readonly denseBias: tf.Variable<tf.Rank.R1>;
  private readonly optimizer: tf.Optimizer;

  constructor(opts: CnnOptions = {}) {
    this.size = opts.size ?? 16;
    this.filters = opts.filters ?? 4;
    if (this.size % 2 !== 0) throw new Error(`TinyCnn: size must be even, got ${this.size}`);
    const rng = createRng(opts.seed ?? 42, 'cnn-init');
    const flat = (this.size / 2) ** 2 * this.filters;
    // He-style scales keep the first ReLU maps and the class scores of order 1.
    // tf.variable() keeps its initial tensor alive beside the variable: tidy disposes it (variables are not tracked).
    this.kernel = tf.tidy(() => tf.variable(tf.randomNormal([3, 3, 1, this.filters], 0, Math.sqrt(2 / 9), 'float32', tfSeed(rng))));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([this.filters])));
    this.dense = tf.tidy(() => tf.variable(tf.randomNormal([flat, this.classes], 0, Math.sqrt(1 / flat), 'float32', tfSeed(rng))));
    this.denseBias = tf.tidy(() => tf.variable(tf.zeros([this.classes])));
    this.optimizer = tf.train.adam(opts.learningRate ?? 0.05);
  }

  /** Conv layer before the ReLU: [B, S, S, 1] → [B, S, S, F]. */
  conv(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.add(tf.conv2d(x, this.kernel, 1, 'same'), this.bias));
  }

  /** Feature maps (after ReLU) and class scores for a batch [B, S, S, 1]. */
  forward(x: tf.Tensor4D): { maps: tf.Tensor4D; logits: tf.Tensor2D } {
    return tf.tidy(() => {
      const maps = tf.relu(this.conv(x));
      const pooled = tf.maxPool(maps, 2, 2, 'valid'); // [B, S/2, S/2, F]
      const logits = tf.add(tf.matMul(tf.reshape(pooled, [x.shape[0], -1]), this.dense), this.denseBias) as tf.Tensor2D;
      return { maps, logits };
    });
  }

  /** One Adam step on a batch; returns the mean cross-entropy before the step (caller reads and disposes). */
  trainStep(x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const onehot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, this.classes);
      const loss = this.optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(onehot, this.forward(x).logits) as tf.Scalar,
        true,
        [this.kernel, this.bias, this.dense, this.denseBias],
      );
      return loss as tf.Scalar;
    });
  }

  /** Share of a set the network labels right. One read-back. */
  async accuracy(set: ShapeSet): Promise<number> {
    const n = set.labels.length;
    const pred = tf.tidy(() => tf.argMax(this.forward(tf.tensor4d(set.pixels, [n, set.size, set.size, 1])).logits, 1));
    const got = await pred.data();
    pred.dispose();
    return set.labels.reduce((s, y, i) => s + (got[i] === y ? 1 : 0), 0) / n;
  }

  /** Filters, feature maps and prediction for one image (S² pixels). One read-back. */
  async inspect(image: Float32Array): Promise<Inspection> {
    const S = this.size;
    const F = this.filters;
    const packed = tf.tidy(() => {
      const { maps, logits } = this.forward(tf.tensor4d(image, [1, S, S, 1]));
      // kernel [3,3,1,F] → [F, 9]; maps [1,S,S,F] → [F, S²]; all flattened into one tensor.
      const flatT = (t: tf.Tensor, rows: number) => tf.reshape(tf.transpose(tf.reshape(t, [rows, F])), [-1]);
      return tf.concat([flatT(this.kernel, 9), flatT(maps, S * S), tf.reshape(tf.softmax(logits), [-1])]);
    });
    const all = (await packed.data()) as Float32Array;
    packed.dispose();
    const filters = Array.from({ length: F }, (_, f) => Array.from(all.subarray(f * 9, f * 9 + 9)));
    const m0 = 9 * F;
    const maps = Array.from({ length: F }, (_, f) => all.slice(m0 + f * S * S, m0 + (f + 1) * S * S));
    const probs = Array.from(all.subarray(m0 + F * S * S));
    return { filters, maps, probs };
  }

  async getWeights(): Promise<CnnWeights> {
    const [kernel, bias, dense, denseBias] = await Promise.all(
      [this.kernel, this.bias, this.dense, this.denseBias].map((v) => v.data() as Promise<Float32Array>),
    );
    return { kernel, bias, dense, denseBias };
  }

  setWeights(w: Partial<CnnWeights>): void {
    if (w.kernel) this.kernel.assign(tf.tensor4d(w.kernel, this.kernel.shape));
    if (w.bias) this.bias.assign(tf.tensor1d(w.bias));
    if (w.dense) this.dense.assign(tf.tensor2d(w.dense, this.dense.shape));
    if (w.denseBias) this.denseBias.assign(tf.tensor1d(w.denseBias));
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
    this.dense.dispose();
    this.denseBias.dispose();
    this.optimizer.dispose();
  }
}

/**
 * Feeds a TinyCnn seeded mini-batches from one training set. Owns the set's
 * tensors ([N, S, S, 1] images and [N] labels) so each step only gathers.
 */
export class ShapeTrainer {
  private readonly images: tf.Tensor4D;
  private readonly labels: tf.Tensor1D;
  private readonly n: number;
  steps = 0;

  constructor(
    readonly model: TinyCnn,
    set: ShapeSet,
    private readonly rng: Rng,
    private readonly batch = 32,
  ) {
    this.n = set.labels.length;
    this.images = tf.tensor4d(set.pixels, [this.n, set.size, set.size, 1]);
    this.labels = tf.tensor1d(set.labels, 'int32');
  }

  /** One step on a seeded random batch; returns the batch loss (caller reads and disposes). */
  step(): tf.Scalar {
    const idx = Array.from({ length: Math.min(this.batch, this.n) }, () => this.rng.int(this.n));
    this.steps++;
    return tf.tidy(() => {
      const pick = tf.tensor1d(idx, 'int32');
      return this.model.trainStep(tf.gather(this.images, pick), tf.gather(this.labels, pick));
    });
  }

  /** Runs `count` steps; reads back only the last loss. */
  async run(count: number): Promise<number> {
    let last: tf.Scalar | null = null;
    for (let i = 0; i < count; i++) {
      last?.dispose();
      last = this.step();
    }
    const loss = last ? (await last.data())[0] : NaN;
    last?.dispose();
    return loss;
  }

  dispose(): void {
    this.images.dispose();
    this.labels.dispose();
  }
}
