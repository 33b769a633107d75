/**
 * Full-batch, mini-batch and single-example gradient descent on one small cost
 * with two parameters, so every path can be drawn over the same contours.
 *
 * The cost is least squares for a line through N points (xᵢ, yᵢ):
 *   C(w, b) = (1/N) Σᵢ (w·xᵢ + b − yᵢ)²
 * A batch B uses the same formula averaged over B only. Because C is a mean,
 * the mean of the gradients of equal-size batches that partition the data is
 * exactly the full gradient: a mini-batch step is an unbiased, noisier estimate.
 *
 * Gradients come from tf.grad (automatic differentiation = backpropagation);
 * the descent loop uses the same gradient written out by hand, for speed.
 */
import * as tf from '@tensorflow/tfjs-core';
// tf.grad needs the gradient kernels registered (idempotent side-effect import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Rng } from '../runtime/rng.js';

export type Point = [number, number];

export interface LineData {
  x: number[];
  y: number[];
}

/** N points around y = slope·x + intercept, x uniform in [−1, 1], Gaussian noise. */
export function makeLineData(
  n: number,
  rng: Rng,
  { slope = 1.5, intercept = 0.5, noise = 0.4 } = {},
): LineData {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = 2 * rng.next() - 1;
    x.push(xi);
    y.push(slope * xi + intercept + noise * rng.normal());
  }
  return { x, y };
}

/** Fisher–Yates shuffle of 0..n−1 with a seeded generator. */
export function shuffledIndices(n: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** Consecutive chunks of `size` (the last may be shorter). */
export function chunk(idx: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < idx.length; k += size) out.push(idx.slice(k, k + size));
  return out;
}

export interface PathResult {
  /** θ = (w, b) before the first step and after every step. */
  points: Point[];
  /** Index into points where each epoch ended. */
  epochEnds: number[];
}

/** C(θ) − C* = (θ − θ*)ᵀ A (θ − θ*): the exact shape of the bowl. */
export interface Bowl {
  center: Point;
  minCost: number;
  /** A = XᵀX / N with X = [x, 1]; symmetric 2×2. */
  A: [[number, number], [number, number]];
}

export class LeastSquares {
  private readonly xs: tf.Tensor1D; // [N]
  private readonly ys: tf.Tensor1D; // [N]
  /** Design matrix [N, 2]: rows (xᵢ, 1), so prediction = X·θ. */
  private readonly design: tf.Tensor2D;
  private readonly targets: tf.Tensor2D; // [N, 1]
  readonly size: number;

  constructor(readonly data: LineData) {
    if (data.x.length !== data.y.length || data.x.length === 0) {
      throw new Error('least squares: x and y must be non-empty and the same length');
    }
    this.size = data.x.length;
    this.xs = tf.tensor1d(data.x);
    this.ys = tf.tensor1d(data.y);
    this.design = tf.tensor2d(data.x.map((x) => [x, 1]));
    this.targets = tf.tensor2d(data.y.map((y) => [y]));
  }

  /**
   * The same gradient written out by hand, ∇C = (2/B)·X_Bᵀ(X_B·θ − y_B): no
   * tape, a handful of ops, so thousands of SGD steps stay fast. The tests
   * hold it equal to tf.grad's. theta: [2, 1] column; idx: [B] int32 rows.
   */
  private fastGrad(theta: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
    const xb = tf.gather(this.design, idx); // [B, 2]
    const residual = tf.sub(tf.matMul(xb, theta), tf.gather(this.targets, idx)); // [B, 1]
    return tf.mul(tf.matMul(xb, residual, true, false), 2 / idx.size); // [2, 1]
  }

  /** The hand-written gradient at θ over idx, for checking it against tf.grad. */
  async handGradient(theta: Point, idx: number[]): Promise<Point> {
    const g = tf.tidy(() => this.fastGrad(tf.tensor2d([[theta[0]], [theta[1]]]), tf.tensor1d(idx, 'int32')));
    const v = await g.data();
    g.dispose();
    return [v[0], v[1]];
  }

  /** Mean squared residual of θ [2] over the rows idx (all rows when omitted). */
  private costOf(theta: tf.Tensor1D, idx?: tf.Tensor1D): tf.Scalar {
    const xb = idx ? tf.gather(this.xs, idx) : this.xs; // [B]
    const yb = idx ? tf.gather(this.ys, idx) : this.ys; // [B]
    const pred = tf.add(tf.mul(xb, tf.slice(theta, 0, 1)), tf.slice(theta, 1, 1)); // [B]
    return tf.mean(tf.square(tf.sub(pred, yb)));
  }

  /** ∇C at θ [2] over idx, as a [2] tensor (caller disposes or tidies). */
  private gradOf(theta: tf.Tensor1D, idx?: tf.Tensor1D): tf.Tensor1D {
    return tf.grad((t: tf.Tensor) => this.costOf(t as tf.Tensor1D, idx))(theta) as tf.Tensor1D;
  }

  async cost(theta: Point, idx?: number[]): Promise<number> {
    const c = tf.tidy(() => this.costOf(tf.tensor1d(theta), idx && tf.tensor1d(idx, 'int32')));
    const [v] = await c.data();
    c.dispose();
    return v;
  }

