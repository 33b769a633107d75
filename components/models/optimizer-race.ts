/**
 * Three optimisers racing down one ill-conditioned valley from one start:
 * plain gradient descent (SGD), SGD with momentum, and Adam.
 *
 * The valley is the quadratic L(θ) = ½·(h₁θ₁² + h₂θ₂²) with h₂ ≫ h₁: steep
 * across, nearly flat along. Its gradient is closed form, ∇L = (h₁θ₁, h₂θ₂);
 * "gradient noise" adds σ·ε with ε ~ N(0, I), one seeded draw per step shared
 * by all three runners (common random numbers), which is what a minibatch
 * does to the gradient: the same direction on average, a different one each
 * step. The updates are this module's TensorFlow.js ops, one tidy per chunk
 * of steps, one read-back per chunk:
 *
 *   SGD        θ ← θ − η·g
 *   momentum   u ← β₁·u + g;  θ ← θ − η·u            (heavy ball, PyTorch/TF.js form)
 *   Adam       m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²
 *              m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   (bias correction; off: m̂ = m, v̂ = v)
 *              θ ← θ − η·m̂ / (√v̂ + ε)                 (Kingma & Ba 2015)
 *
 * Momentum reuses β₁ as its coefficient, so one slider sets "how much of the
 * past gradient is kept" for both. With bias correction the first Adam step
 * is η·g/(|g| + ε) ≈ η·sign(g) per coordinate, whatever the gradient's size.
 * Without it the first step is η·(1 − β₁)·g/(√(1 − β₂)·|g| + ε): the corrected
 * step times (1 − β₁)/√(1 − β₂), which is 0.1/0.0316 ≈ 3.16× LARGER at the
 * usual β₁ = 0.9, β₂ = 0.999 (v starts near 0, so dividing by √v overshoots),
 * and smaller only when β₂ is small (β₂ = 0.9 gives 0.316×).
 *
 * No DOM, no Lit. The caller owns the race and calls dispose().
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.js';

export type Point = [number, number];
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface Valley {
  /** Curvatures (h₁, h₂) of L = ½(h₁θ₁² + h₂θ₂²); the minimum is at the origin. */
  curvature: Point;
  start: Point;
}

/** The demo's valley: condition number h₂/h₁ = 40, started up the flat floor and off to one side. */
export const DEFAULT_VALLEY: Valley = { curvature: [0.05, 2], start: [-7, 2] };

export interface RaceSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Standard deviation σ of the noise added to each gradient coordinate. */
  noise: number;
  biasCorrection: boolean;
  /** Adam's ε (default 1e-8). */
  epsilon?: number;
}

/** L(θ) in float64. */
export function valleyLoss(valley: Valley, p: readonly number[]): number {
  return 0.5 * (valley.curvature[0] * p[0]! ** 2 + valley.curvature[1] * p[1]! ** 2);
}

/** Points on the contour L = level (an axis-aligned ellipse around the origin). */
export function valleyContour(valley: Valley, level: number, n = 96): Point[] {
  if (!(level > 0)) return [];
  const [a, b] = valley.curvature.map((h) => Math.sqrt((2 * level) / h));
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = (2 * Math.PI * i) / n;
    return [a! * Math.cos(t), b! * Math.sin(t)] as Point;
  });
}

/** State tensors of the three runners, each [2]. */
type State = {
  sgd: tf.Tensor1D;
  momentum: tf.Tensor1D;
  velocity: tf.Tensor1D;
  adam: tf.Tensor1D;
  m: tf.Tensor1D;
  v: tf.Tensor1D;
};

export type Paths = Record<OptimizerName, Point[]>;

/**
 * One race: `advance(n)` runs n more steps of all three optimisers and
 * returns the new positions; `paths` holds every position since the start.
 * The noise stream is drawn from the rng as steps are taken, so the same
 * seed gives the same race however the steps are chunked.
 */
export class OptimizerRace {
  readonly paths: Paths;
  /** Steps taken (t of the last Adam update). */
  t = 0;
  private state: State;
  private readonly curvature: tf.Tensor1D;
  private readonly eps: number;

  constructor(readonly valley: Valley, readonly settings: RaceSettings, private readonly rng: Rng) {
    this.eps = settings.epsilon ?? 1e-8;
    const start = valley.start;
    this.paths = { sgd: [[...start]], momentum: [[...start]], adam: [[...start]] };
    this.curvature = tf.tensor1d(valley.curvature);
    this.state = {
      sgd: tf.tensor1d(start),
      momentum: tf.tensor1d(start),
      velocity: tf.zeros([2]),
      adam: tf.tensor1d(start),
      m: tf.zeros([2]),
      v: tf.zeros([2]),
    };
  }

