/**
 * The roofline (Williams, Waterman & Patterson 2009) of a weight matrix times
 * a batch of activations, and the decode floor it implies (chapter 23).
 *
 * A layer y = W·X with W d × d (the weights) and X d × B (B tokens' vectors):
 *   FLOPs              = 2·d²·B           (a multiply and an add per weight per token)
 *   bytes moved        = v·(d² + 2·d·B)   (W read once, X read, Y written; v bytes per value)
 *   intensity I        = FLOPs / bytes    → 2B/v for B ≪ d: batch 1 in float32 does ½ FLOP per byte
 *   attainable FLOP/s  = min(peak, bandwidth · I)
 *   ridge point        = peak / bandwidth (the intensity where the two roofs meet)
 * Decode at batch 1 reads every weight once per token, so
 *   ms/token ≥ weight bytes / memory bandwidth.
 *
 * `measureProduct` times real TensorFlow.js products on the page's backend:
 * one warm-up, then `repeats` samples of `inner` products each (inner chosen
 * so one sample takes a few ms), each sample ending in a read-back, with a
 * yield to the page between samples; the median sample ÷ inner is the time.
 */
import * as tf from '@tensorflow/tfjs-core';

/** NVIDIA H100 SXM: dense bf16 tensor-core peak (no sparsity) and HBM3 bandwidth. */
export const H100 = { name: 'H100 SXM', peakFlops: 989e12, bandwidth: 3.35e12 } as const;

/** FLOPs of W (d × d) times X (d × B). */
export function productFlops(d: number, batch: number): number {
  return 2 * d * d * batch;
}

/** Bytes moved by W·X: the weights once, the activations in and out. */
export function productBytes(d: number, batch: number, bytesPerValue = 4): number {
  return bytesPerValue * (d * d + 2 * d * batch);
}

/** Arithmetic intensity, FLOPs per byte moved. */
export function intensity(d: number, batch: number, bytesPerValue = 4): number {
  return productFlops(d, batch) / productBytes(d, batch, bytesPerValue);
}

/** The roofline: attainable FLOP/s at an intensity. */
export function attainable(intensityValue: number, peakFlops: number, bandwidth: number): number {
  return Math.min(peakFlops, bandwidth * intensityValue);
}

/** Ridge point, FLOP/byte: below it a kernel is bandwidth-bound, above it compute-bound. */
export function ridgePoint(peakFlops: number, bandwidth: number): number {
  return peakFlops / bandwidth;
}

export interface DecodeFloor {
  weightBytes: number;
  msPerToken: number;
  tokensPerSecond: number;
}

/** Batch-1 decode: every weight read once per token. params in parameters, bandwidth in bytes/s. */
export function decodeFloor(params: number, bytesPerParam: number, bandwidth: number): DecodeFloor {
  const weightBytes = params * bytesPerParam;
  const seconds = weightBytes / bandwidth;
  return { weightBytes, msPerToken: seconds * 1000, tokensPerSecond: 1 / seconds };
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Batch sizes 1, 2, 4, … up to maxBatch. */
export function batchSizes(maxBatch: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= maxBatch; b *= 2) out.push(b);
  return out;
}

export interface Measurement {
  d: number;
  batch: number;
  /** Median seconds per product. */
  seconds: number;
  flops: number;
  bytes: number;
  intensity: number;
  /** Achieved FLOP/s = flops / seconds. */
  achieved: number;
  samples: number;
  inner: number;
}

const now = () => (globalThis.performance ?? Date).now();
const yieldToPage = () => new Promise<void>((r) => setTimeout(r, 0));

/** One product W·X, read back; returns milliseconds. */
async function timeOnce(w: tf.Tensor2D, x: tf.Tensor2D, inner: number): Promise<number> {
  const t0 = now();
  const ys: tf.Tensor[] = [];
  for (let i = 0; i < inner; i++) ys.push(tf.matMul(w, x));
  await ys[ys.length - 1]!.data();
  const ms = now() - t0;
  tf.dispose(ys);
  return ms;
}

/**
 * Times W (d × d) · X (d × B) on the current backend. `targetMs`: how long
 * one sample should take (more products per sample when one is quicker).
 */
export async function measureProduct(d: number, batch: number, opts: { repeats?: number; targetMs?: number; seed?: number } = {}): Promise<Measurement> {
  const repeats = opts.repeats ?? 5;
  const targetMs = opts.targetMs ?? 4;
  const w = tf.randomNormal([d, d], 0, 1 / Math.sqrt(d), 'float32', opts.seed ?? 1) as tf.Tensor2D;
  const x = tf.randomNormal([d, batch], 0, 1, 'float32', (opts.seed ?? 1) + 1) as tf.Tensor2D;
  try {
    await timeOnce(w, x, 1); // warm-up: shader compilation, first allocation
    await yieldToPage();
    const first = await timeOnce(w, x, 1);
    const inner = Math.max(1, Math.min(16, Math.round(targetMs / Math.max(first, 1e-3))));
    const samples: number[] = [];
    for (let i = 0; i < repeats; i++) {
      await yieldToPage();
      samples.push((await timeOnce(w, x, inner)) / inner);
    }
    const seconds = Math.max(median(samples), 1e-6) / 1000;
    const flops = productFlops(d, batch);
    const bytes = productBytes(d, batch);
    return { d, batch, seconds, flops, bytes, intensity: flops / bytes, achieved: flops / seconds, samples: repeats, inner };
  } finally {
    w.dispose();
    x.dispose();
  }
}

export interface SweepOptions {
  repeats?: number;
  /** Stop before a size whose one product would block the page longer than this (ms). */
  maxBlockMs?: number;
  /** Stop starting new sizes after this much time (ms). */
  budgetMs?: number;
  /** Called after each size, e.g. to draw the point. Return false to stop. */
  onPoint?: (m: Measurement) => boolean | void;
}

export interface Sweep {
  points: Measurement[];
  /** Sizes not measured and why (null when all were). */
  stopped: { batch: number; reason: string } | null;
  elapsedMs: number;
}

/**
 * Measures every batch size in turn. A size is skipped (with the rest) when
 * the previous one's time, doubled, predicts one product over maxBlockMs, or
 * when the budget is spent, so the page is never held up for long.
 */
export async function sweep(d: number, batches: readonly number[], opts: SweepOptions = {}): Promise<Sweep> {
  const maxBlock = opts.maxBlockMs ?? 40;
  const budget = opts.budgetMs ?? 3000;
  const t0 = now();
  const points: Measurement[] = [];
  for (const b of batches) {
    const last = points.at(-1);
    if (last && (last.seconds * 1000 * (b / last.batch)) > maxBlock) {
      return { points, stopped: { batch: b, reason: `over ${maxBlock} ms a product` }, elapsedMs: now() - t0 };
    }
    if (now() - t0 > budget) return { points, stopped: { batch: b, reason: `${budget / 1000} s budget spent` }, elapsedMs: now() - t0 };
    const m = await measureProduct(d, b, { repeats: opts.repeats });
    points.push(m);
    if (opts.onPoint?.(m) === false) return { points, stopped: { batch: b * 2, reason: 'stopped' }, elapsedMs: now() - t0 };
  }
  return { points, stopped: null, elapsedMs: now() - t0 };
}
