import { describe, expect, it } from 'vitest';
import { BpeTrainer, mergePair, pretokenize } from '../../components/models/bpe';
import { BPE_CORPORA, BPE_QUIRKS } from '../../components/data/bpe-corpora';

const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe('BpeTrainer on the classic "low lower newest widest" corpus (end-of-word)', () => {
  const trained = () => {
    const t = new BpeTrainer(BPE_CORPORA.classic!, { boundary: 'end-of-word' });
    t.train(100);
    return t;
  };

  it('counts the initial pairs by hand: e+s 9, s+t 9, t+</w> 9, w+e 8, l+o 7', () => {
    const t = new BpeTrainer(BPE_CORPORA.classic!, { boundary: 'end-of-word' });
    const count = (l: string, r: string) =>
      t.pairCounts().find((p) => t.vocab.label(p.left) === l && t.vocab.label(p.right) === r)?.count;
    expect([count('e', 's'), count('s', 't'), count('t', '</w>'), count('w', 'e'), count('l', 'o'), count('d', 'e')])
      .toEqual([9, 9, 9, 8, 7, 3]);
  });

  it('learns the hand-computed merges in order, ties going to the pair seen first', () => {
    const t = trained();
    const merges = t.steps.map((s) => `${t.vocab.label(s.left)} + ${t.vocab.label(s.right)} (${s.count})`);
    expect(merges).toEqual([
      'e + s (9)', 'es + t (9)', 'est + </w> (9)', 'l + o (7)', 'lo + w (7)',
      // three pairs have 6 here; n+e comes first in "newest"
      'n + e (6)', 'ne + w (6)', 'new + est</w> (6)', 'low + </w> (5)',
      'w + i (3)', 'wi + d (3)', 'wid + est</w> (3)',
      'low + e (2)', 'lowe + r (2)', 'lower + </w> (2)',
    ]);
    expect(t.finished).toBe(true);
    expect(t.step()).toBeNull();
    expect(t.vocab.size).toBe(257 + 15);
  });

  it('shrinks the corpus by exactly the merged pair count at every step (95 symbols to 16 words)', () => {
    const t = new BpeTrainer(BPE_CORPORA.classic!, { boundary: 'end-of-word' });
    let before = t.corpusTokens();
    expect(before).toBe(5 * 4 + 2 * 6 + 6 * 7 + 3 * 7);
    for (let s = t.step(); s; s = t.step()) {
      expect(s.corpusTokens).toBe(before - s.count);
      expect(s.topPairs[0]).toEqual({ left: s.left, right: s.right, count: s.count });
      before = s.corpusTokens;
    }
    expect(before).toBe(16);
  });

  it.each([
    ['lowest', ['low', 'est</w>']],
    ['newer', ['new', 'e', 'r', '</w>']],
    ['widest lower', ['widest</w>', 'lower</w>']],
    ['slow', ['s', 'low</w>']],
  ])('encodes "%s" as %j', (text, labels) => {
    const tok = trained().tokenizer();
    expect(tok.encode(text).map((x) => x.label)).toEqual(labels);
    expect(tok.decode(tok.encode(text).map((x) => x.id))).toBe(text);
  });
});

describe('BpeTrainer (space-prefix)', () => {
  it('learns "ab" then " ab" from "ab ab ab abc" and stops when no pair repeats', () => {
    const t = new BpeTrainer('ab ab ab abc');
    expect(t.train(10)).toBe(2);
    expect(t.steps.map((s) => [t.vocab.label(s.id), s.count])).toEqual([['ab', 4], [' ab', 3]]);
    expect(t.tokenizer().encode('ab abc').map((x) => x.label)).toEqual(['ab', ' ab', 'c']);
  });

  it('breaks a tie by corpus order, not by the symbols', () => {
    const first = (corpus: string) => {
      const t = new BpeTrainer(corpus, { minCount: 1 });
      const s = t.step()!;
      return t.vocab.label(s.id);
    };
    expect(first('xy yx')).toBe('xy');
    expect(first('yx xy')).toBe('yx');
  });

  it('merges repeated symbols without overlap: a a a → aa a', () => {
    expect(mergePair([97, 97, 97], 97, 97, 300)).toEqual([300, 97]);
    expect(mergePair([97, 97, 97, 97], 97, 97, 300)).toEqual([300, 300]);
  });
});

