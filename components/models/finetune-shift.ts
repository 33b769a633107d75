/**
 * Supervised fine-tuning in the small: a character MLP language model (the
 * makemore MLP of models/mlp.ts) is pretrained on names, then fine-tuned on
 * question → answer demonstrations with the loss masked to the answer.
 *
 * The task: "emma?" → "four". The question is a name followed by the
 * separator '?', the answer is the name's number of letters as an English
 * word, then the end token '.'. A base model has never seen '?' and simply
 * goes on writing letters; a few hundred SFT steps teach it the format and
 * the skill. The context is MAX_LENGTH + 1 characters, so the first answer
 * position sees the whole question (its leading '.' padding tells the length).
 *
 * Shapes as in models/mlp.ts: windows x [B, C] int32 → logits [B, V];
 * V = 28 here ('.', a–z, '?'). The SFT loss over a batch is
 *   L = Σ_b m_b · (−log softmax(logits_b)[y_b]) / Σ_b m_b,
 * with m_b = 1 when target y_b is part of the answer (its letters and the
 * closing '.') and 0 when it is part of the question (the name and '?').
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { buildCorpus, encode, splitWords, type Corpus } from './corpus.js';
import { buildExamples, type Examples } from './mlp-data.js';
import { crossEntropy, forward, initWeights, type MlpShape } from './mlp.js';
import type { Rng } from '../runtime/rng.js';

export const SEPARATOR = '?';
export const MIN_LENGTH = 3;
export const MAX_LENGTH = 8;
/** One window sees a whole question: up to MAX_LENGTH letters and the '?'. */
export const CONTEXT = MAX_LENGTH + 1;
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];

/** The answer a demonstration teaches: the number of letters, in words ("emma" → "four"). */
export function answerFor(name: string): string {
  const word = askable(name) ? WORDS[[...name].length] : undefined;
  if (!word) throw new RangeError(`"${name}" has ${[...name].length} letters; questions take names of ${MIN_LENGTH}–${MAX_LENGTH}`);
  return word;
}

/** Names the task covers (MIN_LENGTH … MAX_LENGTH letters). */
export const askable = (name: string) => [...name].length >= MIN_LENGTH && [...name].length <= MAX_LENGTH;

/** The names vocabulary plus the answers' letters and the separator (pretraining and fine-tuning share it, so the base model has a row for '?' it never trained). */
export function withSeparator(corpus: Corpus): Corpus {
  const answerLetters = WORDS.slice(MIN_LENGTH, MAX_LENGTH + 1).join('');
  return buildCorpus(corpus.words, new Set([...corpus.vocab.slice(1), ...answerLetters, SEPARATOR]));
}

/** Sliding-window examples with a loss mask: 1 where the target belongs to the answer. */
export interface MaskedExamples extends Examples {
  mask: Float32Array;
}

/**
 * Demonstrations "name?answer." as windows of `context` characters ('.'
 * padded at the start) → next character, one row per target; mask 0 for the
 * targets inside the question (the letters of the name and the '?').
 */
export function buildSftExamples(corpus: Corpus, names: readonly string[], context: number): MaskedExamples {
  const rows: { window: number[]; y: number; m: number }[] = [];
  for (const name of names) {
    const question = encode(corpus, name + SEPARATOR);
    const seq = [...question, ...encode(corpus, answerFor(name)), 0];
    const padded = [...new Array<number>(context).fill(0), ...seq];
    seq.forEach((y, t) => rows.push({ window: padded.slice(t, t + context), y, m: t >= question.length ? 1 : 0 }));
  }
  const n = rows.length;
  const x = new Int32Array(n * context);
  const y = new Int32Array(n);
  const mask = new Float32Array(n);
  rows.forEach((r, i) => {
    x.set(r.window, i * context);
    y[i] = r.y;
    mask[i] = r.m;
  });
  return { x, y, mask, n, context };
}

/** Mean negative log-likelihood over the rows whose mask is 1 (0 when none is). logits [B, V], y [B], mask [B]. */
export function maskedCrossEntropy(logits: tf.Tensor2D, y: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(y, logits.shape[1], 1, 0, 'float32')), 1));
    return tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

export interface FinetuneConfig {
  embedding: number;
  hidden: number;
  batchSize: number;
  pretrainRate: number;
  finetuneRate: number;
  /** Share of each fine-tuning batch drawn from the pretraining text (0: pure SFT). */
  replay: number;
  /** SFT demonstrations (names from the training split). */
  demonstrations: number;
  seed: number;
}

export const DEFAULT_FINETUNE: FinetuneConfig = {
  embedding: 10, hidden: 128, batchSize: 64, pretrainRate: 0.3, finetuneRate: 0.1, replay: 0, demonstrations: 2000, seed: 42,
};

