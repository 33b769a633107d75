import { describe, expect, it } from 'vitest';
import {
  HOFFMANN_FIT, isoFlopCurve, isoFlopLoss, KNOWN_MODELS, optimum, parametricLoss, TABLE3, tokensFor, trainingFlops,
} from '../../components/models/chinchilla-frontier';

/**
 * Independent reference for the optimum: a brute-force float64 search of the
 * IsoFLOP curve, written from L = E + A/N^α + B/D^β with D = C/(6N) and no
 * use of the model's closed form: a 2,001-point log grid, then golden-section
 * refinement around the best grid point.
 */
function bruteForceOptimum(C: number): { N: number; L: number } {
  const { E, A, B, alpha, beta } = HOFFMANN_FIT;
  const f = (logN: number) => {
    const N = 10 ** logN;
    const D = C / (6 * N);
    return E + A / N ** alpha + B / D ** beta;
  };
  let best = 6;
  for (let i = 0; i <= 2000; i++) {
    const x = 6 + (8 * i) / 2000; // 1e6 … 1e14 parameters
    if (f(x) < f(best)) best = x;
  }
  let lo = best - 0.004;
  let hi = best + 0.004;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 100; k++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (f(a) < f(b)) hi = b;
    else lo = a;
  }
  const x = (lo + hi) / 2;
  return { N: 10 ** x, L: f(x) };
}

describe('training compute C ≈ 6·N·D', () => {
  it('gives 3.15e23 FLOPs for GPT-3 (175 B parameters, 300 B tokens)', () => {
    expect(trainingFlops(175e9, 300e9)).toBeCloseTo(3.15e23, -20);
    const gpt3 = KNOWN_MODELS.find((m) => m.name === 'GPT-3')!;
    expect(trainingFlops(gpt3.params, gpt3.tokens)).toBe(3.15e23);
  });

  it('puts Chinchilla (70 B, 1.4 T) at about Gopher\'s budget, not below it (5.9e23 vs 5.0e23)', () => {
    const flops = Object.fromEntries(KNOWN_MODELS.map((m) => [m.name, trainingFlops(m.params, m.tokens)]));
    expect(flops.Chinchilla).toBeCloseTo(5.88e23, -21);
    expect(flops.Gopher).toBeCloseTo(5.04e23, -21);
    expect(flops['Llama-3 70B']).toBeCloseTo(6.3e24, -22);
  });

  it('inverts: D = C/(6N) trains N parameters on exactly the budget', () => {
    for (const [C, N] of [[1e21, 1e9], [5.76e23, 67e9], [1e25, 3e11]] as const) {
      expect(trainingFlops(N, tokensFor(C, N)) / C).toBeCloseTo(1, 12);
    }
  });
});

describe('Hoffmann Table 3 (Approach 1)', () => {
  it('pairs 67 B parameters with 5.76e23 FLOPs and 1.5 T tokens, within 5 % of 6·N·D', () => {
    expect(TABLE3).toEqual({ params: 67e9, flops: 5.76e23, tokens: 1.5e12 });
    const ratio = trainingFlops(TABLE3.params, TABLE3.tokens) / TABLE3.flops;
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(1.05);
  });
});

describe('parametric fit L(N, D) = E + A/N^α + B/D^β', () => {
  it('uses the published constants', () => {
    expect(HOFFMANN_FIT).toEqual({ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 });
  });

  it('matches a hand computation for Chinchilla (70 B, 1.4 T): 1.69 + 406.4/70e9^0.34 + 410.7/1.4e12^0.28', () => {
    const hand = 1.69 + 406.4 / Math.pow(70e9, 0.34) + 410.7 / Math.pow(1.4e12, 0.28);
    expect(parametricLoss(70e9, 1.4e12)).toBeCloseTo(hand, 12);
    expect(hand).toBeCloseTo(1.9366, 4);
  });

  it.each([1e19, 1e21, 3.15e23, 5.76e23, 1e25, 1e26])('puts the closed-form optimum at C = %d where a brute-force search finds it', (C) => {
    const opt = optimum(C);
    const ref = bruteForceOptimum(C);
    expect(opt.params / ref.N).toBeCloseTo(1, 4);
    expect(opt.loss).toBeCloseTo(ref.L, 10);
    expect(trainingFlops(opt.params, opt.tokens) / C).toBeCloseTo(1, 12);
    // Nothing on the sampled curve is lower than the optimum.
    for (const [, L] of isoFlopCurve(C, opt.params / 1000, opt.params * 1000)) expect(L).toBeGreaterThanOrEqual(opt.loss - 1e-12);
  });

  it('disagrees with Table 3 at 5.76e23 FLOPs: about 32 B parameters on 3.0 T tokens, not 67 B on 1.5 T', () => {
    const opt = optimum(TABLE3.flops);
    expect(opt.params / 1e9).toBeCloseTo(32.19, 1);
    expect(opt.tokens / 1e12).toBeCloseTo(2.98, 2);
    expect(isoFlopLoss(TABLE3.flops, TABLE3.params)).toBeGreaterThan(opt.loss);
  });

  it('grows N and D with the budget as C^0.45 and C^0.55 (β/(α+β), α/(α+β))', () => {
    const a = optimum(1e22);
    const b = optimum(1e24);
    expect(Math.log10(b.params / a.params) / 2).toBeCloseTo(0.28 / 0.62, 10);
    expect(Math.log10(b.tokens / a.tokens) / 2).toBeCloseTo(0.34 / 0.62, 10);
  });
});
