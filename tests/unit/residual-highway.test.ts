import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  gradientRegime,
  highwayGradients,
  layerNorm,
  layerNormFast,
  makeHighwayData,
  NORMS,
  type HighwayConfig,
  type HighwayData,
} from '../../components/models/residual-highway';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = (width: number, batch = 16, layers = 100, seed = 42): HighwayData =>
  makeHighwayData(createRng(seed, 'weights'), createRng(seed, 'batch'), width, batch, layers);

/**
 * Independent float64 reference: the same stack written as plain loops, with the
 * backward pass derived by hand (LayerNorm's Jacobian-vector product included).
 */
function reference(cfg: HighwayConfig, d: HighwayData) {
  const { width: w, batch: B } = d;
  const EPS = 1e-5;
  const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
  const ln = (x: Float64Array) => {
    const y = new Float64Array(x.length);
    const s = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let m = 0;
      for (let j = 0; j < w; j++) m += x[b * w + j];
      m /= w;
      let v = 0;
      for (let j = 0; j < w; j++) v += (x[b * w + j] - m) ** 2;
      v /= w;
      s[b] = Math.sqrt(v + EPS);
      for (let j = 0; j < w; j++) y[b * w + j] = (x[b * w + j] - m) / s[b];
    }
    return { y, s };
  };
  const lnBack = (dy: Float64Array, o: { y: Float64Array; s: Float64Array }) => {
    const dx = new Float64Array(dy.length);
    for (let b = 0; b < B; b++) {
      let m1 = 0;
      let m2 = 0;
      for (let j = 0; j < w; j++) {
        m1 += dy[b * w + j];
        m2 += dy[b * w + j] * o.y[b * w + j];
      }
      m1 /= w;
      m2 /= w;
      for (let j = 0; j < w; j++) dx[b * w + j] = (dy[b * w + j] - m1 - o.y[b * w + j] * m2) / o.s[b];
    }
    return dx;
  };
  const act = (z: number) => (cfg.activation === 'tanh' ? Math.tanh(z) : Math.max(0, z));
  const dact = (z: number) => (cfg.activation === 'tanh' ? 1 - Math.tanh(z) ** 2 : z > 0 ? 1 : 0);
  const Ws = Array.from({ length: cfg.depth }, (_, l) => f64(d.normals.subarray(l * w * w, (l + 1) * w * w)).map((v) => v * (cfg.scale / Math.sqrt(w))));
  const tape: { u: Float64Array; z: Float64Array; pre?: ReturnType<typeof ln>; post?: ReturnType<typeof ln> }[] = [];
  let h = f64(d.x);
  const rms: number[] = [];
  for (let l = 0; l < cfg.depth; l++) {
    const rec: (typeof tape)[number] = { u: h, z: new Float64Array(B * w) };
    if (cfg.norm === 'pre') {
      rec.pre = ln(h);
      rec.u = rec.pre.y;
    }
    for (let b = 0; b < B; b++) for (let j = 0; j < w; j++) {
      let s = 0;
      for (let k = 0; k < w; k++) s += rec.u[b * w + k] * Ws[l][k * w + j];
      rec.z[b * w + j] = s;
    }
    const a = rec.z.map(act);
    let out = cfg.residual ? h.map((v, i) => v + a[i]) : a;
    if (cfg.norm === 'post') {
      rec.post = ln(out);
      out = rec.post.y;
    }
    tape.push(rec);
    h = out;
    rms.push(Math.sqrt(h.reduce((s, v) => s + v * v, 0) / h.length));
  }
  const t = f64(d.target);
  const loss = (0.5 * h.reduce((s, v, i) => s + (v - t[i]) ** 2, 0)) / B;
  let g = h.map((v, i) => (v - t[i]) / B);
  const inputGrad: number[] = new Array(cfg.depth);
  const weightGrad: number[] = new Array(cfg.depth);
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const rec = tape[l];
    if (rec.post) g = lnBack(g, rec.post);
    const dz = rec.z.map((z, i) => g[i] * dact(z));
    let sw = 0;
    for (let k = 0; k < w; k++) for (let j = 0; j < w; j++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += rec.u[b * w + k] * dz[b * w + j];
      sw += s * s;
    }
    weightGrad[l] = Math.sqrt(sw);
    let du = new Float64Array(B * w);
    for (let b = 0; b < B; b++) for (let k = 0; k < w; k++) {
      let s = 0;
      for (let j = 0; j < w; j++) s += dz[b * w + j] * Ws[l][k * w + j];
      du[b * w + k] = s;
    }
    if (rec.pre) du = lnBack(du, rec.pre);
    g = cfg.residual ? g.map((v, i) => v + du[i]) : du;
    inputGrad[l] = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
  }
  return { inputGrad, weightGrad, rms, loss };
}

function expectRelClose(actual: number, expected: number, tol: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.abs(expected) + 1e-30);
}

const base: HighwayConfig = { depth: 6, residual: true, norm: 'pre', activation: 'tanh', scale: 1 };

