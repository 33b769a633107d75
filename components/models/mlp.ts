/**
 * Character-level MLP language model in the style of Bengio et al. 2003 (the
 * makemore version): embed each of the last `context` characters in
 * `embedding` dimensions, concatenate, one tanh hidden layer, softmax over
 * the vocabulary; cross-entropy loss; minibatch SGD.
 *
 * Shapes (B = batch, C = context, E = embedding, H = hidden, V = vocabulary):
 *   x [B, C] int → emb = one-hot(x)·Cemb [B, C, E] → [B, C·E] → h = tanh(·W1 + b1) [B, H]
 *   → logits = h·W2 + b2 [B, V]
 * Parameters V·E + C·E·H + H + H·V + V (11,897 for 27, 3, 10, 200).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers gradient functions only on request; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRng, type Rng } from '../runtime/rng.js';
import { encode, type Corpus, type Split } from './corpus.js';
import type { Examples } from './mlp-data.js';

export interface MlpShape {
  vocabSize: number;
  context: number;
  embedding: number;
  hidden: number;
}

export interface MlpConfig extends Omit<MlpShape, 'vocabSize'> {
  /** The corpus vocabulary, '.' first: index i of the softmax is vocab[i]. */
  vocab: readonly string[];
  /** Seeds the initial weights ('init' stream) and the minibatches ('batches' stream). */
  seed: number;
  learningRate: number;
  batchSize: number;
  /** Embedding lookup (default 'auto': by backend). */
  lookup?: Lookup;
}

/** Plain arrays of the five parameter tensors (row-major), for references and read-back. */
export interface MlpWeights {
  emb: Float32Array; // [V, E]
  w1: Float32Array; // [C·E, H]
  b1: Float32Array; // [H]
  w2: Float32Array; // [H, V]
  b2: Float32Array; // [V]
}

export type SplitName = keyof Split<unknown>;

/**
 * The counting baseline the network has to beat: a bigram model (add-k
 * smoothed counts of which character follows which, '.' on both ends) fitted
 * on the names `fit`, scored by its average negative log-likelihood (nats per
 * character) on the names `score`. Plain float64 counting, no tensors. With
 * fit = score and k = 0 it is the bigram table's own NLL of the corpus.
 */
export function bigramNll(corpus: Corpus, fit: readonly string[], score: readonly string[], smoothing = 1): number {
  const V = corpus.vocab.length;
  const counts = new Float64Array(V * V);
  const pairs = (words: readonly string[], visit: (a: number, b: number) => void) => {
    for (const w of words) {
      let prev = 0;
      for (const c of encode(corpus, w)) {
        visit(prev, c);
        prev = c;
      }
      visit(prev, 0);
    }
  };
  pairs(fit, (a, b) => counts[a * V + b]++);
  const rowTotals = new Float64Array(V);
  for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) rowTotals[a] += counts[a * V + b] + smoothing;
  let nll = 0;
  let n = 0;
  pairs(score, (a, b) => {
    nll -= Math.log((counts[a * V + b] + smoothing) / rowTotals[a]);
    n++;
  });
  return n ? nll / n : NaN;
}

export function parameterCount({ vocabSize: V, context: C, embedding: E, hidden: H }: MlpShape): number {
  return V * E + C * E * H + H + H * V + V;
}

/**
 * makemore's scaled initialisation: embeddings N(0, 1); W1 N(0, 1)·(5/3)/√(C·E)
 * (tanh gain over fan-in); b1 N(0, 1)·0.01; W2 N(0, 1)·0.01 and b2 = 0, so the
 * first logits are nearly equal and the loss starts near ln V instead of
 * confidently wrong. Drawn from the runtime rng in a fixed order: the same
 * seed gives the same weights on every backend.
 */
export function initWeights(shape: MlpShape, seed: number): MlpWeights {
  const { vocabSize: V, context: C, embedding: E, hidden: H } = shape;
  const rng = createRng(seed, 'init');
  const normal = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  return {
    emb: normal(V * E, 1),
    w1: normal(C * E * H, 5 / 3 / Math.sqrt(C * E)),
    b1: normal(H, 0.01),
    w2: normal(H * V, 0.01),
    b2: new Float32Array(V),
  };
}

/**
 * How the embedding rows are looked up. 'gather' indexes the rows (fewest
 * kernels: what GPU backends want, where each kernel launch has a fixed
 * cost); 'onehot' multiplies one-hot rows [B·C, V] by the table [V, E] (the
 * same numbers; its gradient is a matMul, while gather's gradient,
 * unsortedSegmentSum, costs more than the whole rest of a step on the cpu
 * backend, and wasm borrows that very cpu kernel). 'auto' picks by the backend.
 */
export type Lookup = 'gather' | 'onehot' | 'auto';

const resolve = (lookup: Lookup) => (lookup !== 'auto' ? lookup : ['cpu', 'wasm'].includes(tf.getBackend()) ? 'onehot' : 'gather');

