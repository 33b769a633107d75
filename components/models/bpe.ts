/**
 * Byte pair encoding (BPE), byte-level like GPT-2: learn merges from a corpus
 * one step at a time, then tokenise any text with them.
 *
 * Base vocabulary: the 256 byte values (ids 0–255), so every string, in any
 * script, can be encoded — a character the corpus never showed simply stays
 * as its 1–4 UTF-8 bytes. In 'end-of-word' mode id 256 is the word-end marker
 * </w> of Sennrich et al. (2016); learned tokens get ids from there on.
 *
 * Training (Sennrich's algorithm):
 *   1. pre-tokenise the corpus into words and count each distinct word;
 *   2. count every adjacent symbol pair inside the words, weighted by the
 *      word's count (merges never cross a word boundary);
 *   3. merge the most frequent pair everywhere into one new symbol;
 *   4. repeat until the wanted number of merges, or no pair occurs at least
 *      `minCount` times (merging a pair seen once only memorises one word).
 * Ties go to the pair seen FIRST when scanning the words in corpus order (the
 * order Python's max() picks in the reference implementation), so the result
 * never depends on hash or sort order.
 *
 * Plain TypeScript, no tensors: this is counting and string surgery, there is
 * no arithmetic for TensorFlow.js to speed up.
 */

/** How words are cut and where their boundary lives. */
export type Boundary = 'space-prefix' | 'end-of-word';

export const END_OF_WORD = 256;

/**
 * 'space-prefix' (GPT-2 style): a word keeps the space in front of it, so
 * " is" and "is" are different tokens and decoding is exactly lossless.
 * Letters include combining marks (\p{M}), so a Devanagari vowel sign stays in
 * its word (GPT-2's own pattern splits it off).
 * 'end-of-word': split on whitespace; every word ends with </w>.
 */
const SPACE_PREFIX = /(?: ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+)/gu;

export function pretokenize(text: string, boundary: Boundary = 'space-prefix'): string[] {
  if (boundary === 'end-of-word') return text.split(/\s+/).filter(Boolean);
  return text.match(SPACE_PREFIX) ?? [];
}

const encoder = new TextEncoder();

/** A word's starting symbols: its UTF-8 bytes (+ </w>). */
function baseSymbols(word: string, boundary: Boundary): number[] {
  const bytes = Array.from(encoder.encode(word));
  return boundary === 'end-of-word' ? [...bytes, END_OF_WORD] : bytes;
}

export interface PairCount {
  left: number;
  right: number;
  count: number;
}

export interface MergeStep {
  /** 0 for the first merge. */
  rank: number;
  left: number;
  right: number;
  /** Id of the new token. */
  id: number;
  /** Weighted occurrences of the pair when it was chosen. */
  count: number;
  /** The most frequent pairs at this step, chosen pair first (at most `topN`). */
  topPairs: PairCount[];
  /** 256 bytes (+ </w>) + merges so far. */
  vocabSize: number;
  /** Tokens needed for the whole corpus after this merge. */
  corpusTokens: number;
}

