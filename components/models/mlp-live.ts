/**
 * Live training of an MlpModel in animation frames: as many optimiser steps
 * as fit a time budget, then ONE read-back per frame that carries everything
 * the picture needs — the mean batch loss of the frame, a validation loss
 * now and then, the embedding matrix, and one position of a batch of sampled
 * names (the sampler advances one character per frame, or less often).
 *
 * No DOM: the caller supplies the clock (performance.now in a page).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.js';
import type { MlpModel } from './mlp.js';

export interface LiveOptions {
  /** Names in each live sample batch. */
  sampleCount: number;
  temperature: number;
  /** Draws the live samples; advances across batches. */
  rng: Rng;
  /** Validation examples per live estimate (a fixed prefix of the shuffled split). */
  valLimit: number;
  /** Minimum time between two live validation estimates. */
  valEveryMs: number;
  /**
   * Minimum time between two sampler positions (default 0: every frame). On
   * a slow device a position costs as much as a training step; names that
   * refresh every second or two read just as well.
   */
  sampleEveryMs?: number;
  now?: () => number;
}

export interface FrameResult {
  /** Optimiser steps run in this frame. */
  steps: number;
  /** Mean minibatch loss over the frame's steps. */
  trainLoss: number;
  /** Validation estimate, when this frame made one. */
  valLoss: number | null;
  /** Embedding matrix [V, E], row-major, after the frame's steps. */
  embedding: Float32Array;
  /** A finished batch of sampled names, when one completed in this frame. */
  names: string[] | null;
}

/** Loss curve points [step, loss]. */
export type Curve = [number, number][];

/** Above this many points a curve keeps every other one (old detail matters less). */
const MAX_POINTS = 600;

export function pushPoint(curve: Curve, point: [number, number]): Curve {
  const next = curve.length >= MAX_POINTS ? curve.filter((_, i) => i % 2 === 1) : curve.slice();
  next.push(point);
  return next;
}

export class LiveTrainer {
  /** Step cap per frame, adapted so a frame (steps + read-back) stays near the budget. */
  stepsPerFrame = 4;
  private sampler: Generator<tf.Tensor2D, string[], Float32Array> | null = null;
  private probs: tf.Tensor2D | null = null;
  private lastVal = -Infinity;
  private lastSample = -Infinity;
  private disposed = false;
  private readonly now: () => number;

  constructor(readonly model: MlpModel, private readonly opts: LiveOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * One frame: steps until `budgetMs` of dispatch time is spent (at least
   * one, at most `maxSteps` or the adaptive cap), then one read-back.
   */
  async frame(budgetMs: number, maxSteps = this.stepsPerFrame, wantVal?: boolean): Promise<FrameResult> {
    const t0 = this.now();
    let sum: tf.Scalar | null = null;
    let steps = 0;
    while (steps < maxSteps && (steps === 0 || this.now() - t0 < budgetMs)) {
      const loss = this.model.step();
      if (sum) {
        const next: tf.Scalar = tf.add(sum, loss);
        tf.dispose([sum, loss]);
        sum = next;
      } else sum = loss;
      steps++;
    }
    const doVal = wantVal ?? this.now() - this.lastVal >= this.opts.valEveryMs;
    const doSample = this.now() - this.lastSample >= (this.opts.sampleEveryMs ?? 0);
    if (doSample && !this.sampler) {
      this.sampler = this.model.sampling(this.opts.sampleCount, this.opts.temperature, this.opts.rng);
      this.probs = this.sampler.next().value as tf.Tensor2D;
    }
    const V = this.model.shape.vocabSize;
    const E = this.model.shape.embedding;
    const val = doVal ? this.model.evaluate('val', this.opts.valLimit) : null;
    // [summed loss, embedding V·E, val?, probabilities n·V?]: fewest kernels
    // (the mean is taken after the read).
    const parts: tf.Tensor[] = [tf.reshape(sum!, [1]), tf.reshape(this.model.params.emb, [V * E])];
    if (val) parts.push(tf.reshape(val, [1]));
    if (doSample) parts.push(tf.reshape(this.probs!, [-1]));
    const packed = tf.concat(parts);
    tf.dispose([sum!, val ?? [], ...parts]);
    const values = (await packed.data()) as Float32Array;
    packed.dispose();
    const trainLoss = values[0] / steps;
    if (this.disposed) return { steps, trainLoss, valLoss: null, embedding: new Float32Array(), names: null };
    if (doVal) this.lastVal = this.now();
    if (doSample) this.lastSample = this.now();
    const rest = 1 + V * E + (val ? 1 : 0);
    const names = doSample ? this.advanceSampler(values.subarray(rest)) : null;
    this.adapt(this.now() - t0, budgetMs, steps, maxSteps);
    return {
      steps,
      trainLoss,
      valLoss: val ? values[1 + V * E] : null,
      embedding: values.slice(1, 1 + V * E),
      names,
    };
  }

  /** Feeds the read probabilities to the sampler; returns names when the batch is done. */
  private advanceSampler(probs: Float32Array): string[] | null {
    this.probs?.dispose();
    this.probs = null;
    const r = this.sampler!.next(probs);
    if (r.done) {
      this.sampler = null;
      return r.value;
    }
    this.probs = r.value;
    return null;
  }

  /**
   * Multiplicative adjustment of the step cap towards frames of about
   * 1.3 × the dispatch budget, read-back included: the read waits for the
   * device, so a slow GPU shrinks the cap even when dispatch was quick.
   */
  private adapt(elapsed: number, budgetMs: number, steps: number, maxSteps: number): void {
    const target = budgetMs * 1.3;
    const factor = Math.min(2, Math.max(0.5, target / Math.max(elapsed, 0.1)));
    if (elapsed > target) this.stepsPerFrame = Math.max(1, Math.round(steps * factor));
    else if (steps >= maxSteps) this.stepsPerFrame = Math.min(5000, Math.max(steps + 1, Math.round(steps * factor)));
  }

  /**
   * `count` steps in chunks with a read-back each (keeps the GPU queue short
   * and lets the page breathe), then losses over the train and validation
   * splits (whole, or their first `evalLimit` examples). `onChunk` sees each
   * chunk's mean batch loss.
   */
  async run(
    count: number,
    { chunk = 100, evalLimit = Infinity, onChunk }: { chunk?: number; evalLimit?: number; onChunk?: (step: number, loss: number) => void } = {},
  ): Promise<{ trainLoss: number; valLoss: number }> {
    const gone = { trainLoss: NaN, valLoss: NaN };
    for (let done = 0; done < count; ) {
      if (this.disposed) return gone; // the element went away between chunks
      const n = Math.min(chunk, count - done);
      const losses = Array.from({ length: n }, () => this.model.step());
      const mean = tf.tidy(() => tf.div(tf.addN(losses), n));
      tf.dispose(losses);
      const value = (await mean.data())[0];
      mean.dispose();
      done += n;
      onChunk?.(this.model.stepCount, value);
    }
    if (this.disposed) return gone;
    const both = tf.tidy(() => tf.stack([this.model.evaluate('train', evalLimit), this.model.evaluate('val', evalLimit)]));
    const [trainLoss, valLoss] = await both.data();
    both.dispose();
    return { trainLoss, valLoss };
  }

  /** Disposes the trainer's pending tensors and the model. */
  dispose(): void {
    this.disposed = true;
    this.probs?.dispose();
    this.probs = null;
    this.sampler = null;
    this.model.dispose();
  }
}
