/**
 * Gradient descent on small hand-picked loss landscapes: a 1-D curve L(w) and
 * a 2-D surface L(w₁, w₂), stepped with the update the lecture writes as
 *
 *   w ← w − η · ∂L/∂w
 *
 * The slope comes from TensorFlow.js autodiff (tf.grad), the same machinery a
 * network uses, never from the hand-derived formulas below; those formulas
 * live in the comments (and in the unit tests, which check autodiff against
 * them).
 *
 * A whole run is computed inside one tf.tidy and read back with ONE await, so
 * an element can animate a precomputed path without a read-back per frame.
 */
import * as tf from '@tensorflow/tfjs-core';
// tf.grad needs the gradient kernels registered (idempotent side-effect import).
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export type LandscapeId = 'bowl' | 'double-well' | 'ravine' | 'two-valleys' | 'rosenbrock';

export interface Landscape {
  id: LandscapeId;
  dims: 1 | 2;
  /** Short name for a legend. */
  label: string;
  /** The formula as TeX-free plain text for a readout. */
  formula: string;
  /** Axis ranges to draw: [[w₁min, w₁max]] or [[w₁min, w₁max], [w₂min, w₂max]]. */
  domain: [number, number][];
  /** A start that shows the landscape's point (used when no start is given). */
  start: number[];
  /** Learning rates that show: crawling, a good walk, overshoot, blow-up. */
  etas: { slow: number; good: number; overshoot: number; diverge: number };
  /**
   * Vectorised loss: points [m, dims] → losses [m]. Used both for drawing the
   * curve / contour grid and (with m = 1) for autodiff.
   */
  loss(points: tf.Tensor2D): tf.Tensor1D;
}

/** Column i of a [m, dims] tensor as [m]. */
const col = (p: tf.Tensor2D, i: number) => tf.reshape(tf.slice(p, [0, i], [-1, 1]), [-1]) as tf.Tensor1D;

/** Registry of the landscapes the demo offers, 1-D first. */
export const LANDSCAPES: Record<LandscapeId, Landscape> = {
  // L(w) = w². L' = 2w, so w_{k+1} = (1 − 2η)·w_k: η < 0.5 creeps in from one
  // side, 0.5 < η < 1 overshoots and zig-zags inwards, η > 1 blows up.
  bowl: {
    id: 'bowl',
    dims: 1,
    label: 'bowl',
    formula: 'L(w) = w²',
    domain: [[-3, 3]],
    start: [2.5],
    etas: { slow: 0.02, good: 0.3, overshoot: 0.9, diverge: 1.05 },
    loss: (p) => tf.tidy(() => tf.square(col(p, 0))),
  },
  // L(w) = (w² − 1)² + 0.3w: two valleys, the left one deeper (the tilt).
  // L' = 4w(w² − 1) + 0.3; curvature ≈ 8 at the bottoms, so η > 0.25 overshoots.
  'double-well': {
    id: 'double-well',
    dims: 1,
    label: 'tilted double well',
    formula: 'L(w) = (w² − 1)² + 0.3·w',
    domain: [[-2, 2]],
    start: [1.6],
    etas: { slow: 0.005, good: 0.05, overshoot: 0.22, diverge: 0.35 },
    loss: (p) =>
      tf.tidy(() => {
        const w = col(p, 0);
        return tf.add(tf.square(tf.sub(tf.square(w), 1)), tf.mul(w, 0.3));
      }),
  },
  // L = ½·w₁² + 2·w₂²: a stretched bowl. Each step multiplies w₁ by (1 − η)
  // and w₂ by (1 − 4η): for η > 0.25 w₂ zig-zags across the narrow direction,
  // for η > 0.5 it blows up, while w₁ alone would be stable up to η < 2.
  ravine: {
    id: 'ravine',
    dims: 2,
    label: 'stretched bowl',
    formula: 'L(w₁, w₂) = ½·w₁² + 2·w₂²',
    domain: [
      [-3, 3],
      [-2, 2],
    ],
    start: [-2.6, 1.5],
    etas: { slow: 0.02, good: 0.2, overshoot: 0.45, diverge: 0.55 },
    loss: (p) => tf.tidy(() => tf.add(tf.mul(tf.square(col(p, 0)), 0.5), tf.mul(tf.square(col(p, 1)), 2))),
  },
  // Two valleys side by side, the left one deeper: the 1-D double well with a
  // bowl across it. L = (w₁² − 1)² + 0.3·w₁ + w₂²; which valley the ball ends
  // in depends on where it starts.
  'two-valleys': {
    id: 'two-valleys',
    dims: 2,
    label: 'two valleys',
    formula: 'L(w₁, w₂) = (w₁² − 1)² + 0.3·w₁ + w₂²',
    domain: [
      [-2, 2],
      [-2, 2],
    ],
    start: [1.6, 1.6],
    etas: { slow: 0.005, good: 0.1, overshoot: 0.22, diverge: 0.4 },
    loss: (p) =>
      tf.tidy(() => {
        const a = col(p, 0);
        return tf.addN([tf.square(tf.sub(tf.square(a), 1)), tf.mul(a, 0.3), tf.square(col(p, 1))]) as tf.Tensor1D;
      }),
  },
  // Rosenbrock's banana valley, softened (×10 instead of ×100) so a slide can
  // show the walk: L = (1 − w₁)² + 10·(w₂ − w₁²)², minimum 0 at (1, 1).
  rosenbrock: {
    id: 'rosenbrock',
    dims: 2,
    label: 'banana valley (Rosenbrock)',
    formula: 'L(w₁, w₂) = (1 − w₁)² + 10·(w₂ − w₁²)²',
    domain: [
      [-2, 2],
      [-1, 3],
    ],
    start: [-1.2, 1],
    etas: { slow: 0.003, good: 0.015, overshoot: 0.05, diverge: 0.06 },
    loss: (p) =>
      tf.tidy(() => {
        const a = col(p, 0);
        const b = col(p, 1);
        return tf.add(tf.square(tf.sub(1, a)), tf.mul(tf.square(tf.sub(b, tf.square(a))), 10));
      }),
  },
};

