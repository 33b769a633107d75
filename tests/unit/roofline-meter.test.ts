import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  attainable, batchSizes, decodeFloor, H100, intensity, measureProduct, median, productBytes, productFlops, ridgePoint, sweep,
} from '../../components/models/roofline-meter';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('decode floor', () => {
  it('gives 46.7 ms and 21.4 tokens/s for 70 B bf16 parameters (140 GB) at 3 TB/s', () => {
    const f = decodeFloor(70e9, 2, 3e12);
    expect(f.weightBytes).toBe(140e9);
    expect(f.msPerToken).toBeCloseTo(46.6667, 3);
    expect(f.tokensPerSecond).toBeCloseTo(21.4286, 3);
  });

  it.each([
    { params: 70e9, bytes: 1, bw: 3e12, ms: 70e9 / 3e12 * 1000 },
    { params: 8e9, bytes: 2, bw: 3.35e12, ms: 16e9 / 3.35e12 * 1000 },
    { params: 70e9, bytes: 0.5, bw: 3e12, ms: 35e9 / 3e12 * 1000 },
  ])('halves with the bytes per weight: $params params × $bytes B at $bw B/s', ({ params, bytes, bw, ms }) => {
    const f = decodeFloor(params, bytes, bw);
    expect(f.msPerToken).toBeCloseTo(ms, 9);
    expect(f.tokensPerSecond * f.msPerToken).toBeCloseTo(1000, 9);
  });
});

describe('roofline', () => {
  it('puts the H100 ridge at 989e12 / 3.35e12 ≈ 295 FLOP/byte', () => {
    const r = ridgePoint(H100.peakFlops, H100.bandwidth);
    expect(r).toBeCloseTo(295.22, 2);
    expect(attainable(r, H100.peakFlops, H100.bandwidth)).toBeCloseTo(H100.peakFlops, -3);
  });

  it.each([
    // hand computation: FLOPs = 2·d²·B, bytes = 4·(d² + 2dB)
    { d: 1024, b: 1, flops: 2 * 1048576, bytes: 4 * (1048576 + 2048) },
    { d: 1024, b: 256, flops: 2 * 1048576 * 256, bytes: 4 * (1048576 + 524288) },
    { d: 4, b: 2, flops: 64, bytes: 4 * (16 + 16) },
  ])('counts FLOPs and bytes of a $d × $d by $d × $b product by hand', ({ d, b, flops, bytes }) => {
    expect(productFlops(d, b)).toBe(flops);
    expect(productBytes(d, b)).toBe(bytes);
    expect(intensity(d, b)).toBeCloseTo(flops / bytes, 12);
  });

  it('gives batch 1 about ½ FLOP/byte in float32 and 1 in bf16, rising about linearly with the batch while B ≪ d', () => {
    expect(intensity(4096, 1)).toBeCloseTo(0.5, 3);
    expect(intensity(4096, 1, 2)).toBeCloseTo(1, 3);
    for (const b of batchSizes(64)) expect(intensity(8192, b) / b).toBeCloseTo(0.5, 1);
    const xs = batchSizes(256).map((b) => intensity(1024, b));
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
  });

  it('is the bandwidth slope below the ridge and the flat peak above it', () => {
    expect(attainable(0.5, H100.peakFlops, H100.bandwidth)).toBeCloseTo(1.675e12, -6);
    expect(attainable(1000, H100.peakFlops, H100.bandwidth)).toBe(H100.peakFlops);
  });

  it('lists batch sizes 1 … 256 and takes medians', () => {
    expect(batchSizes(256)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('measuring', () => {
  it('times real products, reports FLOP/s = flops / time and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const m = await measureProduct(64, 4, { repeats: 3 });
    expect(m.flops).toBe(2 * 64 * 64 * 4);
    expect(m.seconds).toBeGreaterThan(0);
    expect(m.achieved).toBeCloseTo(m.flops / m.seconds, 6);
    expect(m.intensity).toBeCloseTo(intensity(64, 4), 12);
    const s = await sweep(64, [1, 2, 4], { repeats: 2 });
    expect(s.points.map((p) => p.batch)).toEqual([1, 2, 4]);
    expect(s.stopped).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops before a size whose one product would block the page too long', async () => {
    const s = await sweep(128, [1, 2, 4, 8], { repeats: 1, maxBlockMs: 1e-6 });
    expect(s.points.map((p) => p.batch)).toEqual([1]);
    expect(s.stopped?.batch).toBe(2);
  });
});
