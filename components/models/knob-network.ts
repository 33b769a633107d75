/**
 * "A machine made of knobs": a small tanh network f(t) fitted to a curve by
 * gradient descent, plus the straight walk in weight space from its random
 * start θ₀ to its trained weights θ*:
 *
 *   θ(α) = θ₀ + α·(θ* − θ₀),   α ∈ [0, 1]
 *
 * so one slider moves every knob at once, and loss(α) says how wrong each
 * point of the walk is. Layers: 1 → hidden[0] → … → 1, tanh between, linear out.
 * Loss: mean squared error on the (t, y) points.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRng } from '../runtime/rng.js';

export interface KnobNetworkOptions {
  /** Hidden layer widths, e.g. [16, 16]. */
  hidden: readonly number[];
  seed: number;
  /** Adam learning rate. */
  learningRate?: number;
}

/** Weights of one layer as plain arrays: w is [in, out] row-major, b is [out]. */
export interface LayerWeights {
  w: Float32Array;
  b: Float32Array;
  shape: [number, number];
}

export const MAX_HIDDEN_UNITS = 64;
export const MAX_HIDDEN_LAYERS = 4;

/**
 * Seeded Glorot-normal weights and small normal biases: the "random knobs".
 * Biases are not zero, so the untrained tanh net is not forced through f(0) = 0.
 */
export function initialWeights(sizes: readonly number[], seed: number): LayerWeights[] {
  const rng = createRng(seed, 'knob-network-init');
  const layers: LayerWeights[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const std = Math.sqrt(2 / (fanIn + fanOut));
    const w = Float32Array.from({ length: fanIn * fanOut }, () => rng.normal() * std);
    const b = Float32Array.from({ length: fanOut }, () => rng.normal() * 0.1);
    layers.push({ w, b, shape: [fanIn, fanOut] });
  }
  return layers;
}

/** Where each layer's w and b sit in the flat knob vector θ. */
interface Slot {
  wOffset: number;
  bOffset: number;
  shape: [number, number];
}

export class KnobNetwork {
  readonly sizes: number[];
  /** θ₀ per layer: the seeded random start, kept for the α walk. */
  readonly start: LayerWeights[];
  readonly parameterCount: number;
  private readonly slots: Slot[];
  private readonly theta0: tf.Tensor1D; // [P]
  /**
   * The live knobs, all of them in ONE variable [P]: Adam then runs ~12 ops per
   * step instead of ~12 per layer tensor, which is most of a step's cost on a
   * slow WebGL device.
   */
  private readonly theta: tf.Variable<tf.Rank.R1>;
  /** θ*: knobs at the end of the last training run (starts equal to θ₀). */
  private trained: tf.Tensor1D;
  private readonly x: tf.Tensor2D; // [n, 1]
  private readonly y: tf.Tensor2D; // [n, 1]
  private optimizer: tf.AdamOptimizer;
  private readonly learningRate: number;
  /** Optimiser steps taken since the last reset. */
  steps = 0;

  constructor(t: readonly number[], y: readonly number[], o: KnobNetworkOptions) {
    if (t.length === 0 || t.length !== y.length) {
      throw new Error(`knob network: need matching non-empty t and y (got ${t.length} and ${y.length})`);
    }
    if (o.hidden.length < 1 || o.hidden.length > MAX_HIDDEN_LAYERS) {
      throw new Error(`knob network: 1 to ${MAX_HIDDEN_LAYERS} hidden layers (got ${o.hidden.length})`);
    }
    for (const h of o.hidden) {
      if (!Number.isInteger(h) || h < 1 || h > MAX_HIDDEN_UNITS) {
        throw new Error(`knob network: hidden widths must be integers 1…${MAX_HIDDEN_UNITS} (got ${h})`);
      }
    }
    this.sizes = [1, ...o.hidden, 1];
    this.learningRate = o.learningRate ?? 0.01;
    this.start = initialWeights(this.sizes, o.seed);
    // Flat layout: w₁, b₁, w₂, b₂, … (w row-major [in, out]).
    const flat: number[] = [];
    this.slots = this.start.map((l) => {
      const slot = { wOffset: flat.length, bOffset: flat.length + l.w.length, shape: l.shape };
      flat.push(...l.w, ...l.b);
      return slot;
    });
    this.parameterCount = flat.length;
    this.theta0 = tf.tensor1d(flat);
    // tidy disposes the initial-value tensor; variables survive a tidy.
    this.theta = tf.tidy(() => tf.variable(tf.clone(this.theta0)));
    this.trained = tf.clone(this.theta0);
    this.x = tf.tensor2d([...t], [t.length, 1]);
    this.y = tf.tensor2d([...y], [y.length, 1]);
    this.optimizer = tf.train.adam(this.learningRate);
  }

