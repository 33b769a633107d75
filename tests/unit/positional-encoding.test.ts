import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  angularSpeeds, dotAtDistance, positionalEncoding, positionalEncodingTensor, similarityTo,
} from '../../components/models/positional-encoding';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS reference, written straight from the paper's two formulas. */
function peRef(pos: number, dim: number, d: number, base = 10000): number {
  const i = Math.floor(dim / 2);
  const angle = pos / base ** ((2 * i) / d);
  return dim % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
}

const dot = (u: readonly number[], v: readonly number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0);

describe('positionalEncoding', () => {
  it.each([
    [10, 4],
    [50, 16],
    [128, 64],
  ])('matches the plain-JS formulas for %i positions × %i dimensions', async (positions, dimensions) => {
    const pe = await positionalEncoding({ positions, dimensions });
    expect(pe.rows).toHaveLength(positions);
    pe.rows.forEach((row, p) => {
      expect(row).toHaveLength(dimensions);
      row.forEach((v, j) => expect(v).toBeCloseTo(peRef(p, j, dimensions), 4));
    });
  });

  it('starts at position 0 with sin 0 = 0 and cos 0 = 1 alternating', async () => {
    const pe = await positionalEncoding({ positions: 1, dimensions: 8 });
    expect(pe.rows[0]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('gives every row the length √(d/2), since each sin/cos pair has length 1', async () => {
    const pe = await positionalEncoding({ positions: 40, dimensions: 32 });
    for (const row of pe.rows) expect(Math.sqrt(dot(row, row))).toBeCloseTo(4, 4);
  });

  it('uses a different base when asked: base 100 turns faster', async () => {
    const pe = await positionalEncoding({ positions: 5, dimensions: 4, base: 100 });
    expect(pe.rows[3]![2]).toBeCloseTo(Math.sin(3 / 10), 5);
  });

  it.each([
    [{ positions: 0, dimensions: 8 }, /positions must be a whole number ≥ 1, got 0/],
    [{ positions: 4, dimensions: 7 }, /dimensions must be an even whole number ≥ 2.*got 7/],
    [{ positions: 4, dimensions: 8, base: 1 }, /base must be greater than 1/],
  ])('refuses %j with a readable message', (opts, message) => {
    expect(() => positionalEncodingTensor(opts)).toThrow(message);
  });
});

describe('dot products between positions', () => {
  it('depend only on the distance k: PE(p)·PE(p+k) is the same for every p', async () => {
    const d = 64;
    const pe = await positionalEncoding({ positions: 120, dimensions: d });
    for (const k of [0, 1, 2, 5, 17, 40]) {
      const expected = dotAtDistance(k, d);
      for (let p = 0; p + k < 120; p += 7) {
        expect(dot(pe.rows[p]!, pe.rows[p + k]!)).toBeCloseTo(expected, 3);
      }
    }
  });

  it('are largest at distance 0 (= d/2) and fall off, not quite monotonically, with distance', () => {
    const d = 64;
    expect(dotAtDistance(0, d)).toBeCloseTo(32, 10);
    for (let k = 1; k < 2000; k++) expect(dotAtDistance(k, d)).toBeLessThan(31);
    for (let k = 1; k <= 4; k++) expect(dotAtDistance(k, d)).toBeLessThan(dotAtDistance(k - 1, d));
    // the fast pairs make small bumps: distance 6 scores a little higher than distance 5
    expect(dotAtDistance(6, d)).toBeGreaterThan(dotAtDistance(5, d));
    expect(dotAtDistance(200, d)).toBeLessThan(dotAtDistance(20, d));
  });

  it('come out of similarityTo as one row of PE·PEᵀ, symmetric in the distance', async () => {
    const pe = positionalEncodingTensor({ positions: 60, dimensions: 32 });
    const sims = await similarityTo(pe, 30);
    for (let k = 0; k < 30; k++) {
      expect(sims[30 + k]).toBeCloseTo(dotAtDistance(k, 32), 3);
      expect(sims[30 - k]).toBeCloseTo(sims[30 + k]!, 3);
    }
    pe.dispose();
  });

  it('lists the angular speeds 1, 10000^(−2/d), … decreasing', () => {
    const w = angularSpeeds(8);
    expect(w).toHaveLength(4);
    expect(w[0]).toBe(1);
    expect(w[1]).toBeCloseTo(0.1, 12);
    expect(w[3]).toBeCloseTo(1e-3, 12);
  });
});
