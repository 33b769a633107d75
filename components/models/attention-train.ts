/**
 * Training W_Q, W_K, W_V by gradient descent on a task whose right attention
 * pattern is known, so a demo can show the grid going from blur to pattern.
 *
 * Nobody tells the head WHERE to look. The loss only says what each
 * position's output must be: the output (weights·V) is read out against the
 * word embeddings (tied, fixed) and scored by cross-entropy on a target word.
 * Attending to the right token is simply the only way to produce that word.
 *
 * Tasks (the target word of row i):
 * - "previous": the word one position back (row 0 has no target). Only the
 *   position half of the embedding can tell where "one back" is.
 * - "refer": the word itself, except a pronoun ("it"), whose target is the
 *   nearest earlier creature noun ("animal", "dog", …), never an object noun
 *   ("street", "mat", …). Only the word half can tell creature from object.
 * - "previous-first": TWO targets per row, the word one back AND the first
 *   word of the sequence, read out by two learned readouts R_prev, R_first
 *   [d, d] from the concatenated heads (logits = out·R·Eᵀ). One head's blend
 *   cannot say which word was where, so two heads are needed, and nothing
 *   says which head does which: the heads start symmetric and specialise.
 * Training sequences are random, of the shown sentence's length, over the
 * shown words plus a small lexicon; the shown sentence itself is never a
 * training example, so its pattern is generalised, not memorised.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRng, type Rng } from '../runtime/rng.js';
import {
  attendHeads, disposeResult, scaledDotProduct, embedTokens, positionalEncoding, randomProjection,
  splitHeads, wordPart, type AttentionOptions, type AttentionResult,
} from './attention.js';

export const TASKS = ['previous', 'refer', 'previous-first'] as const;
export type TaskName = (typeof TASKS)[number];
/** One supervised target per row: what a single readout must produce. */
export type Objective = 'previous' | 'refer' | 'first';

/** The targets a task supervises, one readout each. */
export function objectivesOf(task: TaskName): Objective[] {
  return task === 'previous-first' ? ['previous', 'first'] : [task];
}

export const PRONOUNS = ['it'];
export const CREATURES = ['animal', 'cat', 'dog', 'horse', 'bird', 'fox', 'cow', 'child'];
export const OBJECTS = ['street', 'road', 'river', 'mat', 'bank', 'box', 'car', 'bridge'];
const FILLERS = ['the', 'a', 'was', 'because', 'and', 'on', 'too', 'so', 'very', 'then', 'not', 'tired'];

const lower = (t: string) => t.toLowerCase();
/** tfjs variable names must be unique per page. */
let trainers = 0;

/**
 * The position each row should attend to (−1 = no target) for a token list.
 * Pure: used for the shown sentence and to label training sequences.
 */
export function targetPositions(task: TaskName | Objective, tokens: readonly string[]): number[] {
  const words = tokens.map(lower);
  if (task === 'previous' || task === 'previous-first') return words.map((_, i) => (i === 0 ? -1 : i - 1));
  if (task === 'first') return words.map(() => 0);
  return words.map((w, i) => {
    if (!PRONOUNS.includes(w)) return i;
    for (let j = i - 1; j >= 0; j--) if (CREATURES.includes(words[j]!)) return j;
    return -1;
  });
}

/**
 * The rows that carry the lesson: for "previous" every row with a target, for
 * "refer" the pronoun rows (the self rows are the easy background).
 */
export function keyRows(task: TaskName | Objective, tokens: readonly string[]): number[] {
  const targets = targetPositions(task, tokens);
  // "first": row 0 is its own first word (trivial); "refer": the self rows are background.
  return targets.flatMap((t, i) => (t >= 0 && (task === 'previous' || task === 'previous-first' || t !== i) ? [i] : []));
}

/**
 * Mean over `rows` of the weight each row puts on its target word (every
 * position holding that word counts: the loss cannot tell two "the" apart).
 * weights: [n][n] of one head. NaN when there are no rows.
 */
export function targetMass(weights: readonly (readonly number[])[], tokens: readonly string[], targets: readonly number[], rows: readonly number[]): number {
  const words = tokens.map(lower);
  let total = 0;
  for (const i of rows) {
    const target = words[targets[i]!];
    words.forEach((w, j) => { if (w === target) total += weights[i]![j]!; });
  }
  return rows.length ? total / rows.length : NaN;
}

/** The training vocabulary: the shown words, then the task's lexicon. */
export function taskVocabulary(task: TaskName, tokens: readonly string[]): string[] {
  const extra = task === 'refer' ? [...PRONOUNS, ...CREATURES, ...OBJECTS, ...FILLERS] : FILLERS;
  return [...new Set([...tokens.map(lower), ...extra])];
}

