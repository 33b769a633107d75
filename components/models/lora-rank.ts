/**
 * LoRA (Hu et al. 2021) in the small: how much of a weight update ΔW a rank-r
 * product B·A can hold, found by gradient descent, against the best any rank-r
 * matrix can do (Eckart–Young).
 *
 * Shapes as in the paper: the frozen layer W₀ is d × k (h = W₀x for x ∈ ℝᵏ),
 * the update is ΔW = B·A with B ∈ ℝ^{d×r} and A ∈ ℝ^{r×k}, so the adapted
 * layer computes h = W₀x + B(Ax). B starts at zero and A random (Gaussian), so
 * before the first step B·A = 0 and the adapted layer is exactly the base
 * layer. Trainable numbers: r·(d + k) instead of d·k. (The paper also scales
 * B·A by α/r; a constant scale changes nothing about which matrices B·A can
 * reach, so it is left out here.)
 *
 * The target: ΔW = Σᵢ sᵢ uᵢvᵢᵀ over a few strong directions (orthonormal uᵢ,
 * vᵢ from seeded Gaussians, sᵢ = top·decayⁱ) plus seeded Gaussian noise in
 * every entry, the way a real fine-tuning update is dominated by a few
 * directions over a noisy rest.
 *
 * The fit: minimise ‖ΔW − BA‖²_F / ‖ΔW‖²_F with Adam in TensorFlow.js. The
 * floor: by Eckart–Young, no rank-r matrix gets closer than the SVD truncated
 * at r, whose relative error is √(Σ_{i>r} σᵢ²) / √(Σᵢ σᵢ²). The singular values
 * come from a cyclic Jacobi eigen-decomposition of the (smaller) Gram matrix
 * ΔWᵀΔW or ΔWΔWᵀ, in plain-JS float64.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Rng } from '../runtime/rng.js';

export interface LoraTargetConfig {
  /** Rows of W₀ and ΔW (the layer's output size). */
  d: number;
  /** Columns (the layer's input size). */
  k: number;
  /** Strong directions in ΔW. */
  directions: number;
  /** Standard deviation of the noise added to every entry. */
  noise: number;
  /** Strength of the first direction and the ratio between successive ones. */
  top: number;
  decay: number;
}

export interface LoraConfig extends LoraTargetConfig {
  rank: number;
  learningRate: number;
}

export const DEFAULT_LORA: LoraConfig = { d: 64, k: 48, directions: 4, noise: 0.02, top: 8, decay: 0.6, rank: 4, learningRate: 0.03 };

/** A d × k matrix in row-major float64. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** `count` orthonormal vectors of length n: seeded Gaussians, Gram–Schmidt (twice, for float64 orthogonality). */
export function orthonormal(n: number, count: number, rng: Rng): number[][] {
  const out: number[][] = [];
  for (let j = 0; j < count; j++) {
    let v = Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const u of out) {
        const p = u.reduce((s, ui, i) => s + ui * v[i]!, 0);
        v = v.map((x, i) => x - p * u[i]!);
      }
    }
    const norm = Math.hypot(...v);
    out.push(v.map((x) => x / norm));
  }
  return out;
}

/** The strengths sᵢ of the strong directions. */
export const strengths = (c: Pick<LoraTargetConfig, 'directions' | 'top' | 'decay'>): number[] =>
  Array.from({ length: c.directions }, (_, i) => c.top * c.decay ** i);

/** ΔW = Σ sᵢ uᵢvᵢᵀ + noise; the same rng (stream) gives the same matrix. */
export function buildTarget(c: LoraTargetConfig, rng: Rng): Matrix {
  const dirs = Math.min(c.directions, c.d, c.k);
  const U = orthonormal(c.d, dirs, rng);
  const V = orthonormal(c.k, dirs, rng);
  const s = strengths({ ...c, directions: dirs });
  const data = new Float64Array(c.d * c.k);
  for (let i = 0; i < c.d; i++) {
    for (let j = 0; j < c.k; j++) {
      let v = c.noise * rng.normal();
      for (let q = 0; q < dirs; q++) v += s[q]! * U[q]![i]! * V[q]![j]!;
      data[i * c.k + j] = v;
    }
  }
  return { rows: c.d, cols: c.k, data };
}

export const frobenius2 = (m: Matrix): number => m.data.reduce((s, v) => s + v * v, 0);

/** Eigenvalues of a symmetric matrix (cyclic Jacobi rotations, float64), largest first. */
export function symmetricEigenvalues(S: readonly (readonly number[])[]): number[] {
  const n = S.length;
  const a = S.map((row) => [...row]);
  const scale = a.reduce((s, row) => s + row.reduce((t, v) => t + v * v, 0), 0) || 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = a[r]![p]!;
          const arq = a[r]![q]!;
          a[r]![p] = c * arp - s * arq;
          a[r]![q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p]![r]!;
          const aqr = a[q]![r]!;
          a[p]![r] = c * apr - s * aqr;
          a[q]![r] = s * apr + c * aqr;
        }
      }
    }
  }
  return a.map((row, i) => row[i]!).sort((x, y) => y - x);
}