describe('highwayGradients with zero-initialised branches (f = 0)', () => {
  it.each(NORMS.filter((n) => n !== 'post'))('passes the gradient through a residual stack unchanged (norm %s): the same norm at every layer, exactly', async (norm) => {
    const d = data(16);
    const r = await highwayGradients({ ...base, depth: 40, norm, scale: 0 }, d);
    expect(r.inputGrad).toHaveLength(40);
    expect(r.inputGrad[0]).toBeGreaterThan(0);
    for (const g of r.inputGrad) expect(g).toBe(r.inputGrad[0]); // ∂y/∂x = I: bit-for-bit the same vector
    // and it is the loss gradient itself, (x − t)/batch, since the stack is the identity
    const direct = Math.sqrt(d.x.reduce((s, v, i) => s + (v - d.target[i]) ** 2, 0)) / d.batch;
    expectRelClose(r.inputGrad[0], direct, 1e-6);
  });

  it('passes nothing back through a plain stack (every input gradient is exactly 0)', async () => {
    const r = await highwayGradients({ ...base, depth: 10, residual: false, norm: 'none', scale: 0 }, data(16));
    expect(r.inputGrad.every((g) => g === 0)).toBe(true);
    expect(gradientRegime(r.inputGrad[0], r.inputGrad[9])).toBe('zero');
  });
});

describe('layerNorm', () => {
  it('gives every row mean 0 and variance 1 (float64 check of the float32 output)', () => {
    const rng = createRng(7, 'ln');
    const rows = 20;
    const w = 32;
    const x = Array.from({ length: rows * w }, (_, i) => 3 + 5 * rng.normal() + (i % w) * 0.1);
    const y = tf.tidy(() => layerNorm(tf.tensor2d(x, [rows, w])).arraySync() as number[][]);
    for (const row of y) {
      const m = row.reduce((a, b) => a + b, 0) / w;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / w;
      expect(Math.abs(m)).toBeLessThan(1e-6);
      expect(v).toBeCloseTo(1, 4); // 1 − ε/(σ² + ε): within 1e-5 of 1 for σ ≈ 5
    }
  });

  it('equals the float64 formula (x − μ)/√(σ² + ε) element by element', () => {
    const x = [1, 2, 3, 10, -4, 0.5, 0.25, 8];
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length;
    const expected = x.map((xi) => (xi - m) / Math.sqrt(v + 1e-5));
    const y = tf.tidy(() => Array.from(layerNorm(tf.tensor2d(x, [1, x.length])).dataSync()));
    y.forEach((yi, i) => expect(yi).toBeCloseTo(expected[i], 5));
  });
});

describe('layerNormFast (hand-written backward pass)', () => {
  it('has the same value as layerNorm and the same gradient as TensorFlow.js autodiff of it', () => {
    const rng = createRng(3, 'lnfast');
    const x = tf.tensor2d(Array.from({ length: 6 * 10 }, () => 2 * rng.normal() + 1), [6, 10]);
    const g = tf.tensor2d(Array.from({ length: 6 * 10 }, () => rng.normal()), [6, 10]);
    const vjp = (fn: (t: tf.Tensor) => tf.Tensor) => tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(fn(t), g)))(x).dataSync()));
    const auto = vjp(layerNorm);
    const fast = vjp(layerNormFast);
    fast.forEach((v, i) => expect(v).toBeCloseTo(auto[i], 5));
    const a = tf.tidy(() => Array.from(layerNorm(x).dataSync()));
    const b = tf.tidy(() => Array.from(layerNormFast(x).dataSync()));
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i], 6));
    tf.dispose([x, g]);
  });
});

describe('highwayGradients against a float64 plain-JS backward pass', () => {
  const cases: [string, Partial<HighwayConfig>][] = [
    ['residual, pre-norm, tanh', { residual: true, norm: 'pre', activation: 'tanh' }],
    ['residual, post-norm, tanh', { residual: true, norm: 'post', activation: 'tanh' }],
    ['residual, no norm, relu', { residual: true, norm: 'none', activation: 'relu', scale: 1.4 }],
    ['plain, no norm, tanh', { residual: false, norm: 'none', activation: 'tanh', scale: 0.8 }],
    ['plain, post-norm, relu', { residual: false, norm: 'post', activation: 'relu' }],
    ['plain, pre-norm, tanh', { residual: false, norm: 'pre', activation: 'tanh' }],
  ];
  it.each(cases)('matches the input and weight gradient norms and the loss (%s)', async (_name, over) => {
    const cfg = { ...base, ...over };
    const d = data(8, 5, 10);
    const got = await highwayGradients(cfg, d, { weightGradients: true });
    const ref = reference(cfg, d);
    expectRelClose(got.loss, ref.loss, 1e-5);
    expect(got.inputGrad).toHaveLength(cfg.depth);
    expect(got.weightGrad).toHaveLength(cfg.depth);
    got.inputGrad.forEach((g, l) => expectRelClose(g, ref.inputGrad[l], 1e-4));
    got.weightGrad.forEach((g, l) => expectRelClose(g, ref.weightGrad[l], 1e-4));
    expectRelClose(got.topRms, ref.rms[cfg.depth - 1], 1e-5);
    // without the weight gradients, the same input gradients
    const lean = await highwayGradients(cfg, d);
    expect(lean.weightGrad).toEqual([]);
    lean.inputGrad.forEach((g, l) => expectRelClose(g, got.inputGrad[l], 1e-6));
  });
});

