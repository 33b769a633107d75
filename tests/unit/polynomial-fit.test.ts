import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { evenlySpaced, fitPolynomials, normalise } from '../../components/models/polynomial-fit';
import { NYC_CASES } from '../../components/data/nyc-spring-2020';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS least squares in float64: normal equations (XᵀX)c = Xᵀy on monomials 1, t, …, t^d. */
function normalEquationsFit(t: number[], y: number[], degree: number): (x: number) => number {
  const k = degree + 1;
  const A = Array.from({ length: k }, (_, r) => Array.from({ length: k + 1 }, () => 0));
  for (let n = 0; n < t.length; n++) {
    const powers = Array.from({ length: k }, (_, j) => t[n] ** j);
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) A[r][c] += powers[r] * powers[c];
      A[r][k] += powers[r] * y[n];
    }
  }
  // Gaussian elimination with partial pivoting on the augmented matrix.
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r][col]) > Math.abs(A[pivot][col])) pivot = r;
    [A[col], A[pivot]] = [A[pivot], A[col]];
    for (let r = col + 1; r < k; r++) {
      const f = A[r][col] / A[col][col];
      for (let c = col; c <= k; c++) A[r][c] -= f * A[col][c];
    }
  }
  const coef = Array.from({ length: k }, () => 0);
  for (let r = k - 1; r >= 0; r--) {
    let s = A[r][k];
    for (let c = r + 1; c < k; c++) s -= A[r][c] * coef[c];
    coef[r] = s / A[r][r];
  }
  return (x) => coef.reduce((acc, c, j) => acc + c * x ** j, 0);
}

const days = NYC_CASES.map((_, d) => d);
const T = days.map((d) => normalise(d, 0, days.length - 1));
const PEAK = Math.max(...NYC_CASES);
const Y = NYC_CASES.map((c) => c / PEAK); // the wave scaled to a peak of 1

describe('normalise', () => {
  it('maps the first day to −1, the last to +1 and the middle to 0', () => {
    expect([normalise(0, 0, 122), normalise(61, 0, 122), normalise(122, 0, 122)]).toEqual([-1, 0, 1]);
  });
});

describe('fitPolynomials', () => {
  it('matches a plain-JS normal-equations solve on the NYC wave at degrees 0 to 8', async () => {
    const fits = await fitPolynomials(T, Y, 8);
    for (let degree = 0; degree <= 8; degree++) {
      const reference = normalEquationsFit(T, Y, degree);
      T.forEach((t, n) => expect(Math.abs(fits.fitted[degree][n] - reference(t))).toBeLessThan(2e-4));
      const refRmse = Math.sqrt(T.reduce((a, t, n) => a + (reference(t) - Y[n]) ** 2, 0) / T.length);
      expect(fits.rmse[degree]).toBeCloseTo(refRmse, 4);
    }
  });

  it('never fits worse as the degree rises (each degree contains the one below)', async () => {
    const { rmse } = await fitPolynomials(T, Y, 15);
    for (let d = 1; d <= 15; d++) expect(rmse[d]).toBeLessThanOrEqual(rmse[d - 1] + 1e-5);
  });

  it('recovers a known cubic exactly, also between and beyond the points', async () => {
    const cubic = (t: number) => 0.5 - 2 * t + 0.25 * t * t + 3 * t ** 3;
    const ts = evenlySpaced(40, 40).map((j) => normalise(j, 0, 39));
    const at = [-1.2, 0.37, 1.5];
    const fits = await fitPolynomials(ts, ts.map(cubic), 5, at);
    for (const degree of [3, 4, 5]) {
      expect(fits.rmse[degree]).toBeLessThan(1e-5);
      at.forEach((t, j) => expect(fits.at[degree][j]).toBeCloseTo(cubic(t), 4));
    }
    expect(fits.rmse[2]).toBeGreaterThan(0.1); // a parabola cannot bend twice
  });

  it('evaluates at extra points exactly as at the data points', async () => {
    const idx = evenlySpaced(NYC_CASES.length, 20);
    const fits = await fitPolynomials(idx.map((d) => T[d]), idx.map((d) => Y[d]), 6, T);
    const reference = normalEquationsFit(idx.map((d) => T[d]), idx.map((d) => Y[d]), 6);
    T.forEach((t, n) => expect(Math.abs(fits.at[6][n] - reference(t))).toBeLessThan(2e-4));
  });

  it('passes through every point when degree = points − 1, and swings far beyond them', async () => {
    const idx = evenlySpaced(NYC_CASES.length, 12);
    const fits = await fitPolynomials(idx.map((d) => T[d]), idx.map((d) => Y[d]), 11, [normalise(132, 0, 122)]);
    expect(fits.rmse[11]).toBeLessThan(1e-3);
    // Ten days past the data the interpolant has left the range of the wave altogether.
    expect(Math.abs(fits.at[11][0])).toBeGreaterThan(1.5);
  });

  it.each([
    [[0, 1], [1], 1, /2 times but 1 values/],
    [[], [], 1, /no points/],
    [[0, 0.5], [1, 2], 2, /at least 3 distinct points/],
    [[0, 0.5], [1, 2], 2.5, /degree must be an integer/],
  ])('rejects bad input (%j, %j, degree %s)', async (t, y, degree, message) => {
    await expect(fitPolynomials(t as number[], y as number[], degree as number)).rejects.toThrow(message as RegExp);
  });
});

describe('evenlySpaced', () => {
  it.each([
    [123, 5, [0, 31, 61, 92, 122]],
    [5, 9, [0, 1, 2, 3, 4]],
    [10, 1, [0]],
  ])('picks %i → %i indices including both ends', (length, count, expected) => {
    expect(evenlySpaced(length, count)).toEqual(expected);
  });
});