  async gradient(theta: Point, idx?: number[]): Promise<Point> {
    const g = tf.tidy(() => this.gradOf(tf.tensor1d(theta), idx && tf.tensor1d(idx, 'int32')));
    const v = await g.data();
    g.dispose();
    return [v[0], v[1]];
  }

  /**
   * Runs `epochs` passes of descent with step η and batches of `batchSize`
   * (N = full batch, 1 = single-example SGD), reshuffling every epoch with rng.
   * All steps stay on the backend; one read-back at the end.
   */
  async descend(theta0: Point, opts: { eta: number; batchSize: number; epochs: number; rng: Rng }): Promise<PathResult> {
    const { eta, epochs, rng } = opts;
    const batchSize = Math.max(1, Math.min(this.size, Math.floor(opts.batchSize)));
    const epochEnds: number[] = [];
    let steps = 0;
    const stacked = tf.tidy(() => {
      let theta: tf.Tensor2D = tf.tensor2d([[theta0[0]], [theta0[1]]]); // [2, 1]
      const trail: tf.Tensor2D[] = [theta];
      for (let e = 0; e < epochs; e++) {
        // One permutation tensor per epoch; each batch is a slice of it.
        const order = tf.tensor1d(shuffledIndices(this.size, rng), 'int32');
        for (let start = 0; start < this.size; start += batchSize) {
          const idx = tf.slice(order, start, Math.min(batchSize, this.size - start));
          theta = tf.sub(theta, tf.mul(this.fastGrad(theta, idx), eta));
          trail.push(theta);
          steps++;
        }
        epochEnds.push(steps);
      }
      return tf.concat(trail, 1); // [2, steps + 1]: row 0 = w, row 1 = b
    });
    const flat = await stacked.data();
    stacked.dispose();
    const n = steps + 1;
    const points: Point[] = Array.from({ length: n }, (_, i) => [flat[i], flat[n + i]]);
    return { points, epochEnds };
  }

  /** θ*, C* and A from the normal equations (XᵀX and Xᵀy via tfjs, the 2×2 solve by hand). */
  async bowl(): Promise<Bowl> {
    const sums = tf.tidy(() =>
      tf.stack([
        tf.mean(tf.square(this.xs)),
        tf.mean(this.xs),
        tf.mean(tf.mul(this.xs, this.ys)),
        tf.mean(this.ys),
      ]),
    );
    const [sxx, sx, sxy, sy] = await sums.data();
    sums.dispose();
    const det = sxx - sx * sx;
    const w = (sxy - sx * sy) / det;
    const b = (sxx * sy - sx * sxy) / det;
    const center: Point = [w, b];
    return { center, minCost: await this.cost(center), A: [[sxx, sx], [sx, 1]] };
  }

  dispose(): void {
    tf.dispose([this.xs, this.ys, this.design, this.targets]);
  }
}

/** Points on the contour C(θ) = level: an ellipse around θ* (empty below the minimum). */
export function contourEllipse(bowl: Bowl, level: number, n = 72): Point[] {
  const r2 = level - bowl.minCost;
  if (!(r2 > 0)) return [];
  const [[a, c], [, d]] = bowl.A;
  // Eigen-decomposition of the symmetric 2×2 matrix [[a, c], [c, d]].
  const mean = (a + d) / 2;
  const spread = Math.hypot((a - d) / 2, c);
  const l1 = mean + spread;
  const l2 = mean - spread;
  const angle = 0.5 * Math.atan2(2 * c, a - d);
  const u: Point = [Math.cos(angle), Math.sin(angle)]; // eigenvector for l1
  const v: Point = [-u[1], u[0]]; // eigenvector for l2
  const r1 = Math.sqrt(r2 / l1);
  const rr2 = Math.sqrt(r2 / l2);
  const pts: Point[] = [];
  for (let i = 0; i <= n; i++) {
    const t = (2 * Math.PI * i) / n;
    const p = r1 * Math.cos(t);
    const q = rr2 * Math.sin(t);
    pts.push([bowl.center[0] + p * u[0] + q * v[0], bowl.center[1] + p * u[1] + q * v[1]]);
  }
  return pts;
}

/**
 * Gradient descent on f(x) = x² from x₀ with step η: x_{k+1} = x_k − η·f′(x_k).
 * Returns x₀ … x_steps. The gradient comes from tf.grad, not the formula 2x,
 * so the test against (1 − 2η)^k·x₀ is a real check.
 */
export async function quadraticDescent(x0: number, eta: number, steps: number): Promise<number[]> {
  const df = tf.grad((x: tf.Tensor) => tf.square(x));
  const stacked = tf.tidy(() => {
    let x: tf.Tensor = tf.scalar(x0);
    const trail = [x];
    for (let k = 0; k < steps; k++) {
      x = tf.sub(x, tf.mul(df(x), eta));
      trail.push(x);
    }
    return tf.stack(trail); // [steps + 1]
  });
  const v = await stacked.data();
  stacked.dispose();
  return Array.from(v);
}
