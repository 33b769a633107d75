import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  LANDSCAPES,
  LANDSCAPE_IDS,
  descend,
  gradientAt,
  sampleLandscape,
  verdict,
  type LandscapeId,
} from '../../components/models/loss-landscape';

/** Hand-derived losses and gradients, independent of tfjs. */
const reference: Record<LandscapeId, { loss: (w: number[]) => number; grad: (w: number[]) => number[] }> = {
  bowl: { loss: ([w]) => w * w, grad: ([w]) => [2 * w] },
  'double-well': {
    loss: ([w]) => (w * w - 1) ** 2 + 0.3 * w,
    grad: ([w]) => [4 * w * (w * w - 1) + 0.3],
  },
  ravine: { loss: ([a, b]) => 0.5 * a * a + 2 * b * b, grad: ([a, b]) => [a, 4 * b] },
  'two-valleys': {
    loss: ([a, b]) => (a * a - 1) ** 2 + 0.3 * a + b * b,
    grad: ([a, b]) => [4 * a * (a * a - 1) + 0.3, 2 * b],
  },
  rosenbrock: {
    loss: ([a, b]) => (1 - a) ** 2 + 10 * (b - a * a) ** 2,
    grad: ([a, b]) => [-2 * (1 - a) - 40 * a * (b - a * a), 20 * (b - a * a)],
  },
};

const POINTS_1D = [[-1.7], [-0.4], [0], [0.93], [1.6]];
const POINTS_2D = [
  [-1.2, 1],
  [0.5, -0.7],
  [1.3, 1.9],
  [0, 0],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gradientAt', () => {
  for (const id of LANDSCAPE_IDS) {
    const land = LANDSCAPES[id];
    const points = land.dims === 1 ? POINTS_1D : POINTS_2D;
    it.each(points)(`matches the hand-derived ∂L/∂w on ${id} at (%s)`, async (...w: number[]) => {
      const g = await gradientAt(land, w);
      const want = reference[id].grad(w);
      g.forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
    });
  }
});

describe('descend', () => {
  it.each([0.02, 0.3, 0.6, 0.9])('follows w_k = (1 − 2η)^k · w₀ on the bowl for η = %f', async (eta) => {
    const run = await descend(LANDSCAPES.bowl, [2.5], eta, 25);
    run.steps.forEach((s) => expect(s.next[0]).toBeCloseTo(2.5 * (1 - 2 * eta) ** (s.k + 1), 4));
  });

  it('records consistent numbers for every step: step = η·grad, next = w − step', async () => {
    const eta = 0.03;
    const run = await descend(LANDSCAPES.rosenbrock, [-1.2, 1], eta, 10);
    run.steps.forEach((s, k) => {
      const want = reference.rosenbrock.grad(s.w);
      s.grad.forEach((g, i) => expect(g).toBeCloseTo(want[i], 2));
      s.step.forEach((d, i) => expect(d).toBeCloseTo(eta * s.grad[i], 5));
      s.next.forEach((n, i) => expect(n).toBeCloseTo(s.w[i] - s.step[i], 5));
      expect(s.loss).toBeCloseTo(reference.rosenbrock.loss(s.w), 3);
      if (k > 0) expect(s.w).toEqual(run.steps[k - 1].next);
    });
  });

  it('stops early and flags divergence when the walk escapes', async () => {
    const run = await descend(LANDSCAPES['double-well'], [1.6], 0.5, 40);
    expect(run.diverged).toBe(true);
    expect(run.steps.length).toBeLessThan(40);
  });

  it('refuses a start with the wrong number of coordinates', async () => {
    await expect(descend(LANDSCAPES.ravine, [1], 0.1, 5)).rejects.toThrow(/2 dimension/);
  });

  it('gets less far with a smaller learning rate in the same number of steps (below the stable limit)', async () => {
    const land = LANDSCAPES.ravine;
    const distances: number[] = [];
    for (const eta of [0.005, 0.02, 0.08, 0.2]) {
      const run = await descend(land, land.start, eta, 30);
      distances.push(Math.hypot(...run.steps[29].next));
    }
    for (let i = 1; i < distances.length; i++) expect(distances[i]).toBeLessThan(distances[i - 1]);
  });
});

describe('verdict', () => {
  // For each landscape, its four suggested learning rates, run from its
  // suggested start for the demo's 40 steps, must show the behaviour they are
  // named after. The banana valley is slow even at its best rate: it needs
  // 1000 steps to settle, which is the lesson of that landscape.
  const cases: [LandscapeId, 'slow' | 'good' | 'overshoot' | 'diverge', number, string][] = [];
  for (const id of LANDSCAPE_IDS) {
    cases.push([id, 'slow', 40, 'slow'], [id, 'good', id === 'rosenbrock' ? 1000 : 40, 'converged']);
    cases.push([id, 'overshoot', 40, 'oscillating'], [id, 'diverge', 40, 'diverged']);
  }
  it.each(cases)('calls %s with its %s learning rate after %i steps %s', async (id, name, count, want) => {
    const land = LANDSCAPES[id];
    const run = await descend(land, land.start, land.etas[name], count);
    expect(verdict(run)).toBe(want);
  });

  it('calls a slow run converged once it is given enough steps', async () => {
    const land = LANDSCAPES.bowl;
    const run = await descend(land, land.start, land.etas.slow, 300);
    expect(verdict(run)).toBe('converged');
  });

  it('sees the loss fall at every step for a good learning rate on the bowls', async () => {
    for (const id of ['bowl', 'ravine'] as const) {
      const land = LANDSCAPES[id];
      const run = await descend(land, land.start, land.etas.good, 20);
      run.steps.forEach((s) => expect(s.nextLoss).toBeLessThan(s.loss));
    }
  });
});

describe('sampleLandscape', () => {
  it.each(LANDSCAPE_IDS)('gives the hand formula on the drawing grid of %s', async (id) => {
    const land = LANDSCAPES[id];
    const n = 9;
    const { xs, ys, values } = await sampleLandscape(land, n);
    expect(xs[0]).toBe(land.domain[0][0]);
    expect(xs[n - 1]).toBeCloseTo(land.domain[0][1], 6);
    if (land.dims === 1) {
      xs.forEach((x, i) => expect(values[i]).toBeCloseTo(reference[id].loss([x]), 3));
    } else {
      expect(values.length).toBe(n * n);
      ys.forEach((y, r) => xs.forEach((x, c) => expect(values[r * n + c]).toBeCloseTo(reference[id].loss([x, y]), 2)));
    }
  });
});
