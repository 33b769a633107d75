import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  allowedPairs,
  blocksFor,
  blockWeights,
  causalMask,
  fullMask,
  maskedAttentionWeights,
  toyVectors,
} from '../../components/models/attention-masks';

const tokens = ['Was', 'the', 'bank', 'flooded', '?'];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS softmax of q·k/√d over the allowed keys only. */
function refWeights(q: number[][], k: number[][], mask: number[][]): number[][] {
  const d = q[0].length;
  return q.map((qi, i) => {
    const s = k.map((kj) => qi.reduce((acc, v, t) => acc + v * kj[t], 0) / Math.sqrt(d));
    const allowed = s.filter((_, j) => mask[i][j] === 1);
    const max = Math.max(...allowed);
    const e = s.map((v, j) => (mask[i][j] === 1 ? Math.exp(v - max) : 0));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  });
}

describe('masks', () => {
  it('allows 15 pairs for 5 tokens causally and 25 with full attention', () => {
    expect(allowedPairs(causalMask(5))).toBe(15);
    expect(allowedPairs(fullMask(5))).toBe(25);
  });

  it.each([1, 2, 7, 12])('allows n(n+1)/2 causal pairs for n = %i', (n) => {
    expect(allowedPairs(causalMask(n))).toBe((n * (n + 1)) / 2);
  });

  it('lets "bank" see "Was", "the", itself — but not the later "flooded" — in a causal model', () => {
    const row = causalMask(5)[2];
    expect(row).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('blocksFor', () => {
  it('gives decoder-only one causal block and encoder-only one full block', () => {
    const [dec] = blocksFor('decoder-only', tokens);
    const [enc] = blocksFor('encoder-only', tokens);
    expect(allowedPairs(dec.mask)).toBe(15);
    expect(allowedPairs(enc.mask)).toBe(25);
  });

  it('gives encoder-decoder full encoder self-attention, causal decoder self-attention and full cross-attention', () => {
    const target = ['<s>', 'Das', 'Ufer'];
    const [encSelf, decSelf, cross] = blocksFor('encoder-decoder', tokens, target);
    expect(encSelf.mask).toEqual(fullMask(5));
    expect(decSelf.mask).toEqual(causalMask(3));
    expect(cross.queries).toEqual(target);
    expect(cross.keys).toEqual(tokens);
    expect(allowedPairs(cross.mask)).toBe(15); // 3 output tokens × 5 source tokens
  });
});

describe('maskedAttentionWeights', () => {
  const q = toyVectors(tokens, 'q', 8, 42);
  const k = toyVectors(tokens, 'k', 8, 42);

  it('gives masked weights of exactly 0 and rows that sum to 1', async () => {
    const w = await maskedAttentionWeights(q, k, causalMask(5));
    w.forEach((row, i) => {
      row.forEach((v, j) => (j > i ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0)));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });
  });

  it.each([
    ['causal', causalMask(5)],
    ['full', fullMask(5)],
  ])('matches a plain-JS softmax over the allowed keys (%s)', async (_name, mask) => {
    const w = await maskedAttentionWeights(q, k, mask);
    const ref = refWeights(q, k, mask);
    w.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(ref[i][j], 5)));
  });

  it('gives the first token all its weight on itself in a causal model', async () => {
    const w = await maskedAttentionWeights(q, k, causalMask(5));
    expect(w[0][0]).toBeCloseTo(1, 6);
  });

  it('rejects a mask of the wrong shape or a row with nothing allowed', async () => {
    await expect(maskedAttentionWeights(q, k, causalMask(4))).rejects.toThrow(/5×5/);
    const blind = fullMask(5);
    blind[1] = [0, 0, 0, 0, 0];
    await expect(maskedAttentionWeights(q, k, blind)).rejects.toThrow(/at least one key/);
  });

  it('keeps earlier rows unchanged when a token is generated (causal: the past never sees the future)', async () => {
    const [before] = blocksFor('decoder-only', tokens);
    const [after] = blocksFor('decoder-only', [...tokens, 'Yes']);
    const w5 = await blockWeights(before, 42);
    const w6 = await blockWeights(after, 42);
    w5.forEach((row, i) => row.forEach((v, j) => expect(w6[i][j]).toBeCloseTo(v, 6)));
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await maskedAttentionWeights(q, k, causalMask(5));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('blockWeights with given weights (the hand-set weights of the "Was the bank flooded?" slide)', () => {
  // Rows: query Was, the, bank, flooded, ?; columns: the same tokens as keys; each row sums to 1.
  const given = [
    [0.4, 0.1, 0.2, 0.2, 0.1],
    [0.1, 0.3, 0.5, 0.05, 0.05],
    [0.3, 0.1, 0, 0.6, 0],
    [0.1, 0.05, 0.6, 0.2, 0.05],
    [0.4, 0.05, 0.2, 0.25, 0.1],
  ];
  /** Plain JS: keep the allowed weights of each row and rescale them to sum to 1. */
  const renormalised = (mask: number[][]) => given.map((row, i) => {
    const kept = row.map((v, j) => v * mask[i][j]);
    const z = kept.reduce((a, b) => a + b, 0);
    return kept.map((v) => v / z);
  });

  it('gives back the given weights exactly when nothing is masked (encoder-only)', async () => {
    const [enc] = blocksFor('encoder-only', tokens);
    const w = await blockWeights(enc, 42, 8, given);
    w.forEach((row, i) => row.forEach((v, j) => expect(v, `${tokens[i]} → ${tokens[j]}`).toBeCloseTo(given[i][j], 6)));
  });

  it('removes the masked weights and rescales the rest under the causal mask', async () => {
    const [dec] = blocksFor('decoder-only', tokens);
    const w = await blockWeights(dec, 42, 8, given);
    const ref = renormalised(causalMask(5));
    w.forEach((row, i) => row.forEach((v, j) => expect(v, `${tokens[i]} → ${tokens[j]}`).toBeCloseTo(ref[i][j], 6)));
    // "bank" keeps Was 0.3 and the 0.1 of its 0.4 visible weight: 0.75 and 0.25; "flooded" (0.6) is hidden.
    expect(w[2][0]).toBeCloseTo(0.75, 6);
    expect(w[2][1]).toBeCloseTo(0.25, 6);
    expect(w[2][3]).toBe(0);
    // The last token sees everything: its row is unchanged.
    w[4].forEach((v, j) => expect(v).toBeCloseTo(given[4][j], 6));
  });

  it('uses the toy vectors for generated tokens and for blocks not over the source', async () => {
    const [dec] = blocksFor('decoder-only', [...tokens, 'Yes']);
    const withGiven = await blockWeights(dec, 42, 8, given);
    const toyOnly = await blockWeights(dec, 42);
    withGiven[5].forEach((v, j) => expect(v).toBeCloseTo(toyOnly[5][j], 6));
    const [, decSelf, cross] = blocksFor('encoder-decoder', tokens, ['<s>', 'Das']);
    expect(await blockWeights(cross, 42, 8, given)).toEqual(await blockWeights(cross, 42));
    expect(await blockWeights(decSelf, 42, 8, given)).toEqual(await blockWeights(decSelf, 42));
  });
});
