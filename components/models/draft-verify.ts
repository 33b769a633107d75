/**
 * Speculative decoding (Leviathan et al. 2023; Chen et al. 2023) on names:
 * a cheap draft model q proposes γ characters, a stronger target model p
 * scores all γ + 1 positions in one pass, each draft x is accepted with
 * probability min(1, p(x)/q(x)), the first rejected one is replaced by a draw
 * from the normalised residual max(0, p − q), and if all γ are accepted one
 * bonus character is drawn from p. Every emitted character is then exactly
 * distributed as a draw from p alone:
 *
 *   P(emit x) = q(x)·min(1, p(x)/q(x)) + (1 − β)·max(0, p(x) − q(x))/(1 − β) = min(p, q) + max(0, p − q) = p(x),
 *
 * with β = Σₓ min(p(x), q(x)) the chance a draft is accepted. With a constant
 * acceptance rate α the number of characters a pass emits is 1 + (accepted
 * run), whose mean is (1 − α^{γ+1})/(1 − α).
 *
 * Models: the draft is the bigram table of `models/bigram.ts` (add-k counts,
 * '.' on both ends); the target is a Witten–Bell interpolated 4-gram over the
 * same names (counts of orders 1–4 by bincount in TensorFlow.js, read back
 * once). A stream of names is generated: '.' ends one name and the context of
 * the next starts afresh (padded with '.').
 *
 * The accept/resample arithmetic is plain float64 (it is a handful of numbers
 * per pass); the counting is tensor work.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.js';
import { BigramModel } from './bigram.js';
import { buildCorpus, encode, type Corpus } from './corpus.js';

/**
 * A conditional next-character distribution given the name in progress (the
 * characters since the last '.'; empty at the start of a name).
 */
export type Conditional = (name: readonly number[]) => Float64Array;

/** Inverse-CDF draw from a (float64, summing to ≈ 1) row. */
export function drawFrom(row: ArrayLike<number>, r: number): number {
  let total = 0;
  for (let i = 0; i < row.length; i++) total += row[i]!;
  const target = r * total;
  let cum = 0;
  let last = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i]! > 0) last = i;
    cum += row[i]!;
    if (target < cum) return i;
  }
  return last;
}

/** The normalised residual max(0, p − q) / Σ max(0, p − q); p itself when p = q (no mass left: never needed). */
export function residual(p: ArrayLike<number>, q: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.length);
  let mass = 0;
  for (let i = 0; i < p.length; i++) {
    out[i] = Math.max(0, p[i]! - q[i]!);
    mass += out[i]!;
  }
  if (mass <= 0) {
    for (let i = 0; i < p.length; i++) out[i] = p[i]!;
    return out;
  }
  for (let i = 0; i < p.length; i++) out[i]! /= mass;
  return out;
}

/** β = Σ min(p, q): the probability that one draft drawn from q is accepted against p. */
export function acceptanceProbability(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let beta = 0;
  for (let i = 0; i < p.length; i++) beta += Math.min(p[i]!, q[i]!);
  return beta;
}

/** One position's output law split into its two routes, exact in float64. */
export interface StepLaw {
  /** q(x)·min(1, p(x)/q(x)): x drafted and accepted. */
  accept: Float64Array;
  /** (1 − β)·residual(x): some draft rejected, x resampled. */
  resample: Float64Array;
  /** accept + resample (equals p). */
  total: Float64Array;
  beta: number;
}

/** Enumerates one position's accept and resample probabilities (the exact check that the output is p). */
export function stepLaw(p: ArrayLike<number>, q: ArrayLike<number>): StepLaw {
  const V = p.length;
  const accept = new Float64Array(V);
  for (let x = 0; x < V; x++) accept[x] = q[x]! > 0 ? q[x]! * Math.min(1, p[x]! / q[x]!) : 0;
  const beta = acceptanceProbability(p, q);
  const r = residual(p, q);
  const resample = new Float64Array(V);
  const total = new Float64Array(V);
  for (let x = 0; x < V; x++) {
    resample[x] = beta >= 1 ? 0 : (1 - beta) * r[x]!;
    total[x] = accept[x]! + resample[x]!;
  }
  return { accept, resample, total, beta };
}

/** One drafted character and what the verifier made of it. */
export interface DraftCheck {
  token: number;
  /** Draft probability q(token). */
  q: number;
  /** Target probability p(token). */
  p: number;
  /** min(1, p/q). */
  ratio: number;
  /** The uniform draw compared with the ratio (accepted when u < ratio). */
  u: number;
  accepted: boolean;
}

/** One target pass: γ drafts checked, then a resampled or a bonus character. */
export interface Pass {
  /** Characters generated before this pass (the stream position). */
  start: number;
  gamma: number;
  /** The drafts up to and including the first rejected one (later drafts are thrown away unchecked). */
  checks: DraftCheck[];
  /** Drafts that were proposed but never checked (after the first rejection). */
  discarded: number[];
  /** The character that ends the pass: a residual draw after a rejection, or a bonus draw from p. */
  final: { token: number; kind: 'resampled' | 'bonus'; p: number };
  /** Everything this pass emitted, in order: the accepted drafts, then `final`. */
  emitted: number[];
  /** Accepted drafts (the run). */
  accepted: number;
}

