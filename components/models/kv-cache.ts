/**
 * A tiny decoder-only Transformer that generates token by token with and
 * without a KV cache (chapters 24–25), and the cache's size for a real model.
 *
 * The decoder: token embedding + learned position embedding, `layers` blocks
 * of causal self-attention with a residual connection (no FFN, no norm: what
 * the cache is about is all in the attention), and an unembedding to `vocab`
 * scores. Attention has `heads` query heads and `kvHeads` key/value heads of
 * size headDim; query head h reads K/V head ⌊h / (heads / kvHeads)⌋, so
 * kvHeads = heads is multi-head attention (MHA), 1 is multi-query (MQA,
 * Shazeer 2019) and anything between is grouped-query (GQA, Ainslie et al. 2023).
 * Weights are seeded Gaussians (nothing is trained: the cache is about
 * arithmetic, not about what the model learned).
 *
 * Without a cache, step t runs the whole sequence 0 … t through the model
 * (causal mask) and keeps the last row: K and V of every earlier token are
 * computed again at every step. With a cache, step t computes q, k, v of the
 * new token only, appends k, v to each layer's cache and attends over it. The
 * two give the same logits up to float32 rounding (the causal mask means no
 * earlier row depends on a later token).
 *
 * Cache size: `kvCacheSize` reuses the model calculator's formula
 * (`models/model-calculator.ts`): 2 (K and V) · layers · h_kv · d_head · bytes
 * per token.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MODEL_PRESETS } from '../data/model-presets.js';
import { computeCosts, configFromPreset } from './model-calculator.js';
import type { Rng } from '../runtime/rng.js';

export interface DecoderShape {
  vocab: number;
  dModel: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  layers: number;
  /** Longest sequence (the position table's rows). */
  maxLength: number;
}

export const DEFAULT_DECODER: DecoderShape = { vocab: 16, dModel: 32, heads: 4, kvHeads: 4, headDim: 8, layers: 2, maxLength: 256 };

/** Plain arrays, row-major: the same numbers the tensors hold (for the plain-JS reference). */
export interface DecoderWeights {
  embed: Float32Array; // vocab × d
  positions: Float32Array; // maxLength × d
  layers: { wq: Float32Array; wk: Float32Array; wv: Float32Array; wo: Float32Array }[]; // d × h·dh, d × hkv·dh, d × hkv·dh, h·dh × d
  unembed: Float32Array; // d × vocab
}

function gaussian(rng: Rng, n: number, std: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
  return a;
}

export function randomWeights(s: DecoderShape, rng: Rng): DecoderWeights {
  const d = s.dModel;
  const q = s.heads * s.headDim;
  const kv = s.kvHeads * s.headDim;
  return {
    embed: gaussian(rng, s.vocab * d, 1),
    positions: gaussian(rng, s.maxLength * d, 0.5),
    layers: Array.from({ length: s.layers }, () => ({
      wq: gaussian(rng, d * q, 1 / Math.sqrt(d)),
      wk: gaussian(rng, d * kv, 1 / Math.sqrt(d)),
      wv: gaussian(rng, d * kv, 1 / Math.sqrt(d)),
      wo: gaussian(rng, q * d, 1 / Math.sqrt(q)),
    })),
    unembed: gaussian(rng, d * s.vocab, 1 / Math.sqrt(d)),
  };
}

/** Which K/V head each query head reads. */
export function kvHeadOf(heads: number, kvHeads: number): number[] {
  const group = heads / kvHeads;
  return Array.from({ length: heads }, (_, h) => Math.floor(h / group));
}

/** Problems with a shape (each naming the attribute). */
export function checkShape(s: DecoderShape): { attribute: string; expected: string }[] {
  const out: { attribute: string; expected: string }[] = [];
  if (s.kvHeads > s.heads || s.heads % s.kvHeads !== 0) out.push({ attribute: 'kv-heads', expected: `a divisor of heads (${s.heads})` });
  return out;
}

interface LayerTensors { wq: tf.Tensor2D; wk: tf.Tensor2D; wv: tf.Tensor2D; wo: tf.Tensor2D }

/** The decoder's weights as tensors, with the full-recompute forward and a cached stepper. */
export class TinyDecoder {
  readonly shape: DecoderShape;
  private readonly embed: tf.Tensor2D;
  private readonly positions: tf.Tensor2D;
  private readonly layerWeights: LayerTensors[];
  private readonly unembed: tf.Tensor2D;
  private readonly groupIndex: tf.Tensor1D;

