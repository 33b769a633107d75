import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  adaptedOutput, baseOutput, buildTarget, DEFAULT_LORA, energyShare, frobenius2, fullParams, LoraFit, loraParams,
  orthonormal, singularValues, strengths, symmetricEigenvalues, truncationError, type Matrix,
} from '../../components/models/lora-rank';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Independent reference: the sum of the r largest eigenvalues of the Gram
 * matrix MᵀM by block subspace iteration (multiply, re-orthonormalise by
 * modified Gram–Schmidt), Ky Fan: Σ_{i≤r} σᵢ² = max trace(QᵀMᵀMQ) over
 * orthonormal Q with r columns. Plain-JS float64, no Jacobi.
 */
function topEnergy(m: Matrix, r: number, iterations = 3000): number {
  const { rows, cols, data } = m;
  const gram = (v: number[]) => {
    const mv = new Array<number>(rows).fill(0);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mv[i]! += data[i * cols + j]! * v[j]!;
    const out = new Array<number>(cols).fill(0);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j]! += data[i * cols + j]! * mv[i]!;
    return out;
  };
  const rng = createRng(99, 'subspace');
  let Q = Array.from({ length: r }, () => Array.from({ length: cols }, () => rng.normal()));
  const orth = (vs: number[][]) => {
    const out: number[][] = [];
    for (let v of vs) {
      for (const u of out) {
        const p = u.reduce((s, ui, i) => s + ui * v[i]!, 0);
        v = v.map((x, i) => x - p * u[i]!);
      }
      const n = Math.hypot(...v);
      out.push(v.map((x) => x / n));
    }
    return out;
  };
  Q = orth(Q);
  for (let it = 0; it < iterations; it++) Q = orth(Q.map(gram));
  return Q.reduce((s, q) => s + gram(q).reduce((t, g, i) => t + g * q[i]!, 0), 0);
}

const target = (seed = 42, over: Partial<typeof DEFAULT_LORA> = {}) => buildTarget({ ...DEFAULT_LORA, ...over }, createRng(seed, 'target'));

describe('singularValues (Jacobi on the Gram matrix)', () => {
  it.each([[6, 4], [4, 6], [10, 10]])('returns the chosen singular values of U·diag(s)·Vᵀ (%i × %i)', (d, k) => {
    const rng = createRng(3, 'exact');
    const s = [5, 2.5, 1, 0.25].slice(0, Math.min(d, k));
    const U = orthonormal(d, s.length, rng);
    const V = orthonormal(k, s.length, rng);
    const data = new Float64Array(d * k);
    for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) data[i * k + j] = s.reduce((t, sq, q) => t + sq * U[q]![i]! * V[q]![j]!, 0);
    const sigma = singularValues({ rows: d, cols: k, data });
    expect(sigma).toHaveLength(Math.min(d, k));
    s.forEach((v, i) => expect(sigma[i]).toBeCloseTo(v, 10));
    sigma.slice(s.length).forEach((v) => expect(v).toBeLessThan(1e-6));
  });

  it('agrees with a plain eigenvalue hand computation on a 2 × 2 symmetric matrix', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 and 1.
    const ev = symmetricEigenvalues([[2, 1], [1, 2]]);
    expect(ev[0]).toBeCloseTo(3, 12);
    expect(ev[1]).toBeCloseTo(1, 12);
  });

  it.each([42, 7])('keeps the Frobenius norm: Σ σᵢ² = ‖ΔW‖²_F, and matches subspace iteration on the top energies (seed %i)', (seed) => {
    const m = target(seed);
    const sigma = singularValues(m);
    expect(sigma.reduce((s, v) => s + v * v, 0) / frobenius2(m)).toBeCloseTo(1, 10);
    for (let i = 1; i < sigma.length; i++) expect(sigma[i]!).toBeLessThanOrEqual(sigma[i - 1]! + 1e-12);
    for (const r of [1, 4]) expect(sigma.slice(0, r).reduce((s, v) => s + v * v, 0) / topEnergy(m, r)).toBeCloseTo(1, 6);
  });

  it('sees the strong directions above the noise in the default target', () => {
    const sigma = singularValues(target());
    const s = strengths(DEFAULT_LORA);
    s.forEach((v, i) => expect(Math.abs(sigma[i]! - v) / v).toBeLessThan(0.05));
    expect(sigma[DEFAULT_LORA.directions]!).toBeLessThan(0.2 * sigma[DEFAULT_LORA.directions - 1]!);
  });
});