/** Held-out names scored for the forgetting curve (a fixed prefix of the shuffled validation split). */
const HELD_OUT_ROWS = 3000;
/** Held-out questions scored for answer accuracy. */
const HELD_OUT_QUESTIONS = 200;
/** Longest completion generated. */
const MAX_COMPLETION = 10;

interface DeviceExamples {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  mask: tf.Tensor1D;
  n: number;
}

function toDevice(e: Examples, mask?: Float32Array, limit = Infinity): DeviceExamples {
  const n = Math.min(e.n, limit);
  const m = mask ? mask.subarray(0, n) : new Float32Array(n).fill(1);
  return { x: tf.tensor2d(e.x.subarray(0, n * e.context), [n, e.context], 'int32'), y: tf.tensor1d(e.y.subarray(0, n), 'int32'), mask: tf.tensor1d(m), n };
}

type Params = { emb: tf.Variable<tf.Rank.R2>; w1: tf.Variable<tf.Rank.R2>; b1: tf.Variable<tf.Rank.R1>; w2: tf.Variable<tf.Rank.R2>; b2: tf.Variable<tf.Rank.R1> };

/**
 * The model and its four data sets on the device: pretraining names (train
 * split), held-out names (validation split), SFT demonstrations (train-split
 * names) and held-out questions (validation-split names). Owns its tensors.
 */
export class FinetuneShift {
  readonly corpus: Corpus;
  readonly shape: MlpShape;
  readonly params: Params;
  /** Held-out questions (validation names of MIN_LENGTH … MAX_LENGTH letters). */
  readonly questions: string[];
  /** Training-split names used as demonstrations. */
  readonly demonstrations: string[];
  pretrainSteps = 0;
  finetuneSteps = 0;
  /** Set by dispose(): a run still awaiting stops at its next step instead of touching freed tensors. */
  disposed = false;
  private readonly pre: DeviceExamples;
  private readonly held: DeviceExamples;
  private readonly sft: DeviceExamples;
  private readonly optimizer: tf.SGDOptimizer;

  constructor(names: Corpus, readonly config: FinetuneConfig, private readonly batchRng: Rng) {
    this.corpus = withSeparator(names);
    const parts = splitWords(names.words, config.seed);
    this.demonstrations = parts.train.filter(askable).slice(0, config.demonstrations);
    this.questions = parts.val.filter(askable).slice(0, HELD_OUT_QUESTIONS);
    if (!this.demonstrations.length || !this.questions.length) throw new Error(`the corpus needs names of ${MIN_LENGTH}–${MAX_LENGTH} letters on both sides of the split`);
    const V = this.corpus.vocab.length;
    this.shape = { vocabSize: V, context: CONTEXT, embedding: config.embedding, hidden: config.hidden };
    const w = initWeights(this.shape, config.seed);
    const { embedding: E, hidden: H } = config;
    this.params = tf.tidy(() => ({
      emb: tf.variable(tf.tensor2d(w.emb, [V, E])),
      w1: tf.variable(tf.tensor2d(w.w1, [CONTEXT * E, H])),
      b1: tf.variable(tf.tensor1d(w.b1)),
      w2: tf.variable(tf.tensor2d(w.w2, [H, V])),
      b2: tf.variable(tf.tensor1d(w.b2)),
    }));
    this.pre = toDevice(buildExamples(this.corpus, parts.train, CONTEXT));
    this.held = toDevice(buildExamples(this.corpus, parts.val, CONTEXT), undefined, HELD_OUT_ROWS);
    const demo = buildSftExamples(this.corpus, this.demonstrations, CONTEXT);
    this.sft = toDevice(demo, demo.mask);
    this.optimizer = tf.train.sgd(config.pretrainRate);
  }

  get step(): number {
    return this.pretrainSteps + this.finetuneSteps;
  }

  private rows(n: number, count: number): Int32Array {
    const r = new Int32Array(count);
    for (let i = 0; i < count; i++) r[i] = this.batchRng.int(n);
    return r;
  }

  /** One SGD step of next-character prediction on the names. Returns the batch loss (caller disposes). */
  pretrainStep(): tf.Scalar {
    this.pretrainSteps++;
    const idx = this.rows(this.pre.n, this.config.batchSize);
    return tf.tidy(() => {
      const i = tf.tensor1d(idx, 'int32');
      const x = tf.gather(this.pre.x, i) as tf.Tensor2D;
      const y = tf.gather(this.pre.y, i) as tf.Tensor1D;
      return this.optimizer.minimize(() => crossEntropy(forward(this.params, x), y), true)!;
    });
  }