/** One random training sequence of length n (word indices into the vocabulary). */
export function sampleSequence(task: TaskName, vocab: readonly string[], n: number, rng: Rng): string[] {
  if (task !== 'refer') return Array.from({ length: n }, () => vocab[rng.int(vocab.length)]!);
  // refer: fillers around one creature and one object, then "it" after both.
  const special = new Set([...PRONOUNS, ...CREATURES, ...OBJECTS]);
  const fillers = vocab.filter((w) => !special.has(w));
  const seq = Array.from({ length: n }, () => fillers[rng.int(fillers.length)]!);
  if (n < 3) return seq;
  const p = 2 + rng.int(n - 2); // pronoun position, ≥ 2
  const a = rng.int(p);
  let b = rng.int(p - 1);
  if (b >= a) b++;
  seq[p] = PRONOUNS[rng.int(PRONOUNS.length)]!;
  seq[a] = CREATURES[rng.int(CREATURES.length)]!;
  seq[b] = OBJECTS[rng.int(OBJECTS.length)]!;
  return seq;
}

export interface TrainerOptions {
  /** The sentence shown (training uses its length and words). */
  tokens: readonly string[];
  task: TaskName;
  dim: number;
  heads: number;
  causal: boolean;
  seed: number;
  batchSize?: number;
  learningRate?: number;
}

/** Owns W_Q, W_K, W_V as variables, an Adam optimiser and the fixed embeddings. */
export class AttentionTrainer {
  readonly vocab: string[];
  /** Target position of each shown row (−1 = none). */
  readonly targets: number[];
  /** Shown rows whose target is the pattern being taught. */
  readonly keyRows: number[];
  step = 0;
  private readonly wq: tf.Variable<tf.Rank.R2>;
  private readonly wk: tf.Variable<tf.Rank.R2>;
  private readonly wv: tf.Variable<tf.Rank.R2>;
  /** "previous-first": one learned readout [d, d] per objective; empty for one-objective tasks (tied readout). */
  private readonly readouts: tf.Variable<tf.Rank.R2>[];
  readonly objectives: Objective[];
  /** Word half of each vocabulary embedding, zero-padded to d: [V, d]. Input and readout. */
  private readonly table: tf.Tensor2D;
  /** Position half, zero-padded on the left to d: [n, d]. */
  private readonly positions: tf.Tensor2D;
  private readonly optimizer: tf.Optimizer;
  private readonly rng: Rng;
  private readonly index: Map<string, number>;

  constructor(private readonly opts: TrainerOptions) {
    const { tokens, task, dim: d, seed } = opts;
    const n = tokens.length;
    this.vocab = taskVocabulary(task, tokens);
    this.index = new Map(this.vocab.map((w, i) => [w, i]));
    this.objectives = objectivesOf(task);
    this.targets = targetPositions(task, tokens);
    this.keyRows = keyRows(task, tokens);
    this.rng = createRng(seed, `attention-train:${task}`);
    // The same numbers embedTokens() gives: word part then position part.
    const dWord = Math.ceil(d / 2);
    this.table = tf.tensor2d(this.vocab.map((w) => [...wordPart(w, d, seed), ...new Array<number>(d - dWord).fill(0)]));
    this.positions = tf.tensor2d(positionalEncoding(n, d - dWord).map((row) => [...new Array<number>(dWord).fill(0), ...row]), [n, d]);
    // Start small: a near-uniform blur, so the audience sees the pattern appear.
    // tf.variable() keeps its initial tensor alive beside the variable: build it
    // inside tidy so that tensor is released (3 leaked tensors per reset otherwise).
    const init = (name: string, gain = 0.3) => tf.tidy(() =>
      tf.variable(tf.tensor2d(randomProjection(d, seed, `train:${name}`).map((r) => r.map((v) => v * gain))), true, `attention_${name}_${++trainers}`));
    this.wq = init('W_Q');
    this.wk = init('W_K');
    this.wv = init('W_V');
    this.readouts = this.objectives.length > 1 ? this.objectives.map((o) => init(`R_${o}`, 1)) : [];
    // Two readouts to learn as well: a larger step reaches the split in ~100 steps.
    this.optimizer = tf.train.adam(opts.learningRate ?? (this.objectives.length > 1 ? 0.03 : 0.01));
  }

  private attentionOptions(): AttentionOptions {
    return { heads: this.opts.heads, scale: true, temperature: 1, causal: this.opts.causal };
  }

  /** X for a batch of word-index sequences: [b·n, d]. */
  private embedBatch(ids: tf.Tensor2D): tf.Tensor2D {
    const [b, n] = ids.shape;
    const words = tf.reshape(tf.gather(this.table, tf.reshape(ids, [b * n])), [b, n, -1]);
    return tf.reshape(tf.add(words, tf.expandDims(this.positions, 0)), [b * n, -1]) as tf.Tensor2D;
  }

