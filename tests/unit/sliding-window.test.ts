import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  conditionalProbability,
  countContexts,
  slidingWindowPairs,
  splitWords,
  vocabularyOf,
  windowTensors,
} from '../../components/models/sliding-window';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS reference, written independently: pad the word and take every slice. */
function referencePairs(word: string, k: number): [string, string][] {
  const padded = '.'.repeat(k) + word + '.';
  const out: [string, string][] = [];
  for (let i = k; i < padded.length; i++) out.push([padded.slice(i - k, i), padded[i]]);
  return out;
}

const FOUR_NAMES = ['aabid', 'priya', 'zeel', 'nipun'];

describe('slidingWindowPairs', () => {
  it('gives the lecture\'s six pairs for "aabid" with context 3', () => {
    const pairs = slidingWindowPairs('aabid', 3).map((p) => [p.context.join(' '), p.target]);
    expect(pairs).toEqual([
      ['. . .', 'a'],
      ['. . a', 'a'],
      ['. a a', 'b'],
      ['a a b', 'i'],
      ['a b i', 'd'],
      ['b i d', '.'],
    ]);
  });

  it.each([
    ['aabid', 1],
    ['aabid', 3],
    ['zeel', 2],
    ['nipun', 8],
    ['x', 4],
  ])('matches the padded-slice reference for "%s" with context %i', (word, k) => {
    const pairs = slidingWindowPairs(word, k).map((p) => [p.context.join(''), p.target]);
    expect(pairs).toEqual(referencePairs(word, k));
  });

  it('gives L + 1 pairs for a word of L letters, whatever the context size', () => {
    for (const k of [1, 2, 3, 5, 10]) expect(slidingWindowPairs('priya', k)).toHaveLength(6);
  });

  it('numbers positions 0..L and keeps every context exactly k tokens long', () => {
    const pairs = slidingWindowPairs('nipun', 4);
    expect(pairs.map((p) => p.position)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const p of pairs) expect(p.context).toHaveLength(4);
  });

  it('lower-cases and trims its input', () => {
    expect(slidingWindowPairs('  AaBid ', 2)).toEqual(slidingWindowPairs('aabid', 2));
  });

  it.each([0, -1, 1.5, NaN])('rejects context size %s with a message naming it', (k) => {
    expect(() => slidingWindowPairs('aabid', k)).toThrow(/context size/);
  });

  it('rejects a word containing the pad token', () => {
    expect(() => slidingWindowPairs('a.b', 2)).toThrow(/reserved/);
  });
});

describe('countContexts', () => {
  it('with context 1 counts the bigrams: ".a" appears once in aabid, priya, zeel, nipun, so P(a|.) = 1/4', () => {
    const table = countContexts(FOUR_NAMES, 1);
    expect(table.get('.')!.total).toBe(4);
    expect(table.get('.')!.next.get('a')).toBe(1);
    expect(conditionalProbability(table, '.', 'a')).toBeCloseTo(0.25, 12);
  });

  it('counts "aa", "ab", "bi", "id", "d." once each and "ee" once in zeel', () => {
    const table = countContexts(FOUR_NAMES, 1);
    const count = (a: string, b: string) => table.get(a)?.next.get(b) ?? 0;
    expect([count('a', 'a'), count('a', 'b'), count('b', 'i'), count('i', 'd'), count('d', '.')]).toEqual([1, 1, 1, 1, 1]);
    expect(count('e', 'e')).toBe(1);
  });

  it('makes every row a distribution: P(· | context) sums to 1', () => {
    for (const k of [1, 2, 3]) {
      const table = countContexts(FOUR_NAMES, k);
      for (const [ctx, row] of table) {
        let sum = 0;
        for (const t of row.next.keys()) sum += conditionalProbability(table, ctx, t);
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });

  it('has as many pairs in total as letters plus one per word', () => {
    const table = countContexts(FOUR_NAMES, 3);
    const total = [...table.values()].reduce((s, r) => s + r.total, 0);
    expect(total).toBe(FOUR_NAMES.join('').length + FOUR_NAMES.length);
  });

  it('gives probability 0 for a context never seen', () => {
    expect(conditionalProbability(countContexts(FOUR_NAMES, 2), 'qq', 'a')).toBe(0);
  });
});

describe('splitWords and vocabularyOf', () => {
  it('splits on commas and spaces and drops empties', () => {
    expect(splitWords(' aabid, priya  zeel,,nipun ')).toEqual(FOUR_NAMES);
  });

  it('puts the pad token first, then the sorted characters', () => {
    expect(vocabularyOf(['zeel', 'aabid'])).toEqual(['.', 'a', 'b', 'd', 'e', 'i', 'l', 'z']);
  });
});

describe('windowTensors', () => {
  it('builds X [pairs, k] and Y [pairs] int32 ids that decode back to the pairs', async () => {
    const vocab = vocabularyOf(FOUR_NAMES);
    const { X, Y } = windowTensors(FOUR_NAMES, 3, vocab);
    expect(X.shape).toEqual([23, 3]);
    expect(Y.shape).toEqual([23]);
    expect(X.dtype).toBe('int32');
    const xs = (await X.array()) as number[][];
    const ys = Array.from(await Y.data());
    const decoded = xs.map((row, i) => [row.map((j) => vocab[j]).join(''), vocab[ys[i]]]);
    expect(decoded).toEqual(FOUR_NAMES.flatMap((w) => referencePairs(w, 3)));
    X.dispose();
    Y.dispose();
  });

  it('refuses a character outside the given vocabulary', () => {
    expect(() => windowTensors(['abc'], 2, ['.', 'a', 'b'])).toThrow(/"c" is not in the vocabulary/);
  });
});
