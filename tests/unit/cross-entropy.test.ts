import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  LECTURE_POINTS,
  lossAt,
  lossCurve,
  meanCrossEntropy,
  perplexity,
  uniformLoss,
} from '../../components/models/cross-entropy';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('lossAt', () => {
  it.each([
    // p, −ln p as printed on the slides (two decimals), hand-computed
    [0.95, 0.05],
    [0.5, 0.69],
    [0.1, 2.3],
    [0.01, 4.61],
  ])('gives −ln(%s) ≈ %s', async (p, expected) => {
    const [loss] = await lossAt([p]);
    expect(loss).toBeCloseTo(expected, 2);
  });

  it('matches Math.log on the lecture points to float32 precision', async () => {
    const losses = await lossAt([...LECTURE_POINTS]);
    LECTURE_POINTS.forEach((p, i) => expect(losses[i]).toBeCloseTo(-Math.log(p), 5));
  });

  it('is 0 at p = 1 and finite (large) at p = 0', async () => {
    const [one, zero] = await lossAt([1, 0]);
    expect(one).toBeCloseTo(0, 7);
    expect(Number.isFinite(zero)).toBe(true);
    expect(zero).toBeGreaterThan(20);
  });

  it('gives bits with base 2: −log2(0.5) = 1, −log2(0.25) = 2', async () => {
    const losses = await lossAt([0.5, 0.25], '2');
    expect(losses[0]).toBeCloseTo(1, 6);
    expect(losses[1]).toBeCloseTo(2, 6);
  });

  it.each([-0.1, 1.5, NaN])('rejects probability %s', async (p) => {
    await expect(lossAt([p])).rejects.toThrow(/between 0 and 1/);
  });
});

describe('lossCurve', () => {
  it('decreases strictly as p grows and ends at (1, 0)', async () => {
    const pts = await lossCurve(50, 0.001);
    expect(pts).toHaveLength(50);
    expect(pts[0].p).toBeCloseTo(0.001, 9);
    expect(pts[49].p).toBe(1);
    expect(pts[49].loss).toBeCloseTo(0, 6);
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i].p).toBeGreaterThan(pts[i - 1].p);
      expect(pts[i].loss).toBeLessThan(pts[i - 1].loss);
    }
  });
});

describe('meanCrossEntropy', () => {
  it('averages −ln p(target) over a batch, against a plain-JS loop', async () => {
    const probs = [
      [0.95, 0.03, 0.02],
      [0.25, 0.5, 0.25],
      [0.01, 0.98, 0.01],
    ];
    const targets = [0, 1, 2];
    const expected = targets.reduce((s, t, i) => s - Math.log(probs[i][t]), 0) / targets.length;
    const loss = meanCrossEntropy(tf.tensor2d(probs), tf.tensor1d(targets, 'int32'));
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
    loss.dispose();
  });

  it('equals ln V for a uniform prediction: ln 27 ≈ 3.30, the untrained MLP\'s loss', async () => {
    const V = 27;
    const probs = tf.fill([4, V], 1 / V) as tf.Tensor2D;
    const loss = meanCrossEntropy(probs, tf.tensor1d([0, 5, 9, 26], 'int32'));
    expect((await loss.data())[0]).toBeCloseTo(uniformLoss(V), 5);
    expect(uniformLoss(V)).toBeCloseTo(3.2958, 4);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const probs = tf.tensor2d([[0.5, 0.5]]);
    const targets = tf.tensor1d([1], 'int32');
    meanCrossEntropy(probs, targets).dispose();
    probs.dispose();
    targets.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('perplexity', () => {
  it('is 1/p: p = 0.5 is like a coin flip between 2 choices', () => {
    expect(perplexity(0.5)).toBe(2);
    expect(perplexity(0.01)).toBeCloseTo(100, 9);
  });
});