/**
 * One speculative pass after `history`: γ draws from the draft, then the
 * target's γ + 1 rows (one pass in a real model), then accept/reject left to
 * right. Random numbers: γ for the drafts, one per checked draft, one for the
 * final character, all from `rng`.
 */
export function speculativePass(history: readonly number[], gamma: number, draft: Conditional, target: Conditional, rng: Rng): Pass {
  // Only the name in progress conditions the models; drafts past a '.' start a new name.
  const name = currentName(history);
  const ctx = [...name];
  const drafts: number[] = [];
  const qRows: Float64Array[] = [];
  for (let i = 0; i < gamma; i++) {
    const q = draft(currentName(ctx));
    const x = drawFrom(q, rng.next());
    qRows.push(q);
    drafts.push(x);
    ctx.push(x);
  }
  // The verify pass: the target's distribution at each of the γ + 1 positions.
  const pRows: Float64Array[] = [];
  for (let i = 0; i <= gamma; i++) pRows.push(target(currentName(ctx.slice(0, name.length + i))));
  const checks: DraftCheck[] = [];
  const emitted: number[] = [];
  for (let i = 0; i < gamma; i++) {
    const x = drafts[i]!;
    const q = qRows[i]![x]!;
    const p = pRows[i]![x]!;
    const ratio = q > 0 ? Math.min(1, p / q) : 1;
    const u = rng.next();
    const accepted = u < ratio;
    checks.push({ token: x, q, p, ratio, u, accepted });
    if (!accepted) {
      const res = residual(pRows[i]!, qRows[i]!);
      const token = drawFrom(res, rng.next());
      emitted.push(token);
      return {
        start: history.length, gamma, checks, discarded: drafts.slice(i + 1),
        final: { token, kind: 'resampled', p: pRows[i]![token]! }, emitted, accepted: i,
      };
    }
    emitted.push(x);
  }
  const token = drawFrom(pRows[gamma]!, rng.next());
  emitted.push(token);
  return { start: history.length, gamma, checks, discarded: [], final: { token, kind: 'bonus', p: pRows[gamma]![token]! }, emitted, accepted: gamma };
}

/** A run of passes over a stream of names, with its statistics. */
export interface RunStats {
  gamma: number;
  passes: number;
  /** Characters emitted. */
  tokens: number;
  /** Drafts checked (≤ γ·passes: drafts after a rejection are never checked). */
  checked: number;
  /** Drafts accepted. */
  accepted: number;
  /** Measured acceptance rate: accepted / checked. */
  alpha: number;
  /** Measured characters per target pass. */
  tokensPerPass: number;
  /** (1 − α^{γ+1})/(1 − α) at the measured α. */
  predicted: number;
}

/** Mean characters per pass for a constant acceptance rate α: (1 − α^{γ+1})/(1 − α) (γ + 1 at α = 1). */
export function expectedTokensPerPass(alpha: number, gamma: number): number {
  if (alpha >= 1) return gamma + 1;
  return (1 - alpha ** (gamma + 1)) / (1 - alpha);
}

/**
 * Wall-clock speedup over the target alone when a draft step costs c target
 * passes: (1 − α^{γ+1}) / ((1 − α)(γc + 1)).
 */
export function speedup(alpha: number, gamma: number, cost: number): number {
  return expectedTokensPerPass(alpha, gamma) / (gamma * cost + 1);
}

/** `passes` speculative passes continuing one stream (history carried over); the passes and their statistics. */
export function runPasses(gamma: number, passes: number, draft: Conditional, target: Conditional, rng: Rng, history: number[] = []): { passes: Pass[]; stats: RunStats; history: number[] } {
  const out: Pass[] = [];
  let tokens = 0;
  let checked = 0;
  let accepted = 0;
  for (let i = 0; i < passes; i++) {
    const pass = speculativePass(history, gamma, draft, target, rng);
    out.push(pass);
    for (const t of pass.emitted) history.push(t);
    tokens += pass.emitted.length;
    checked += pass.checks.length;
    accepted += pass.accepted;
  }
  const alpha = checked ? accepted / checked : 0;
  return {
    passes: out,
    history,
    stats: { gamma, passes, tokens, checked, accepted, alpha, tokensPerPass: passes ? tokens / passes : 0, predicted: expectedTokensPerPass(alpha, gamma) },
  };
}

/** The characters since the last '.', i.e. the name being written (the context starts afresh after a boundary). */
export function currentName(history: readonly number[]): number[] {
  let i = history.length;
  while (i > 0 && history[i - 1] !== 0) i--;
  return history.slice(i) as number[];
}

