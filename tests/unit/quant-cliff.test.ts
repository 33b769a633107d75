import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  bitsPerWeight, DEFAULT_QUANT_CONFIG, fakeQuantize, modelBytes, QuantLab, quantParams, type Scheme,
} from '../../components/models/quant-cliff';
import { RECORDED_QUANT } from '../../components/models/quant-cliff-recorded';
import { NAMES_EN } from '../../components/data/names';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain float64 quantiser: per group of g consecutive values; returns the dequantised values and each value's scale. */
function reference(w: Float64Array, bits: number, scheme: Scheme, group: number | null): { out: Float64Array; scale: Float64Array } {
  const g = group ?? w.length;
  const out = new Float64Array(w.length);
  const scale = new Float64Array(w.length);
  for (let start = 0; start < w.length; start += g) {
    const end = Math.min(w.length, start + g);
    let min = 0;
    let max = 0;
    for (let i = start; i < end; i++) { min = Math.min(min, w[i]!); max = Math.max(max, w[i]!); }
    let s: number;
    let z = 0;
    let qmin: number;
    let qmax: number;
    if (scheme === 'affine') {
      s = (max - min) / (2 ** bits - 1);
      z = Math.round(-min / s);
      qmin = 0;
      qmax = 2 ** bits - 1;
    } else {
      s = Math.max(-min, max) / (2 ** (bits - 1) - 1);
      qmax = 2 ** (bits - 1) - 1;
      qmin = -qmax;
    }
    for (let i = start; i < end; i++) {
      const q = Math.min(qmax, Math.max(qmin, Math.round(w[i]! / s) + z));
      out[i] = s * (q - z);
      scale[i] = s;
    }
  }
  return { out, scale };
}

/** Seeded weights with one large outlier, as trained layers have. */
function weights(n: number, seed: number): Float64Array {
  const rng = createRng(seed, 'w');
  const w = Float64Array.from({ length: n }, () => Math.fround(rng.normal() * 0.5));
  w[Math.floor(n / 3)] = Math.fround(4.1);
  return w;
}

describe('quantParams', () => {
  it('gives the book\'s range −3.2 … 4.1 over 256 levels (affine) the scale 7.3/255 = 0.02863', () => {
    const { scale, zero } = quantParams(-3.2, 4.1, 8, 'affine');
    expect(scale).toBeCloseTo(7.3 / 255, 12);
    expect(scale.toFixed(5)).toBe('0.02863');
    expect(zero).toBe(112); // round(3.2 / 0.02863)
    // the ends of the range map within s/2 of the first and last levels
    expect(Math.abs(scale * (0 - zero) - -3.2)).toBeLessThanOrEqual(scale / 2);
    expect(Math.abs(scale * (255 - zero) - 4.1)).toBeLessThanOrEqual(scale / 2);
  });

  it.each([[8, 127], [4, 7], [2, 1]])('gives symmetric %i-bit quantisation the scale max|w| / %i', (bits, levels) => {
    expect(quantParams(-3.2, 4.1, bits, 'symmetric').scale).toBeCloseTo(4.1 / levels, 12);
  });
});

const CASES = [8, 6, 4, 3, 2].flatMap((bits) =>
  (['affine', 'symmetric'] as const).flatMap((scheme) => [null, 32, 64, 128, 50].map((group) => ({ bits, scheme, group }))));

