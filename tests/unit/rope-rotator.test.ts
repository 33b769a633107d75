import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  dot, pairAngle, ropeFrequencies, ropeScoreTensor, ropeView, rotate, rotateReference, scoreAtDistance, scoreReference, seenAngles,
} from '../../components/models/rope-rotator';
import { dotAtDistance } from '../../components/models/positional-encoding';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vector = (seed: number, d: number) => {
  const rng = createRng(seed, 'rope-test');
  return Array.from({ length: d }, () => rng.normal());
};

describe('rotateReference (float64)', () => {
  it('turns pair i by m·θ_i with θ_i = base^(−2i/d)', () => {
    expect(ropeFrequencies(8)).toEqual([1, 10000 ** -0.25, 10000 ** -0.5, 10000 ** -0.75]);
    // (1, 0) in pair 0 at position m becomes (cos m, sin m); pair 1 turns by m·0.1
    const r = rotateReference([1, 0, 0, 1], 2, 100);
    expect(r[0]).toBeCloseTo(Math.cos(2), 14);
    expect(r[1]).toBeCloseTo(Math.sin(2), 14);
    expect(r[2]).toBeCloseTo(-Math.sin(0.2), 14);
    expect(r[3]).toBeCloseTo(Math.cos(0.2), 14);
  });

  it.each([[2], [8], [64]])('keeps the length of every vector (d = %i)', (d) => {
    const q = vector(d, d);
    for (const m of [0, 1, 7, 100, 5000]) expect(Math.hypot(...rotateReference(q, m))).toBeCloseTo(Math.hypot(...q), 12);
  });

  it.each([
    [3, 1, 5],
    [0, 9, 20],
    [40, 2, 100],
    [7, 7, 3],
  ])('score(m=%i, n=%i) = score(m + s, n + s) for s up to %i, and equals the distance-only form', (m, n, shift) => {
    const q = vector(1, 16);
    const k = vector(2, 16);
    const s0 = scoreReference(q, k, m, n);
    expect(s0).toBeCloseTo(scoreAtDistance(q, k, m - n), 12);
    for (let s = 1; s <= shift; s += 3) expect(scoreReference(q, k, m + s, n + s)).toBeCloseTo(s0, 12);
  });

  it('is q·k at equal positions, and q·R(n − m)k in general', () => {
    const q = vector(3, 8);
    const k = vector(4, 8);
    expect(scoreReference(q, k, 11, 11)).toBeCloseTo(dot(q, k), 12);
    expect(scoreReference(q, k, 4, 9)).toBeCloseTo(dot(q, rotateReference(k, 5)), 12);
  });
});

describe('rotate and ropeScoreTensor (TensorFlow.js)', () => {
  it('match the float64 reference row by row', async () => {
    const x = [vector(5, 8), vector(6, 8), vector(7, 8)];
    const positions = [0, 3, 17];
    const out = (await tf.tidy(() => rotate(tf.tensor2d(x), positions)).array()) as number[][];
    out.forEach((row, r) => row.forEach((v, j) => expect(v).toBeCloseTo(rotateReference(x[r]!, positions[r]!)[j]!, 5)));
  });

  it('give a score matrix constant along every diagonal to 1e-6 of the float64 value', async () => {
    const q = vector(8, 16).map((v) => v * 0.5);
    const k = vector(9, 16).map((v) => v * 0.5);
    const P = 24;
    const S = (await tf.tidy(() => ropeScoreTensor(q, k, P)).array()) as number[][];
    for (let m = 0; m < P; m++) {
      for (let n = 0; n < P; n++) {
        const exact = scoreAtDistance(q, k, m - n);
        expect(Math.abs(S[m]![n]! - exact)).toBeLessThan(1e-5 * Math.max(1, Math.abs(exact)));
        if (m + 5 < P && n + 5 < P) expect(Math.abs(S[m]![n]! - S[m + 5]![n + 5]!)).toBeLessThan(1e-5);
      }
    }
    // …and in float64 the shift invariance holds to 1e-6 at any shift
    for (const [m, n] of [[2, 9], [15, 1]]) expect(Math.abs(scoreReference(q, k, m!, n!) - scoreReference(q, k, m! + 1000, n! + 1000))).toBeLessThan(1e-6);
  });

  it('ropeView: rotated norms equal the originals; the sinusoidal dot product is Σ cos(ωᵢ(m − n))', async () => {
    const q = vector(10, 16);
    const k = vector(11, 16);
    const before = tf.memory().numTensors;
    const v = await ropeView(q, k, 20);
    expect(tf.memory().numTensors).toBe(before);
    for (const x of v.qNorms) expect(x).toBeCloseTo(Math.hypot(...q), 4);
    for (const x of v.kNorms) expect(x).toBeCloseTo(Math.hypot(...k), 4);
    for (let m = 0; m < 20; m++) for (let n = 0; n < 20; n++) expect(v.sinusoidal[m]![n]!).toBeCloseTo(dotAtDistance(m - n, 16), 3);
    // depends only on the distance: the same value down each diagonal
    for (let d = -5; d <= 5; d++) {
      const diag = Array.from({ length: 10 }, (_, i) => v.sinusoidal[i + 5]![i + 5 - d]!);
      for (const x of diag) expect(x).toBeCloseTo(diag[0]!, 3);
    }
  });

  it('refuses odd dimensions and mismatched vectors with readable messages', () => {
    expect(() => ropeScoreTensor([1, 2, 3], [1, 2, 3], 4)).toThrow(/dims must be an even whole number/);
    expect(() => ropeScoreTensor([1, 2], [1, 2, 3, 4], 4)).toThrow(/same length/);
  });
});

describe('what training covered', () => {
  it('a fast pair has seen every angle; a slow pair only a narrow sector', () => {
    // d = 16, base 10000: θ_0 = 1 rad per step, θ_3 ≈ 0.032; 16 trained positions → distances up to 15
    expect(seenAngles(16, 0, 16, 40).all).toBe(true);
    const slow = seenAngles(16, 3, 16, 40);
    expect(slow.halfWidth).toBeCloseTo(15 * 10000 ** (-6 / 16), 12);
    expect(slow.all).toBe(false);
    expect(slow.seen).toBe(false);
    expect(seenAngles(16, 3, 16, 15).seen).toBe(true);
  });

  it('pairAngle is the difference of the two rotated angles, wrapped', () => {
    const q = [1, 0];
    const k = [0, 1]; // k starts 90° ahead
    expect(pairAngle(q, k, 0, 0, 0, 10000)).toBeCloseTo(-Math.PI / 2, 12);
    expect(pairAngle(q, k, 0, 3, 1, 10000)).toBeCloseTo(2 - Math.PI / 2, 12);
    expect(Math.abs(pairAngle(q, k, 0, 10, 0, 10000))).toBeLessThanOrEqual(Math.PI);
  });
});
