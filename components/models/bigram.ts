/**
 * Bigram character model: count which character follows which, smooth,
 * normalise rows into P(next | current), score with the average negative
 * log-likelihood, sample names one draw at a time.
 *
 * Counting is tensor work: with X = one-hot(current) [N, V] and
 * Y = one-hot(next) [N, V], the count matrix is Xᵀ·Y [V, V] (entry (i, j) sums
 * the pairs where current = i and next = j). The rest is element-wise.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../runtime/rng.js';
import { type Corpus, encode } from './corpus.js';

/** Every (current, next) pair of every name with '.' (index 0) on both ends. */
export function bigramPairs(corpus: Corpus): { xs: Int32Array; ys: Int32Array } {
  // UTF-16 length + 1 bounds the pairs of a name (a code point is ≥ 1 unit).
  const bound = corpus.words.reduce((sum, w) => sum + w.length + 1, 0);
  const xs = new Int32Array(bound);
  const ys = new Int32Array(bound);
  // Char code → index for ASCII (-1: not in the vocabulary); the Map for the rest.
  const ascii = new Int32Array(128).fill(-1);
  for (const [ch, i] of corpus.stoi) if (ch.length === 1 && ch.charCodeAt(0) < 128) ascii[ch.charCodeAt(0)] = i;
  let k = 0;
  for (const w of corpus.words) {
    let prev = 0;
    for (let i = 0; i < w.length; i++) {
      const code = w.charCodeAt(i);
      let c = code < 128 ? ascii[code] : -1;
      if (c < 0) {
        const ch = String.fromCodePoint(w.codePointAt(i)!);
        if (ch.length === 2) i++; // the second half of a surrogate pair
        c = corpus.stoi.get(ch) ?? -1;
        if (c < 0) encode(corpus, w); // throws the descriptive error
      }
      xs[k] = prev;
      ys[k++] = prev = c;
    }
    xs[k] = prev;
    ys[k++] = 0;
  }
  return { xs: xs.subarray(0, k), ys: ys.subarray(0, k) };
}

/** Pairs per matMul: bounds the one-hot temporaries to 2 × 16,384 × V floats. */
const CHUNK = 16_384;

/**
 * 'matmul': Σ over chunks of one-hot(xs)ᵀ · one-hot(ys), the formula the
 * lecture shows. 'scatter': bincount of the flat cell index xs·V + ys, the same
 * counts by scatter-add, much less arithmetic (the default).
 */
export type CountMethod = 'scatter' | 'matmul';

/** Count matrix [V, V] (float32, whole numbers): entry (i, j) = #pairs with current i, next j. */
export function countBigrams(
  xs: Int32Array, ys: Int32Array, vocabSize: number, method: CountMethod = 'scatter',
): tf.Tensor2D {
  return tf.tidy(() => {
    const V = vocabSize;
    if (method === 'scatter') {
      // The flat cell index is encoding, done while filling the array; the
      // counting is the bincount. (Computing it with tf ops would make the
      // WebGL bincount, which runs on the CPU, read it back from the GPU.)
      const cells = new Int32Array(xs.length);
      for (let i = 0; i < xs.length; i++) cells[i] = xs[i] * V + ys[i];
      return tf.reshape(tf.bincount(tf.tensor1d(cells, 'int32'), tf.tensor1d([], 'float32'), V * V), [V, V]) as tf.Tensor2D;
    }
    let counts: tf.Tensor2D = tf.zeros([V, V]);
    for (let start = 0; start < xs.length; start += CHUNK) {
      const end = Math.min(start + CHUNK, xs.length);
      const x = tf.cast(tf.oneHot(tf.tensor1d(xs.subarray(start, end), 'int32'), V), 'float32');
      const y = tf.cast(tf.oneHot(tf.tensor1d(ys.subarray(start, end), 'int32'), V), 'float32');
      counts = tf.add(counts, tf.matMul(x, y, true, false));
    }
    return counts;
  });
}

/**
 * Rows of (counts + k) normalised to sum to 1. A row with no counts and k = 0
 * (a character never followed by anything) becomes uniform rather than 0/0.
 */