  constructor(shape: DecoderShape, weights: DecoderWeights) {
    const problems = checkShape(shape);
    if (problems.length) throw new Error(`${problems[0]!.attribute}: expected ${problems[0]!.expected}`);
    this.shape = shape;
    const d = shape.dModel;
    const q = shape.heads * shape.headDim;
    const kv = shape.kvHeads * shape.headDim;
    this.embed = tf.tensor2d(weights.embed, [shape.vocab, d]);
    this.positions = tf.tensor2d(weights.positions, [shape.maxLength, d]);
    this.layerWeights = weights.layers.map((l) => ({
      wq: tf.tensor2d(l.wq, [d, q]), wk: tf.tensor2d(l.wk, [d, kv]), wv: tf.tensor2d(l.wv, [d, kv]), wo: tf.tensor2d(l.wo, [q, d]),
    }));
    this.unembed = tf.tensor2d(weights.unembed, [d, shape.vocab]);
    this.groupIndex = tf.tensor1d(kvHeadOf(shape.heads, shape.kvHeads), 'int32');
  }

  private input(tokens: number[], start: number): tf.Tensor2D {
    const ids = tf.tensor1d(tokens, 'int32');
    const pos = tf.range(start, start + tokens.length, 1, 'int32');
    return tf.add(tf.gather(this.embed, ids), tf.gather(this.positions, pos)) as tf.Tensor2D;
  }

  /** [T, n·dh] → [n, T, dh]. */
  private split(x: tf.Tensor2D, n: number): tf.Tensor3D {
    return tf.transpose(tf.reshape(x, [x.shape[0], n, this.shape.headDim]), [1, 0, 2]);
  }

  /** Attention of queries [h, Tq, dh] over keys/values [hkv, Tk, dh]; mask: add −∞ above the diagonal. */
  private attend(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, causal: boolean): tf.Tensor2D {
    const kq = tf.gather(k, this.groupIndex, 0);
    const vq = tf.gather(v, this.groupIndex, 0);
    let scores = tf.div(tf.matMul(q, kq, false, true), Math.sqrt(this.shape.headDim));
    if (causal) {
      const T = q.shape[1];
      const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
      scores = tf.add(scores, mask);
    }
    const out = tf.matMul(tf.softmax(scores), vq); // [h, Tq, dh]
    return tf.reshape(tf.transpose(out, [1, 0, 2]), [q.shape[1], this.shape.heads * this.shape.headDim]);
  }

  /** Scores of the next token after each prefix, recomputing everything: [T, vocab]. */
  forwardAll(tokens: number[]): tf.Tensor2D {
    return tf.tidy(() => {
      let x = this.input(tokens, 0);
      for (const l of this.layerWeights) {
        const q = this.split(tf.matMul(x, l.wq), this.shape.heads);
        const k = this.split(tf.matMul(x, l.wk), this.shape.kvHeads);
        const v = this.split(tf.matMul(x, l.wv), this.shape.kvHeads);
        x = tf.add(x, tf.matMul(this.attend(q, k, v, true), l.wo));
      }
      return tf.matMul(x, this.unembed);
    });
  }

  /** Without a cache: the whole sequence again, last row kept: [vocab]. */
  nextFull(tokens: number[]): tf.Tensor1D {
    return tf.tidy(() => {
      const all = this.forwardAll(tokens);
      return tf.reshape(tf.slice(all, [tokens.length - 1, 0], [1, this.shape.vocab]), [this.shape.vocab]);
    });
  }

  /** With a cache: the new token only, appending its K and V. */
  nextCached(cache: KvCache, token: number): tf.Tensor1D {
    const position = cache.length;
    const { logits, keys, values } = tf.tidy(() => {
      let x = this.input([token], position);
      const keys: tf.Tensor3D[] = [];
      const values: tf.Tensor3D[] = [];
      this.layerWeights.forEach((l, i) => {
        const q = this.split(tf.matMul(x, l.wq), this.shape.heads);
        const kNew = this.split(tf.matMul(x, l.wk), this.shape.kvHeads);
        const vNew = this.split(tf.matMul(x, l.wv), this.shape.kvHeads);
        const k = cache.keys[i] ? tf.concat([cache.keys[i]!, kNew], 1) : kNew;
        const v = cache.values[i] ? tf.concat([cache.values[i]!, vNew], 1) : vNew;
        keys.push(k);
        values.push(v);
        x = tf.add(x, tf.matMul(this.attend(q, k, v, false), l.wo));
      });
      return { logits: tf.reshape(tf.matMul(x, this.unembed), [this.shape.vocab]) as tf.Tensor1D, keys, values };
    });
    cache.replace(keys, values);
    return logits;
  }

  newCache(): KvCache {
    return new KvCache(this.shape);
  }

