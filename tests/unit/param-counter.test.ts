import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { countParams, countTfjsParams, DenseStack } from '../../components/models/param-counter';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('countParams', () => {
  it('counts the digit network 784-16-16-10 as 12,960 weights, 42 biases, 13,002 parameters', () => {
    const c = countParams([784, 16, 16, 10]);
    expect(c.layers.map((l) => l.weights)).toEqual([12544, 256, 160]);
    expect(c.layers.map((l) => l.biases)).toEqual([16, 16, 10]);
    expect(c.weights).toBe(12960);
    expect(c.biases).toBe(42);
    expect(c.total).toBe(13002);
  });

  it.each([
    [[2, 1], 2, 1],
    [[3, 4, 2], 20, 6],
    [[784, 10], 7840, 10],
    [[10000, 1], 10000, 1],
    [[1, 1, 1, 1, 1], 4, 4],
  ])('counts %j as %i weights and %i biases', (widths, weights, biases) => {
    const c = countParams(widths);
    expect([c.weights, c.biases, c.total]).toEqual([weights, biases, weights + biases]);
  });

  it.each([[[784]], [[]], [[784, 0, 10]], [[784, 1.5, 10]], [[-3, 4]]])('rejects %j', (widths) => {
    expect(() => countParams(widths)).toThrow(/layers/);
  });
});

describe('countTfjsParams', () => {
  it.each([[[784, 16, 16, 10]], [[3, 4, 2]], [[5, 1]], [[100, 50, 25, 12, 6, 3]]])(
    'equals the arithmetic count for %j, summed from real tfjs tensors',
    (widths) => {
      const fromTensors = countTfjsParams(widths);
      const c = countParams(widths);
      expect(fromTensors).toEqual({ weights: c.weights, biases: c.biases, total: c.total });
    },
  );

  it('frees every tensor it builds', () => {
    const before = tf.memory().numTensors;
    countTfjsParams([784, 16, 16, 10]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('DenseStack', () => {
  it('holds W[i] as [nIn, nOut] and b[i] as [nOut]', () => {
    const s = new DenseStack([784, 16, 16, 10]);
    expect(s.weights.map((w) => w.shape)).toEqual([[784, 16], [16, 16], [16, 10]]);
    expect(s.biases.map((b) => b.shape)).toEqual([[16], [16], [10]]);
    s.dispose();
  });

  it('maps a batch of images to one row of 10 outputs each (all 0.5 with zero weights)', () => {
    const s = new DenseStack([784, 16, 16, 10]);
    const x = tf.ones([3, 784]) as tf.Tensor2D;
    const y = s.forward(x);
    expect(y.shape).toEqual([3, 10]);
    expect(Array.from(y.dataSync()).every((v) => v === 0.5)).toBe(true);
    tf.dispose([x, y]);
    s.dispose();
  });
});