export function probabilities(counts: tf.Tensor2D, smoothing: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, cols] = counts.shape;
    const smoothed = tf.add(counts, smoothing);
    const rowSums = tf.sum(smoothed, 1, true); // [V, 1]
    const uniform = tf.fill([rows, cols], 1 / cols);
    return tf.where(tf.tile(tf.greater(rowSums, 0), [1, cols]), tf.div(smoothed, rowSums), uniform) as tf.Tensor2D;
  });
}

/**
 * Average negative log-likelihood of the counted pairs under `probs`:
 * −Σᵢⱼ counts·log P / Σ counts. Cells with no count contribute nothing (they
 * would be 0 · log 0 = NaN with k = 0). Returns a scalar tensor.
 */
export function averageNll(counts: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const present = tf.greater(counts, 0);
    const logP = tf.where(present, tf.log(probs), tf.zerosLike(probs));
    return tf.div(tf.neg(tf.sum(tf.mul(counts, logP))), tf.sum(counts)) as tf.Scalar;
  });
}

/** One draw of the step sampler: what the demo shows for each character generated. */
export interface SampleStep {
  /** Index of the current character (0 = '.'). */
  current: number;
  /** P(next | current): the row the draw is made from. */
  row: number[];
  /** The uniform random number in [0, 1). */
  r: number;
  /** Index of the chosen next character: the first whose cumulative probability exceeds r. */
  chosen: number;
}

/** Inverse-CDF pick: the first index whose running sum of `row` exceeds r. */
export function pick(row: ArrayLike<number>, r: number): number {
  let cum = 0;
  let last = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] > 0) last = i;
    cum += row[i];
    if (r < cum) return i;
  }
  return last; // float rounding left the sum just under 1
}

/**
 * One name from the table, starting at '.' and stopping when '.' is drawn (or
 * after maxLength characters), with every draw exposed for the step-by-step view.
 */
export function sampleName(probs: number[][], rng: Rng, maxLength = 40): SampleStep[] {
  const steps: SampleStep[] = [];
  let current = 0;
  do {
    const row = probs[current];
    const r = rng.next();
    const chosen = pick(row, r);
    steps.push({ current, row, r, chosen });
    current = chosen;
  } while (current !== 0 && steps.length < maxLength);
  return steps;
}

/** The name a list of steps spells (the final '.' dropped). */
export function stepsToName(vocab: readonly string[], steps: readonly SampleStep[]): string {
  return steps.map((s) => (s.chosen === 0 ? '' : vocab[s.chosen])).join('');
}

/** Everything the <bigram-table> shows, read back once. */
export interface BigramTable {
  vocab: string[];
  counts: number[][];
  probabilities: number[][];
  nll: number;
  /** Number of bigrams counted (Σ counts). */
  pairs: number;
}

/**
 * A corpus counted once; `table(k)` re-smooths without recounting, so the
 * smoothing slider only costs the element-wise work. Owns one tensor: dispose().
 */
export class BigramModel {
  readonly vocab: string[];
  readonly pairs: number;
  private counts: tf.Tensor2D;

  constructor(corpus: Corpus) {
    const { xs, ys } = bigramPairs(corpus);
    this.vocab = corpus.vocab;
    this.pairs = xs.length;
    this.counts = countBigrams(xs, ys, corpus.vocab.length);
  }

  /** Counts, probabilities and NLL for add-k smoothing k, with one read-back. */
  async table(smoothing: number): Promise<BigramTable> {
    const V = this.vocab.length;
    // [counts V·V, probabilities V·V, nll]: one transfer instead of three.
    const packed = tf.tidy(() => {
      const probs = probabilities(this.counts, smoothing);
      const nll = averageNll(this.counts, probs);
      return tf.concat([tf.reshape(this.counts, [V * V]), tf.reshape(probs, [V * V]), tf.reshape(nll, [1])]);
    });
    const values = await packed.data();
    packed.dispose();
    const rows = (offset: number) => Array.from({ length: V }, (_, i) => Array.from(values.subarray(offset + i * V, offset + (i + 1) * V)));
    return { vocab: this.vocab, counts: rows(0), probabilities: rows(V * V), nll: values[2 * V * V], pairs: this.pairs };
  }

  dispose(): void {
    this.counts.dispose();
  }
}