export const LANDSCAPE_IDS = Object.keys(LANDSCAPES) as LandscapeId[];

/** One step of the update, with every number the slide prints. */
export interface DescentStep {
  /** Step number, 0 for the first step. */
  k: number;
  /** Position before the step. */
  w: number[];
  loss: number;
  /** ∂L/∂w at w (autodiff). */
  grad: number[];
  /** η · ∂L/∂w: how far the step moves, before the minus sign. */
  step: number[];
  /** w − η · ∂L/∂w. */
  next: number[];
  /** Loss at the new position. */
  nextLoss: number;
}

export interface DescentRun {
  steps: DescentStep[];
  /** True when the walk left the finite world or flew far outside the drawn domain. */
  diverged: boolean;
}

/** The loss at one point, as a scalar tensor (autodiff input). */
function lossAt(land: Landscape, w: tf.Tensor1D): tf.Scalar {
  return tf.sum(land.loss(tf.reshape(w, [1, land.dims]))) as tf.Scalar;
}

/** ∂L/∂w at one point by autodiff; one read-back. */
export async function gradientAt(land: Landscape, w: readonly number[]): Promise<number[]> {
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => lossAt(land, x as tf.Tensor1D))(tf.tensor1d([...w])));
  const out = Array.from(await g.data());
  g.dispose();
  return out;
}

/** How far outside the domain (in domain widths) still counts as "on the map". */
const ESCAPE_WIDTHS = 20;

/**
 * Runs `count` gradient-descent steps from `start` with learning rate `eta`.
 * All steps run as tensor ops; positions, losses and gradients are stacked
 * into one [count, 2·dims + 1] tensor and read back once. The returned steps
 * stop at the first one whose new position escapes (non-finite or more than
 * ESCAPE_WIDTHS domain widths away), and `diverged` is set.
 */
