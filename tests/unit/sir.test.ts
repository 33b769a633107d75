import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fitSirPlain, reproductionNumber, simulateSir, sirLossAndGradient, SirFitter, type SirParams } from '../../components/models/sir';
import { NYC_CASES } from '../../components/data/nyc-spring-2020';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS RK4 in float64 on the SIR equations in people (independent of tfjs): [S, I, R] per day. */
function referenceSir(p: SirParams, days: number, substeps = 1): number[][] {
  const { beta, gamma, population: N } = p;
  const f = ([S, I]: number[]) => [-beta * S * I / N, beta * S * I / N - gamma * I, gamma * I];
  let y = [N - p.initialInfected, p.initialInfected, 0];
  const out = [y];
  const h = 1 / substeps;
  const plus = (a: number[], b: number[], c: number) => a.map((v, j) => v + c * b[j]);
  for (let d = 0; d < days; d++) {
    for (let k = 0; k < substeps; k++) {
      const k1 = f(y);
      const k2 = f(plus(y, k1, h / 2));
      const k3 = f(plus(y, k2, h / 2));
      const k4 = f(plus(y, k3, h));
      y = y.map((v, j) => v + (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]));
    }
    out.push(y);
  }
  return out;
}

const CASES: [string, SirParams][] = [
  ['a growing wave, R₀ = 2', { beta: 0.4, gamma: 0.2, population: 250_000, initialInfected: 50 }],
  ['a fast wave, R₀ = 3', { beta: 0.9, gamma: 0.3, population: 8_336_817, initialInfected: 100 }],
  ['a dying outbreak, R₀ = 0.5', { beta: 0.1, gamma: 0.2, population: 1_000_000, initialInfected: 5_000 }],
];

describe('simulateSir', () => {
  it.each(CASES)('matches a plain-JS RK4 day by day for %s', async (_, p) => {
    const run = await simulateSir(p, 120);
    const ref = referenceSir(p, 120);
    for (let d = 0; d <= 120; d++) {
      // float32 against float64: agree to a few parts in a million of N.
      expect(Math.abs(run.S[d] - ref[d][0])).toBeLessThan(1e-5 * p.population);
      expect(Math.abs(run.I[d] - ref[d][1])).toBeLessThan(1e-5 * p.population);
      expect(Math.abs(run.R[d] - ref[d][2])).toBeLessThan(1e-5 * p.population);
    }
  });

  it.each(CASES)('keeps S + I + R = N every day for %s', async (_, p) => {
    const run = await simulateSir(p, 200);
    for (let d = 0; d <= 200; d++) {
      expect(Math.abs(run.S[d] + run.I[d] + run.R[d] - p.population)).toBeLessThan(1e-5 * p.population);
    }
  });

  it('agrees with a 16× finer step (one RK4 step per day is accurate)', async () => {
    const p = CASES[1][1];
    const coarse = await simulateSir(p, 100, 1);
    const fine = referenceSir(p, 100, 16);
    const peak = Math.max(...fine.map((y) => y[1]));
    for (let d = 0; d <= 100; d++) expect(Math.abs(coarse.I[d] - fine[d][1])).toBeLessThan(2e-3 * peak);
  });

  it('reports new cases per day as the people who left S that day', async () => {
    const p = CASES[0][1];
    const run = await simulateSir(p, 60);
    expect(run.newCases).toHaveLength(60);
    for (let d = 0; d < 60; d++) expect(run.newCases[d]).toBeCloseTo(run.S[d] - run.S[d + 1], -1);
  });

  it('grows like I₀·e^{(β−γ)t} while almost everyone is susceptible', async () => {
    const p: SirParams = { beta: 0.5, gamma: 0.25, population: 1e7, initialInfected: 10 };
    const run = await simulateSir(p, 20);
    expect(run.I[20] / (10 * Math.exp(0.25 * 20))).toBeCloseTo(1, 2);
  });

  it('peaks when S/N falls to 1/R₀ and ends at the published final size for R₀ = 2', async () => {
    const p: SirParams = { beta: 0.4, gamma: 0.2, population: 1e6, initialInfected: 1 };
    const run = await simulateSir(p, 300, 2);
    const peakDay = run.I.indexOf(Math.max(...run.I));
    // Daily samples: S/N crosses 1/2 between the day before and the day after the peak.
    expect(run.S[peakDay - 1] / p.population).toBeGreaterThan(0.5 - 0.02);
    expect(run.S[peakDay + 1] / p.population).toBeLessThan(0.5 + 0.02);
    expect(run.S[peakDay + 1] / p.population).toBeLessThan(0.5);
    // Final size z solves z = 1 − e^{−R₀ z}: 0.7968 for R₀ = 2 (Kermack–McKendrick).
    expect(run.R[300] / p.population).toBeCloseTo(0.7968, 3);
  });

  it.each([
    [0.3, 0.2, true],
    [0.2, 0.3, false],
  ])('makes the wave grow only when R₀ = β/γ > 1 (β=%s, γ=%s)', async (beta, gamma, grows) => {
    expect(reproductionNumber(beta, gamma) > 1).toBe(grows);
    const run = await simulateSir({ beta, gamma, population: 1e6, initialInfected: 100 }, 10);
    expect(run.I[10] > run.I[0]).toBe(grows);
  });

  it('rejects a population of zero and initial infected beyond N', async () => {
    await expect(simulateSir({ beta: 0.3, gamma: 0.1, population: 0, initialInfected: 1 }, 5)).rejects.toThrow(/N > 0/);
    await expect(simulateSir({ beta: 0.3, gamma: 0.1, population: 10, initialInfected: 20 }, 5)).rejects.toThrow(
      /initial infected/,
    );
  });
});

