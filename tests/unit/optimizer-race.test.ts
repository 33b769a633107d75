import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_VALLEY, firstAdamStep, OPTIMIZERS, OptimizerRace, valleyContour, valleyLoss, type Point, type RaceSettings, type Valley,
} from '../../components/models/optimizer-race';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const DEFAULTS: RaceSettings = { learningRate: 0.2, beta1: 0.9, beta2: 0.999, noise: 0, biasCorrection: true };

/**
 * The independent reference: the three update rules written out per
 * coordinate in float64, drawing the same noise from the same seeded stream.
 */
function reference(valley: Valley, s: RaceSettings, steps: number, seed = 42) {
  const rng = createRng(seed, 'noise');
  const eps = s.epsilon ?? 1e-8;
  const h = valley.curvature;
  const sgd = [...valley.start];
  const mom = [...valley.start];
  const u = [0, 0];
  const adam = [...valley.start];
  const m = [0, 0];
  const v = [0, 0];
  const out = { sgd: [[...sgd]], momentum: [[...mom]], adam: [[...adam]] } as Record<string, number[][]>;
  for (let t = 1; t <= steps; t++) {
    const noise = [rng.normal() * s.noise, rng.normal() * s.noise];
    for (let i = 0; i < 2; i++) {
      sgd[i] -= s.learningRate * (h[i]! * sgd[i]! + noise[i]!);
      u[i] = s.beta1 * u[i]! + (h[i]! * mom[i]! + noise[i]!);
      mom[i] -= s.learningRate * u[i]!;
      const g = h[i]! * adam[i]! + noise[i]!;
      m[i] = s.beta1 * m[i]! + (1 - s.beta1) * g;
      v[i] = s.beta2 * v[i]! + (1 - s.beta2) * g * g;
      const mHat = s.biasCorrection ? m[i]! / (1 - s.beta1 ** t) : m[i]!;
      const vHat = s.biasCorrection ? v[i]! / (1 - s.beta2 ** t) : v[i]!;
      adam[i] -= (s.learningRate * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.sgd.push([...sgd]);
    out.momentum.push([...mom]);
    out.adam.push([...adam]);
  }
  return out;
}

/** float32 agreement: relative 1e-4 of the coordinate, or `abs` absolute near 0. */
function expectClose(got: Point, want: number[], label: string, abs = 1e-5) {
  for (let i = 0; i < 2; i++) {
    expect(Math.abs(got[i]! - want[i]!), `${label}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(abs + 1e-4 * Math.abs(want[i]!));
  }
}

async function race(settings: RaceSettings, steps: number, valley = DEFAULT_VALLEY, seed = 42) {
  const r = new OptimizerRace(valley, settings, createRng(seed, 'noise'));
  await r.advance(steps);
  return r;
}

describe('OptimizerRace against a float64 plain-JS implementation', () => {
  it.each([
    ['the defaults', DEFAULTS, 120],
    ['no bias correction', { ...DEFAULTS, biasCorrection: false }, 120],
    ['gradient noise σ = 0.5', { ...DEFAULTS, noise: 0.5 }, 120],
    ['β₁ = 0.5, β₂ = 0.9, η = 0.05', { ...DEFAULTS, beta1: 0.5, beta2: 0.9, learningRate: 0.05 }, 120],
    ['η = 0.8 (SGD zig-zags across)', { ...DEFAULTS, learningRate: 0.8 }, 60],
    ['β₁ = 0 (momentum is SGD, Adam is RMSprop-like)', { ...DEFAULTS, beta1: 0, noise: 0.2 }, 80],
  ] as const)('matches step by step with %s', async (_name, settings, steps) => {
    const r = await race(settings, steps);
    const want = reference(DEFAULT_VALLEY, settings, steps);
    for (const name of OPTIMIZERS) {
      expect(r.paths[name]).toHaveLength(steps + 1);
      r.paths[name].forEach((p, k) => expectClose(p, want[name]![k]!, `${name} step ${k}`));
    }
    r.dispose();
  });

  it('gives the same race whether the steps come one at a time or all at once', async () => {
    const settings = { ...DEFAULTS, noise: 0.3 };
    const whole = await race(settings, 30);
    const chunked = new OptimizerRace(DEFAULT_VALLEY, settings, createRng(42, 'noise'));
    for (let k = 0; k < 30; k++) await chunked.advance(1);
    expect(chunked.paths).toEqual(whole.paths);
    expect(chunked.t).toBe(30);
    whole.dispose();
    chunked.dispose();
  });

  it('draws new noise for a new seed and none at σ = 0', async () => {
    const a = await race({ ...DEFAULTS, noise: 0.3 }, 10, DEFAULT_VALLEY, 1);
    const b = await race({ ...DEFAULTS, noise: 0.3 }, 10, DEFAULT_VALLEY, 2);
    const c = await race(DEFAULTS, 10, DEFAULT_VALLEY, 1);
    const d = await race(DEFAULTS, 10, DEFAULT_VALLEY, 2);
    expect(a.paths.sgd[10]).not.toEqual(b.paths.sgd[10]);
    expect(c.paths).toEqual(d.paths);
    [a, b, c, d].forEach((r) => r.dispose());
  });
});

describe('OptimizerRace against TensorFlow.js\'s own optimisers', () => {
  it.each([
    ['sgd', 'sgd', () => tf.train.sgd(0.2)],
    ['momentum', 'momentum', () => tf.train.momentum(0.2, 0.9)],
    ['adam', 'adam (bias-corrected)', () => tf.train.adam(0.2, 0.9, 0.999, 1e-8)],
  ] as const)('%s follows the library optimiser tf.train.%s for 60 steps', async (name, _label, make) => {
    const r = await race(DEFAULTS, 60);
    const opt = make();
    const theta = tf.variable(tf.tensor1d(DEFAULT_VALLEY.start), true, `theta-${name}`);
    const h = tf.tensor1d(DEFAULT_VALLEY.curvature);
    for (let k = 1; k <= 60; k++) {
      const g = tf.mul(h, theta);
      opt.applyGradients([{ name: theta.name, tensor: g }]);
      g.dispose();
      // Both run in float32 (tf.train accumulates β^t by repeated multiplication), so allow
      // 1e-4 absolute: 0.05% of one η = 0.2 step.
      expectClose(r.paths[name][k]!, Array.from(theta.dataSync()), `${name} step ${k}`, 1e-4);
    }
    opt.dispose();
    tf.dispose([theta, h]);
    r.dispose();
  });
});

describe('the first Adam step', () => {
  it.each([
    [[-7, 2] as Point, 0.2],
    [[0.3, -0.01] as Point, 0.05],
    [[-120, 40] as Point, 1],
  ])('is ≈ η·sign(g) per coordinate with bias correction, from %j at η = %s', async (start, lr) => {
    const valley = { curvature: DEFAULT_VALLEY.curvature, start };
    const r = await race({ ...DEFAULTS, learningRate: lr }, 1, valley);
    const step = r.paths.adam[1]!.map((x, i) => x - start[i]!);
    step.forEach((s, i) => {
      const g = valley.curvature[i]! * start[i]!;
      expect(s).toBeCloseTo(-lr * Math.sign(g), 5);
    });
    r.dispose();
  });

  it.each([
    // β₁, β₂, ratio (1 − β₁)/√(1 − β₂) of uncorrected to corrected
    [0.9, 0.999, 3.1623],
    [0.9, 0.99, 1],
    [0.9, 0.9, 0.3162],
    [0.5, 0.999, 15.8114],
    [0.99, 0.999, 0.3162],
  ])('without bias correction is (1 − β₁)/√(1 − β₂) times the corrected step: β₁ = %s, β₂ = %s → ×%s', async (beta1, beta2, ratio) => {
    const settings = { ...DEFAULTS, beta1, beta2 };
    const on = await race(settings, 1);
    const off = await race({ ...settings, biasCorrection: false }, 1);
    for (let i = 0; i < 2; i++) {
      const start = DEFAULT_VALLEY.start[i]!;
      const g = DEFAULT_VALLEY.curvature[i]! * start;
      const dOn = on.paths.adam[1]![i]! - start;
      const dOff = off.paths.adam[1]![i]! - start;
      expect(dOff / dOn).toBeCloseTo(ratio, 3);
      expect(dOff).toBeCloseTo(firstAdamStep(g, { ...settings, biasCorrection: false }), 5);
      expect(dOff).toBeCloseTo((-0.2 * (1 - beta1) * Math.sign(g)) / Math.sqrt(1 - beta2), 4);
    }
    on.dispose();
    off.dispose();
  });

  it('makes the first SGD step proportional to the gradient, 40× larger across the valley than along it per unit distance', async () => {
    const r = await race(DEFAULTS, 1);
    const [x0, y0] = DEFAULT_VALLEY.start;
    const [dx, dy] = [r.paths.sgd[1]![0] - x0, r.paths.sgd[1]![1] - y0];
    expect(dx).toBeCloseTo(-0.2 * 0.05 * x0, 6);
    expect(dy).toBeCloseTo(-0.2 * 2 * y0, 6);
    expect(dy / y0 / (dx / x0)).toBeCloseTo(40, 3);
    r.dispose();
  });
});

describe('the race on the default valley', () => {
  it('has SGD still far up the valley floor after 50 steps while momentum and Adam are near the bottom', async () => {
    const r = await race(DEFAULTS, 50);
    const l = r.losses();
    expect(l.sgd).toBeGreaterThan(0.3);
    expect(l.momentum).toBeLessThan(0.02);
    expect(l.adam).toBeLessThan(0.02);
    expect(valleyLoss(DEFAULT_VALLEY, DEFAULT_VALLEY.start)).toBeCloseTo(0.5 * (0.05 * 49 + 2 * 4), 10);
    r.dispose();
  });

  it('has SGD follow (1 − η·h)^k per coordinate and diverge across the valley once η > 2/h₂', async () => {
    for (const lr of [0.3, 0.9, 1.05]) {
      const r = await race({ ...DEFAULTS, learningRate: lr }, 20);
      r.paths.sgd.forEach((p, k) => expectClose(p, DEFAULT_VALLEY.start.map((s, i) => s * (1 - lr * DEFAULT_VALLEY.curvature[i]!) ** k), `η ${lr} step ${k}`));
      if (lr > 1) expect(Math.abs(r.paths.sgd[20]![1])).toBeGreaterThan(Math.abs(DEFAULT_VALLEY.start[1]));
      r.dispose();
    }
  });

  it('frees every tensor it made', async () => {
    const before = tf.memory().numTensors;
    const r = await race({ ...DEFAULTS, noise: 0.4 }, 25);
    await r.advance(5);
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws each contour where the loss equals its level', () => {
    for (const level of [0.1, 1, 5]) {
      const pts = valleyContour(DEFAULT_VALLEY, level);
      expect(pts.length).toBeGreaterThan(10);
      for (const p of pts) expect(valleyLoss(DEFAULT_VALLEY, p)).toBeCloseTo(level, 9);
    }
    expect(valleyContour(DEFAULT_VALLEY, 0)).toEqual([]);
  });
});
