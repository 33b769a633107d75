/**
 * A scaling-law sweep in the small (Kaplan et al. 2020, "Scaling Laws for
 * Neural Language Models", in miniature): the character-level MLP language
 * model of `mlp.ts` trained at several hidden widths H on the same names,
 * the validation loss of each against its parameter count N, and the fit
 *
 *   L(N) = a·N^(−b) + L∞
 *
 * to those points: a power law that bends towards an irreducible loss L∞
 * (the entropy of the next character that no model of this kind removes).
 *
 * N counts the NON-embedding parameters, as Kaplan et al. do: the hidden
 * layer and the read-out, W1 [C·E, H], b1 [H], W2 [H, V], b2 [V], i.e.
 *   N(H) = H·(C·E + 1 + V) + V      (58·H + 27 for V = 27, C = 3, E = 10)
 * The character table (V·E, 270 numbers) is left out; `totalParams` adds it.
 *
 * Every model of a sweep takes the same number of SGD steps on the same
 * minibatches (one seed: the same 80/10/10 split, the same batch sequence,
 * each width its own seeded initial weights), so the data budget is fixed
 * and the compute per model grows with N. The biggest models are therefore
 * furthest from convergence; the curve is "loss after this budget against
 * size", which is what a fixed-budget sweep measures.
 *
 * The fit is plain float64 JavaScript (no tensors): for a fixed exponent b
 * the model is linear in a and L∞, so least squares over (a, L∞) has a
 * closed form, and only b is searched (variable projection): a log-spaced
 * scan, then golden-section refinement of the best bracket.
 */
import type { Corpus, Split } from './corpus.js';
import { buildDatasets, type Examples } from './mlp-data.js';
import { MlpModel, parameterCount, type MlpShape } from './mlp.js';

export interface SweepConfig {
  /** Hidden widths H, one model each, increasing. */
  widths: readonly number[];
  /** Characters of context C. */
  context: number;
  /** Embedding dimensions E (the same for every width). */
  embedding: number;
  /** SGD steps per model (the same for every width). */
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the split, each model's initial weights and the (shared) batch sequence. */
  seed: number;
}

/**
 * The demo's default sweep: widths ×3 from 2 to 162 (N from 143 to 9,423,
 * 1.8 decades), 1,000 steps of 128 names' windows each (about 2.7 passes
 * over the 47k training windows), η = 0.2.
 */
export const DEFAULT_SWEEP: SweepConfig = {
  widths: [2, 6, 18, 54, 162],
  context: 3,
  embedding: 10,
  steps: 1000,
  batchSize: 128,
  learningRate: 0.2,
  seed: 42,
};

/** Non-embedding parameters (Kaplan's N): C·E·H + H + H·V + V. */
export function nonEmbeddingParams({ vocabSize: V, context: C, embedding: E, hidden: H }: MlpShape): number {
  return C * E * H + H + H * V + V;
}

export interface SweepPoint {
  /** Hidden width H. */
  hidden: number;
  /** Non-embedding parameters N (the x axis). */
  params: number;
  /** All parameters, the V × E character table included. */
  totalParams: number;
  /** Mean cross-entropy over the whole validation split after the last step (nats per character). */
  valLoss: number;
}

export interface PowerLawFit {
  a: number;
  /** The exponent: L − L∞ ∝ N^(−b). */
  b: number;
  /** The asymptote L∞ (≥ 0, below every loss fitted). */
  lInf: number;
  /** Residual sum of squares of the losses. */
  rss: number;
}

/** a·N^(−b) + L∞. */
export const powerLaw = (f: Pick<PowerLawFit, 'a' | 'b' | 'lInf'>, n: number): number => f.a * n ** -f.b + f.lInf;

/** The exponents searched by `fitPowerLaw`. */
export const FIT_B_RANGE: readonly [number, number] = [1e-3, 4];

/**
 * Least squares for a and L∞ at a fixed b (x = N^(−b), y = L), with
 * 0 ≤ L∞: when the unconstrained optimum puts L∞ below 0, L∞ = 0 and a
 * is the one-parameter fit. Returns the residual sum of squares too.
 */
