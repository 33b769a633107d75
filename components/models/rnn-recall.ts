/**
 * The long-sentence puzzle as a toy task: remember one token across L
 * distracting steps, then say which one it was.
 *
 *   sequence   A*  x x x … x  ?        (the marked token, L distractor symbols, the query)
 *   target     A                        (read at the query step)
 *
 * Two recurrent cells, written out with TensorFlow.js ops (no layers API):
 *
 *   simple RNN  h_t = tanh(x_t W_x + h_{t−1} W_h + b)
 *   LSTM        [i f g o] = x_t W_x + h_{t−1} W_h + b
 *               c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)
 *               h_t = σ(o) ⊙ tanh(c_t)
 *
 * and a softmax read-out y = softmax(h_T W_y + b_y) at the query step,
 * cross-entropy loss, tf.variableGrads, the gradient clipped to norm 1, Adam.
 * Both see the same batches: each step trains one lag, cycling 1 … maxLag.
 *
 * Backpropagation through time multiplies the gradient by the step Jacobian
 * ∂h_t/∂h_{t−1} once per step: diag(1 − h_t²)·W_hᵀ for the simple RNN, so it
 * shrinks (or grows) geometrically; the LSTM's cell state adds a path whose
 * factor is the forget gate σ(f), which training can hold near 1.
 * `hiddenGradients` measures ‖∂L/∂h_t‖ for every step t with zero "probes"
 * added to each state (h_t ← cell(…) + e_t, so ∂L/∂e_t = ∂L/∂h_t): one
 * backward pass gives all of them. For a linear RNN with W_h = λI the ratio
 * ‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ is exactly λᵏ (the unit test checks it).
 */
import * as tf from '@tensorflow/tfjs-core';
// optimizer.minimize and tf.grad need the gradient kernels (idempotent side-effect import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRng, type Rng } from '../runtime/rng.js';

export const CELLS = ['rnn', 'lstm'] as const;
export type CellKind = (typeof CELLS)[number];

/** The recall task: how many symbols there are and how long the longest sequence is. */
export interface RecallTask {
  /** Symbols (the answer is one of them); chance accuracy is 1/vocab. */
  vocab: number;
  /** Longest lag L trained and evaluated; sequences are maxLag + 2 steps long. */
  maxLag: number;
}

/**
 * Step codes in a batch: 0 … V−1 a distractor symbol, V … 2V−1 the marked
 * symbol to remember (V + s), 2V the query, 2V + 1 padding.
 *
 * Input features per step, [V + 2]: one-hot of the symbol, a "remember this"
 * flag, a "query" flag; padding is all zeros. The marked token and the
 * distractors share the same symbol features, so a network cannot park the
 * answer in directions that distractors never touch: it has to learn to stop
 * writing once the flag has gone — the gating an LSTM has built in.
 */
export const markedCode = (t: RecallTask, symbol: number) => t.vocab + symbol;
export const queryCode = (t: RecallTask) => 2 * t.vocab;
export const padCode = (t: RecallTask) => 2 * t.vocab + 1;
export const inputSize = (t: RecallTask) => t.vocab + 2;

/** The feature row of one step code. */
export function features(t: RecallTask, code: number): number[] {
  const x = new Array<number>(inputSize(t)).fill(0);
  if (code < t.vocab) x[code] = 1;
  else if (code < 2 * t.vocab) (x[code - t.vocab] = 1), (x[t.vocab] = 1);
  else if (code === queryCode(t)) x[t.vocab + 1] = 1;
  return x;
}

export function checkTask(t: RecallTask): void {
  if (!Number.isInteger(t.vocab) || t.vocab < 2) throw new Error(`vocab must be a whole number ≥ 2, got ${t.vocab}`);
  if (!Number.isInteger(t.maxLag) || t.maxLag < 1) throw new Error(`maxLag must be a whole number ≥ 1, got ${t.maxLag}`);
}

/** A batch in time-major order: codes[t][b] for t = 0 … length−1, and the answer of each sequence. */
export interface RecallBatch {
  codes: number[][];
  targets: number[];
  lags: number[];
  length: number;
}