  /**
   * f for a batch of knob vectors: theta [A, P], x [n, 1] → [A, n, 1].
   * Each layer's w is sliced out of θ as [A, in, out] and b as [A, 1, out].
   */
  private forward(theta: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor3D {
    const A = theta.shape[0];
    let h = tf.tile(tf.expandDims(x, 0), [A, 1, 1]) as tf.Tensor3D; // [A, n, 1]
    this.slots.forEach((slot, j) => {
      const [fanIn, fanOut] = slot.shape;
      const w = tf.reshape(tf.slice(theta, [0, slot.wOffset], [A, fanIn * fanOut]), [A, fanIn, fanOut]);
      const b = tf.reshape(tf.slice(theta, [0, slot.bOffset], [A, fanOut]), [A, 1, fanOut]);
      const z = tf.add(tf.matMul(h, w as tf.Tensor3D), b) as tf.Tensor3D;
      h = j < this.slots.length - 1 ? tf.tanh(z) : z;
    });
    return h;
  }

  /** Mean squared error for each knob vector in the batch: [A]. */
  private lossOf(theta: tf.Tensor2D): tf.Tensor1D {
    return tf.mean(tf.square(tf.sub(this.forward(theta, this.x), this.y)), [1, 2]) as tf.Tensor1D;
  }

  /** Knob vectors along the walk: θ₀ + α·(θ* − θ₀) for each α, [A, P]. */
  private walkPoints(alphas: readonly number[]): tf.Tensor2D {
    const a = tf.tensor2d([...alphas], [alphas.length, 1]); // [A, 1]
    return tf.add(this.theta0, tf.mul(a, tf.sub(this.trained, this.theta0))) as tf.Tensor2D;
  }

  /** `n` Adam steps on the live knobs; returns the loss before the last step (caller disposes). */
  trainSteps(n = 1): tf.Scalar {
    let last: tf.Scalar | null = null;
    for (let k = 0; k < n; k++) {
      last?.dispose();
      last = this.optimizer.minimize(() => tf.reshape(this.lossOf(tf.expandDims(this.theta, 0) as tf.Tensor2D), []) as tf.Scalar, true) as tf.Scalar;
      this.steps++;
    }
    return last!;
  }

  /** Remembers the live knobs as θ*, the end of the α walk. */
  markTrained(): void {
    this.trained.dispose();
    this.trained = tf.clone(this.theta);
  }

  /** Puts every knob back to θ₀ and starts a fresh optimiser (θ* is kept). */
  resetToStart(): void {
    this.theta.assign(this.theta0);
    this.optimizer.dispose();
    this.optimizer = tf.train.adam(this.learningRate);
    this.steps = 0;
  }

  /** Sets every live knob to θ(α) = θ₀ + α·(θ* − θ₀). */
  setAlpha(alpha: number): void {
    tf.tidy(() => this.theta.assign(tf.reshape(this.walkPoints([alpha]), [-1]) as tf.Tensor1D));
  }

  /** Current loss and f at the query times, read back once. */
  async evaluate(tQuery: readonly number[]): Promise<{ loss: number; curve: number[] }> {
    const packed = tf.tidy(() => {
      const theta = tf.expandDims(this.theta, 0) as tf.Tensor2D; // [1, P]
      const f = this.forward(theta, tf.tensor2d([...tQuery], [tQuery.length, 1])); // [1, m, 1]
      return tf.concat([this.lossOf(theta), tf.reshape(f, [-1])]);
    });
    const v = await packed.data();
    packed.dispose();
    return { loss: v[0], curve: Array.from(v.slice(1)) };
  }

  /** loss(α) along the straight walk θ₀ → θ*, for every α in one batched forward pass. */
  async lossAlongWalk(alphas: readonly number[]): Promise<number[]> {
    const out = tf.tidy(() => this.lossOf(this.walkPoints(alphas)));
    const v = Array.from(await out.data());
    out.dispose();
    return v;
  }

  dispose(): void {
    tf.dispose([this.x, this.y, this.theta, this.theta0, this.trained]);
    this.optimizer.dispose();
  }
}