describe('BpeTokenizer trained on the lecture corpus', () => {
  const trainer = new BpeTrainer(BPE_CORPORA['lecture-en']!);
  trainer.train(1000);
  const tok = trainer.tokenizer();

  it('learns frequent English pieces such as " the", "ing" and " and"', () => {
    const learned = new Set(trainer.steps.map((s) => trainer.vocab.label(s.id)));
    for (const piece of [' the', 'ing', ' and', 'tion']) expect(learned).toContain(piece);
    expect(trainer.vocab.label(trainer.steps[0]!.id)).toBe(' t');
  });

  it.each([
    'The cat sat on the mat.',
    'Tokenization is surprising!',
    '  two  spaces\tand a tab\nnew line',
    'नमस्ते, Привет, こんにちは 👋🏽',
    'x = 12345 * 3.14',
    '',
  ])('round-trips %j exactly', (text) => {
    expect(tok.decode(tok.encode(text).map((x) => x.id))).toBe(text);
  });

  it('segments every corpus word as applying the merges one by one in training order would', () => {
    const merges = trainer.steps;
    const words = [...new Set(pretokenize(BPE_CORPORA['lecture-en']! + ' lowest tokenizers 2024 strawberry'))];
    for (const w of words) {
      let symbols = Array.from(new TextEncoder().encode(w));
      for (const m of merges) symbols = mergePair(symbols, m.left, m.right, m.id);
      expect(tok.encodeWord(w)).toEqual(symbols);
    }
  });

  it('needs fewer tokens than bytes for English, one token per byte for scripts it never saw', () => {
    const english = 'The gardener is reading in the garden.';
    expect(tok.encode(english).length).toBeLessThan(utf8(english) / 2.5);
    const greetings = BPE_QUIRKS[1]!.texts.map((t) => t.text);
    const hello = tok.encode(greetings[0]!).length;
    for (const g of greetings.slice(1)) {
      expect(tok.encode(g).length).toBe(utf8(g));
      expect(tok.encode(g).length).toBeGreaterThan(2 * hello);
    }
  });

  it('splits " strawberry" so that its r’s fall into different tokens', () => {
    const labels = tok.encode(' strawberry').map((x) => x.label);
    expect(labels.length).toBeGreaterThan(1);
    expect(labels.filter((l) => l.includes('r')).length).toBeGreaterThan(1);
  });

  it('labels a lone byte of a multi-byte character in hex', () => {
    expect(tok.encode('न').map((x) => x.label)).toEqual(['<E0>', '<A4>', '<A8>']);
  });

  it('encodes with no merges as raw UTF-8 bytes', () => {
    const none = new BpeTrainer('whatever').tokenizer();
    expect(none.encode('héllo').map((x) => x.id)).toEqual(Array.from(new TextEncoder().encode('héllo')));
  });
});

describe('pretokenize', () => {
  it.each([
    ['space-prefix', 'The cat is here.', ['The', ' cat', ' is', ' here', '.']],
    ['space-prefix', 'a  b', ['a', ' ', ' b']],
    ['space-prefix', 'in 2023!', ['in', ' 2023', '!']],
    ['space-prefix', 'नमस्ते दुनिया', ['नमस्ते', ' दुनिया']],
    ['end-of-word', ' low  lower\nnewest ', ['low', 'lower', 'newest']],
  ] as const)('cuts (%s) %j into %j', (boundary, text, words) => {
    expect(pretokenize(text, boundary)).toEqual(words);
  });
});
