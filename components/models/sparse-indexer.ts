/**
 * A learned indexer for sparse attention, in the spirit of DeepSeek's sparse
 * attention: before the (expensive) attention, a tiny scorer rates every past
 * token for the current one and only the top-k are kept.
 *
 *   index score  s_j = (x_q · W_Q) · (x_j · W_K)       W_Q, W_K: [d, r], r ≪ d
 *   keep         top-k of s over the n past tokens       (attention then costs k, not n)
 *
 * The toy task: words belong to hidden topics (fruit, weather, …). The
 * current word needs the past words of its own topic — the relevant tokens
 * are known, so the indexer can be trained. Each word's embedding is a topic
 * direction plus a larger word-specific direction, so a raw dot product is
 * a poor guide; W_Q and W_K must learn to look at the topic part only.
 *
 * Training: softmax over the n scores, cross-entropy against the uniform
 * distribution on the relevant positions, Adam on W_Q, W_K (the embeddings
 * stay fixed). Nobody writes the rule for which tokens matter.
 */
import * as tf from '@tensorflow/tfjs-core';
// optimizer.minimize needs the gradient kernels registered (idempotent side-effect import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRng, tfSeed, type Rng } from '../runtime/rng.js';

/** Hidden topics and their words: the topic is the tag the indexer must discover. */
export const TOPICS: Record<string, string[]> = {
  fruit: ['apple', 'pear', 'plum', 'mango', 'lime', 'fig'],
  weather: ['rain', 'snow', 'fog', 'storm', 'wind', 'hail'],
  animal: ['cat', 'horse', 'owl', 'fox', 'goat', 'bee'],
  music: ['drum', 'flute', 'piano', 'violin', 'choir', 'tuba'],
  tool: ['hammer', 'saw', 'drill', 'wrench', 'chisel', 'file'],
  colour: ['red', 'teal', 'amber', 'violet', 'olive', 'navy'],
  body: ['hand', 'knee', 'elbow', 'ankle', 'wrist', 'chin'],
  sport: ['tennis', 'golf', 'rugby', 'judo', 'polo', 'chess'],
};

export interface Vocabulary {
  words: string[];
  /** Topic index of each word. */
  topicOf: number[];
  topics: string[];
}

export function vocabulary(): Vocabulary {
  const topics = Object.keys(TOPICS);
  const words: string[] = [];
  const topicOf: number[] = [];
  topics.forEach((t, i) => TOPICS[t].forEach((w) => (words.push(w), topicOf.push(i))));
  return { words, topicOf, topics };
}

/** One context: n past word ids, the current word id, and which past positions share its topic. */
export interface Context {
  past: number[];
  current: number;
  relevant: boolean[];
}

/** A seeded context of n past words drawn uniformly; at least one shares the current word's topic. */
export function makeContext(rng: Rng, vocab: Vocabulary, n: number): Context {
  const V = vocab.words.length;
  const current = rng.int(V);
  const past = Array.from({ length: n }, () => rng.int(V));
  const relevant = past.map((w) => vocab.topicOf[w] === vocab.topicOf[current]);
  if (!relevant.some(Boolean)) {
    // Plant one topic-mate at a random position so recall is always defined.
    const mates = vocab.topicOf.flatMap((t, w) => (t === vocab.topicOf[current] ? [w] : []));
    const at = rng.int(n);
    past[at] = mates[rng.int(mates.length)];
    relevant[at] = true;
  }
  return { past, current, relevant };
}

/** Indices of the k largest scores, best first; ties go to the earlier position. */
export async function topK(scores: tf.Tensor1D, k: number): Promise<number[]> {
  const { indices, values } = tf.topk(scores, Math.min(k, scores.shape[0]), true);
  const idx = Array.from(await indices.data());
  indices.dispose();
  values.dispose();
  return idx;
}

/** |top-k ∩ relevant| / min(k, |relevant|): 1 when the kept set holds as many relevant tokens as it can. */
export function recallAtK(kept: readonly number[], relevant: readonly boolean[]): number {
  const total = relevant.filter(Boolean).length;
  const hit = kept.filter((i) => relevant[i]).length;
  return total === 0 ? 1 : hit / Math.min(kept.length, total);
}

/** Share of attention comparisons the indexer saves: 1 − k/n. */
export const workSaved = (k: number, n: number) => (n <= 0 ? 0 : Math.max(0, 1 - Math.min(k, n) / n));

export interface IndexerOptions {
  /** Embedding width d (32: wide enough that the topic is linearly readable from 48 word vectors). */
  dim?: number;
  /** Index width r (columns of W_Q and W_K). */
  indexDim?: number;
  /** Weight of the topic direction vs the word-specific direction in each embedding. */
  topicWeight?: number;
  learningRate?: number;
  seed?: number;
}

export interface Scored {
  /** Index score of every past position. */
  scores: number[];
  /** Top-k positions, best first. */
  kept: number[];
  recall: number;
}

export class SparseIndexer {
  readonly vocab = vocabulary();
  readonly dim: number;
  readonly indexDim: number;
  /** Fixed word embeddings [V, d]. */
  private readonly embed: tf.Tensor2D;
  private readonly wq: tf.Variable<tf.Rank.R2>;
  private readonly wk: tf.Variable<tf.Rank.R2>;
  private readonly optimizer: tf.Optimizer;
  steps = 0;

