/**
 * Real logits for the softmax demo: the next-character scores of a bigram
 * model counted on a name corpus. For a context character c the logits are
 *   zⱼ = ln P(j | c) = ln((count(c, j) + k) / Σⱼ′ (count(c, j′) + k))
 * so softmax(z / T) at T = 1 gives back the model's own row P(· | c), and
 * other temperatures reshape what the model really predicts. Counting is the
 * tested `BigramModel` (models/bigram.ts, TensorFlow.js); this module only
 * picks a row and takes its log.
 */
import { BigramModel } from './bigram.js';
import type { Corpus } from './corpus.js';

export interface BigramLogits {
  /** The next characters, '.' = end of name, in the corpus vocabulary order. */
  vocab: string[];
  /** ln P(next | context) per vocabulary entry. */
  logits: number[];
  /** Raw counts of (context, next) pairs. */
  counts: number[];
  /** Σ counts of the row: how often the context character was followed by anything. */
  total: number;
  /** Number of bigrams counted in the whole corpus. */
  pairs: number;
}

/** The row of `context` (a vocabulary character, '.' = the start of a name) with add-k smoothing (k ≥ 0). */
export async function bigramLogits(corpus: Corpus, context: string, smoothing = 1): Promise<BigramLogits> {
  const row = corpus.stoi.get(context);
  if (row === undefined) throw new Error(`"${context}" is not a character of the corpus; expected one of ${corpus.vocab.join(' ')}`);
  const model = new BigramModel(corpus);
  try {
    const table = await model.table(smoothing);
    const counts = table.counts[row]!;
    return {
      vocab: [...table.vocab],
      logits: table.probabilities[row]!.map((p) => Math.log(p)),
      counts: [...counts],
      total: counts.reduce((a, b) => a + b, 0),
      pairs: table.pairs,
    };
  } finally {
    model.dispose();
  }
}