  /** The gradient the optimisers see at θ: ∇L(θ) + σ·ε. */
  private gradient(theta: tf.Tensor1D, noise: tf.Tensor1D | null): tf.Tensor1D {
    const g = tf.mul(this.curvature, theta) as tf.Tensor1D;
    return noise ? tf.add(g, noise) : g;
  }

  /** One step of every optimiser (inside a tidy). t is the Adam step number, 1 for the first. */
  private update(s: State, noise: tf.Tensor1D | null, t: number): State {
    const { learningRate: lr, beta1, beta2, biasCorrection } = this.settings;
    // SGD
    const sgd = tf.sub(s.sgd, tf.mul(this.gradient(s.sgd, noise), lr)) as tf.Tensor1D;
    // Momentum (heavy ball)
    const velocity = tf.add(tf.mul(s.velocity, beta1), this.gradient(s.momentum, noise)) as tf.Tensor1D;
    const momentum = tf.sub(s.momentum, tf.mul(velocity, lr)) as tf.Tensor1D;
    // Adam
    const g = this.gradient(s.adam, noise);
    const m = tf.add(tf.mul(s.m, beta1), tf.mul(g, 1 - beta1)) as tf.Tensor1D;
    const v = tf.add(tf.mul(s.v, beta2), tf.mul(tf.square(g), 1 - beta2)) as tf.Tensor1D;
    const mHat = biasCorrection ? tf.div(m, 1 - beta1 ** t) : m;
    const vHat = biasCorrection ? tf.div(v, 1 - beta2 ** t) : v;
    const step = tf.div(mHat, tf.add(tf.sqrt(vHat), this.eps));
    const adam = tf.sub(s.adam, tf.mul(step, lr)) as tf.Tensor1D;
    return { sgd, momentum, velocity, adam, m, v };
  }

  /** Runs n more steps; returns the n new positions of each optimiser (also appended to `paths`). */
  async advance(n: number): Promise<Paths> {
    const steps = Math.max(0, Math.floor(n));
    const fresh: Paths = { sgd: [], momentum: [], adam: [] };
    if (steps === 0) return fresh;
    const sigma = this.settings.noise;
    const draws = Array.from({ length: steps }, () => [this.rng.normal() * sigma, this.rng.normal() * sigma]);
    const old = this.state;
    const t0 = this.t;
    const { state, trail } = tf.tidy((): { state: State; trail: tf.Tensor2D } => {
      let s = old;
      const rows: tf.Tensor1D[] = [];
      for (let k = 0; k < steps; k++) {
        const noise = sigma > 0 ? tf.tensor1d(draws[k]!) : null;
        s = this.update(s, noise, t0 + k + 1);
        rows.push(s.sgd, s.momentum, s.adam);
      }
      return { state: s, trail: tf.stack(rows) as tf.Tensor2D }; // trail [steps·3, 2]
    });
    tf.dispose(Object.values(old));
    this.state = state;
    this.t += steps;
    const flat = await trail.data();
    trail.dispose();
    for (let k = 0; k < steps; k++) {
      OPTIMIZERS.forEach((name, j) => {
        const i = (k * 3 + j) * 2;
        const p: Point = [flat[i]!, flat[i + 1]!];
        fresh[name].push(p);
        this.paths[name].push(p);
      });
    }
    return fresh;
  }

  /** Current position of each optimiser. */
  positions(): Record<OptimizerName, Point> {
    return { sgd: this.paths.sgd.at(-1)!, momentum: this.paths.momentum.at(-1)!, adam: this.paths.adam.at(-1)! };
  }

  /** Current loss of each optimiser (float64 from the read-back positions). */
  losses(): Record<OptimizerName, number> {
    const p = this.positions();
    return { sgd: valleyLoss(this.valley, p.sgd), momentum: valleyLoss(this.valley, p.momentum), adam: valleyLoss(this.valley, p.adam) };
  }

  dispose(): void {
    tf.dispose([...Object.values(this.state), this.curvature]);
  }
}

/**
 * The first Adam step from θ with gradient g (closed form, float64), with and
 * without bias correction; the formulas the unit test holds the race to.
 */
export function firstAdamStep(g: number, { learningRate: lr, beta1, beta2, biasCorrection, epsilon = 1e-8 }: RaceSettings): number {
  const m = (1 - beta1) * g;
  const v = (1 - beta2) * g * g;
  const mHat = biasCorrection ? m / (1 - beta1) : m;
  const vHat = biasCorrection ? v / (1 - beta2) : v;
  return -lr * mHat / (Math.sqrt(vHat) + epsilon);
}