/**
 * One sequence per entry of `lags`, each `length` steps long (length ≥ lag + 2):
 * pad … pad, the marked token, `lag` distractor symbols, the query. Left
 * padding lets one unroll train every lag at once.
 */
export function makeBatch(rng: Rng, task: RecallTask, lags: readonly number[], length = task.maxLag + 2): RecallBatch {
  const B = lags.length;
  const codes = Array.from({ length }, () => new Array<number>(B).fill(padCode(task)));
  const targets: number[] = [];
  lags.forEach((lag, b) => {
    if (!Number.isInteger(lag) || lag < 0 || lag + 2 > length) throw new Error(`lag ${lag} does not fit a sequence of ${length} steps`);
    const symbol = rng.int(task.vocab);
    targets.push(symbol);
    const start = length - lag - 2;
    codes[start]![b] = markedCode(task, symbol);
    for (let s = 1; s <= lag; s++) codes[start + s]![b] = rng.int(task.vocab);
    codes[length - 1]![b] = queryCode(task);
  });
  return { codes, targets, lags: [...lags], length };
}

/** Training lags: every lag 1 … maxLag, repeated to fill the batch. */
export function trainingLags(task: RecallTask, batch: number): number[] {
  return Array.from({ length: batch }, (_, b) => 1 + (b % task.maxLag));
}

/** The read-out weights and the cell's weights as plain arrays (row-major [in][out]). */
export interface CellWeights {
  /** [inputs][G·H], G = 1 (rnn) or 4 (lstm: gates i, f, g, o in blocks of H). */
  wx: number[][];
  /** [H][G·H] */
  wh: number[][];
  /** [G·H] */
  b: number[];
  /** [H][V] */
  wy: number[][];
  /** [V] */
  by: number[];
}

export interface RecallNetOptions {
  kind: CellKind;
  task: RecallTask;
  hidden: number;
  learningRate?: number;
  seed?: number;
  /** 'tanh' (default). 'linear' only for the simple RNN: h_t = x_t W_x + h_{t−1} W_h + b (tests). */
  activation?: 'tanh' | 'linear';
  /** Start from these weights instead of the seeded initialisation. */
  weights?: CellWeights;
  /** LSTM forget-gate bias at initialisation (default 1, Jozefowicz et al. 2015). */
  forgetBias?: number;
  /** Largest global gradient norm applied per step (default 1). */
  clipNorm?: number;
  /** Recurrent weights are drawn with std recurrentScale/√H (default 1). */
  recurrentScale?: number;
}

const gatesOf = (kind: CellKind) => (kind === 'lstm' ? 4 : 1);

/** Seeded initial weights: Glorot-scaled normal input and read-out weights, normal recurrent weights (std recurrentScale/√H), zero biases except the LSTM forget gate. */
export function initialWeights(o: RecallNetOptions): CellWeights {
  const rng = createRng(o.seed ?? 42, `rnn-recall-${o.kind}`);
  const H = o.hidden;
  const I = inputSize(o.task);
  const G = gatesOf(o.kind);
  const V = o.task.vocab;
  const normal = (rows: number, cols: number, std: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal() * std));
  const b = new Array<number>(G * H).fill(0);
  if (o.kind === 'lstm') for (let j = H; j < 2 * H; j++) b[j] = o.forgetBias ?? 1;
  return {
    wx: normal(I, G * H, Math.sqrt(2 / (I + G * H))),
    wh: normal(H, G * H, (o.recurrentScale ?? 1) / Math.sqrt(H)),
    b,
    wy: normal(H, V, Math.sqrt(2 / (H + V))),
    by: new Array<number>(V).fill(0),
  };
}

/** What `hiddenGradients` returns: per step t = 0 … T−1, the mean over the batch of ‖∂ℓ/∂h_t‖ (and ‖∂ℓ/∂c_t‖ for the LSTM). */
export interface GradientProfile {
  h: number[];
  c: number[] | null;
}

export class RecallNet {
  readonly kind: CellKind;
  readonly task: RecallTask;
  readonly hidden: number;
  readonly activation: 'tanh' | 'linear';
  private readonly wx: tf.Variable<tf.Rank.R2>;
  private readonly wh: tf.Variable<tf.Rank.R2>;
  private readonly b: tf.Variable<tf.Rank.R1>;
  private readonly wy: tf.Variable<tf.Rank.R2>;
  private readonly by: tf.Variable<tf.Rank.R1>;
  private readonly optimizer: tf.Optimizer;
  private readonly clipNorm: number;
  steps = 0;

