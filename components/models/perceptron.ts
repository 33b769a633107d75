/**
 * Rosenblatt's perceptron (1958): a learning rule written by a person.
 *
 *   ŷ = 1 if w₁·x₁ + w₂·x₂ + b > 0, else 0
 *   on each example:  w ← w + η·(y − ŷ)·x      b ← b + η·(y − ŷ)
 *
 * When the guess is right, y − ŷ = 0 and nothing moves; when it is wrong the
 * weights tilt toward (y = 1) or away from (y = 0) that point, which rotates
 * and shifts the decision line w₁·x₁ + w₂·x₂ + b = 0.
 *
 * Plain TypeScript on purpose: the whole model is three numbers and the rule
 * is an if-statement, exactly the point the lecture makes (no gradient, no
 * autodiff); a tensor round trip per example would only hide it. With the
 * bias switched off, b stays 0 and the line is forced through the origin.
 */
import type { Rng } from '../runtime/rng.js';

export type Label = 0 | 1;
export interface LabelledPoint {
  x: [number, number];
  y: Label;
}
/** [w₁, w₂, b]. */
export type Weights = [number, number, number];

/** Weighted sum w·x + b (b ignored when the bias is off). */
export function score(w: Weights, x: readonly [number, number], useBias: boolean): number {
  return w[0] * x[0] + w[1] * x[1] + (useBias ? w[2] : 0);
}

/** The perceptron's guess: a hard threshold at 0. */
export function predict(w: Weights, x: readonly [number, number], useBias: boolean): Label {
  return score(w, x, useBias) > 0 ? 1 : 0;
}

/** Everything one example does to the weights, for the slide's readout. */
export interface Update {
  point: LabelledPoint;
  /** Index of the point in the data set. */
  index: number;
  yHat: Label;
  /** y − ŷ: −1, 0 or +1. */
  error: number;
  before: Weights;
  /** η·(y − ŷ)·(x₁, x₂, 1) — the bias entry is 0 when the bias is off. */
  delta: Weights;
  after: Weights;
}

/** Applies the rule to one example. Pure: returns new weights. */
export function applyRule(w: Weights, point: LabelledPoint, index: number, eta: number, useBias: boolean): Update {
  const yHat = predict(w, point.x, useBias);
  const error = point.y - yHat;
  const delta: Weights = [eta * error * point.x[0], eta * error * point.x[1], useBias ? eta * error : 0];
  const after: Weights = [w[0] + delta[0], w[1] + delta[1], w[2] + delta[2]];
  return { point, index, yHat, error, before: [...w] as Weights, delta, after };
}

/** Points misclassified by w. */
export function countMistakes(w: Weights, points: readonly LabelledPoint[], useBias: boolean): number {
  return points.reduce((n, p) => n + (predict(w, p.x, useBias) === p.y ? 0 : 1), 0);
}

export interface PerceptronOptions {
  useBias: boolean;
  /** Step size η (the original rule uses 1; any η > 0 gives the same line from w = 0). */
  eta?: number;
  /** Starting weights; a seeded small random start makes the line visible from the first frame. */
  start?: Weights;
  /** Shuffles the visiting order each epoch (seeded); without it the points are visited in order. */
  rng?: Rng;
}

/**
 * Runs the rule example by example, epoch after epoch. An epoch is one pass
 * over every point; its mistake count is the number of updates made during
 * the pass. Training is done when a whole epoch makes no mistake.
 */
export class PerceptronRun {
  weights: Weights;
  readonly useBias: boolean;
  readonly eta: number;
  /** Mistakes made in each completed epoch. */
  readonly epochMistakes: number[] = [];
  private order: number[] = [];
  private cursor = 0;
  private mistakesThisEpoch = 0;

  constructor(
    readonly points: LabelledPoint[],
    private readonly opts: PerceptronOptions,
  ) {
    this.useBias = opts.useBias;
    this.eta = opts.eta ?? 1;
    this.weights = opts.start ? ([...opts.start] as Weights) : [0, 0, 0];
    if (!this.useBias) this.weights[2] = 0;
  }

