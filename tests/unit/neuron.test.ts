import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { activationCurve, neuronForward, type Activation } from '../../components/models/neuron';

/** Plain-JS reference activations, independent of tfjs. */
const reference: Record<Activation, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: (z) => (Math.exp(z) - Math.exp(-z)) / (Math.exp(z) + Math.exp(-z)),
  relu: (z) => Math.max(0, z),
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('neuronForward', () => {
  it('gives z = 1.5 and σ(z) = 0.81757 for the lecture example x=(1,0,1), w=(2,−1,0.5), b=−1', async () => {
    const r = await neuronForward([1, 0, 1], [2, -1, 0.5], -1, 'sigmoid');
    expect(r.z).toBeCloseTo(1.5, 6);
    expect(r.a).toBeCloseTo(0.81757, 5);
    expect(r.contributions).toEqual([2, -0, 0.5]);
  });

  it.each([
    ['sigmoid', 1.5, 0.8175745],
    ['tanh', 1.5, 0.9051483],
    ['relu', 1.5, 1.5],
  ] as const)('applies %s to the same weighted sum', async (f, z, a) => {
    const r = await neuronForward([1, 0, 1], [2, -1, 0.5], -1, f);
    expect(r.z).toBeCloseTo(z, 6);
    expect(r.a).toBeCloseTo(a, 6);
  });

  it('outputs f(b) when every input is zero: the bias sets the threshold', async () => {
    for (const f of ['sigmoid', 'tanh', 'relu'] as const) {
      const r = await neuronForward([0, 0, 0], [5, -3, 2], 0.7, f);
      expect(r.z).toBeCloseTo(0.7, 6);
      expect(r.a).toBeCloseTo(reference[f](0.7), 6);
    }
  });

  it('gives ReLU zero for a negative weighted sum', async () => {
    const r = await neuronForward([1, 1], [-2, 0.5], 0, 'relu');
    expect(r.z).toBeCloseTo(-1.5, 6);
    expect(r.a).toBe(0);
  });

  it('matches a plain-JS neuron on random inputs', async () => {
    let s = 7;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 4 - 2;
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + (trial % 6);
      const x = Array.from({ length: n }, rand);
      const w = Array.from({ length: n }, rand);
      const b = rand();
      const z = x.reduce((acc, xi, i) => acc + xi * w[i], b);
      for (const f of ['sigmoid', 'tanh', 'relu'] as const) {
        const r = await neuronForward(x, w, b, f);
        expect(r.z).toBeCloseTo(z, 5);
        expect(r.a).toBeCloseTo(reference[f](z), 5);
      }
    }
  });

  it('rejects inputs and weights of different lengths', async () => {
    await expect(neuronForward([1, 2], [1], 0, 'relu')).rejects.toThrow(/2 inputs but 1 weights/);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await neuronForward([1, 0, 1], [2, -1, 0.5], -1, 'tanh');
    await activationCurve('sigmoid', -6, 6, 50);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('activationCurve', () => {
  it.each(['sigmoid', 'tanh', 'relu'] as const)('samples %s at evenly spaced z', async (f) => {
    const { z, a } = await activationCurve(f, -6, 6, 121);
    expect(z).toHaveLength(121);
    expect(z[0]).toBeCloseTo(-6, 6);
    expect(z[120]).toBeCloseTo(6, 4); // float32 linspace
    z.forEach((zi, i) => expect(a[i]).toBeCloseTo(reference[f](zi), 5));
  });
});