  constructor(o: RecallNetOptions) {
    checkTask(o.task);
    if (!Number.isInteger(o.hidden) || o.hidden < 1) throw new Error(`hidden must be a whole number ≥ 1, got ${o.hidden}`);
    if (o.activation === 'linear' && o.kind !== 'rnn') throw new Error('a linear activation exists only for the simple RNN');
    this.kind = o.kind;
    this.task = o.task;
    this.hidden = o.hidden;
    this.activation = o.activation ?? 'tanh';
    const w = o.weights ?? initialWeights(o);
    const G = gatesOf(o.kind) * o.hidden;
    const check = (name: string, m: number[][], rows: number, cols: number) => {
      if (m.length !== rows || m.some((r) => r.length !== cols)) throw new Error(`${name} must be ${rows} × ${cols}`);
    };
    check('wx', w.wx, inputSize(o.task), G);
    check('wh', w.wh, o.hidden, G);
    check('wy', w.wy, o.hidden, o.task.vocab);
    if (w.b.length !== G || w.by.length !== o.task.vocab) throw new Error('bias lengths do not match');
    // tidy frees the initial-value tensors; the variables survive it.
    this.wx = tf.tidy(() => tf.variable(tf.tensor2d(w.wx)));
    this.wh = tf.tidy(() => tf.variable(tf.tensor2d(w.wh)));
    this.b = tf.tidy(() => tf.variable(tf.tensor1d(w.b)));
    this.wy = tf.tidy(() => tf.variable(tf.tensor2d(w.wy)));
    this.by = tf.tidy(() => tf.variable(tf.tensor1d(w.by)));
    this.optimizer = tf.train.adam(o.learningRate ?? 0.01);
    this.clipNorm = o.clipNorm ?? 1;
  }

  get variables(): tf.Variable[] {
    return [this.wx, this.wh, this.b, this.wy, this.by];
  }