  dispose(): void {
    tf.dispose([this.embed, this.positions, this.unembed, this.groupIndex, ...this.layerWeights.flatMap((l) => [l.wq, l.wk, l.wv, l.wo])]);
  }
}

/** Per layer, K and V of every token so far: [kvHeads, length, headDim] each. */
export class KvCache {
  keys: (tf.Tensor3D | null)[];
  values: (tf.Tensor3D | null)[];
  length = 0;
  constructor(private readonly shape: DecoderShape) {
    this.keys = Array.from({ length: shape.layers }, () => null);
    this.values = Array.from({ length: shape.layers }, () => null);
  }

  replace(keys: tf.Tensor3D[], values: tf.Tensor3D[]): void {
    tf.dispose([...this.keys, ...this.values].filter((t): t is tf.Tensor3D => t !== null));
    this.keys = keys;
    this.values = values;
    this.length = keys[0]?.shape[1] ?? 0;
  }

  /** Numbers held: 2 · layers · kvHeads · headDim · length. */
  get numbers(): number {
    return 2 * this.shape.layers * this.shape.kvHeads * this.shape.headDim * this.length;
  }

  dispose(): void {
    this.replace([], []);
  }
}

export interface TokenStep {
  /** Position of the token read (0 = the prompt's first). */
  position: number;
  /** The token read at this step. */
  input: number;
  /** The greedy choice from the cached logits. */
  next: number;
  cachedMs: number;
  fullMs: number;
  /** max |cached − full| over this step's logits. */
  maxDiff: number;
  /** Both paths chose the same token. */
  sameChoice: boolean;
}

const now = () => (globalThis.performance ?? Date).now();
const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

/**
 * Reads the prompt, then its own greedy choices, one token a step, for
 * prompt.length + count steps (at most maxLength), timing each step with the
 * cache and without it (each ends in a read-back of its logits). onStep after
 * each step; return false to stop. Yields to the page between steps.
 */
export async function generateBoth(
  decoder: TinyDecoder, prompt: number[], count: number, onStep?: (s: TokenStep, cachedLogits: Float32Array) => boolean | void,
): Promise<TokenStep[]> {
  const cache = decoder.newCache();
  const steps: TokenStep[] = [];
  const seq: number[] = [];
  try {
    const total = Math.min(decoder.shape.maxLength, prompt.length + count);
    let input = prompt[0]!;
    for (let pos = 0; pos < total; pos++) {
      if (pos > 0) await new Promise<void>((r) => setTimeout(r, 0));
      seq.push(input);
      const t0 = now();
      const c = decoder.nextCached(cache, input);
      const cached = (await c.data()) as Float32Array;
      const t1 = now();
      const f = decoder.nextFull(seq);
      const full = (await f.data()) as Float32Array;
      const t2 = now();
      c.dispose();
      f.dispose();
      let maxDiff = 0;
      for (let i = 0; i < cached.length; i++) maxDiff = Math.max(maxDiff, Math.abs(cached[i]! - full[i]!));
      const next = argmax(cached);
      const step: TokenStep = { position: pos, input, next, cachedMs: t1 - t0, fullMs: t2 - t1, maxDiff, sameChoice: next === argmax(full) };
      steps.push(step);
      if (onStep?.(step, cached) === false) break;
      input = pos + 1 < prompt.length ? prompt[pos + 1]! : next;
    }
    return steps;
  } finally {
    cache.dispose();
  }
}

export interface KvShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  /** Bytes per cached value (2 = bf16). */
  kvBytes: number;
  /** Tokens held. */
  tokens: number;
}

export interface KvSize {
  /** K alone (or V alone), per token. */
  perTokenPerDirection: number;
  /** K and V, per token. */
  perToken: number;
  /** K and V for `tokens` tokens. */
  total: number;
}

const BASE = MODEL_PRESETS.find((p) => p.id === 'llama3-70b')!;

/** KV-cache size from `<model-calculator>`'s computeCosts (only layers, kv-heads, head-dim, kv-bytes and context enter it). */
export function kvCacheSize(s: KvShape): KvSize {
  const c = computeCosts(configFromPreset(BASE, {
    layers: s.layers, kvHeads: s.kvHeads, heads: Math.max(s.kvHeads, BASE.heads), headDim: s.headDim, kvBytes: s.kvBytes, context: s.tokens, batch: 1,
  }));
  return { perTokenPerDirection: c.kvBytesPerTokenPerDirection, perToken: c.kvBytesPerToken, total: c.kvBytesContext };
}

/** The book's 70 B configuration (80 layers, 64 heads of 128, bf16) with a chosen number of K/V heads. */
export const BOOK_70B = { layers: 80, heads: 64, headDim: 128, kvBytes: 2 } as const;