/** Forward pass: int32 windows [B, C] → logits [B, V]. */
export function forward(
  p: { emb: tf.Tensor2D; w1: tf.Tensor2D; b1: tf.Tensor1D; w2: tf.Tensor2D; b2: tf.Tensor1D },
  x: tf.Tensor2D,
  lookup: Lookup = 'auto',
): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, C] = x.shape;
    const [V, E] = p.emb.shape;
    const flat = tf.reshape(x, [B * C]);
    const rows = resolve(lookup) === 'gather' ? tf.gather(p.emb, flat) : tf.matMul(tf.oneHot(flat, V, 1, 0, 'float32'), p.emb);
    const emb = tf.reshape(rows, [B, C * E]);
    // Fused matMul + bias: one kernel (and a shorter backward) per layer.
    const h = tf.tanh(tf.fused.matMul({ a: emb, b: p.w1, bias: p.b1 }));
    return tf.fused.matMul({ a: h, b: p.w2, bias: p.b2 }) as tf.Tensor2D;
  });
}

/**
 * Mean cross-entropy of logits [B, V] against int32 targets [B]:
 * −mean log softmax[target]. The gradient is written out,
 * ∂L/∂logits = (softmax − one-hot) / B, which is a handful of kernels where
 * the automatic one through logSoftmax, sum and mean is about three times more.
 */
export function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const target = tf.oneHot(y, logits.shape[1], 1, 0, 'float32');
    const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [z, t, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
      const logp = tf.logSoftmax(z);
      save([logp, t]);
      return {
        value: tf.neg(tf.mean(tf.sum(tf.mul(logp, t), 1))),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [lp, oh] = saved;
          return [tf.mul(tf.sub(tf.exp(lp), oh), tf.div(dy as tf.Tensor, lp.shape[0])), tf.zerosLike(oh)];
        },
      };
    });
    return loss(logits, target) as tf.Scalar;
  });
}

/** One split's examples held on the device. */
interface DeviceSplit {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  n: number;
}

function toDevice(e: Examples): DeviceSplit {
  return { x: tf.tensor2d(e.x, [e.n, e.context], 'int32'), y: tf.tensor1d(e.y, 'int32'), n: e.n };
}

/** Examples per forward pass in `evaluate`. */
const EVAL_CHUNK = 8192;

/** Longest name `sample` generates before it stops waiting for '.'. */
export const MAX_SAMPLE_LENGTH = 30;

/**
 * The trainable model with its data on the device. `step()` does one SGD step
 * and hands back the loss tensor unread, so a caller can run many steps per
 * animation frame and read the last loss once. Owns its tensors: dispose().
 */
export class MlpModel {
  readonly shape: MlpShape;
  readonly vocab: readonly string[];
  readonly params: { emb: tf.Variable<tf.Rank.R2>; w1: tf.Variable<tf.Rank.R2>; b1: tf.Variable<tf.Rank.R1>; w2: tf.Variable<tf.Rank.R2>; b2: tf.Variable<tf.Rank.R1> };
  /** Optimiser steps taken since construction. */
  stepCount = 0;
  batchSize: number;
  private readonly data: Split<DeviceSplit>;
  private readonly optimizer: tf.SGDOptimizer;
  private readonly batchRng: Rng;
  private lr: number;
  private readonly lookup: Lookup;

  constructor(config: MlpConfig, data: Split<Examples>) {
    if (data.train.n === 0) throw new Error('the training split has no examples');
    const { context: C, embedding: E, hidden: H } = config;
    const V = config.vocab.length;
    this.vocab = config.vocab;
    this.shape = { vocabSize: V, context: C, embedding: E, hidden: H };
    const w = initWeights(this.shape, config.seed);
    // tidy disposes the initial-value tensors; variables are not tracked by it.
    this.params = tf.tidy(() => ({
      emb: tf.variable(tf.tensor2d(w.emb, [V, E])),
      w1: tf.variable(tf.tensor2d(w.w1, [C * E, H])),
      b1: tf.variable(tf.tensor1d(w.b1)),
      w2: tf.variable(tf.tensor2d(w.w2, [H, V])),
      b2: tf.variable(tf.tensor1d(w.b2)),
    }));
    this.data = { train: toDevice(data.train), val: toDevice(data.val), test: toDevice(data.test) };
    this.lr = config.learningRate;
    this.optimizer = tf.train.sgd(config.learningRate);
    this.batchSize = config.batchSize;
    this.batchRng = createRng(config.seed, 'batches');
    this.lookup = config.lookup ?? 'auto';
  }

  get learningRate(): number {
    return this.lr;
  }

  set learningRate(lr: number) {
    if (lr === this.lr) return; // setLearningRate allocates a tensor
    this.lr = lr;
    this.optimizer.setLearningRate(lr);
  }

  /** Number of examples in a split. */
  size(split: SplitName): number {
    return this.data[split].n;
  }

