import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  BOUNDARY, CorpusError, MAX_VOCAB, bigramCount, decode, encode, parseCorpus, splitWords,
} from '../../components/models/corpus.js';
import { NAMES_EN, CORPORA } from '../../components/data/names.js';

const makemore = readFileSync('../shared/data/makemore-names.txt', 'utf8');

describe('parseCorpus', () => {
  it('builds a vocabulary of "." plus the sorted characters seen', () => {
    const c = parseCorpus('aabid\npriya\nzeel\nnipun\n');
    expect(c.vocab).toEqual(['.', 'a', 'b', 'd', 'e', 'i', 'l', 'n', 'p', 'r', 'u', 'y', 'z']);
    expect(c.stoi.get(BOUNDARY)).toBe(0);
    expect(c.words).toEqual(['aabid', 'priya', 'zeel', 'nipun']);
  });

  it('trims, lower-cases, skips blank lines and keeps duplicates', () => {
    const c = parseCorpus('  Emma \r\n\n\nemma\r\nOLIVIA');
    expect(c.words).toEqual(['emma', 'emma', 'olivia']);
  });

  it('gives 27 symbols and 32,033 names for makemore-names.txt', () => {
    const c = parseCorpus(makemore);
    expect(c.words.length).toBe(32_033);
    expect(c.vocab.join('')).toBe('.abcdefghijklmnopqrstuvwxyz');
    expect(bigramCount(c.words)).toBe(228_146);
  });

  it.each([
    ['', /empty/],
    ['\n  \n', /empty/],
    ['anna\nr2d2', /line 2 “r2d2” contains '2'/],
    ['jo.hn', /'\.' \(reserved as the start\/end token\)/],
    ['mary ann', /a space inside the name/],
    ['ok\nbad\u0007', /control character U\+0007/],
  ])('rejects %j with a message saying what and where', (text, message) => {
    expect(() => parseCorpus(text)).toThrow(CorpusError);
    expect(() => parseCorpus(text)).toThrow(message);
  });

  it('accepts letters of other scripts, apostrophes and hyphens', () => {
    expect(parseCorpus("josé\nd'arcy\nanne-marie\nзоя").vocab).toEqual(
      ['.', "'", '-', 'a', 'c', 'd', 'e', 'i', 'j', 'm', 'n', 'o', 'r', 's', 'y', 'é', 'з', 'о', 'я'],
    );
  });

  it(`rejects more than ${MAX_VOCAB - 1} distinct characters`, () => {
    const letters = [...'abcdefghijklmnopqrstuvwxyzαβγδεζηθικλμνξοπρστυφχψω'];
    expect(() => parseCorpus(letters.join('\n'))).toThrow(/distinct characters; at most/);
  });
});

describe('encode / decode', () => {
  it('round-trips a name through vocabulary indices', () => {
    const c = parseCorpus('emma\nava');
    expect(encode(c, 'mae')).toEqual([3, 1, 2]);
    expect(decode(c, [0, 3, 1, 2, 0])).toBe('mae');
  });

  it('names the character that is not in the vocabulary', () => {
    expect(() => encode(parseCorpus('emma'), 'zoe')).toThrow(/'z' in “zoe” is not in the vocabulary/);
  });
});

describe('splitWords', () => {
  const words = parseCorpus(makemore).words;

  it('cuts 80/10/10 at ⌊0.8n⌋ and ⌊0.9n⌋ without losing or repeating a name', () => {
    const s = splitWords(words, 42);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([25_626, 3_203, 3_204]);
    expect([...s.train, ...s.val, ...s.test].sort()).toEqual(words.slice().sort());
  });

  it('is the same for the same seed and different for another', () => {
    expect(splitWords(words, 7).val).toEqual(splitWords(words, 7).val);
    expect(splitWords(words, 7).val).not.toEqual(splitWords(words, 8).val);
  });
});

describe('names-en corpus', () => {
  it('is lower-case a–z, sorted, without duplicates, and registered by name', () => {
    expect(NAMES_EN.length).toBeGreaterThan(8_000);
    expect(NAMES_EN.every((n) => /^[a-z]+$/.test(n))).toBe(true);
    expect(new Set(NAMES_EN).size).toBe(NAMES_EN.length);
    expect(NAMES_EN.slice().sort()).toEqual(NAMES_EN);
    expect(NAMES_EN).toContain('annmarie');
    expect(CORPORA['names-en']).toBe(NAMES_EN);
    expect(parseCorpus(NAMES_EN.join('\n')).vocab.length).toBe(27);
  });
});