  /** Number of trainable parameters. */
  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /**
   * Runs the cell over a batch. `probes` (optional, [T, B, H] each) are added
   * to h_t (and c_t) after every step, so gradients with respect to them are
   * ∂L/∂h_t (and ∂L/∂c_t). Returns the query-step logits [B, V] and every
   * state h_1 … h_T (c_1 … c_T for the LSTM).
   */
  private run(batch: RecallBatch, probeH?: tf.Tensor3D, probeC?: tf.Tensor3D): { logits: tf.Tensor2D; hs: tf.Tensor2D[]; cs: tf.Tensor2D[] } {
    const T = batch.length;
    const B = batch.targets.length;
    const H = this.hidden;
    // All input projections in one matMul: features [T·B, I] · W_x (+ b) → [T, B, G·H].
    const xw = tf.add(tf.matMul(featureTensor(this.task, batch), this.wx), this.b);
    const xs = tf.unstack(tf.reshape(xw, [T, B, -1]));
    const eh = probeH ? tf.unstack(probeH) : null;
    const ec = probeC ? tf.unstack(probeC) : null;
    // Padding steps leave the state untouched (h, c stay 0 until the sequence starts),
    // so a padded sequence gives exactly what the same sequence unpadded gives.
    const pad = padCode(this.task);
    const padded = batch.codes.map((row) => row.some((c) => c === pad));
    const masks = padded.map((any, t) => (any ? tf.tensor2d(batch.codes[t]!.map((c) => (c === pad ? 0 : 1)), [B, 1]) : null));
    const keep = (prev: tf.Tensor2D, next: tf.Tensor2D, t: number): tf.Tensor2D =>
      masks[t] ? (tf.add(prev, tf.mul(masks[t]!, tf.sub(next, prev))) as tf.Tensor2D) : next;
    let h: tf.Tensor2D = tf.zeros([B, H]);
    let c: tf.Tensor2D = tf.zeros([B, H]);
    const hs: tf.Tensor2D[] = [];
    const cs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const z = tf.add(xs[t]!, tf.matMul(h, this.wh)) as tf.Tensor2D;
      if (this.kind === 'rnn') {
        h = keep(h, this.activation === 'linear' ? z : tf.tanh(z), t);
      } else {
        const sig = tf.sigmoid(tf.slice(z, [0, 0], [B, 2 * H])); // i, f
        const i = tf.slice(sig, [0, 0], [B, H]);
        const f = tf.slice(sig, [0, H], [B, H]);
        const g = tf.tanh(tf.slice(z, [0, 2 * H], [B, H]));
        const o = tf.sigmoid(tf.slice(z, [0, 3 * H], [B, H]));
        c = keep(c, tf.add(tf.mul(f, c), tf.mul(i, g)), t);
        if (ec) c = tf.add(c, ec[t]!);
        cs.push(c);
        h = keep(h, tf.mul(o, tf.tanh(c)), t);
      }
      if (eh) h = tf.add(h, eh[t]!);
      hs.push(h);
    }
    return { logits: tf.add(tf.matMul(h, this.wy), this.by) as tf.Tensor2D, hs, cs };
  }

  /** Query-step logits [B, V] (caller disposes, or call inside tf.tidy). */
  logits(batch: RecallBatch, probeH?: tf.Tensor3D, probeC?: tf.Tensor3D): tf.Tensor2D {
    return this.run(batch, probeH, probeC).logits;
  }

  /** Every state as arrays: h[t][b][j] for t = 1 … T (and c for the LSTM), read back once. */
  async states(batch: RecallBatch): Promise<{ h: number[][][]; c: number[][][] | null }> {
    const packed = tf.tidy(() => {
      const r = this.run(batch);
      return tf.stack([...r.hs, ...r.cs]);
    });
    const all = (await packed.array()) as number[][][];
    packed.dispose();
    const T = batch.length;
    return { h: all.slice(0, T), c: this.kind === 'lstm' ? all.slice(T) : null };
  }

  /** Mean cross-entropy of the answer at the query step (a scalar). */
  loss(batch: RecallBatch, probeH?: tf.Tensor3D, probeC?: tf.Tensor3D, reduce: 'mean' | 'sum' = 'mean'): tf.Scalar {
    const logits = this.logits(batch, probeH, probeC);
    const y = tf.oneHot(tf.tensor1d(batch.targets, 'int32'), this.task.vocab, 1, 0, 'float32');
    const perExample = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1));
    return (reduce === 'sum' ? tf.sum(perExample) : tf.mean(perExample)) as tf.Scalar;
  }

  /**
   * One Adam step on the batch's mean loss, the gradient clipped to a global
   * norm of at most `clipNorm` first (Pascanu et al. 2013: the usual guard
   * against exploding RNN gradients). Returns the loss as a scalar tensor
   * (caller reads and disposes).
   */
  trainStep(batch: RecallBatch): tf.Scalar {
    this.steps++;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.loss(batch), this.variables);
      const names = Object.keys(grads);
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
      const scale = tf.div(this.clipNorm, tf.maximum(norm, this.clipNorm)); // 1 when the norm is within the limit
      const clipped: tf.NamedTensorMap = {};
      for (const n of names) clipped[n] = tf.mul(grads[n]!, scale);
      this.optimizer.applyGradients(clipped);
      return value;
    });
  }

  /**
   * Share of correct answers per lag, for a batch whose sequences are grouped
   * by lag (as `evaluationBatch` makes them). One read-back.
   */
  async accuracyByLag(batch: RecallBatch): Promise<Map<number, number>> {
    const correct = tf.tidy(() =>
      tf.cast(tf.equal(tf.argMax(this.logits(batch), 1), tf.tensor1d(batch.targets, 'int32')), 'float32'),
    );
    const values = await correct.data();
    correct.dispose();
    const hits = new Map<number, [number, number]>();
    batch.lags.forEach((lag, b) => {
      const [n, k] = hits.get(lag) ?? [0, 0];
      hits.set(lag, [n + 1, k + values[b]!]);
    });
    return new Map([...hits].map(([lag, [n, k]]) => [lag, k / n]));
  }

  /**
   * ‖∂ℓ/∂h_t‖ for every step t of the batch (ℓ: each sequence's own loss),
   * averaged over the sequences; for the LSTM also ‖∂ℓ/∂c_t‖. One backward
   * pass through the probes, one read-back.
   */
  async hiddenGradients(batch: RecallBatch): Promise<GradientProfile> {
    const T = batch.length;
    const B = batch.targets.length;
    const H = this.hidden;
    const lstm = this.kind === 'lstm';
    const packed = tf.tidy(() => {
      const zeros = tf.zeros([T, B, H]) as tf.Tensor3D;
      const probes = lstm ? [zeros, tf.zeros([T, B, H]) as tf.Tensor3D] : [zeros];
      // Summed loss: the gradient for sequence b is that of its own loss ℓ_b.
      const grads = tf.grads((...p: tf.Tensor[]) => this.loss(batch, p[0] as tf.Tensor3D, p[1] as tf.Tensor3D | undefined, 'sum'))(probes);
      // Per step: mean over the batch of each sequence's gradient norm → [T] (per probe).
      return tf.stack(grads.map((g) => tf.mean(tf.sqrt(tf.sum(tf.square(g), 2)), 1)));
    });
    const values = Array.from(await packed.data());
    packed.dispose();
    return { h: values.slice(0, T), c: lstm ? values.slice(T, 2 * T) : null };
  }

  /** The current weights as plain arrays. */
  async weights(): Promise<CellWeights> {
    const [wx, wh, b, wy, by] = await Promise.all(this.variables.map((v) => v.array()));
    return { wx, wh, b, wy, by } as CellWeights;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.optimizer.dispose();
  }
}