  /** Logits [B, V] for int32 windows [B, C]. */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    return forward(this.params, x, this.lookup);
  }

  /**
   * One minibatch SGD step. Batch rows are drawn with replacement from the
   * training split by the seeded 'batches' stream. Returns the batch loss
   * before the update (a scalar the caller reads or disposes).
   */
  step(): tf.Scalar {
    const { train } = this.data;
    const rows = new Int32Array(this.batchSize);
    for (let i = 0; i < rows.length; i++) rows[i] = this.batchRng.int(train.n);
    this.stepCount++;
    return tf.tidy(() => {
      const idx = tf.tensor1d(rows, 'int32');
      const xb = tf.gather(train.x, idx);
      const yb = tf.gather(train.y, idx);
      return this.optimizer.minimize(() => crossEntropy(this.logits(xb), yb), true)!;
    });
  }

  /** `count` steps; returns only the last loss (the others are disposed unread). */
  trainSteps(count: number): tf.Scalar {
    let last = this.step();
    for (let i = 1; i < count; i++) {
      last.dispose();
      last = this.step();
    }
    return last;
  }

  /**
   * Mean loss over a split, or over its first `limit` examples (the split is
   * already shuffled, so a prefix is a fair sample and always the same one).
   * Runs in chunks so the hidden activations [chunk, H] stay small.
   */
  evaluate(split: SplitName, limit = Infinity): tf.Scalar {
    const d = this.data[split];
    const n = Math.min(d.n, limit);
    if (n === 0) return tf.scalar(NaN);
    const C = this.shape.context;
    let total: tf.Scalar = tf.scalar(0);
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const next = tf.tidy(() => {
        const x = tf.slice(d.x, [start, 0], [size, C]);
        const y = tf.slice(d.y, [start], [size]);
        return tf.add(total, tf.mul(crossEntropy(this.logits(x), y), size)) as tf.Scalar;
      });
      total.dispose();
      total = next;
    }
    const mean = tf.div(total, n) as tf.Scalar;
    total.dispose();
    return mean;
  }

  /** All five parameters as plain arrays (one read-back). */
  async weights(): Promise<MlpWeights> {
    const { emb, w1, b1, w2, b2 } = this.params;
    const [a, b, c, d, e] = await Promise.all([emb, w1, b1, w2, b2].map((v) => v.data() as Promise<Float32Array>));
    return { emb: a, w1: b, b1: c, w2: d, b2: e };
  }

  /** n names, drawn autoregressively; reads probabilities back synchronously (not for per-frame use). */
  sample(n: number, temperature: number, rng: Rng): string[] {
    const gen = this.sampling(n, temperature, rng);
    let r = gen.next();
    while (!r.done) {
      const probs = r.value;
      r = gen.next(probs.dataSync() as Float32Array);
      probs.dispose();
    }
    return r.value;
  }

  /** Same draws as `sample`, awaiting each read-back. */
  async sampleAsync(n: number, temperature: number, rng: Rng): Promise<string[]> {
    const gen = this.sampling(n, temperature, rng);
    let r = gen.next();
    while (!r.done) {
      const probs = r.value;
      const values = (await probs.data()) as Float32Array;
      probs.dispose();
      r = gen.next(values);
    }
    return r.value;
  }

  /**
   * The sampling loop, written once for every read-back style: yields the
   * probabilities [n, V] for the current windows (the caller disposes them),
   * receives them as an array, draws one character per unfinished name.
   * Temperature ≤ 0 means argmax. A training loop can advance it one
   * position per frame, folding the read into the frame's one read-back.
   */
  *sampling(n: number, temperature: number, rng: Rng): Generator<tf.Tensor2D, string[], Float32Array> {
    const { context: C, vocabSize: V } = this.shape;
    const windows = new Int32Array(n * C);
    const out: string[] = new Array<string>(n).fill('');
    const open = new Set(Array.from({ length: n }, (_, i) => i));
    for (let t = 0; t < MAX_SAMPLE_LENGTH && open.size > 0; t++) {
      const x = windows;
      const probs = tf.tidy(() => {
        const logits = this.logits(tf.tensor2d(x, [n, C], 'int32'));
        return temperature > 0 ? tf.softmax(tf.div(logits, temperature)) : tf.cast(tf.oneHot(tf.argMax(logits, 1), V), 'float32');
      }) as tf.Tensor2D;
      const values: Float32Array = yield probs;
      for (const i of [...open]) {
        const next = rng.choice(values.subarray(i * V, (i + 1) * V));
        windows.copyWithin(i * C, i * C + 1, (i + 1) * C);
        windows[(i + 1) * C - 1] = next;
        if (next === 0) open.delete(i);
        else out[i] += this.vocab[next];
      }
    }
    return out;
  }

  dispose(): void {
    tf.dispose(Object.values(this.params));
    for (const d of Object.values(this.data)) tf.dispose([d.x, d.y]);
    this.optimizer.dispose();
  }
}
