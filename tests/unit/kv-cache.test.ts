import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  BOOK_70B, DEFAULT_DECODER, generateBoth, kvCacheSize, kvHeadOf, randomWeights, TinyDecoder, type DecoderShape, type DecoderWeights,
} from '../../components/models/kv-cache';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Independent reference: the same decoder as plain-JS float64 loops over the
 * whole sequence, causal softmax written out, no tensors, no cache.
 */
function referenceLogits(s: DecoderShape, w: DecoderWeights, tokens: number[]): number[] {
  const d = s.dModel;
  const T = tokens.length;
  const dh = s.headDim;
  let x = tokens.map((tok, t) => Array.from({ length: d }, (_, j) => w.embed[tok * d + j]! + w.positions[t * d + j]!));
  const mat = (a: number[], m: Float32Array, cols: number) => Array.from({ length: cols }, (_, c) => a.reduce((acc, v, r) => acc + v * m[r * cols + c]!, 0));
  const group = s.heads / s.kvHeads;
  for (const l of w.layers) {
    const q = x.map((r) => mat(r, l.wq, s.heads * dh));
    const k = x.map((r) => mat(r, l.wk, s.kvHeads * dh));
    const v = x.map((r) => mat(r, l.wv, s.kvHeads * dh));
    const out = x.map(() => new Array<number>(s.heads * dh).fill(0));
    for (let h = 0; h < s.heads; h++) {
      const g = Math.floor(h / group);
      for (let i = 0; i < T; i++) {
        const sc: number[] = [];
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let e = 0; e < dh; e++) dot += q[i]![h * dh + e]! * k[j]![g * dh + e]!;
          sc.push(dot / Math.sqrt(dh));
        }
        const m = Math.max(...sc);
        const ex = sc.map((z) => Math.exp(z - m));
        const z = ex.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++) for (let e = 0; e < dh; e++) out[i]![h * dh + e]! += (ex[j]! / z) * v[j]![g * dh + e]!;
      }
    }
    x = x.map((r, i) => {
      const o = mat(out[i]!, l.wo, d);
      return r.map((val, j) => val + o[j]!);
    });
  }
  return mat(x[T - 1]!, w.unembed, s.vocab);
}

const shapes: { name: string; shape: DecoderShape }[] = [
  { name: 'MHA (4 query, 4 K/V heads)', shape: { ...DEFAULT_DECODER, maxLength: 24 } },
  { name: 'GQA (4 query, 2 K/V heads)', shape: { ...DEFAULT_DECODER, kvHeads: 2, maxLength: 24 } },
  { name: 'MQA (4 query, 1 K/V head)', shape: { ...DEFAULT_DECODER, kvHeads: 1, maxLength: 24 } },
  { name: 'one layer, 8 heads of 4', shape: { vocab: 10, dModel: 32, heads: 8, kvHeads: 4, headDim: 4, layers: 1, maxLength: 24 } },
];