/** The batch's input features as one [T·B, V + 2] tensor (time-major). */
export function featureTensor(task: RecallTask, batch: RecallBatch): tf.Tensor2D {
  const I = inputSize(task);
  const rows = batch.codes.flat();
  const data = new Float32Array(rows.length * I);
  const table = Array.from({ length: padCode(task) + 1 }, (_, code) => features(task, code));
  rows.forEach((code, r) => data.set(table[code]!, r * I));
  return tf.tensor2d(data, [rows.length, I]);
}

/** `perLag` sequences for every lag 1 … maxLag, grouped by lag, in one padded batch. */
export function evaluationBatch(rng: Rng, task: RecallTask, perLag: number): RecallBatch {
  const lags = Array.from({ length: task.maxLag * perLag }, (_, b) => 1 + Math.floor(b / perLag));
  return makeBatch(rng, task, lags);
}

/** Sequences with exactly lag L and no padding (length L + 2), for the gradient profile at that lag. */
export function lagBatch(rng: Rng, task: RecallTask, lag: number, size: number): RecallBatch {
  return makeBatch(rng, task, new Array<number>(size).fill(lag), lag + 2);
}

/* ---------------- plain float64 references (tests, and the formulas spelled out) ---------------- */

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** x W for a row vector x and a matrix W [in][out], in float64. */
function rowTimes(x: readonly number[], w: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(w[0]!.length).fill(0);
  x.forEach((xi, i) => w[i]!.forEach((wij, j) => (out[j]! += xi * wij)));
  return out;
}

/** One simple-RNN step in float64: tanh(x W_x + h W_h + b). `x` is the one-hot input row. */
export function rnnStepReference(w: CellWeights, x: readonly number[], h: readonly number[]): number[] {
  const zx = rowTimes(x, w.wx);
  const zh = rowTimes(h, w.wh);
  return zx.map((v, j) => Math.tanh(v + zh[j]! + w.b[j]!));
}

/** One LSTM step in float64 (gates i, f, g, o in blocks of H): returns the new h and c. */
export function lstmStepReference(w: CellWeights, x: readonly number[], h: readonly number[], c: readonly number[]): { h: number[]; c: number[] } {
  const H = h.length;
  const zx = rowTimes(x, w.wx);
  const zh = rowTimes(h, w.wh);
  const z = zx.map((v, j) => v + zh[j]! + w.b[j]!);
  const cNew = c.map((cj, j) => sigmoid(z[H + j]!) * cj + sigmoid(z[j]!) * Math.tanh(z[2 * H + j]!));
  const hNew = cNew.map((cj, j) => sigmoid(z[3 * H + j]!) * Math.tanh(cj));
  return { h: hNew, c: cNew };
}