describe('SirFitter', () => {
  // The rise: 29 Feb – 8 Apr 2020 (40 days, raw daily counts, no smoothing), N = 250,000.
  // Poor start: R₀ = 0.75 (an outbreak that dies out) with 10 people infected on day 0.
  it('cuts the loss on the NYC rise by ≥ 80% and finds R₀ > 1, from a dying-outbreak guess', async () => {
    const fitter = new SirFitter({
      cases: NYC_CASES.slice(0, 40),
      population: 250_000,
      start: { beta: 0.3, gamma: 0.4, initialInfected: 10 },
      learningRate: 0.2,
    });
    const before = await fitter.state();
    expect(before.r0).toBeCloseTo(0.75, 5);
    const tensorsBefore = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) await fitter.step();
    expect(tf.memory().numTensors).toBe(tensorsBefore); // every step cleans up after itself
    const after = await fitter.state();
    expect(after.loss).toBeLessThan(0.2 * before.loss);
    expect(after.r0).toBeGreaterThan(1);
  });

  it('computes its loss as the relative mean squared error of daily new cases', async () => {
    const cases = [5, 8, 12, 20, 30, 44, 60];
    const start = { beta: 0.6, gamma: 0.2, initialInfected: 20 };
    const fitter = new SirFitter({ cases, population: 10_000, start });
    const st = await fitter.state();
    const ref = referenceSir({ ...start, population: 10_000 }, cases.length);
    const model = cases.map((_, d) => ref[d][0] - ref[d + 1][0]);
    const mse = cases.reduce((a, c, d) => a + (model[d] - c) ** 2, 0) / cases.length;
    const meanSquare = cases.reduce((a, c) => a + c * c, 0) / cases.length;
    expect(st.loss).toBeCloseTo(mse / meanSquare, 4);
    expect(st.rmse).toBeCloseTo(Math.sqrt(mse), 1);
  });
});

