import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bigramLogits } from '../../components/models/bigram-logits';
import { parseCorpus } from '../../components/models/corpus';
import { NAMES_EN } from '../../components/data/names';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS reference: count what follows `c` in every name ('.' on both ends), add k, normalise, log. */
function reference(names: readonly string[], c: string, k: number) {
  const vocab = ['.', ...[...new Set(names.join(''))].sort()];
  const counts = new Map(vocab.map((v) => [v, 0]));
  for (const n of names) {
    const s = `.${n}.`;
    for (let i = 0; i + 1 < s.length; i++) if (s[i] === c) counts.set(s[i + 1]!, counts.get(s[i + 1]!)! + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0) + k * vocab.length;
  return { vocab, logits: vocab.map((v) => Math.log((counts.get(v)! + k) / total)), counts: vocab.map((v) => counts.get(v)!) };
}

describe('bigramLogits', () => {
  it.each([
    ['emma\nava\nanna', 'a', 1],
    ['emma\nava\nanna', '.', 0.5],
    ['emma\nava\nanna', 'n', 0],
  ])('equals the hand count on %j after %j with k = %s', async (text, c, k) => {
    const got = await bigramLogits(parseCorpus(text), c, k);
    const want = reference(text.split('\n'), c, k);
    expect(got.vocab).toEqual(want.vocab);
    expect(got.counts).toEqual(want.counts);
    got.logits.forEach((z, i) => (Number.isFinite(want.logits[i]!) ? expect(z).toBeCloseTo(want.logits[i]!, 5) : expect(z).toBe(-Infinity)));
  });

  it('gives softmax(z) = P(next | context) on the 8,405 names, with the corpus pair count', async () => {
    const corpus = parseCorpus(NAMES_EN.join('\n'));
    const got = await bigramLogits(corpus, 'q', 1);
    const want = reference(NAMES_EN, 'q', 1);
    got.logits.forEach((z, i) => expect(z).toBeCloseTo(want.logits[i]!, 4));
    const e = got.logits.map(Math.exp);
    expect(e.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // After "q" the names almost always continue with "u".
    expect(got.vocab[got.logits.indexOf(Math.max(...got.logits))]).toBe('u');
    expect(got.pairs).toBe(NAMES_EN.reduce((s, n) => s + n.length + 1, 0));
  });

  it('frees its tensors and rejects a character outside the corpus', async () => {
    const corpus = parseCorpus('emma\nava');
    const before = tf.memory().numTensors;
    await bigramLogits(corpus, 'm');
    expect(tf.memory().numTensors).toBe(before);
    await expect(bigramLogits(corpus, 'z')).rejects.toThrow(/"z" is not a character of the corpus/);
  });
});
