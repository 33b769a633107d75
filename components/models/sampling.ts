/**
 * Decoding a next-token distribution: temperature → top-k → top-p (nucleus)
 * → renormalise, the distribution's entropy, and seeded multinomial draws.
 *
 * Plain TypeScript on purpose: the vectors are a few dozen numbers changed on
 * every slider input, and a tensor round trip would cost more than the
 * arithmetic (the slider → repaint budget is 8 ms). The temperature softmax
 * itself comes from the shared softmax model (tfjs) so every demo agrees on it.
 *
 * Conventions (the ones Hugging Face's logits warpers use):
 * - ranking is by probability, descending; ties go to the lower index, so the
 *   result never depends on sort stability;
 * - top-k = 0 (or ≥ vocabulary size) keeps everything;
 * - top-p works on the distribution already cut and renormalised by top-k, and
 *   keeps the SMALLEST prefix of the ranking whose mass reaches p (the token
 *   that crosses the threshold is kept); top-p ≥ 1 keeps everything;
 * - removed tokens get probability exactly 0.
 */
import { softmax } from './softmax.js';
import type { Rng } from '../runtime/rng.js';

export interface FilterOptions {
  /** Keep the k most likely tokens; 0 = off. */
  topK?: number;
  /** Keep the smallest set of top tokens whose mass reaches p; 1 = off. */
  topP?: number;
}

export interface SamplingOptions extends FilterOptions {
  /** Softmax temperature; 0 = greedy (one-hot on the argmax). */
  temperature?: number;
}

export interface Filtered {
  /** Renormalised distribution over the whole vocabulary (0 for removed tokens). */
  probabilities: number[];
  /** kept[i] is true when token i survived every filter and can still be drawn (p > 0). */
  kept: boolean[];
  keptCount: number;
  /** Mass the kept tokens had before the final renormalisation (in the input distribution). */
  keptMass: number;
}

export interface Decoded extends Filtered {
  /** softmax(logits / T) before any cut. */
  tempered: number[];
}

/** Token indices ranked by probability, most likely first; ties → lower index first. */
export function rankOrder(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
}

/** Mask of the k highest-ranked tokens (all tokens when k is 0 or ≥ the vocabulary). */
export function topKMask(p: readonly number[], k: number): boolean[] {
  if (!(k > 0) || k >= p.length) return p.map(() => true);
  const mask = p.map(() => false);
  for (const i of rankOrder(p).slice(0, Math.floor(k))) mask[i] = true;
  return mask;
}

/**
 * Mask of the smallest top-ranked prefix whose mass reaches `topP` of the total.
 * A relative tolerance of 1e-9 keeps 0.4 + 0.3 + 0.2 from falling short of 0.9
 * by a rounding error.
 */
export function topPMask(p: readonly number[], topP: number): boolean[] {
  if (!(topP < 1)) return p.map(() => true);
  const total = p.reduce((s, v) => s + v, 0);
  const target = Math.max(0, topP) * total * (1 - 1e-9);
  const mask = p.map(() => false);
  let mass = 0;
  for (const i of rankOrder(p)) {
    mask[i] = true;
    mass += p[i]!;
    if (mass >= target) break;
  }
  return mask;
}

/** Zeroes the tokens outside `mask` and rescales the rest to sum to 1. */
export function renormalise(p: readonly number[], mask: readonly boolean[]): number[] {
  let mass = 0;
  for (let i = 0; i < p.length; i++) if (mask[i]) mass += p[i]!;
  return p.map((v, i) => (mask[i] && mass > 0 ? v / mass : 0));
}

/** Applies top-k, then top-p on the renormalised survivors, then renormalises. */
export function filterDistribution(p: readonly number[], opts: FilterOptions = {}): Filtered {
  const kMask = topKMask(p, opts.topK ?? 0);
  const afterK = renormalise(p, kMask);
  const pMask = topPMask(afterK, opts.topP ?? 1);
  // A token at probability 0 (e.g. below the argmax at T = 0) cannot be drawn: not kept.
  const kept = kMask.map((k, i) => k && pMask[i]! && p[i]! > 0);
  const total = p.reduce((s, v) => s + v, 0);
  let keptMass = 0;
  let keptCount = 0;
  kept.forEach((k, i) => {
    if (k) {
      keptMass += p[i]!;
      keptCount++;
    }
  });
  return { probabilities: renormalise(p, kept), kept, keptCount, keptMass: total > 0 ? keptMass / total : 0 };
}

/** The whole decoding pipeline from raw logits (the softmax runs in tfjs: one read-back). */
export async function decode(logits: readonly number[], opts: SamplingOptions = {}): Promise<Decoded> {
  const tempered = await softmax(logits, opts.temperature ?? 1);
  return { tempered, ...filterDistribution(tempered, opts) };
}

export interface Entropy {
  nats: number;
  bits: number;
  /** exp(entropy in nats) = the perplexity: how many equally likely choices this is worth. */
  effectiveChoices: number;
}

/** Shannon entropy; 0·log 0 counts as 0, so removed tokens add nothing. */
export function entropy(p: readonly number[]): Entropy {
  let nats = 0;
  for (const v of p) if (v > 0) nats -= v * Math.log(v);
  nats = Math.max(0, nats); // −1e-17 from rounding on a one-hot
  return { nats, bits: nats / Math.LN2, effectiveChoices: Math.exp(nats) };
}

export interface Draws {
  /** Index of each draw, in order. */
  draws: number[];
  /** How many draws landed on each token. */
  counts: number[];
}

/**
 * N seeded draws by inverting the cumulative distribution (binary search per
 * draw, so 10,000 draws over 64 tokens stay well under a millisecond).
 * Zero-probability tokens can never be drawn: their cumulative step is empty.
 */
export function sampleMany(p: readonly number[], n: number, rng: Rng): Draws {
  const cumulative: number[] = [];
  let total = 0;
  for (const v of p) cumulative.push((total += Math.max(0, v)));
  if (!(total > 0)) throw new Error('cannot sample from a distribution with no mass');
  let lastPositive = p.length - 1;
  while (lastPositive > 0 && !(p[lastPositive]! > 0)) lastPositive--;
  const counts = p.map(() => 0);
  const draws: number[] = [];
  for (let d = 0; d < n; d++) {
    const u = rng.next() * total;
    let lo = 0;
    let hi = lastPositive;
    // First index whose cumulative mass exceeds u.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    draws.push(lo);
    counts[lo]!++;
  }
  return { draws, counts };
}