export async function descend(
  land: Landscape,
  start: readonly number[],
  eta: number,
  count: number,
): Promise<DescentRun> {
  if (start.length !== land.dims) {
    throw new Error(`${land.id}: start has ${start.length} numbers, the landscape has ${land.dims} dimension(s)`);
  }
  const d = land.dims;
  const gradFn = tf.grad((x: tf.Tensor) => lossAt(land, x as tf.Tensor1D));
  const rows = tf.tidy(() => {
    let w = tf.tensor1d([...start]);
    const out: tf.Tensor1D[] = [];
    for (let k = 0; k <= count; k++) {
      // Row k: [w (d), loss (1), grad (d)]; the last row only supplies the final loss.
      const g = gradFn(w) as tf.Tensor1D;
      out.push(tf.concat([w, tf.reshape(lossAt(land, w), [1]), g]));
      w = tf.sub(w, tf.mul(g, eta));
    }
    return tf.stack(out) as tf.Tensor2D; // [count + 1, 2d + 1]
  });
  const flat = await rows.data();
  rows.dispose();
  const width = 2 * d + 1;
  const row = (k: number) => Array.from(flat.subarray(k * width, (k + 1) * width));
  const span = Math.max(...land.domain.map(([lo, hi]) => hi - lo));
  const escaped = (v: number[]) => v.some((x) => !Number.isFinite(x) || Math.abs(x) > ESCAPE_WIDTHS * span);
  const steps: DescentStep[] = [];
  let diverged = false;
  for (let k = 0; k < count; k++) {
    const now = row(k);
    const after = row(k + 1);
    const w = now.slice(0, d);
    const grad = now.slice(d + 1);
    const next = after.slice(0, d);
    steps.push({ k, w, loss: now[d], grad, step: grad.map((g) => eta * g), next, nextLoss: after[d] });
    if (escaped(next) || !Number.isFinite(after[d])) {
      diverged = true;
      break;
    }
  }
  return { steps, diverged };
}

export type Verdict = 'slow' | 'converged' | 'oscillating' | 'diverged';

/**
 * Names what a run did, for the readout and the tests.
 * - diverged: escaped, or the loss ended more than 10× above where it started;
 * - oscillating: the step direction flipped on most steps (the ball overshoots
 *   the valley floor back and forth, whether or not it settles in the end);
 * - converged: otherwise, and the last step moved less than `tol`;
 * - slow: otherwise, still moving, mostly one way (crawling downhill).
 */
export function verdict(run: DescentRun, tol = 1e-3): Verdict {
  const { steps } = run;
  if (run.diverged || steps.length === 0) return run.diverged ? 'diverged' : 'slow';
  const first = steps[0];
  const last = steps[steps.length - 1];
  if (last.nextLoss > 10 * Math.abs(first.loss) + 1) return 'diverged';
  let flips = 0;
  for (let k = 1; k < steps.length; k++) {
    const dot = steps[k].step.reduce((s, v, i) => s + v * steps[k - 1].step[i], 0);
    if (dot < 0) flips++;
  }
  if (flips > (steps.length - 1) / 2) return 'oscillating';
  return Math.hypot(...last.step) < tol ? 'converged' : 'slow';
}

/**
 * Loss values on a regular grid, for drawing: 1-D → `n` samples along w;
 * 2-D → an n×n grid, row-major with w₂ varying slowest (row r is w₂ = ys[r]).
 * One read-back.
 */
export async function sampleLandscape(
  land: Landscape,
  n: number,
): Promise<{ xs: number[]; ys: number[]; values: Float32Array }> {
  const lin = ([lo, hi]: [number, number]) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const xs = lin(land.domain[0]);
  const ys = land.dims === 2 ? lin(land.domain[1]) : [];
  const pts: number[] = [];
  if (land.dims === 1) for (const x of xs) pts.push(x);
  else for (const y of ys) for (const x of xs) pts.push(x, y);
  const values = tf.tidy(() => land.loss(tf.tensor2d(pts, [pts.length / land.dims, land.dims])));
  const out = (await values.data()) as Float32Array;
  values.dispose();
  return { xs, ys, values: out };
}