  /** Queries, keys, values for b sequences, heads folded into the batch: [b·h, n, d_h]. */
  private qkv(x: tf.Tensor2D, b: number, n: number): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
    const h = this.opts.heads;
    const d = x.shape[1];
    const fold = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [b, n, h, d / h]), [0, 2, 1, 3]), [b * h, n, d / h]) as tf.Tensor3D;
    return [fold(tf.matMul(x, this.wq)), fold(tf.matMul(x, this.wk)), fold(tf.matMul(x, this.wv))];
  }

  /** One Adam step on a fresh random batch; returns the mean loss (caller disposes). */
  trainStep(): tf.Scalar {
    const b = this.opts.batchSize ?? 16;
    const n = this.opts.tokens.length;
    const ids: number[][] = [];
    const labels: number[][] = this.objectives.map(() => []);
    const rowWeights: number[][] = this.objectives.map(() => []);
    for (let s = 0; s < b; s++) {
      const seq = sampleSequence(this.opts.task, this.vocab, n, this.rng);
      const row = seq.map((w) => this.index.get(w)!);
      ids.push(row);
      this.objectives.forEach((o, k) => targetPositions(o, seq).forEach((t) => {
        labels[k]!.push(t < 0 ? 0 : row[t]!);
        rowWeights[k]!.push(t < 0 ? 0 : 1);
      }));
    }
    const h = this.opts.heads;
    const loss = this.optimizer.minimize(() => {
      const x = this.embedBatch(tf.tensor2d(ids, [b, n], 'int32'));
      const [q, k, v] = this.qkv(x, b, n);
      const { mixed } = scaledDotProduct(q, k, v, this.attentionOptions());
      // mixed [b·h, n, d_h] → per token, heads side by side [b·n, d]; scored against every word: [b·n, V].
      const d = x.shape[1];
      const out = tf.reshape(tf.transpose(tf.reshape(mixed, [b, h, n, d / h]), [0, 2, 1, 3]), [b * n, d]);
      const losses = this.objectives.map((_, k) => {
        const read = this.readouts.length ? tf.matMul(out, this.readouts[k]!) : out;
        const logits = tf.matMul(read, this.table, false, true);
        const onehot = tf.oneHot(tf.tensor1d(labels[k]!, 'int32'), this.vocab.length);
        return tf.losses.softmaxCrossEntropy(onehot, logits, tf.tensor1d(rowWeights[k]!));
      });
      return (losses.length === 1 ? losses[0]! : tf.addN(losses)) as tf.Scalar;
    }, true) as tf.Scalar;
    this.step++;
    return loss;
  }

  /**
   * Attention on the shown sentence with the current W_Q, W_K, W_V (caller
   * disposes the result). Display options may differ from training ones.
   */
  attend(opts: AttentionOptions = {}): AttentionResult {
    return tf.tidy(() => {
      const x = tf.tensor2d(embedTokens(this.opts.tokens, this.table.shape[1], this.opts.seed));
      const heads = this.opts.heads;
      const split = (w: tf.Tensor2D) => splitHeads(tf.matMul(x, w), heads);
      return attendHeads(split(this.wq), split(this.wk), split(this.wv), { ...this.attentionOptions(), ...opts });
    });
  }

  /** Per head, the mean weight the key rows put on their target word (one read-back). */
  async closeness(opts: AttentionOptions = {}): Promise<number[]> {
    const r = this.attend(opts);
    const w = (await r.weights.array()) as number[][][];
    disposeResult(r);
    return w.map((head) => this.closenessOf(head));
  }

  /**
   * The same measure for one head's weights already read back: [n][n]. For a
   * two-objective task, the larger of the head's two target masses (see massesOf).
   */
  closenessOf(weights: readonly (readonly number[])[]): number {
    if (this.objectives.length > 1) return Math.max(...this.massesOf(weights));
    return targetMass(weights, this.opts.tokens, this.targets, this.keyRows);
  }

  /** Per objective, the mean weight of its key rows on its target (one head's weights [n][n]). */
  massesOf(weights: readonly (readonly number[])[]): number[] {
    const tokens = this.opts.tokens;
    return this.objectives.map((o) => targetMass(weights, tokens, targetPositions(o, tokens), keyRows(o, tokens)));
  }

  /** Current projections as plain arrays (for inspection and tests). */
  async projections(): Promise<{ wq: number[][]; wk: number[][]; wv: number[][] }> {
    return { wq: await this.wq.array(), wk: await this.wk.array(), wv: await this.wv.array() };
  }

  dispose(): void {
    tf.dispose([this.wq, this.wk, this.wv, ...this.readouts, this.table, this.positions]);
    this.optimizer.dispose();
  }
}