/** The last `n` context indices of a name in progress, '.'-padded on the left. */
function contextOf(name: readonly number[], n: number): number[] {
  const ctx = new Array<number>(n).fill(0);
  for (let k = 0; k < n && k < name.length; k++) ctx[n - 1 - k] = name[name.length - 1 - k]!;
  return ctx;
}

/**
 * n-gram counts of orders 1 … maxOrder over the names ('.'-padded: n − 1 on
 * the left, one on the right). Counts of order n are a flat table indexed
 * (context in base V)·V + next, counted by tf.bincount and read back once.
 */
export async function countNgrams(corpus: Corpus, maxOrder: number): Promise<Float64Array[]> {
  const V = corpus.vocab.length;
  const encoded = corpus.words.map((w) => encode(corpus, w));
  const tables: Float64Array[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const cells: number[] = [];
    for (const name of encoded) {
      const padded = [...new Array<number>(n - 1).fill(0), ...name, 0];
      for (let i = n - 1; i < padded.length; i++) {
        let cell = 0;
        for (let k = i - n + 1; k <= i; k++) cell = cell * V + padded[k]!;
        cells.push(cell);
      }
    }
    const size = V ** n;
    const counted = tf.tidy(() => tf.bincount(tf.tensor1d(cells, 'int32'), tf.tensor1d([], 'float32'), size));
    const values = await counted.data();
    counted.dispose();
    tables.push(Float64Array.from(values));
  }
  return tables;
}

/**
 * Witten–Bell interpolated n-gram: P_n(x | h) = (c(h, x) + T(h)·P_{n−1}(x | h′)) / (c(h) + T(h)),
 * T(h) the number of distinct characters seen after h, h′ = h without its
 * first character; P_n = P_{n−1} for an unseen h; the base is add-one unigram.
 */
export class WittenBell {
  readonly order: number;
  private readonly cache = new Map<string, Float64Array>();

  constructor(private readonly tables: Float64Array[], readonly vocabSize: number) {
    this.order = tables.length;
  }

  /** P(next | the name so far). */
  row(name: readonly number[]): Float64Array {
    return this.rowFor(contextOf(name, this.order - 1));
  }

  private rowFor(ctx: number[]): Float64Array {
    const key = ctx.join(',');
    const known = this.cache.get(key);
    if (known) return known;
    const V = this.vocabSize;
    const n = ctx.length + 1;
    const out = new Float64Array(V);
    const table = this.tables[n - 1]!;
    if (n === 1) {
      let total = 0;
      for (let x = 0; x < V; x++) total += table[x]! + 1;
      for (let x = 0; x < V; x++) out[x] = (table[x]! + 1) / total;
    } else {
      const lower = this.rowFor(ctx.slice(1));
      let base = 0;
      for (const c of ctx) base = base * V + c;
      base *= V;
      let count = 0;
      let types = 0;
      for (let x = 0; x < V; x++) {
        const c = table[base + x]!;
        count += c;
        if (c > 0) types++;
      }
      for (let x = 0; x < V; x++) out[x] = count ? (table[base + x]! + types * lower[x]!) / (count + types) : lower[x]!;
    }
    this.cache.set(key, out);
    return out;
  }
}

/** The draft and target of the demo, built from one corpus. */
export interface DraftTarget {
  vocab: string[];
  /** Bigram table P(next | current) (add-k), float64 rows renormalised. */
  bigram: Float64Array[];
  draft: Conditional;
  target: Conditional;
  /** Average NLL per character (nats) of the corpus under the draft and the target. */
  draftNll: number;
  targetNll: number;
}

/** Average NLL (nats per character, '.' included) of the corpus under a conditional model. */
export function corpusNll(corpus: Corpus, model: Conditional): number {
  let nll = 0;
  let n = 0;
  for (const w of corpus.words) {
    const name: number[] = [];
    for (const c of [...encode(corpus, w), 0]) {
      nll -= Math.log(model(name)[c]!);
      n++;
      name.push(c);
    }
  }
  return nll / n;
}

/** Builds the bigram draft (smoothing k) and the Witten–Bell target (order) from a list of names. */
export async function buildDraftTarget(words: readonly string[], { smoothing = 1, order = 4 } = {}): Promise<DraftTarget> {
  const corpus = buildCorpus([...words]);
  const bigramModel = new BigramModel(corpus);
  let table;
  try {
    table = await bigramModel.table(smoothing);
  } finally {
    bigramModel.dispose();
  }
  const bigram = table.probabilities.map((row) => {
    const r = Float64Array.from(row);
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((v) => v / s);
  });
  const wb = new WittenBell(await countNgrams(corpus, order), corpus.vocab.length);
  const draft: Conditional = (name) => bigram[name.length ? name[name.length - 1]! : 0]!;
  const target: Conditional = (name) => wb.row(name);
  return { vocab: corpus.vocab, bigram, draft, target, draftNll: corpusNll(corpus, draft), targetNll: corpusNll(corpus, target) };
}
