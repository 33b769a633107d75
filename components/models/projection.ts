/**
 * 2-D view of embedding vectors for a scatter plot: the vectors themselves
 * when they are 2-D, otherwise the projection on their top two principal
 * components (power iteration on the d×d covariance, d is small).
 *
 * While a model trains the principal axes drift; passing the previous axes
 * keeps each axis's sign (an eigenvector is only defined up to ±), so points
 * move smoothly instead of mirroring from one frame to the next.
 */

export interface Projection {
  /** [n] points [x, y]. */
  points: [number, number][];
  /** The two unit axes in the d-dimensional space (empty when d ≤ 2). */
  axes: Float64Array[];
  /** Share of the total variance the two axes keep (1 when d ≤ 2). */
  explained: number;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Top eigenvector of a symmetric d×d matrix by power iteration from a fixed start. */
function topEigenvector(m: Float64Array[], iterations = 100): Float64Array {
  const d = m.length;
  let v = Float64Array.from({ length: d }, (_, i) => 1 + i / d);
  for (let it = 0; it < iterations; it++) {
    const next = Float64Array.from(m, (row) => dot(row, v));
    const norm = Math.hypot(...next) || 1;
    v = next.map((x) => x / norm);
  }
  return v;
}

/** data: row-major [n, d]. */
export function project2d(data: ArrayLike<number>, n: number, d: number, previous: Float64Array[] = []): Projection {
  if (d <= 2) {
    const points = Array.from({ length: n }, (_, i) => [data[i * d], d === 2 ? data[i * d + 1] : 0] as [number, number]);
    return { points, axes: [], explained: 1 };
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const centred = Array.from({ length: n }, (_, i) => Float64Array.from({ length: d }, (_, j) => data[i * d + j] - mean[j]));
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const row of centred) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] += (row[a] * row[b]) / n;
  const total = cov.reduce((s, row, i) => s + row[i], 0);
  const axes: Float64Array[] = [];
  let kept = 0;
  for (let k = 0; k < 2; k++) {
    const v = topEigenvector(cov);
    const lambda = dot(v, Float64Array.from(cov, (row) => dot(row, v)));
    // Deflate so the next power iteration finds the second component.
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] -= lambda * v[a] * v[b];
    const ref = previous[k];
    if (ref && ref.length === d ? dot(v, ref) < 0 : v[argMaxAbs(v)] < 0) v.forEach((x, i) => (v[i] = -x));
    axes.push(v);
    kept += lambda;
  }
  const points = centred.map((row) => [dot(row, axes[0]), dot(row, axes[1])] as [number, number]);
  return { points, axes, explained: total > 0 ? kept / total : 1 };
}

function argMaxAbs(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best])) best = i;
  return best;
}
