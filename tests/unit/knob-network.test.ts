import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initialWeights, KnobNetwork, type LayerWeights } from '../../components/models/knob-network';
import { NYC_CASES } from '../../components/data/nyc-spring-2020';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// The NYC wave: t ∈ [−1, 1] over the 123 days, y = cases / peak (raw daily counts).
const T = NYC_CASES.map((_, d) => (2 * d) / (NYC_CASES.length - 1) - 1);
const Y = NYC_CASES.map((c) => c / 6353);

/** Plain-JS forward pass of a tanh MLP with linear output (independent of tfjs). */
function referenceForward(layers: LayerWeights[], t: number): number {
  let h = [t];
  layers.forEach((l, j) => {
    const [fanIn, fanOut] = l.shape;
    const z = Array.from({ length: fanOut }, (_, o) => {
      let s = l.b[o];
      for (let i = 0; i < fanIn; i++) s += h[i] * l.w[i * fanOut + o];
      return s;
    });
    h = j < layers.length - 1 ? z.map(Math.tanh) : z;
  });
  return h[0];
}

describe('initialWeights', () => {
  it('is the same for the same seed and different for another', () => {
    const a = initialWeights([1, 16, 16, 1], 7);
    const b = initialWeights([1, 16, 16, 1], 7);
    const c = initialWeights([1, 16, 16, 1], 8);
    expect(a).toEqual(b);
    expect(a[1].w).not.toEqual(c[1].w);
  });

  it('draws weights with the Glorot spread √(2/(fan_in + fan_out))', () => {
    const [, middle] = initialWeights([1, 64, 64, 1], 3);
    const sd = Math.sqrt(middle.w.reduce((s, w) => s + w * w, 0) / middle.w.length);
    expect(sd).toBeCloseTo(Math.sqrt(2 / 128), 1);
  });
});

describe('KnobNetwork', () => {
  it('counts 321 knobs for 1-16-16-1', () => {
    const net = new KnobNetwork(T, Y, { hidden: [16, 16], seed: 42 });
    expect(net.parameterCount).toBe(16 + 16 + 16 * 16 + 16 + 16 + 1);
    net.dispose();
  });

  it('computes f(t) like a plain-JS forward pass at its random start', async () => {
    const net = new KnobNetwork(T, Y, { hidden: [16, 16], seed: 42 });
    const probe = [-1, -0.5, 0, 0.3, 1];
    const { curve, loss } = await net.evaluate(probe);
    probe.forEach((t, j) => expect(curve[j]).toBeCloseTo(referenceForward(net.start, t), 5));
    const mse = T.reduce((s, t, n) => s + (referenceForward(net.start, t) - Y[n]) ** 2, 0) / T.length;
    expect(loss).toBeCloseTo(mse, 5);
    net.dispose();
  });

  it('walks from a poor random start to a fit: loss(α=1) < loss(α=0) / 20 after 150 Adam steps', async () => {
    const net = new KnobNetwork(T, Y, { hidden: [16, 16], seed: 42, learningRate: 0.03 });
    net.trainSteps(150).dispose();
    net.markTrained();
    const [atStart, halfway, atEnd] = await net.lossAlongWalk([0, 0.5, 1]);
    expect(atEnd).toBeLessThan(atStart / 20);
    expect(halfway).toBeLessThan(atStart);
    // The batched walk agrees with setting the knobs one α at a time.
    for (const [alpha, expected] of [[0, atStart], [0.5, halfway], [1, atEnd]]) {
      net.setAlpha(alpha);
      expect((await net.evaluate([0])).loss).toBeCloseTo(expected, 5);
    }
    net.dispose();
  });

  it('gives identical training runs for the same seed, and a different start for another', async () => {
    const run = async (seed: number) => {
      const net = new KnobNetwork(T, Y, { hidden: [8, 8], seed, learningRate: 0.03 });
      const before = (await net.evaluate([0])).loss;
      net.trainSteps(20).dispose();
      const after = await net.evaluate([-0.5, 0, 0.5]);
      net.dispose();
      return { before, ...after };
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(b).toEqual(a);
    expect(c.before).not.toBe(a.before);
  });

  it('returns to θ₀ on reset and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const net = new KnobNetwork(T, Y, { hidden: [4], seed: 1 });
    const start = await net.evaluate([0.1]);
    net.trainSteps(5).dispose();
    net.markTrained();
    net.setAlpha(0.3);
    await net.lossAlongWalk([0, 1]);
    net.resetToStart();
    expect(await net.evaluate([0.1])).toEqual(start);
    expect(net.steps).toBe(0);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [{ hidden: [] }, /1 to 4 hidden layers/],
    [{ hidden: [16, 0] }, /hidden widths must be integers 1…64 \(got 0\)/],
    [{ hidden: [1000] }, /got 1000/],
  ])('rejects a bad shape %j', (o, message) => {
    expect(() => new KnobNetwork(T, Y, { ...o, seed: 1 })).toThrow(message);
  });

  it('rejects t and y of different lengths', () => {
    expect(() => new KnobNetwork([0, 1], [1], { hidden: [4], seed: 1 })).toThrow(/got 2 and 1/);
  });
});
