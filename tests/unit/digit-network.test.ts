import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDigitSet } from '../../components/models/digit-images';
import { DigitNetwork, PARAMETERS, initWeights, loss, type Activation, type DigitParams, type DigitWeights } from '../../components/models/digit-network';

/** Plain-JS float64 reference: mean cross-entropy of the 784-16-16-10 network. */
function refLoss(w: DigitWeights, x: Float32Array, y: Int32Array, a: Activation): number {
  const f = (z: number) => (a === 'relu' ? Math.max(0, z) : 1 / (1 + Math.exp(-z)));
  const layer = (inp: number[], W: Float32Array, b: Float32Array, nOut: number, apply: boolean) =>
    Array.from({ length: nOut }, (_, j) => {
      let z = b[j];
      for (let i = 0; i < inp.length; i++) z += inp[i] * W[i * nOut + j];
      return apply ? f(z) : z;
    });
  let total = 0;
  for (let n = 0; n < y.length; n++) {
    const h1 = layer(Array.from(x.subarray(n * 784, (n + 1) * 784)), w.w1, w.b1, 16, true);
    const h2 = layer(h1, w.w2, w.b2, 16, true);
    const z = layer(h2, w.w3, w.b3, 10, false);
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    total += lse - z[y[n]];
  }
  return total / y.length;
}

const toParams = (w: DigitWeights): DigitParams => ({
  w1: tf.tensor2d(w.w1, [784, 16]), b1: tf.tensor1d(w.b1),
  w2: tf.tensor2d(w.w2, [16, 16]), b2: tf.tensor1d(w.b2),
  w3: tf.tensor2d(w.w3, [16, 10]), b3: tf.tensor1d(w.b3),
});

const STEPS = 400;

describe('digit-network', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has 13,002 parameters', () => {
    expect(PARAMETERS).toBe(13_002);
    const w = initWeights(1, 'relu');
    expect(Object.values(w).reduce((s, a) => s + a.length, 0)).toBe(13_002);
  });

  it('matches a plain-JS loss and its gradient matches finite differences', () => {
    const data = makeDigitSet('train', 1, 3);
    const w = initWeights(5, 'sigmoid');
    const p = toParams(w);
    const x = tf.tensor2d(data.x, [data.n, 784]);
    const y = tf.tensor1d(data.y, 'int32');
    expect(loss(p, x, y, 'sigmoid').dataSync()[0]).toBeCloseTo(refLoss(w, data.x, data.y, 'sigmoid'), 4);
    const grads = tf.grads((w3: tf.Tensor, w1: tf.Tensor) => loss({ ...p, w3: w3 as tf.Tensor2D, w1: w1 as tf.Tensor2D }, x, y, 'sigmoid'))([p.w3, p.w1]);
    const g3 = grads[0].dataSync();
    const g1 = grads[1].dataSync();
    const eps = 1e-3;
    const numeric = (key: 'w3' | 'w1', i: number) => {
      const plus = { ...w, [key]: Float32Array.from(w[key]) };
      const minus = { ...w, [key]: Float32Array.from(w[key]) };
      plus[key][i] += eps;
      minus[key][i] -= eps;
      return (refLoss(plus, data.x, data.y, 'sigmoid') - refLoss(minus, data.x, data.y, 'sigmoid')) / (2 * eps);
    };
    for (const i of [0, 17, 93, 159]) expect(g3[i]).toBeCloseTo(numeric('w3', i), 3);
    // A weight from an inked pixel (row 14, column 14 is on most digits) to hidden unit 3.
    const i1 = (14 * 28 + 14) * 16 + 3;
    expect(Math.abs(g1[i1] - numeric('w1', i1))).toBeLessThan(1e-3 + 0.02 * Math.abs(g1[i1]));
    expect(Math.abs(g1[i1])).toBeGreaterThan(0);
  });

  it('reaches at least 90% accuracy on held-out writing styles with a fixed seed', async () => {
    const net = new DigitNetwork({ seed: 42, activation: 'relu', learningRate: 0.01, batchSize: 32 }, makeDigitSet('train', 100, 42), makeDigitSet('test', 50, 42));
    const before = (await net.testAccuracy().data())[0];
    const t0 = Date.now();
    let after = before;
    for (let i = 1; i <= STEPS; i++) {
      net.step().dispose();
      // Yield now and then: a long synchronous loop starves vitest's worker messages.
      if (i % 100 === 0) {
        after = (await net.testAccuracy().data())[0];
        console.log(`step ${i}: held-out accuracy ${after.toFixed(3)} (${Date.now() - t0} ms)`);
      }
    }
    net.dispose();
    expect(before).toBeLessThan(0.4);
    expect(after).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});