describe('the default state (depth 50, width 32, σ = 1/√3, tanh)', () => {
  const cfg = { depth: 50, activation: 'tanh' as const, scale: 1 / Math.sqrt(3) };
  it('vanishes without a residual: layer 1 gets less than 1e-8 of the last layer\'s gradient', async () => {
    const r = await highwayGradients({ ...cfg, residual: false, norm: 'none' }, data(32));
    const ratio = r.inputGrad[0] / r.inputGrad[49];
    expect(ratio).toBeLessThan(1e-8);
    expect(gradientRegime(r.inputGrad[0], r.inputGrad[49])).toBe('vanishing');
  });

  it('keeps the first/last ratio within 100× with the residual highway and pre-norm', async () => {
    const r = await highwayGradients({ ...cfg, residual: true, norm: 'pre' }, data(32));
    const ratio = r.inputGrad[0] / r.inputGrad[49];
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(100);
    expect(gradientRegime(r.inputGrad[0], r.inputGrad[49])).toBe('healthy');
  });
});

describe('the first / last ratios components/README.md quotes (seed 42, width 32, batch 16, σ = 1/√3)', () => {
  const d = data(32);
  it.each([
    ['tanh', 50, false, 'none', 6.4e-13],
    ['tanh', 50, true, 'none', 11.5],
    ['tanh', 50, true, 'pre', 3.35],
    ['tanh', 50, true, 'post', 1.45],
    ['tanh', 50, false, 'pre', 1.54],
    ['tanh', 50, false, 'post', 7.48],
    ['relu', 50, false, 'none', 1.5e-20],
    ['relu', 50, false, 'pre', 8.6e3],
    ['relu', 50, false, 'post', 1.9e4],
    ['relu', 50, true, 'none', 6.2e4],
    ['relu', 50, true, 'pre', 3.99],
    ['relu', 50, true, 'post', 2.52],
    ['tanh', 100, false, 'none', 2.1e-25],
    ['tanh', 100, true, 'pre', 4.43],
  ] as const)('%s, depth %i, residual %s, norm %s: %s', async (activation, depth, residual, norm, quoted) => {
    const r = await highwayGradients({ depth, residual, norm, activation, scale: 1 / Math.sqrt(3) }, d);
    expectRelClose(r.inputGrad[0] / r.inputGrad[depth - 1], quoted, 0.02);
  });
});

describe('cost', () => {
  // The time of a pass is per-kernel overhead (the tensors are 16 × 32), so the kernel count is the budget.
  it.each([
    ['pre', 4000],
    ['post', 4000],
    ['none', 2200],
  ] as const)('runs 100 residual layers with norm %s in fewer than %i kernels, forward and backward', async (norm, budget) => {
    const d = data(32);
    const cfg: HighwayConfig = { depth: 100, residual: true, norm, activation: 'tanh', scale: 0.5 };
    const info = await tf.profile(async () => {
      await highwayGradients(cfg, d);
    });
    expect(info.kernels.length).toBeLessThan(budget);
  });

  it('leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    await highwayGradients({ ...base, depth: 20 }, data(8), { weightGradients: true });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('makeHighwayData', () => {
  it('keeps layer ℓ\'s weights when more layers are drawn, and is seeded', () => {
    const a = data(8, 4, 10);
    const b = data(8, 4, 20);
    expect(Array.from(b.normals.subarray(0, 640))).toEqual(Array.from(a.normals));
    expect(Array.from(data(8, 4, 10, 43).x)).not.toEqual(Array.from(a.x));
  });

  it.each([
    [3, 16, /width must be a whole number from 4 to 64/],
    [16, 0, /batch must be/],
  ])('rejects width %i, batch %i', (w, b, message) => {
    expect(() => data(w, b)).toThrow(message);
  });

  it('rejects a depth beyond the drawn layers', async () => {
    await expect(highwayGradients({ ...base, depth: 11 }, data(8, 4, 10))).rejects.toThrow(/depth must be a whole number from 1 to 10/);
  });
});

describe('gradientRegime', () => {
  it.each([
    [1e-5, 1, 'vanishing'],
    [0.5, 1, 'healthy'],
    [300, 1, 'exploding'],
    [0, 0, 'zero'],
    [Infinity, 1, 'exploding'],
  ] as const)('calls first = %s, last = %s %s', (first, last, regime) => {
    expect(gradientRegime(first, last)).toBe(regime);
  });
});
