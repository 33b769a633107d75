/**
 * Least-squares polynomials of every degree 0 … d at once: the "second way" of
 * the Gradient Handoff lecture, where infected = f(t) and the degree of f is its
 * expressivity (degree 1 a line, 2 one bend, 3 two bends …).
 *
 * Time is mapped to t ∈ [−1, 1]. Instead of solving the normal equations on
 * 1, t, t², … (hopelessly ill-conditioned in float32 beyond degree ~6), the fit
 * builds the polynomials p₀, p₁, … that are orthogonal on the data points, by
 * Forsythe's three-term recurrence (Forsythe 1957):
 *
 *   p₀ = 1,  p₁ = (t − a₀)·p₀,  p_{k+1} = (t − a_k)·p_k − b_k·p_{k−1}
 *   a_k = ⟨t·p_k, p_k⟩ / ⟨p_k, p_k⟩,   b_k = ⟨p_k, p_k⟩ / ⟨p_{k−1}, p_{k−1}⟩
 *
 * where ⟨u, v⟩ = Σₙ u(tₙ)·v(tₙ). The least-squares fit of degree d is then
 * Σ_{k≤d} c_k·p_k with c_k = ⟨y, p_k⟩ / ⟨p_k, p_k⟩: each degree adds one term
 * to the one below, so all degrees come from one pass. The same recurrence
 * (same a_k, b_k) evaluates the fits anywhere else, between and beyond the points.
 * Every tensor keeps its shape through the loop, so WebGL compiles each shader once.
 */
import * as tf from '@tensorflow/tfjs-core';

export const MAX_DEGREE = 20;

/** Maps x ∈ [lo, hi] linearly to t ∈ [−1, 1]. */
export function normalise(x: number, lo: number, hi: number): number {
  return hi === lo ? 0 : (2 * (x - lo)) / (hi - lo) - 1;
}

export interface PolynomialFits {
  /** fitted[d][n]: the degree-d fit at the data points. */
  fitted: number[][];
  /** at[d][m]: the degree-d fit at the evaluation points. */
  at: number[][];
  /** rmse[d]: root mean squared residual of the degree-d fit on the data points. */
  rmse: number[];
}

/** Throws a readable error unless (t, y) can pin down a polynomial of this degree. */
function checkInput(t: readonly number[], y: readonly number[], degree: number): void {
  if (t.length !== y.length) throw new Error(`polynomial fit: ${t.length} times but ${y.length} values`);
  if (t.length === 0) throw new Error('polynomial fit: no points to fit');
  if (!Number.isInteger(degree) || degree < 0 || degree > MAX_DEGREE) {
    throw new Error(`polynomial fit: degree must be an integer in 0…${MAX_DEGREE} (got ${degree})`);
  }
  const distinct = new Set(t).size;
  if (distinct < degree + 1) {
    throw new Error(`polynomial fit: degree ${degree} needs at least ${degree + 1} distinct points (got ${distinct})`);
  }
}

/**
 * Least-squares fits of degrees 0 … maxDegree to points (t, y), t in [−1, 1],
 * evaluated at the data points and at `evalAt` (any t). One read-back.
 */
export async function fitPolynomials(
  t: readonly number[],
  y: readonly number[],
  maxDegree: number,
  evalAt: readonly number[] = [],
): Promise<PolynomialFits> {
  checkInput(t, y, maxDegree);
  const n = t.length;
  const m = evalAt.length;
  const out = tf.tidy(() => {
    // Data points and evaluation points share the recurrence: x = [t ; evalAt], shape [n + m].
    // Inner products use only the first n entries (a 0/1 mask keeps every shape fixed).
    const x = tf.tensor1d([...t, ...evalAt]);
    const mask = tf.concat([tf.ones([n]), tf.zeros([m])]);
    const yy = tf.concat([tf.tensor1d([...y]), tf.zeros([m])]) as tf.Tensor1D;
    const dot = (u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.mul(u, v), mask));
    let prev = tf.zerosLike(x) as tf.Tensor1D;
    let p = tf.onesLike(x) as tf.Tensor1D;
    let prevNorm: tf.Tensor = tf.scalar(1);
    let fit = tf.zerosLike(x) as tf.Tensor1D;
    const fits: tf.Tensor1D[] = [];
    for (let k = 0; k <= maxDegree; k++) {
      const norm = dot(p, p);
      fit = tf.add(fit, tf.mul(tf.div(dot(yy, p), norm), p)) as tf.Tensor1D; // + c_k·p_k
      fits.push(fit);
      const a = tf.div(dot(tf.mul(x, p) as tf.Tensor1D, p), norm);
      const b = k === 0 ? tf.scalar(0) : tf.div(norm, prevNorm);
      const next = tf.sub(tf.mul(tf.sub(x, a), p), tf.mul(b, prev)) as tf.Tensor1D;
      [prev, p, prevNorm] = [p, next, norm];
    }
    return tf.stack(fits); // [maxDegree + 1, n + m]
  });
  const v = await out.data();
  out.dispose();
  const row = (d: number) => v.subarray(d * (n + m), (d + 1) * (n + m));
  const fitted = Array.from({ length: maxDegree + 1 }, (_, d) => Array.from(row(d).subarray(0, n)));
  const at = Array.from({ length: maxDegree + 1 }, (_, d) => Array.from(row(d).subarray(n)));
  const rmse = fitted.map((f) => Math.sqrt(f.reduce((acc, p, j) => acc + (p - y[j]) ** 2, 0) / n));
  return { fitted, at, rmse };
}

/** Evenly spaced indices into a series of `length` values, `count` of them, first and last included. */
export function evenlySpaced(length: number, count: number): number[] {
  if (count >= length) return Array.from({ length }, (_, j) => j);
  if (count <= 1) return [0];
  return Array.from({ length: count }, (_, j) => Math.round((j * (length - 1)) / (count - 1)));
}