/** Singular values of M, largest first: √ of the eigenvalues of the smaller Gram matrix. */
export function singularValues(m: Matrix): number[] {
  const { rows, cols, data } = m;
  const small = Math.min(rows, cols);
  const byCols = cols <= rows;
  const G = Array.from({ length: small }, () => new Array<number>(small).fill(0));
  for (let i = 0; i < small; i++) {
    for (let j = i; j < small; j++) {
      let v = 0;
      if (byCols) for (let r = 0; r < rows; r++) v += data[r * cols + i]! * data[r * cols + j]!;
      else for (let c = 0; c < cols; c++) v += data[i * cols + c]! * data[j * cols + c]!;
      G[i]![j] = v;
      G[j]![i] = v;
    }
  }
  return symmetricEigenvalues(G).map((e) => Math.sqrt(Math.max(0, e)));
}

/** Eckart–Young: the relative error ‖M − M_r‖_F / ‖M‖_F of the best rank-r approximation. */
export function truncationError(sigma: readonly number[], r: number): number {
  const total = sigma.reduce((s, v) => s + v * v, 0);
  const rest = sigma.slice(r).reduce((s, v) => s + v * v, 0);
  return total > 0 ? Math.sqrt(rest / total) : 0;
}

/** Share of ‖M‖²_F held by the first r singular values. */
export const energyShare = (sigma: readonly number[], r: number): number => 1 - truncationError(sigma, r) ** 2;

/** Trainable numbers: LoRA's r·(d + k) and full fine-tuning's d·k. */
export const loraParams = (d: number, k: number, r: number): number => r * (d + k);
export const fullParams = (d: number, k: number): number => d * k;

/** The adapted layer on a batch of inputs (rows of x, n × k): x·W₀ᵀ + (x·Aᵀ)·Bᵀ, n × d. */
export function adaptedOutput(W0: tf.Tensor2D, B: tf.Tensor2D, A: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(x, W0, false, true), tf.matMul(tf.matMul(x, A, false, true), B, false, true)) as tf.Tensor2D);
}

/** The base layer: x·W₀ᵀ. */
export const baseOutput = (W0: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => tf.matMul(x, W0, false, true));

export interface LoraPoint {
  step: number;
  /** ‖ΔW − BA‖_F / ‖ΔW‖_F after this step. */
  error: number;
}

/**
 * One seeded fit of B·A (rank r) to ΔW by Adam. Build, `advance(n)` steps at a
 * time (one read-back per call), read `history` (a point per step, step 0 =
 * the untrained error, exactly 1 since B = 0). Call dispose() when done.
 */
export class LoraFit {
  readonly rank: number;
  readonly d: number;
  readonly k: number;
  step = 0;
  readonly history: LoraPoint[] = [{ step: 0, error: 1 }];
  readonly B: tf.Variable<tf.Rank.R2>;
  readonly A: tf.Variable<tf.Rank.R2>;
  private readonly target: tf.Tensor2D;
  private readonly inverseNorm: tf.Scalar;
  private readonly optimizer: tf.AdamOptimizer;
  private disposed = false;

  constructor(target: Matrix, rank: number, rng: Rng, learningRate = DEFAULT_LORA.learningRate) {
    this.rank = rank;
    this.d = target.rows;
    this.k = target.cols;
    const a = new Float32Array(rank * this.k);
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() / Math.sqrt(this.k);
    this.B = tf.tidy(() => tf.variable(tf.zeros([this.d, rank]) as tf.Tensor2D));
    this.A = tf.tidy(() => tf.variable(tf.tensor2d(a, [rank, this.k])));
    this.target = tf.tensor2d(Float32Array.from(target.data), [this.d, this.k]);
    this.inverseNorm = tf.scalar(1 / frobenius2(target));
    this.optimizer = tf.train.adam(learningRate);
  }

  /** The relative squared error as a scalar tensor (the loss). */
  private loss(): tf.Scalar {
    return tf.mul(tf.sum(tf.square(tf.sub(this.target, tf.matMul(this.B, this.A)))), this.inverseNorm) as tf.Scalar;
  }

  /** n Adam steps; records the error after each, with one read-back. */
  async advance(n: number): Promise<void> {
    if (this.disposed || n <= 0) return;
    const costs: tf.Scalar[] = [];
    for (let i = 0; i < n; i++) costs.push(this.optimizer.minimize(() => this.loss(), true, [this.B, this.A])!);
    const stacked = tf.stack(costs);
    costs.forEach((c) => c.dispose());
    const values = await stacked.data();
    stacked.dispose();
    for (const v of values) this.history.push({ step: ++this.step, error: Math.sqrt(Math.max(0, v)) });
  }

  /** The error now, computed afresh (not from the history). */
  error(): number {
    return Math.sqrt(Math.max(0, tf.tidy(() => this.loss().dataSync()[0]!)));
  }

  /** B·A as a float32 d × k array. */
  product(): Float32Array {
    return tf.tidy(() => tf.matMul(this.B, this.A).dataSync() as Float32Array);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    for (const t of [this.B, this.A, this.target, this.inverseNorm]) t.dispose();
  }
}