describe('LoraFit (Adam on B·A)', () => {
  it('leaves the adapted layer\'s outputs exactly equal to the base layer\'s before training (B = 0)', () => {
    const m = target();
    const fit = new LoraFit(m, 4, createRng(42, 'init'));
    const rng = createRng(1, 'base');
    const W0 = tf.tensor2d(Array.from({ length: m.rows * m.cols }, () => rng.normal()), [m.rows, m.cols]);
    const x = tf.tensor2d(Array.from({ length: 5 * m.cols }, () => rng.normal()), [5, m.cols]);
    const adapted = adaptedOutput(W0, fit.B, fit.A, x);
    const base = baseOutput(W0, x);
    expect(Array.from(adapted.dataSync())).toEqual(Array.from(base.dataSync()));
    expect(Array.from(fit.product()).every((v) => v === 0)).toBe(true);
    expect(fit.A.dataSync().some((v) => v !== 0)).toBe(true);
    expect(fit.error()).toBe(1);
    expect(fit.history).toEqual([{ step: 0, error: 1 }]);
    [W0, x, adapted, base].forEach((t) => t.dispose());
    fit.dispose();
  });

  it('has B d × r and A r × k, so B·A is d × k', () => {
    const fit = new LoraFit(target(42, { d: 20, k: 12 }), 3, createRng(42, 'init'));
    expect(fit.B.shape).toEqual([20, 3]);
    expect(fit.A.shape).toEqual([3, 12]);
    expect(fit.product()).toHaveLength(240);
    fit.dispose();
  });

  it.each([1, 2, 4, 8])('reaches the Eckart–Young floor (the SVD truncated at rank %i) within 5e-4', async (r) => {
    const m = target();
    const floor = Math.sqrt((frobenius2(m) - topEnergy(m, r)) / frobenius2(m));
    const fit = new LoraFit(m, r, createRng(42, 'init'));
    await fit.advance(800);
    const e = fit.error();
    expect(e).toBeGreaterThanOrEqual(floor - 1e-4); // nothing of rank r beats the SVD
    expect(e - floor).toBeLessThan(5e-4);
    expect(Math.abs(e - truncationError(singularValues(m), r))).toBeLessThan(5e-4);
    expect(fit.history).toHaveLength(801);
    expect(fit.history.at(-1)!.error).toBeCloseTo(e, 4);
    fit.dispose();
  }, 60_000);

  it('computes the error it records from ΔW − B·A (checked in plain JS)', async () => {
    const m = target(5, { d: 16, k: 10 });
    const fit = new LoraFit(m, 2, createRng(5, 'init'));
    await fit.advance(30);
    const p = fit.product();
    let num = 0;
    m.data.forEach((v, i) => (num += (v - p[i]!) ** 2));
    expect(fit.error()).toBeCloseTo(Math.sqrt(num / frobenius2(m)), 5);
    fit.dispose();
  });

  it('frees every tensor it makes', async () => {
    const before = tf.memory().numTensors;
    const fit = new LoraFit(target(), 4, createRng(42, 'init'));
    await fit.advance(3);
    const during = tf.memory().numTensors;
    await fit.advance(5);
    fit.error();
    fit.product();
    expect(tf.memory().numTensors).toBe(during);
    fit.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('parameter counts', () => {
  it.each([
    { d: 4096, k: 4096, r: 16, lora: 131_072, full: 16_777_216, ratio: 128 },
    { d: 64, k: 48, r: 4, lora: 448, full: 3072, ratio: 3072 / 448 },
    { d: 12_288, k: 12_288, r: 4, lora: 98_304, full: 150_994_944, ratio: 1536 },
  ])('counts r·(d + k) = $lora against d·k = $full when d = $d, k = $k, r = $r', ({ d, k, r, lora, full, ratio }) => {
    expect(loraParams(d, k, r)).toBe(lora);
    expect(fullParams(d, k)).toBe(full);
    expect(fullParams(d, k) / loraParams(d, k, r)).toBeCloseTo(ratio, 10);
  });

  it('equals the sizes of the real B and A tensors', () => {
    const fit = new LoraFit(target(42, { d: 30, k: 18 }), 5, createRng(1, 'init'));
    expect(fit.B.size + fit.A.size).toBe(loraParams(30, 18, 5));
    fit.dispose();
  });
});

describe('truncationError', () => {
  it.each([[0, 1], [1, Math.sqrt(5 / 30)], [2, Math.sqrt(1 / 30)], [3, 0]])('is √(Σ_{i>r} σᵢ² / Σ σᵢ²) for σ = (5, 2, 1) at r = %i', (r, expected) => {
    expect(truncationError([5, 2, 1], r)).toBeCloseTo(expected, 12);
    expect(energyShare([5, 2, 1], r)).toBeCloseTo(1 - expected ** 2, 12);
  });
});
