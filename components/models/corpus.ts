/**
 * Character-level corpus for the name models (bigram table, MLP): one name a
 * line → a vocabulary of the characters seen plus '.' as the start/end token.
 *
 * Pure TypeScript (no tensors here): the models turn the encoded names into
 * tensors themselves. Errors are `CorpusError`s whose message says what was
 * wrong and what is expected, so an element can show it in its box as is.
 */
import { createRng } from '../runtime/rng.js';

/** The token that marks both the start and the end of a name (index 0). */
export const BOUNDARY = '.';
/** More characters than this do not fit a readable V×V table or a small softmax. */
export const MAX_VOCAB = 48;
/** Letters of any script, apostrophe and hyphen; '.' is reserved for the boundary. */
const ALLOWED = /^[\p{L}'-]$/u;

export class CorpusError extends Error {
  override name = 'CorpusError';
}

export interface Corpus {
  /** The names, lower-cased and trimmed, in input order (duplicates kept: they are counts). */
  words: string[];
  /** '.' first, then every character seen, sorted. */
  vocab: string[];
  /** Character → index into `vocab`. */
  stoi: Map<string, number>;
}

/** A short quoted sample of a long line for error messages. */
const quote = (s: string) => `“${s.length > 24 ? `${s.slice(0, 24)}…` : s}”`;

function describeChar(ch: string): string {
  if (ch === BOUNDARY) return `'.' (reserved as the start/end token)`;
  if (/\s/u.test(ch)) return 'a space inside the name';
  const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return /\p{C}/u.test(ch) ? `the control character U+${code}` : `'${ch}'`;
}

/**
 * Parses newline-separated names. Blank lines are skipped, names are trimmed
 * and lower-cased (so "Emma" and "emma" are one name). Throws a CorpusError
 * for an empty corpus, a character outside the allowed set, or too many
 * distinct characters.
 */
export function parseCorpus(text: string): Corpus {
  const words: string[] = [];
  const lineOf: number[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const word = lines[i].trim().toLowerCase();
    if (!word) continue;
    words.push(word);
    lineOf.push(i + 1);
  }
  if (words.length === 0) {
    throw new CorpusError('the corpus is empty: expected at least one name, one name a line');
  }
  const seen = distinctChars(words);
  // Check the few distinct characters, not every character.
  for (const ch of seen) {
    if (ALLOWED.test(ch)) continue;
    const at = words.findIndex((w) => w.includes(ch));
    throw new CorpusError(
      `line ${lineOf[at]} ${quote(words[at])} contains ${describeChar(ch)}; ` +
        `names may use letters, ' and - only, one name a line ('.' marks start and end)`,
    );
  }
  return buildCorpus(words, seen);
}

/**
 * The distinct characters of the words. a–z (nearly every character of a
 * names list) are marked in a 26-slot table by char code; only words with
 * other characters go through the code-point iterator.
 */
function distinctChars(words: readonly string[]): Set<string> {
  const ascii = new Uint8Array(26);
  const other = new Set<string>();
  for (const w of words) {
    let plain = true;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i) - 97;
      if (c >= 0 && c < 26) ascii[c] = 1;
      else plain = false;
    }
    if (!plain) for (const ch of w) if (ch < 'a' || ch > 'z') other.add(ch);
  }
  const seen = new Set<string>();
  ascii.forEach((on, c) => on && seen.add(String.fromCharCode(97 + c)));
  for (const ch of other) seen.add(ch);
  return seen;
}

/** Vocabulary from already-validated words: '.', then the characters sorted. */
export function buildCorpus(words: string[], chars?: Iterable<string>): Corpus {
  const set = new Set(chars ?? words.flatMap((w) => [...w]));
  if (set.has(BOUNDARY)) throw new CorpusError(`a name contains ${describeChar(BOUNDARY)}`);
  const vocab = [BOUNDARY, ...[...set].sort()];
  if (vocab.length > MAX_VOCAB) {
    throw new CorpusError(
      `the corpus has ${vocab.length - 1} distinct characters; at most ${MAX_VOCAB - 1} fit ` +
        `(use one alphabet, e.g. a–z)`,
    );
  }
  return { words, vocab, stoi: new Map(vocab.map((c, i) => [c, i])) };
}

/** A name as vocabulary indices, without the boundary tokens. */
export function encode(corpus: Corpus, word: string): number[] {
  return [...word].map((ch) => {
    const i = corpus.stoi.get(ch);
    if (i === undefined) throw new CorpusError(`${describeChar(ch)} in ${quote(word)} is not in the vocabulary`);
    return i;
  });
}

/** Vocabulary indices back to a string (boundary tokens dropped). */
export function decode(corpus: Corpus, indices: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < indices.length; i++) if (indices[i] !== 0) out += corpus.vocab[indices[i]];
  return out;
}

export interface Split<T> {
  train: T;
  val: T;
  test: T;
}

/**
 * Seeded 80/10/10 split of the names (as makemore: shuffle the words, then cut
 * at ⌊0.8n⌋ and ⌊0.9n⌋). Fisher–Yates with the runtime rng's 'split' stream.
 */
export function splitWords(words: readonly string[], seed: number): Split<string[]> {
  const order = words.slice();
  const rng = createRng(seed, 'split');
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const n1 = Math.floor(0.8 * order.length);
  const n2 = Math.floor(0.9 * order.length);
  return { train: order.slice(0, n1), val: order.slice(n1, n2), test: order.slice(n2) };
}

/** Number of bigrams (character pairs incl. the boundaries) in a list of names: Σ (len + 1). */
export function bigramCount(words: readonly string[]): number {
  let n = 0;
  for (const w of words) n += [...w].length + 1;
  return n;
}
