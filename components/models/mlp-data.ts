/**
 * Training examples for the MLP language model: a sliding window of
 * `context` characters (padded with '.' = 0 at the start) → the next
 * character, over every name and its closing '.'.
 *
 *   "ab", context 3:  [. . .] → a,  [. . a] → b,  [. a b] → .
 */
import { type Corpus, type Split, encode, splitWords } from './corpus.js';

export interface Examples {
  /** Row-major [n, context] vocabulary indices. */
  x: Int32Array;
  /** [n] index of the character that follows each window. */
  y: Int32Array;
  n: number;
  context: number;
}

/** Sliding-window examples for a list of names. */
export function buildExamples(corpus: Corpus, words: readonly string[], context: number): Examples {
  const seqs = words.map((w) => encode(corpus, w));
  const n = seqs.reduce((sum, s) => sum + s.length + 1, 0);
  const x = new Int32Array(n * context);
  const y = new Int32Array(n);
  let row = 0;
  const window = new Int32Array(context);
  for (const s of seqs) {
    window.fill(0);
    for (const next of [...s, 0]) {
      x.set(window, row * context);
      y[row++] = next;
      window.copyWithin(0, 1);
      window[context - 1] = next;
    }
  }
  return { x, y, n, context };
}

/** The seeded 80/10/10 split of the names, each part turned into examples. */
export function buildDatasets(corpus: Corpus, context: number, seed: number): Split<Examples> {
  const parts = splitWords(corpus.words, seed);
  return {
    train: buildExamples(corpus, parts.train, context),
    val: buildExamples(corpus, parts.val, context),
    test: buildExamples(corpus, parts.test, context),
  };
}
