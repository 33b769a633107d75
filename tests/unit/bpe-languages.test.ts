import { describe, expect, it } from 'vitest';
import { BpeTrainer, countWords, tokensPerWord } from '../../components/models/bpe';
import { BPE_CORPORA, BPE_SAMPLE_TEXTS } from '../../components/data/bpe-corpora';
import { createRng } from '../../components/runtime/rng';

/** Code-point pools for random text: ASCII, whitespace, Latin accents, combining marks, Devanagari, Cyrillic, CJK, emoji, ZWJ. */
const POOLS: [number, number][] = [
  [0x20, 0x7e], [0x61, 0x7a], [0x61, 0x7a], [0x30, 0x39],
  [0x09, 0x0a], [0x20, 0x20], [0x20, 0x20],
  [0xc0, 0xff], [0x300, 0x36f], [0x900, 0x97f], [0x400, 0x44f],
  [0x4e00, 0x4fff], [0x3040, 0x309f], [0x1f300, 0x1f64f], [0x200d, 0x200d], [0xfe0f, 0xfe0f],
];

/** A seeded random string of valid Unicode (no lone surrogates: those are not text). */
function randomText(rng: ReturnType<typeof createRng>, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = POOLS[rng.int(POOLS.length)]!;
    s += String.fromCodePoint(lo + rng.int(hi - lo + 1));
  }
  return s;
}

const trained = (corpus: string, merges: number, boundary: 'space-prefix' | 'end-of-word' = 'space-prefix') => {
  const t = new BpeTrainer(corpus, { boundary });
  t.train(merges);
  return t;
};

describe('decode(encode(x)) = x for any text', () => {
  const rng = createRng(2024, 'bpe-roundtrip');
  const texts = Array.from({ length: 300 }, (_, i) => randomText(rng, 1 + (i % 60)));
  const tokenizers = {
    'no merges': trained('', 0).tokenizer(),
    'English, 1000 merges': trained(BPE_CORPORA['lecture-en']!, 1000).tokenizer(),
    'Indonesian, 1000 merges': trained(BPE_CORPORA['lecture-id']!, 1000).tokenizer(),
    'trained on random text': trained(texts.slice(0, 100).join(' '), 300).tokenizer(),
  };

  it.each(Object.entries(tokenizers))('round-trips 300 seeded random strings exactly (%s)', (_name, tok) => {
    for (const text of texts) expect(tok.decode(tok.encode(text).map((t) => t.id))).toBe(text);
  });

  it('round-trips both corpora and the sample sentences', () => {
    for (const tok of Object.values(tokenizers)) {
      for (const text of [...Object.values(BPE_CORPORA), ...Object.values(BPE_SAMPLE_TEXTS)]) {
        expect(tok.decode(tok.encode(text).map((t) => t.id))).toBe(text);
      }
    }
  });

  it('gives back the words joined by single spaces in end-of-word mode (whitespace is the boundary, not text)', () => {
    const tok = trained(BPE_CORPORA.classic!, 100, 'end-of-word').tokenizer();
    for (const text of texts.slice(0, 100)) {
      const words = text.split(/\s+/).filter(Boolean);
      expect(tok.decode(tok.encode(text).map((t) => t.id))).toBe(words.join(' '));
    }
  });
});

describe('Sennrich et al.\'s toy corpus (low ×5, lower ×2, newest ×6, widest ×3)', () => {
  it('merges e s, then es t, then est </w> first', () => {
    const t = trained(BPE_CORPORA.classic!, 3, 'end-of-word');
    expect(t.steps.map((s) => [t.vocab.label(s.left), t.vocab.label(s.right)])).toEqual([['e', 's'], ['es', 't'], ['est', '</w>']]);
  });
});

describe('the Indonesian corpus and tokens per word', () => {
  it('is 3,000–4,000 characters of letters, digits, spaces and ordinary punctuation', () => {
    const id = BPE_CORPORA['lecture-id']!;
    expect(id.length).toBeGreaterThanOrEqual(3000);
    expect(id.length).toBeLessThanOrEqual(4000);
    expect(id).toMatch(/^[A-Za-z0-9 .,:;"\-\n]+$/);
    for (const text of Object.values(BPE_SAMPLE_TEXTS)) {
      expect(BPE_CORPORA['lecture-en']!.includes(text)).toBe(false);
      expect(id.includes(text)).toBe(false);
    }
  });

  it.each([
    ['the cat sat', 3], ['  two   spaces\tand a tab\n', 5], ['Anak-anak pergi.', 2], ['', 0],
  ])('counts %j as %i words', (text, n) => {
    expect(countWords(text)).toBe(n);
  });

  it('divides all tokens, punctuation included, by the words: "ab ab." with merges ab, " ab" is 3 tokens for 2 words', () => {
    const tok = trained('ab ab ab abc', 2).tokenizer();
    expect(tok.encode('ab ab.').map((t) => t.label)).toEqual(['ab', ' ab', '.']);
    expect(tokensPerWord(tok, 'ab ab.')).toEqual({ tokens: 3, words: 2, perWord: 1.5 });
  });

  it('learns Indonesian affixes such as " ber", " men", " mem" and "kan" from the Indonesian corpus', () => {
    const t = trained(BPE_CORPORA['lecture-id']!, 300);
    const learned = new Set(t.steps.map((s) => t.vocab.label(s.id)));
    for (const piece of [' ber', ' men', ' mem', 'kan', ' yang', ' dan']) expect(learned).toContain(piece);
  });

  it.each([
    ['lecture-en', 'lecture-id'],
    ['lecture-id', 'lecture-en'],
  ])('spends at most half the tokens per word on a held-out %s sentence with its own tokenizer as with the %s one (300 merges each)', (own, other) => {
    const text = BPE_SAMPLE_TEXTS[own]!;
    const mine = tokensPerWord(trained(BPE_CORPORA[own]!, 300).tokenizer(), text);
    const theirs = tokensPerWord(trained(BPE_CORPORA[other]!, 300).tokenizer(), text);
    expect(mine.words).toBe(theirs.words);
    expect(mine.perWord).toBeLessThan(0.5 * theirs.perWord);
    // and both beat raw bytes
    expect(theirs.tokens).toBeLessThan(new TextEncoder().encode(text).length);
  });
});