  constructor(opts: IndexerOptions = {}) {
    this.dim = opts.dim ?? 32;
    this.indexDim = opts.indexDim ?? 8;
    const rng = createRng(opts.seed ?? 42, 'indexer');
    const V = this.vocab.words.length;
    const T = this.vocab.topics.length;
    const a = opts.topicWeight ?? 1;
    // embedding = a·topic direction + word direction (each ~ unit length): [V, d].
    this.embed = tf.tidy(() => {
      const topic = tf.randomNormal([T, this.dim], 0, 1 / Math.sqrt(this.dim), 'float32', tfSeed(rng));
      const word = tf.randomNormal([V, this.dim], 0, 1.5 / Math.sqrt(this.dim), 'float32', tfSeed(rng));
      return tf.add(tf.mul(tf.gather(topic, tf.tensor1d(this.vocab.topicOf, 'int32')), a), word) as tf.Tensor2D;
    });
    const scale = 1 / Math.sqrt(this.dim);
    // tf.variable() keeps its initial tensor alive beside the variable: tidy disposes it (variables are not tracked).
    this.wq = tf.tidy(() => tf.variable(tf.randomNormal([this.dim, this.indexDim], 0, scale, 'float32', tfSeed(rng))));
    this.wk = tf.tidy(() => tf.variable(tf.randomNormal([this.dim, this.indexDim], 0, scale, 'float32', tfSeed(rng))));
    // 0.02 rather than faster: the climb of recall stays visible for ~50 steps on a slide.
    this.optimizer = tf.train.adam(opts.learningRate ?? 0.02);
  }

  /** Index scores for a batch: past ids [B, n], current ids [B] → [B, n]. */
  scoreBatch(past: tf.Tensor2D, current: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, n] = past.shape;
      const r = this.indexDim;
      const q = tf.matMul(tf.gather(this.embed, current), this.wq); // [B, r]
      const k = tf.reshape(tf.matMul(tf.gather(this.embed, tf.reshape(past, [-1])), this.wk), [B, n, r]); // [B, n, r]
      return tf.reshape(tf.matMul(k, tf.reshape(q, [B, r, 1])), [B, n]) as tf.Tensor2D; // s[b, j] = k[b, j]·q[b]
    });
  }

  /** Scores, top-k and recall for one context. One read-back. */
  async score(ctx: Context, k: number): Promise<Scored> {
    const n = ctx.past.length;
    const kk = Math.min(k, n);
    // [n scores | k indices (as floats)] packed into one tensor so it is read back once.
    const packed = tf.tidy(() => {
      const s = tf.reshape(
        this.scoreBatch(tf.tensor2d([ctx.past], undefined, 'int32'), tf.tensor1d([ctx.current], 'int32')),
        [-1],
      ) as tf.Tensor1D;
      return tf.concat([s, tf.cast(tf.topk(s, kk, true).indices, 'float32')]);
    });
    const flat = await packed.data();
    packed.dispose();
    const kept = Array.from(flat.subarray(n), Math.round);
    return { scores: Array.from(flat.subarray(0, n)), kept, recall: recallAtK(kept, ctx.relevant) };
  }

  /** Mean recall@k over contexts of equal length, scored as one batch. One read-back. */
  async meanRecall(contexts: Context[], k: number): Promise<number> {
    const n = contexts[0].past.length;
    const idx = tf.tidy(() => {
      const scores = this.scoreBatch(
        tf.tensor2d(contexts.map((c) => c.past), undefined, 'int32'),
        tf.tensor1d(contexts.map((c) => c.current), 'int32'),
      );
      return tf.topk(scores, Math.min(k, n), true).indices; // [B, k]
    });
    const flat = await idx.data();
    idx.dispose();
    const kk = Math.min(k, n);
    let total = 0;
    contexts.forEach((c, b) => (total += recallAtK(Array.from(flat.subarray(b * kk, (b + 1) * kk)), c.relevant)));
    return total / contexts.length;
  }

  /** One Adam step on a batch of contexts; returns the mean loss (caller reads and disposes). */
  trainStep(batch: Context[]): tf.Scalar {
    this.steps++;
    return tf.tidy(() => {
      const past = tf.tensor2d(batch.map((c) => c.past), undefined, 'int32');
      const current = tf.tensor1d(batch.map((c) => c.current), 'int32');
      // Target: uniform over the relevant positions of each row, [B, n].
      const target = tf.tensor2d(
        batch.map((c) => {
          const m = c.relevant.filter(Boolean).length;
          return c.relevant.map((r) => (r ? 1 / m : 0));
        }),
      );
      return this.optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(target, this.scoreBatch(past, current)) as tf.Scalar,
        true,
        [this.wq, this.wk],
      ) as tf.Scalar;
    });
  }

  dispose(): void {
    this.embed.dispose();
    this.wq.dispose();
    this.wk.dispose();
    this.optimizer.dispose();
  }
}

/** Draws fresh seeded training contexts for each step. */
export class IndexerTrainer {
  constructor(
    readonly model: SparseIndexer,
    private readonly rng: Rng,
    private readonly contextLength = 64,
    private readonly batch = 16,
  ) {}

  step(): tf.Scalar {
    const contexts = Array.from({ length: this.batch }, () =>
      makeContext(this.rng, this.model.vocab, this.contextLength),
    );
    return this.model.trainStep(contexts);
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
}