  /**
   * One SGD step of supervised fine-tuning: the batch is demonstration rows
   * with their answer mask, plus a `replay` share of pretraining rows (mask 1).
   */
  finetuneStep(): tf.Scalar {
    if (this.finetuneSteps === 0) this.optimizer.setLearningRate(this.config.finetuneRate);
    this.finetuneSteps++;
    const B = this.config.batchSize;
    const fromPre = Math.round(B * this.config.replay);
    const sftIdx = this.rows(this.sft.n, B - fromPre);
    const preIdx = this.rows(this.pre.n, fromPre);
    return tf.tidy(() => {
      const pick = (d: DeviceExamples, idx: Int32Array) => {
        const i = tf.tensor1d(idx, 'int32');
        return [tf.gather(d.x, i), tf.gather(d.y, i), tf.gather(d.mask, i)] as const;
      };
      const [xs, ys, ms] = pick(this.sft, sftIdx);
      const [xp, yp, mp] = pick(this.pre, preIdx);
      const x = tf.concat([xs, xp]) as tf.Tensor2D;
      const y = tf.concat([ys, yp]) as tf.Tensor1D;
      const m = tf.concat([ms, mp]) as tf.Tensor1D;
      return this.optimizer.minimize(() => maskedCrossEntropy(forward(this.params, x), y, m), true)!;
    });
  }

  /** Mean next-character loss on the held-out names (nats per character). */
  heldOutLoss(): tf.Scalar {
    return tf.tidy(() => crossEntropy(forward(this.params, this.held.x), this.held.y));
  }

  /** Masked answer loss on all demonstrations (what SFT minimises). */
  answerLoss(): tf.Scalar {
    return tf.tidy(() => maskedCrossEntropy(forward(this.params, this.sft.x), this.sft.y, this.sft.mask));
  }

  /**
   * Greedy continuations of each prompt + '?' (up to the end token or
   * MAX_COMPLETION characters). One read-back per generated position.
   */
  async complete(prompts: readonly string[]): Promise<string[]> {
    const C = CONTEXT;
    const n = prompts.length;
    const windows = new Int32Array(n * C);
    prompts.forEach((p, i) => {
      const seq = encode(this.corpus, p + SEPARATOR).slice(-C);
      windows.set(seq, i * C + C - seq.length);
    });
    const out = new Array<string>(n).fill('');
    const open = new Set(prompts.map((_, i) => i));
    for (let t = 0; t < MAX_COMPLETION && open.size && !this.disposed; t++) {
      const best = tf.tidy(() => tf.argMax(forward(this.params, tf.tensor2d(windows, [n, C], 'int32')), 1));
      const next = (await best.data()) as Int32Array;
      best.dispose();
      if (this.disposed) break;
      for (const i of [...open]) {
        windows.copyWithin(i * C, i * C + 1, (i + 1) * C);
        windows[(i + 1) * C - 1] = next[i]!;
        if (next[i] === 0) open.delete(i);
        else out[i] += this.corpus.vocab[next[i]!];
      }
    }
    return out;
  }

  /** Share of the held-out questions answered exactly (greedy). */
  async accuracy(): Promise<number> {
    const got = await this.complete(this.questions);
    return got.filter((g, i) => g === answerFor(this.questions[i]!)).length / this.questions.length;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(Object.values(this.params));
    for (const d of [this.pre, this.held, this.sft]) tf.dispose([d.x, d.y, d.mask]);
    this.optimizer.dispose();
  }
}

/** A recorded point of a run: held-out names loss, and the answer loss from the last pretraining step on. */
export interface ShiftPoint {
  step: number;
  heldOut: number;
  answer: number | null;
}

/**
 * Runs `count` steps of the current phase (pretraining until `pretrainSteps`,
 * then fine-tuning), recording a point every `every` steps. Reads back once
 * per recorded point, and yields to the event loop every 25 steps. Stops
 * early once the model is disposed (a newer run replaced it).
 */
export async function advance(model: FinetuneShift, count: number, pretrainSteps: number, every: number, history: ShiftPoint[]): Promise<void> {
  for (let i = 0; i < count && !model.disposed; i++) {
    const loss = model.pretrainSteps < pretrainSteps ? model.pretrainStep() : model.finetuneStep();
    loss.dispose();
    if (model.step % every === 0 || model.step === pretrainSteps) {
      const point = await record(model, model.step >= pretrainSteps);
      if (point) history.push(point);
    }
    // A long call hands the thread back now and then (a page stays responsive, a test runner's heartbeat gets through).
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 0));
  }
}

/** The held-out names loss now, and the answer loss when `withAnswer` (from the end of pretraining on). */
export async function record(model: FinetuneShift, withAnswer = model.finetuneSteps > 0): Promise<ShiftPoint | null> {
  if (model.disposed) return null;
  const held = model.heldOutLoss();
  const answer = withAnswer ? model.answerLoss() : null;
  const [h, a] = await Promise.all([held.data(), answer?.data()]);
  tf.dispose([held, answer ?? []].flat());
  if (model.disposed) return null;
  return { step: model.step, heldOut: h[0]!, answer: a ? a[0]! : null };
}