describe('tiny decoder', () => {
  it.each(shapes)('gives cached logits equal to full recomputation and to a float64 reference: $name', async ({ shape }) => {
    const before = tf.memory().numTensors;
    const w = randomWeights(shape, createRng(7, 'w'));
    const dec = new TinyDecoder(shape, w);
    const prompt = [1, 5, 2];
    const seen: number[][] = [];
    const steps = await generateBoth(dec, prompt, 12, (_s, logits) => void seen.push([...logits]));
    expect(steps).toHaveLength(15);
    const tokens = steps.map((s) => s.input);
    expect(tokens.slice(0, 3)).toEqual(prompt);
    for (let i = 3; i < steps.length; i++) expect(tokens[i]).toBe(steps[i - 1]!.next);
    for (const [i, s] of steps.entries()) {
      expect(s.maxDiff).toBeLessThan(1e-4);
      expect(s.sameChoice).toBe(true);
      const ref = referenceLogits(shape, w, tokens.slice(0, i + 1));
      const worst = Math.max(...ref.map((r, j) => Math.abs(r - seen[i]![j]!)));
      expect(worst).toBeLessThan(1e-4);
      expect(s.cachedMs).toBeGreaterThanOrEqual(0);
    }
    dec.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('grows the cache by one slot per token: 2 · layers · kvHeads · headDim numbers each', () => {
    const shape = { ...DEFAULT_DECODER, kvHeads: 2, maxLength: 8 };
    const dec = new TinyDecoder(shape, randomWeights(shape, createRng(1, 'w')));
    const cache = dec.newCache();
    for (let t = 1; t <= 5; t++) {
      dec.nextCached(cache, t).dispose();
      expect(cache.length).toBe(t);
      expect(cache.keys[0]!.shape).toEqual([2, t, 8]);
      expect(cache.numbers).toBe(2 * 2 * 2 * 8 * t);
    }
    cache.dispose();
    dec.dispose();
  });

  it('maps query heads to K/V heads in groups', () => {
    expect(kvHeadOf(4, 4)).toEqual([0, 1, 2, 3]);
    expect(kvHeadOf(4, 2)).toEqual([0, 0, 1, 1]);
    expect(kvHeadOf(8, 1)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => new TinyDecoder({ ...DEFAULT_DECODER, kvHeads: 3 }, randomWeights({ ...DEFAULT_DECODER, kvHeads: 3 }, createRng(1)))).toThrow(/kv-heads/);
  });

  it('makes kv-heads = heads plain multi-head attention (same logits as an MHA decoder built from the same K/V weights)', async () => {
    const shape = { ...DEFAULT_DECODER, maxLength: 10 };
    const w = randomWeights(shape, createRng(3, 'w'));
    const dec = new TinyDecoder(shape, w);
    const tokens = [3, 1, 4, 1, 5];
    const logits = dec.nextFull(tokens);
    const ref = referenceLogits({ ...shape, kvHeads: shape.heads }, w, tokens);
    const got = await logits.data();
    expect(Math.max(...ref.map((r, j) => Math.abs(r - got[j]!)))).toBeLessThan(1e-4);
    logits.dispose();
    dec.dispose();
  });
});

describe('KV-cache size (through the model calculator)', () => {
  it('gives the book\'s 80 layers × 64 heads × 128 × 2 bytes 1,310,720 B per token per direction and 21.47 GB for K+V at 8,192 tokens', () => {
    const s = kvCacheSize({ ...BOOK_70B, kvHeads: 64, tokens: 8192 });
    expect(s.perTokenPerDirection).toBe(80 * 64 * 128 * 2);
    expect(s.perTokenPerDirection).toBe(1_310_720);
    expect(s.perToken).toBe(2_621_440);
    expect(s.total).toBe(1_310_720 * 2 * 8192);
    expect(s.total / 1e9).toBeCloseTo(21.47, 2);
  });

  it.each([
    { name: 'Llama-3-70B (8 K/V heads)', kvHeads: 8, perToken: 327_680, at8k: 2.68e9 },
    { name: 'MQA (1 K/V head)', kvHeads: 1, perToken: 40_960, at8k: 0.336e9 },
    { name: 'MHA (64)', kvHeads: 64, perToken: 2_621_440, at8k: 21.47e9 },
  ])('gives $name $perToken B per token (K+V), ≈ $at8k B at 8K', ({ kvHeads, perToken, at8k }) => {
    const s = kvCacheSize({ ...BOOK_70B, kvHeads, tokens: 8192 });
    expect(s.perToken).toBe(2 * 80 * kvHeads * 128 * 2);
    expect(s.perToken).toBe(perToken);
    expect(Math.abs(s.total - at8k) / at8k).toBeLessThan(0.005);
  });

  it('shrinks by heads / kv-heads and grows 125× from 8K to 1M tokens', () => {
    const mha = kvCacheSize({ ...BOOK_70B, kvHeads: 64, tokens: 8192 });
    const gqa = kvCacheSize({ ...BOOK_70B, kvHeads: 8, tokens: 8192 });
    expect(mha.total / gqa.total).toBe(8);
    const long = kvCacheSize({ ...BOOK_70B, kvHeads: 8, tokens: 1_024_000 });
    expect(long.total / gqa.total).toBe(125);
  });
});
