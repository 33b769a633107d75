/**
 * The sliding window that turns words into (context → target) training pairs
 * for a next-character model, as in makemore's build_dataset:
 *
 *   ".aabid." with context 3 →  [. . .]→a  [. . a]→a  [. a a]→b
 *                               [a a b]→i  [a b i]→d  [b i d]→.
 *
 * The context starts as `contextSize` pad tokens ('.'), so the first pair asks
 * "what starts a word?", and the last target is the pad token, "the word ends".
 * A word of L characters gives L + 1 pairs whatever the context size.
 * With contextSize = 1 the pairs are exactly the bigrams of the word.
 *
 * Pair building is string work; `windowTensors` turns the pairs of many words
 * into the index tensors an MLP language model trains on.
 */
import * as tf from '@tensorflow/tfjs-core';

export const PAD = '.';

export interface WindowPair {
  /** Index of the target within the padded word: 0 for the first letter, L for the end token. */
  position: number;
  /** The `contextSize` tokens before the target, oldest first. */
  context: string[];
  target: string;
}

/** Lower-cases and trims; a word may not contain the pad token itself. */
export function normaliseWord(word: string): string {
  const w = word.trim().toLowerCase();
  if (w.includes(PAD)) throw new Error(`word "${word}" contains "${PAD}", which is reserved as the start/end token`);
  return w;
}

/** Every (context → target) pair of one word, in reading order. */
export function slidingWindowPairs(word: string, contextSize: number): WindowPair[] {
  if (!Number.isInteger(contextSize) || contextSize < 1) {
    throw new Error(`context size must be a whole number ≥ 1, got ${contextSize}`);
  }
  const chars = [...normaliseWord(word)];
  const pairs: WindowPair[] = [];
  let context: string[] = Array(contextSize).fill(PAD);
  [...chars, PAD].forEach((target, position) => {
    pairs.push({ position, context: [...context], target });
    context = [...context.slice(1), target]; // slide: drop the oldest, append the target
  });
  return pairs;
}

/** Splits "aabid, priya zeel" into words (commas and/or whitespace); empty pieces dropped. */
export function splitWords(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
}

export interface ContextCount {
  /** Context tokens joined, e.g. ".a" for context ['.', 'a']. */
  context: string;
  /** target → how often it followed this context. */
  next: Map<string, number>;
  total: number;
}

/**
 * Counts, over all pairs of all words, how often each target follows each
 * context: the table a counting model (bigram for context 1) is built from.
 */
export function countContexts(words: readonly string[], contextSize: number): Map<string, ContextCount> {
  const table = new Map<string, ContextCount>();
  for (const word of words) {
    for (const { context, target } of slidingWindowPairs(word, contextSize)) {
      const key = context.join('');
      const row = table.get(key) ?? { context: key, next: new Map<string, number>(), total: 0 };
      row.next.set(target, (row.next.get(target) ?? 0) + 1);
      row.total += 1;
      table.set(key, row);
    }
  }
  return table;
}

/** P(target | context) by counting; 0 when the context was never seen. */
export function conditionalProbability(
  table: Map<string, ContextCount>,
  context: string,
  target: string,
): number {
  const row = table.get(context);
  if (!row || row.total === 0) return 0;
  return (row.next.get(target) ?? 0) / row.total;
}

/** Sorted vocabulary of the words: the pad token first, then every character seen. */
export function vocabularyOf(words: readonly string[]): string[] {
  const chars = new Set<string>();
  for (const w of words) for (const c of normaliseWord(w)) chars.add(c);
  return [PAD, ...[...chars].sort()];
}

/**
 * Index tensors for training: X [pairs, contextSize] int32 (token ids of each
 * context) and Y [pairs] int32 (token id of each target). The caller disposes them.
 */
export function windowTensors(
  words: readonly string[],
  contextSize: number,
  vocab: readonly string[] = vocabularyOf(words),
): { X: tf.Tensor2D; Y: tf.Tensor1D } {
  const id = new Map(vocab.map((c, i) => [c, i]));
  const lookup = (c: string) => {
    const i = id.get(c);
    if (i === undefined) throw new Error(`character "${c}" is not in the vocabulary`);
    return i;
  };
  const xs: number[] = [];
  const ys: number[] = [];
  for (const word of words) {
    for (const { context, target } of slidingWindowPairs(word, contextSize)) {
      xs.push(...context.map(lookup));
      ys.push(lookup(target));
    }
  }
  return {
    X: tf.tensor2d(xs, [ys.length, contextSize], 'int32'),
    Y: tf.tensor1d(ys, 'int32'),
  };
}