describe('fakeQuantize', () => {
  it.each(CASES)('equals the plain reference and stays within s/2 of every weight ($bits bits, $scheme, group $group)', ({ bits, scheme, group }) => {
    const w = weights(640, bits * 7 + (group ?? 1));
    const ref = reference(w, bits, scheme, group);
    const got = tf.tidy(() => fakeQuantize(tf.tensor2d(Float32Array.from(w), [20, 32]), bits, scheme, group).dataSync());
    for (let i = 0; i < w.length; i++) {
      expect(Math.abs(got[i]! - ref.out[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(ref.out[i]!)));
      expect(Math.abs(got[i]! - w[i]!)).toBeLessThanOrEqual(ref.scale[i]! / 2 + 1e-6);
    }
  });

  it.each([2, 3, 4, 8])('uses at most 2^b levels per group (%i bits, per group of 64)', (bits) => {
    const w = weights(640, 3);
    const got = tf.tidy(() => fakeQuantize(tf.tensor1d(Float32Array.from(w)), bits, 'affine', 64).dataSync());
    for (let start = 0; start < 640; start += 64) expect(new Set(got.subarray(start, start + 64)).size).toBeLessThanOrEqual(2 ** bits);
  });

  it('keeps a smaller error per group than per tensor when one outlier sets the per-tensor scale', () => {
    const w = weights(640, 5);
    const err = (group: number | null) => {
      const got = tf.tidy(() => fakeQuantize(tf.tensor1d(Float32Array.from(w)), 3, 'affine', group).dataSync());
      return w.reduce((s, x, i) => s + (x - got[i]!) ** 2, 0);
    };
    expect(err(32)).toBeLessThan(err(null) / 2);
  });

  it('rejects bit widths outside 2 … 16 and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    expect(() => fakeQuantize(x, 1, 'affine', null)).toThrow(/bits/);
    fakeQuantize(x, 4, 'symmetric', 2).dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('QuantLab (a small trained MLP on the names)', () => {
  it('keeps the 8-bit held-out loss within 0.01 of float32 and loses more at 2 bits, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const lab = new QuantLab(NAMES_EN, { context: 3, embedding: 6, hidden: 24, steps: 300, batchSize: 32, learningRate: 0.2, seed: 1 });
    lab.train(300);
    expect(lab.trained).toBe(true);
    const fp32 = lab.loss(null);
    expect(fp32).toBeLessThan(Math.log(27));
    for (const scheme of ['affine', 'symmetric'] as const) {
      expect(Math.abs(lab.loss(8, scheme, null) - fp32)).toBeLessThan(0.01);
      expect(Math.abs(lab.loss(8, scheme, 32) - fp32)).toBeLessThan(0.01);
      expect(lab.loss(2, scheme, null)).toBeGreaterThan(fp32 + 0.05);
    }
    const curve = lab.curve('affine', 32, [8, 4, 2]);
    expect(curve.map((p) => p.bits)).toEqual([8, 4, 2]);
    expect(lab.counts).toEqual({
      weights: 27 * 6 + 18 * 24 + 24 * 27, biases: 24 + 27, total: 27 * 6 + 18 * 24 + 24 * 27 + 51, sizes: [27 * 6, 18 * 24, 24 * 27],
    });
    lab.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the recorded default', () => {
  it('has the default model\'s parameter counts and a curve that climbs from 8 to 2 bits', () => {
    const lab = new QuantLab(NAMES_EN, DEFAULT_QUANT_CONFIG);
    expect(lab.counts).toMatchObject(RECORDED_QUANT.counts);
    lab.dispose();
    for (const scheme of ['affine', 'symmetric'] as const) {
      const t = RECORDED_QUANT.curves[scheme].perTensor;
      expect(Math.abs(t[0]! - RECORDED_QUANT.fp32)).toBeLessThan(0.005);
      expect(t[6]!).toBeGreaterThan(t[4]! + 0.2);
    }
  });
});

describe('memory', () => {
  it.each([[8, 4], [4, 8], [2, 16]])('shrinks float32 weights %i-bit by %i× (no scales, no biases)', (bits, factor) => {
    const counts = { weights: 1_000_000, biases: 0 };
    expect(modelBytes(32, counts) / modelBytes(bits, counts)).toBe(factor);
    // from bf16, 4-bit saves at most 4×
    if (bits === 4) expect(modelBytes(16, counts) / modelBytes(4, counts)).toBe(4);
  });

  it('adds the group scales to the bits per weight: 4-bit symmetric per 64 is 4.25, affine 4.3125', () => {
    expect(bitsPerWeight(4, 'symmetric', 64, [6400])).toBe(4.25);
    expect(bitsPerWeight(4, 'affine', 64, [6400])).toBe(4 + 20 / 64);
    expect(bitsPerWeight(8, 'affine', null, [1000])).toBeCloseTo(8 + 24 / 1000, 12);
    // groups never straddle tensors: 270, 1920 and 1728 weights per 32 are 9 + 60 + 54 = 123 groups
    expect(bitsPerWeight(4, 'affine', 32, [270, 1920, 1728])).toBeCloseTo(4 + (123 * 20) / 3918, 12);
    expect(bitsPerWeight(4, 'symmetric', null, [270, 1920, 1728])).toBeCloseTo(4 + (3 * 16) / 3918, 12);
  });
});