/** id → bytes and a printable label; shared by trainer and tokenizer. */
export class Vocabulary {
  /** entries[id]: the token's bytes, and whether it ends with </w>. */
  private readonly entries: { bytes: number[]; endsWord: boolean }[] =
    Array.from({ length: 256 }, (_, b) => ({ bytes: [b], endsWord: false }));
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(readonly boundary: Boundary) {
    if (boundary === 'end-of-word') this.entries.push({ bytes: [], endsWord: true });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Appends the token left+right and returns its id. */
  add(left: number, right: number): number {
    const l = this.entry(left);
    const r = this.entry(right);
    this.entries.push({ bytes: [...l.bytes, ...r.bytes], endsWord: r.endsWord });
    return this.entries.length - 1;
  }

  bytesOf(id: number): number[] {
    return this.entry(id).bytes;
  }

  /** True for </w> and for merged tokens that end with it. */
  endsWord(id: number): boolean {
    return this.entry(id).endsWord;
  }

  /**
   * Printable text of a token. Bytes that are not a complete UTF-8 character
   * (one byte of a 3-byte Devanagari letter, say) print as <E0>.
   */
  label(id: number): string {
    const { bytes, endsWord } = this.entry(id);
    let text: string;
    try {
      text = this.decoder.decode(new Uint8Array(bytes));
    } catch {
      text = bytes.map((b) => `<${b.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
    }
    return endsWord ? `${text}</w>` : text;
  }

  private entry(id: number) {
    const e = this.entries[id];
    if (!e) throw new Error(`unknown token id ${id}`);
    return e;
  }
}

export interface BpeOptions {
  boundary?: Boundary;
  /** Stop when the best pair occurs fewer times than this (default 2). */
  minCount?: number;
  /** How many of the most frequent pairs each step reports (default 8). */
  topN?: number;
}

/** Learns merges one step at a time; `tokenizer()` snapshots what is learned so far. */
export class BpeTrainer {
  readonly boundary: Boundary;
  readonly vocab: Vocabulary;
  readonly steps: MergeStep[] = [];
  /** Distinct words in order of first appearance, each as its current symbols. */
  private readonly words: { symbols: number[]; count: number }[] = [];
  private readonly minCount: number;
  private readonly topN: number;
  private done = false;

  constructor(corpus: string, opts: BpeOptions = {}) {
    this.boundary = opts.boundary ?? 'space-prefix';
    this.minCount = opts.minCount ?? 2;
    this.topN = opts.topN ?? 8;
    this.vocab = new Vocabulary(this.boundary);
    const counts = new Map<string, number>();
    for (const w of pretokenize(corpus, this.boundary)) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const [w, count] of counts) this.words.push({ symbols: baseSymbols(w, this.boundary), count });
  }

  /** Weighted pair counts, most frequent first; ties → first seen in corpus order. */
  pairCounts(): PairCount[] {
    const counts = new Map<number, PairCount>(); // key = left * 2^20 + right, insertion = first seen
    for (const { symbols, count } of this.words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i]! * 1048576 + symbols[i + 1]!;
        const pc = counts.get(key);
        if (pc) pc.count += count;
        else counts.set(key, { left: symbols[i]!, right: symbols[i + 1]!, count });
      }
    }
    // Array.prototype.sort is stable, so equal counts keep first-seen order.
    return [...counts.values()].sort((a, b) => b.count - a.count);
  }

  /** Tokens the whole corpus takes with the merges so far. */
  corpusTokens(): number {
    return this.words.reduce((s, w) => s + w.count * w.symbols.length, 0);
  }

  /** The distinct words and their counts (for display). */
  wordCounts(): { word: number[]; count: number }[] {
    return this.words.map((w) => ({ word: [...w.symbols], count: w.count }));
  }

  /** Performs one merge; null once no pair reaches minCount. */
  step(): MergeStep | null {
    if (this.done) return null;
    const pairs = this.pairCounts();
    const best = pairs[0];
    if (!best || best.count < this.minCount) {
      this.done = true;
      return null;
    }
    const id = this.vocab.add(best.left, best.right);
    for (const w of this.words) w.symbols = mergePair(w.symbols, best.left, best.right, id);
    const step: MergeStep = {
      rank: this.steps.length,
      left: best.left,
      right: best.right,
      id,
      count: best.count,
      topPairs: pairs.slice(0, this.topN),
      vocabSize: this.vocab.size,
      corpusTokens: this.corpusTokens(),
    };
    this.steps.push(step);
    return step;
  }

  /** Runs until `merges` merges in total (or no pair is left); returns the number done. */
  train(merges: number): number {
    while (this.steps.length < merges && this.step()) { /* one merge per iteration */ }
    return this.steps.length;
  }

  get finished(): boolean {
    return this.done;
  }

  /** A tokenizer with the merges learned so far. */
  tokenizer(): BpeTokenizer {
    return new BpeTokenizer(this.vocab, this.steps.map((s) => [s.left, s.right, s.id] as const), this.boundary);
  }
}

/** Replaces every non-overlapping (left, right), scanning left to right, by `id`. */
export function mergePair(symbols: readonly number[], left: number, right: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(id);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

export interface Token {
  id: number;
  /** Printable text (see Vocabulary.label). */
  label: string;
  /** Index of the pre-tokenised word this token belongs to. */
  word: number;
}

/** Encodes with learned merges: inside each word, apply the lowest-ranked mergeable pair until none is left. */
export class BpeTokenizer {
  private readonly rank = new Map<number, { rank: number; id: number }>();
  private readonly cache = new Map<string, number[]>();

  constructor(
    readonly vocab: Vocabulary,
    readonly merges: readonly (readonly [number, number, number])[],
    readonly boundary: Boundary,
  ) {
    merges.forEach(([l, r, id], rank) => this.rank.set(l * 1048576 + r, { rank, id }));
  }

  /** Token ids of one pre-tokenised word. */
  encodeWord(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let symbols = baseSymbols(word, this.boundary);
    for (;;) {
      let best: { rank: number; id: number; left: number; right: number } | null = null;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const m = this.rank.get(symbols[i]! * 1048576 + symbols[i + 1]!);
        if (m && (!best || m.rank < best.rank)) best = { ...m, left: symbols[i]!, right: symbols[i + 1]! };
      }
      if (!best) break;
      symbols = mergePair(symbols, best.left, best.right, best.id);
    }
    this.cache.set(word, symbols);
    return symbols;
  }

  encode(text: string): Token[] {
    return pretokenize(text, this.boundary).flatMap((w, word) =>
      this.encodeWord(w).map((id) => ({ id, label: this.vocab.label(id), word })));
  }

  /** Bytes back to text; in end-of-word mode each </w> becomes one space (the last one dropped). */
  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    for (const id of ids) {
      bytes.push(...this.vocab.bytesOf(id));
      if (this.boundary === 'end-of-word' && this.vocab.endsWord(id)) bytes.push(32);
    }
    const text = new TextDecoder().decode(new Uint8Array(bytes));
    return this.boundary === 'end-of-word' ? text.replace(/ $/, '') : text;
  }
}

/** Words of a text for "tokens per word": runs of non-space characters (punctuation rides with its word). */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export interface TokensPerWord {
  tokens: number;
  words: number;
  /** tokens / words (0 for a text without words). */
  perWord: number;
}

/** How many tokens a tokenizer spends per word of `text` (all tokens, punctuation included). */
export function tokensPerWord(tokenizer: BpeTokenizer, text: string): TokensPerWord {
  const tokens = tokenizer.encode(text).length;
  const words = countWords(text);
  return { tokens, words, perWord: words ? tokens / words : 0 };
}