function linearPart(n: readonly number[], y: readonly number[], b: number): { a: number; lInf: number; rss: number } {
  const m = n.length;
  const x = n.map((v) => v ** -b);
  const mx = x.reduce((s, v) => s + v, 0) / m;
  const my = y.reduce((s, v) => s + v, 0) / m;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < m; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  let a = sxx > 0 ? sxy / sxx : 0;
  let lInf = my - a * mx;
  if (lInf < 0) {
    lInf = 0;
    const xx = x.reduce((s, v) => s + v * v, 0);
    a = xx > 0 ? x.reduce((s, v, i) => s + v * y[i]!, 0) / xx : 0;
  }
  let rss = 0;
  for (let i = 0; i < m; i++) rss += (a * x[i]! + lInf - y[i]!) ** 2;
  return { a, lInf, rss };
}

/**
 * Fits L(N) = a·N^(−b) + L∞ to (N, L) points by least squares on L.
 * Needs at least three points with distinct N > 0 and losses that fall
 * with N overall (a > 0); throws a RangeError saying what is wrong
 * otherwise. b is searched in FIT_B_RANGE.
 */
export function fitPowerLaw(n: readonly number[], loss: readonly number[]): PowerLawFit {
  if (n.length !== loss.length) throw new RangeError(`fitPowerLaw: ${n.length} sizes but ${loss.length} losses`);
  if (new Set(n).size < 3) throw new RangeError('fitPowerLaw: needs at least three distinct sizes');
  if (!n.every((v) => Number.isFinite(v) && v > 0) || !loss.every(Number.isFinite)) {
    throw new RangeError('fitPowerLaw: sizes must be positive and losses finite');
  }
  const cost = (logB: number) => linearPart(n, loss, Math.exp(logB)).rss;
  const lo = Math.log(FIT_B_RANGE[0]);
  const hi = Math.log(FIT_B_RANGE[1]);
  const GRID = 240;
  let best = 0;
  let bestCost = Infinity;
  const grid = Array.from({ length: GRID + 1 }, (_, i) => lo + ((hi - lo) * i) / GRID);
  grid.forEach((g, i) => {
    const c = cost(g);
    if (c < bestCost) [best, bestCost] = [i, c];
  });
  // Golden-section search in log b between the best grid point's neighbours.
  let left = grid[Math.max(0, best - 1)]!;
  let right = grid[Math.min(GRID, best + 1)]!;
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = right - phi * (right - left);
  let d = left + phi * (right - left);
  let fc = cost(c);
  let fd = cost(d);
  for (let i = 0; i < 200 && right - left > 1e-13; i++) {
    if (fc < fd) {
      [right, d, fd] = [d, c, fc];
      c = right - phi * (right - left);
      fc = cost(c);
    } else {
      [left, c, fc] = [c, d, fd];
      d = left + phi * (right - left);
      fd = cost(d);
    }
  }
  const logB = [grid[best]!, c, d].reduce((p, q) => (cost(q) < cost(p) ? q : p));
  const b = Math.exp(logB);
  const { a, lInf, rss } = linearPart(n, loss, b);
  if (!(a > 0)) throw new RangeError('fitPowerLaw: the losses do not fall with size, so no power law a·N^(−b) with a > 0 fits');
  return { a, b, lInf, rss };
}

/** Whether each loss is below the one before (larger models strictly better). */
export const isMonotone = (losses: readonly number[]): boolean => losses.every((l, i) => i === 0 || l < losses[i - 1]!);

/**
 * The sweep as it runs: one model at a time, trained in chunks the caller
 * sizes (e.g. an animation frame's worth), then evaluated on the whole
 * validation split and disposed. Owns at most one model's tensors; dispose().
 */
export class SweepRun {
  readonly config: SweepConfig;
  readonly vocabSize: number;
  /** Finished models, in width order. */
  points: SweepPoint[] = [];
  /** The last minibatch loss read back, of the model now training (null between models). */
  batchLoss: number | null = null;
  private readonly corpus: Corpus;
  private readonly data: Split<Examples>;
  private model: MlpModel | null = null;
  private disposed = false;

  constructor(corpus: Corpus, config: SweepConfig) {
    if (!config.widths.length) throw new RangeError('a sweep needs at least one width');
    this.config = { ...config, widths: [...config.widths] };
    this.corpus = corpus;
    this.vocabSize = corpus.vocab.length;
    this.data = buildDatasets(corpus, config.context, config.seed);
  }

  /** The shape of the model of width H. */
  shape(hidden: number): MlpShape {
    return { vocabSize: this.vocabSize, context: this.config.context, embedding: this.config.embedding, hidden };
  }

