/**
 * Compute-optimal training (Hoffmann et al. 2022, "Training Compute-Optimal
 * Large Language Models"): how to split a compute budget C between
 * parameters N and training tokens D.
 *
 * Plain TypeScript on purpose: everything here is a handful of scalar
 * formulas in float64 (a power law, its derivative, a closed form); tensors
 * would add nothing but overhead and float32 rounding.
 *
 *   compute        C ≈ 6·N·D FLOPs (forward ≈ 2ND, backward ≈ 4ND)
 *   parametric fit L(N, D) = E + A/N^α + B/D^β
 *                  E = 1.69, A = 406.4, B = 410.7, α = 0.34, β = 0.28 (their Approach 3)
 *   IsoFLOP curve  L(N) at fixed C, with D = C/(6N)
 *   optimum        N_opt = G·(C/6)^(β/(α+β)), D_opt = (C/6)^(α/(α+β))/G,
 *                  G = (αA / (βB))^(1/(α+β))  (their eq. 4: set dL/dN = 0 on the IsoFLOP curve)
 *
 * The paper's three approaches disagree. Table 3 (Approach 1) pairs a 67 B
 * model with 5.76e23 FLOPs and 1.5 T tokens; the parametric fit above puts
 * the optimum at that budget near 32 B parameters. Both are shown.
 */

export interface ChinchillaFit {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
}

/** Hoffmann et al. (2022), eq. 10 / Approach 3, as published. */
export const HOFFMANN_FIT: ChinchillaFit = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };

/** Hoffmann et al. (2022), Table 3 (Approach 1): 67 B parameters, 5.76e23 FLOPs, 1.5 T tokens. */
export const TABLE3 = { params: 67e9, flops: 5.76e23, tokens: 1.5e12 } as const;

export interface KnownModel {
  name: string;
  params: number;
  tokens: number;
  year: number;
  source: string;
}

/** Parameters and training tokens as the papers report them. */
export const KNOWN_MODELS: readonly KnownModel[] = [
  { name: 'GPT-3', params: 175e9, tokens: 300e9, year: 2020, source: 'Brown et al. 2020' },
  { name: 'Gopher', params: 280e9, tokens: 300e9, year: 2021, source: 'Rae et al. 2021' },
  { name: 'Chinchilla', params: 70e9, tokens: 1.4e12, year: 2022, source: 'Hoffmann et al. 2022' },
  { name: 'Llama-3 70B', params: 70e9, tokens: 15e12, year: 2024, source: 'Meta 2024' },
];

/** Training compute C ≈ 6·N·D in FLOPs. */
export const trainingFlops = (params: number, tokens: number): number => 6 * params * tokens;

/** Tokens D that a budget C buys for N parameters: D = C/(6N). */
export const tokensFor = (flops: number, params: number): number => flops / (6 * params);

/** The parametric loss L(N, D) = E + A/N^α + B/D^β (nats per token). */
export function parametricLoss(params: number, tokens: number, fit: ChinchillaFit = HOFFMANN_FIT): number {
  return fit.E + fit.A / params ** fit.alpha + fit.B / tokens ** fit.beta;
}

/** Loss along the IsoFLOP curve: N parameters trained on D = C/(6N) tokens. */
export const isoFlopLoss = (flops: number, params: number, fit: ChinchillaFit = HOFFMANN_FIT): number =>
  parametricLoss(params, tokensFor(flops, params), fit);

export interface Optimum {
  params: number;
  tokens: number;
  loss: number;
  tokensPerParam: number;
}

/** The closed-form optimum of the parametric fit at budget C (Hoffmann et al., eq. 4). */
export function optimum(flops: number, fit: ChinchillaFit = HOFFMANN_FIT): Optimum {
  const s = fit.alpha + fit.beta;
  const G = ((fit.alpha * fit.A) / (fit.beta * fit.B)) ** (1 / s);
  const params = G * (flops / 6) ** (fit.beta / s);
  const tokens = (flops / 6) ** (fit.alpha / s) / G;
  return { params, tokens, loss: parametricLoss(params, tokens, fit), tokensPerParam: tokens / params };
}

/** The IsoFLOP curve sampled at `count` log-spaced N from nMin to nMax: [N, L] pairs. */
export function isoFlopCurve(flops: number, nMin: number, nMax: number, count = 121, fit: ChinchillaFit = HOFFMANN_FIT): [number, number][] {
  const lo = Math.log10(nMin);
  const hi = Math.log10(nMax);
  return Array.from({ length: count }, (_, i) => {
    const n = 10 ** (lo + ((hi - lo) * i) / (count - 1));
    return [n, isoFlopLoss(flops, n, fit)];
  });
}