describe('SirFitter gradients and read-out', () => {
  const cases = NYC_CASES.slice(0, 30);
  const start = { beta: 0.5, gamma: 0.3, initialInfected: 40 };
  /** The fit's loss from the plain-JS RK4, as a function of (log β, log γ, log I₀). */
  const referenceLoss = ([lb, lg, li]: number[]) => {
    const ref = referenceSir({ beta: Math.exp(lb), gamma: Math.exp(lg), initialInfected: Math.exp(li), population: 250_000 }, 30);
    const meanSquare = cases.reduce((a, c) => a + c * c, 0) / cases.length;
    return cases.reduce((a, c, d) => a + (ref[d][0] - ref[d + 1][0] - c) ** 2, 0) / cases.length / meanSquare;
  };

  it('takes the gradient through the RK4 steps: autodiff matches central finite differences', async () => {
    const fitter = new SirFitter({ cases, population: 250_000, start });
    const { loss, grad } = await fitter.gradient();
    const theta = [start.beta, start.gamma, start.initialInfected].map(Math.log);
    expect(loss).toBeCloseTo(referenceLoss(theta), 4);
    theta.forEach((_, j) => {
      const e = 1e-4;
      const up = theta.map((t, k) => (k === j ? t + e : t));
      const down = theta.map((t, k) => (k === j ? t - e : t));
      const numeric = (referenceLoss(up) - referenceLoss(down)) / (2 * e);
      expect(Math.abs(grad[j] - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
    });
  });

  it('draws the same curves in its step read-out as simulateSir at the same parameters', async () => {
    const fitter = new SirFitter({ cases, population: 250_000, start });
    const { state, run } = await fitter.step(60);
    expect(state.beta).toBeCloseTo(start.beta, 6);
    const sim = await simulateSir({ ...start, population: 250_000 }, 60);
    expect(run!.newCases).toHaveLength(60);
    for (let d = 0; d <= 60; d++) expect(Math.abs(run!.I[d] - sim.I[d])).toBeLessThan(0.5);
    for (let d = 0; d < 60; d++) expect(Math.abs(run!.newCases[d] - sim.newCases[d])).toBeLessThan(0.5);
  });
});

describe('the plain-JS fit (sirLossAndGradient, fitSirPlain): what the demo shows before any click', () => {
  const population = 250_000;
  const cases = NYC_CASES.slice(0, 60);
  const start = { beta: 0.3, gamma: 0.4, initialInfected: 10 };

  it.each([
    ['the slide\'s starting guess', [0.3, 0.4, 10]],
    ['a growing wave', [0.5, 0.3, 40]],
    ['near the fit', [0.31, 0.17, 700]],
  ])('gives the same loss and gradient as TensorFlow.js autodiff at %s', async (_, [beta, gamma, i0]) => {
    const tfjs = await new SirFitter({ cases, population, start: { beta, gamma, initialInfected: i0 } }).gradient();
    const plain = sirLossAndGradient([beta, gamma, i0].map(Math.log), cases, population);
    expect(plain.loss).toBeCloseTo(tfjs.loss, 4);
    plain.grad.forEach((g, j) => expect(Math.abs(g - tfjs.grad[j])).toBeLessThan(2e-3 * Math.max(0.05, Math.abs(g))));
  });

  it('matches central finite differences of its own loss (forward-mode derivatives are right)', () => {
    const theta = [0.5, 0.3, 40].map(Math.log);
    const { grad } = sirLossAndGradient(theta, cases, population);
    theta.forEach((_, j) => {
      const e = 1e-6;
      const at = (d: number) => sirLossAndGradient(theta.map((t, k) => (k === j ? t + d : t)), cases, population).loss;
      expect(grad[j]).toBeCloseTo((at(e) - at(-e)) / (2 * e), 6);
    });
  });

  it('walks the same Adam path as the TensorFlow.js fit, step for step', async () => {
    const fitter = new SirFitter({ cases, population, start, learningRate: 0.2 });
    for (let k = 1; k <= 8; k++) {
      await fitter.step();
      const live = await fitter.state();
      const plain = fitSirPlain({ cases, population, start, learningRate: 0.2 }, k);
      expect(plain.beta / live.beta).toBeCloseTo(1, 3);
      expect(plain.gamma / live.gamma).toBeCloseTo(1, 3);
      expect(plain.initialInfected / live.initialInfected).toBeCloseTo(1, 3);
      expect(plain.loss).toBeCloseTo(live.loss, 4);
    }
  });

  it('fits the first 60 NYC days from R₀ = 0.75 to R₀ ≈ 1.79 in the demo\'s 100 steps (converging to ≈ 1.91)', () => {
    const fit = fitSirPlain({ cases, population, start, learningRate: 0.2 }, 100);
    expect(fit.step).toBe(100);
    expect(fit.r0).toBeGreaterThan(1.76);
    expect(fit.r0).toBeLessThan(1.82);
    const longer = fitSirPlain({ cases, population, start, learningRate: 0.2 }, 400);
    expect(longer.r0).toBeCloseTo(1.91, 1);
    expect(longer.loss).toBeLessThanOrEqual(fit.loss);
  });

  it('cuts the loss to a tenth of the starting guess and reports the loss at its final parameters', () => {
    const before = sirLossAndGradient([start.beta, start.gamma, start.initialInfected].map(Math.log), cases, population).loss;
    const fit = fitSirPlain({ cases, population, start, learningRate: 0.2 }, 100);
    expect(fit.loss).toBeLessThan(0.1 * before);
    expect(fit.loss).toBeCloseTo(sirLossAndGradient([fit.beta, fit.gamma, fit.initialInfected].map(Math.log), cases, population).loss, 12);
    expect(fit.rmse).toBeCloseTo(Math.sqrt(fit.loss) * Math.sqrt(cases.reduce((a, c) => a + c * c, 0) / cases.length), 6);
  });
});