  /** N of every width of the sweep (known before training). */
  get sizes(): number[] {
    return this.config.widths.map((h) => nonEmbeddingParams(this.shape(h)));
  }

  get done(): boolean {
    return this.points.length >= this.config.widths.length;
  }

  /** Index of the model training now or next (= points.length), and its steps so far. */
  get progress(): { index: number; step: number } {
    return { index: this.points.length, step: this.model?.stepCount ?? 0 };
  }

  /**
   * Up to `maxSteps` steps of the current model (built on first use),
   * stopping at the model's last step; after its last step the model is
   * evaluated on the validation split, its point appended, and it is
   * disposed. One read-back (the last batch loss, or the validation loss).
   * Returns the point finished in this call, if any.
   */
  async advance(maxSteps: number): Promise<SweepPoint | null> {
    if (this.done || this.disposed) return null;
    const { steps, seed, learningRate, batchSize, context, embedding } = this.config;
    const hidden = this.config.widths[this.points.length]!;
    const model = (this.model ??= new MlpModel({ vocab: this.corpus.vocab, context, embedding, hidden, seed, learningRate, batchSize, lookup: 'auto' }, this.data));
    const count = Math.max(0, Math.min(Math.floor(maxSteps), steps - model.stepCount));
    if (count > 0) {
      const last = model.trainSteps(count);
      const value = (await last.data())[0]!;
      last.dispose();
      if (this.disposed || model !== this.model) return null;
      this.batchLoss = value;
    }
    if (model.stepCount < steps) return null;
    const val = model.evaluate('val');
    const valLoss = (await val.data())[0]!;
    val.dispose();
    if (this.disposed || model !== this.model) return null;
    model.dispose();
    this.model = null;
    this.batchLoss = null;
    const shape = this.shape(hidden);
    const point = { hidden, params: nonEmbeddingParams(shape), totalParams: parameterCount(shape), valLoss };
    this.points = [...this.points, point];
    return point;
  }

  /** Runs the rest of the sweep in chunks of `chunk` steps; `onChunk` after each (e.g. to yield to the page). */
  async finish(chunk = 250, onChunk?: () => Promise<void> | void): Promise<SweepPoint[]> {
    while (!this.done && !this.disposed) {
      await this.advance(chunk);
      await onChunk?.();
    }
    return this.points;
  }

  /**
   * Keeps the first k finished models and forgets the rest; the model in
   * training is dropped too unless it is one of the first k (a clicker step
   * back: each model starts from its own seeded weights, so a dropped one
   * retrains to the same point).
   */
  truncate(k: number): void {
    const training = this.points.length; // index of the model in training, if any
    if (k < this.points.length) this.points = this.points.slice(0, Math.max(0, k));
    if (this.model && training >= k) {
      this.model.dispose();
      this.model = null;
      this.batchLoss = null;
    }
  }

  /** The fit to the finished points (null until three distinct sizes are in, or when it fails). */
  fit(): PowerLawFit | null {
    return fitOrNull(this.points);
  }

  dispose(): void {
    this.disposed = true;
    this.model?.dispose();
    this.model = null;
  }
}

/** fitPowerLaw over sweep points, or null when it cannot fit (fewer than three points, losses not falling). */
export function fitOrNull(points: readonly SweepPoint[]): PowerLawFit | null {
  if (points.length < 3) return null;
  try {
    return fitPowerLaw(points.map((p) => p.params), points.map((p) => p.valLoss));
  } catch {
    return null;
  }
}

/**
 * The default sweep as trained on the WebAssembly backend (seed 42): the
 * validation loss of each width, rounded to 10⁻⁶. The element's first
 * screen and print state for the default attributes; the unit test
 * retrains the sweep and checks every value.
 */
export const SWEEP_SNAPSHOT = {
  config: DEFAULT_SWEEP,
  valLoss: [2.619492, 2.47991, 2.371722, 2.322079, 2.282614] as readonly number[],
};

/** The snapshot's points (N and total parameters from the closed form, for vocabulary size V). */
export function snapshotPoints(vocabSize: number): SweepPoint[] {
  const { widths, context, embedding } = SWEEP_SNAPSHOT.config;
  return widths.map((hidden, i) => {
    const shape = { vocabSize, context, embedding, hidden };
    return { hidden, params: nonEmbeddingParams(shape), totalParams: parameterCount(shape), valLoss: SWEEP_SNAPSHOT.valLoss[i]! };
  });
}