/* ---------------- the two models trained side by side ---------------- */

export interface RaceOptions {
  task: RecallTask;
  hidden: number;
  batch: number;
  learningRate: number;
  seed: number;
  /** Sequences per lag in the fixed evaluation set. */
  evalPerLag?: number;
}

/**
 * A simple RNN and an LSTM with the same hidden size, trained on the same
 * seeded batches (step s trains lag 1 + (s mod maxLag), sequences lag + 2
 * long) and evaluated on the same held-out sequences.
 */
export class RecallRace {
  readonly rnn: RecallNet;
  readonly lstm: RecallNet;
  readonly evaluation: RecallBatch;
  private readonly rng: Rng;
  steps = 0;
  /** Mean loss of the last step, per model. */
  lastLoss: { rnn: number; lstm: number } = { rnn: NaN, lstm: NaN };

  constructor(readonly o: RaceOptions) {
    checkTask(o.task);
    const base = { task: o.task, hidden: o.hidden, learningRate: o.learningRate, seed: o.seed };
    this.rnn = new RecallNet({ kind: 'rnn', ...base });
    this.lstm = new RecallNet({ kind: 'lstm', ...base });
    this.rng = createRng(o.seed, 'rnn-recall-train');
    this.evaluation = evaluationBatch(createRng(o.seed, 'rnn-recall-eval'), o.task, o.evalPerLag ?? 64);
  }

  /** The lag step `s` (1-based) trains. */
  lagOfStep(s: number): number {
    return 1 + ((s - 1) % this.o.task.maxLag);
  }

  /** `count` training steps of both models; one read-back (the last losses). */
  async train(count: number): Promise<void> {
    let last: tf.Scalar[] = [];
    for (let i = 0; i < count; i++) {
      const lag = this.lagOfStep(this.steps + 1);
      const batch = makeBatch(this.rng, this.o.task, new Array<number>(this.o.batch).fill(lag), lag + 2);
      last.forEach((t) => t.dispose());
      last = [this.rnn.trainStep(batch), this.lstm.trainStep(batch)];
      this.steps++;
    }
    if (last.length) {
      const [a, b] = await Promise.all(last.map((t) => t.data()));
      this.lastLoss = { rnn: a![0]!, lstm: b![0]! };
      last.forEach((t) => t.dispose());
    }
  }

  /** Accuracy at every lag 1 … maxLag on the held-out set, per model. */
  async accuracy(): Promise<{ rnn: number[]; lstm: number[] }> {
    const lags = Array.from({ length: this.o.task.maxLag }, (_, i) => i + 1);
    const [r, l] = await Promise.all([this.rnn.accuracyByLag(this.evaluation), this.lstm.accuracyByLag(this.evaluation)]);
    return { rnn: lags.map((L) => r.get(L)!), lstm: lags.map((L) => l.get(L)!) };
  }

  /** ‖∂ℓ/∂h_t‖ per step for held-out sequences of exactly lag L (seeded, the same every call). */
  async gradients(lag: number, size = 32): Promise<{ rnn: GradientProfile; lstm: GradientProfile }> {
    const batch = lagBatch(createRng(this.o.seed, `rnn-recall-grad-${lag}`), this.o.task, lag, size);
    const [rnn, lstm] = await Promise.all([this.rnn.hiddenGradients(batch), this.lstm.hiddenGradients(batch)]);
    return { rnn, lstm };
  }

  dispose(): void {
    this.rnn.dispose();
    this.lstm.dispose();
  }
}

/** Mean of the accuracies at the longer half of the lags (L > maxLag/2). */
export function longLagAccuracy(acc: readonly number[]): number {
  const tail = acc.slice(Math.floor(acc.length / 2));
  return tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
}

/**
 * The "aha" state: the LSTM recalls at long lags (≥ 90% on the longer half)
 * while the simple RNN is at least 25 points behind there.
 */
export function isAha(acc: { rnn: readonly number[]; lstm: readonly number[] }): boolean {
  const l = longLagAccuracy(acc.lstm);
  return l >= 0.9 && l - longLagAccuracy(acc.rnn) >= 0.25;
}