  /** True once an epoch has passed with zero mistakes. */
  get converged(): boolean {
    return this.epochMistakes.length > 0 && this.epochMistakes[this.epochMistakes.length - 1] === 0;
  }

  get epoch(): number {
    return this.epochMistakes.length;
  }

  /** Shows the next example to the rule; returns what it did. */
  step(): Update {
    if (this.points.length === 0) throw new Error('perceptron: no points to learn from');
    if (this.cursor === 0) this.order = this.visitingOrder();
    const index = this.order[this.cursor];
    const update = applyRule(this.weights, this.points[index], index, this.eta, this.useBias);
    this.weights = update.after;
    if (update.error !== 0) this.mistakesThisEpoch++;
    this.cursor++;
    if (this.cursor >= this.order.length) {
      this.epochMistakes.push(this.mistakesThisEpoch);
      this.mistakesThisEpoch = 0;
      this.cursor = 0;
    }
    return update;
  }

  /** Runs whole epochs until one is clean or `maxEpochs` have run. Returns the epoch mistake counts. */
  train(maxEpochs: number): number[] {
    while (!this.converged && this.epoch < maxEpochs) {
      const target = this.epoch + 1;
      while (this.epoch < target) this.step();
    }
    return this.epochMistakes;
  }

  /** Adds a point (e.g. a click); training carries on from the current weights with a fresh epoch. */
  addPoint(point: LabelledPoint): void {
    this.points.push(point);
    this.cursor = 0;
    this.mistakesThisEpoch = 0;
    this.epochMistakes.length = 0;
  }

  private visitingOrder(): number[] {
    const order = this.points.map((_, i) => i);
    const rng = this.opts.rng;
    if (rng) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    return order;
  }
}

export type Layout = 'offset' | 'centred';

/**
 * Two seeded classes that a straight line splits with a clear margin.
 * - 'offset': the classes sit up and to the right of the origin, split by
 *   x₁ + x₂ = 4 — a line that misses (0, 0), so the perceptron needs its bias.
 *   Both clouds lie along the same directions from the origin, so no line
 *   through (0, 0) can split them.
 * - 'centred': the classes sit either side of x₂ = 0.5·x₁, a line through the
 *   origin, so the rule converges with or without the bias.
 * Points are drawn uniformly in the box [0.2, 5]² ('offset') or [−3, 3]²
 * ('centred') and rejected when within `margin` of the splitting line; labels
 * alternate 1, 0, 1, … (each point is redrawn until it falls on its class's
 * side) so the two classes are the same size.
 */
export function makeClasses(rng: Rng, n: number, layout: Layout, margin = 0.4): LabelledPoint[] {
  const points: LabelledPoint[] = [];
  // Splitting line a·x₁ + b·x₂ + c = 0 with (a, b) a unit normal.
  const [a, b, c] = layout === 'offset' ? [Math.SQRT1_2, Math.SQRT1_2, -4 * Math.SQRT1_2] : lineThroughOrigin();
  const [lo, hi] = layout === 'offset' ? [0.2, 5] : [-3, 3];
  let guard = 0;
  while (points.length < n && guard++ < n * 1000) {
    const want: Label = points.length % 2 === 0 ? 1 : 0;
    const x: [number, number] = [lo + (hi - lo) * rng.next(), lo + (hi - lo) * rng.next()];
    const d = a * x[0] + b * x[1] + c;
    if (Math.abs(d) < margin || (d > 0 ? 1 : 0) !== want) continue;
    // Keep the offset clouds hugging the diagonal so they share directions from the origin.
    if (layout === 'offset' && Math.abs(x[0] - x[1]) > 0.3 * (x[0] + x[1])) continue;
    points.push({ x, y: want });
  }
  return points;
}

/** Unit normal of x₂ = 0.5·x₁, class 1 above the line. */
function lineThroughOrigin(): [number, number, number] {
  const norm = Math.hypot(0.5, 1);
  return [-0.5 / norm, 1 / norm, 0];
}

/** Small seeded starting weights so the line is on screen before training. */
export function randomStart(rng: Rng, useBias: boolean): Weights {
  return [rng.normal() * 0.5, rng.normal() * 0.5, useBias ? rng.normal() * 0.5 : 0];
}
