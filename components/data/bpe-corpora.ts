/**
 * Training corpora for the BPE demo, by the name a deck writes in
 * `corpus="..."`, and the tokenisation quirks the demo offers as presets.
 */
import lectureEn from './bpe-corpus-en.txt';
import lectureId from './bpe-corpus-id.txt';

/**
 * The classic example of Sennrich et al. (2016): "low" ×5, "lower" ×2,
 * "newest" ×6, "widest" ×3. Meant for boundary="end-of-word", where the first
 * merges are e+s, es+t, est+</w>, l+o, lo+w.
 */
const CLASSIC = [
  ...Array<string>(5).fill('low'),
  ...Array<string>(2).fill('lower'),
  ...Array<string>(6).fill('newest'),
  ...Array<string>(3).fill('widest'),
].join(' ');

export const BPE_CORPORA: Readonly<Record<string, string>> = {
  /** ~4,000 characters of plain English prose written for this project (not from any book). */
  'lecture-en': lectureEn,
  classic: CLASSIC,
  /**
   * ~3,600 characters of plain Indonesian prose written for this project (a
   * market street, a school, a library, a train to Bandung, and a paragraph on
   * how Indonesian builds words with prefixes and suffixes): the second
   * language for comparing tokenizers.
   */
  'lecture-id': lectureId,
};

/** Names shown on screen for the corpora. */
export const BPE_CORPUS_LABELS: Readonly<Record<string, string>> = {
  'lecture-en': 'English',
  classic: 'the classic example',
  'lecture-id': 'Indonesian',
};

/**
 * Held-out sentences (in neither corpus) for comparing tokens per word, one
 * per corpus: the same sentence in both languages.
 */
export const BPE_SAMPLE_TEXTS: Readonly<Record<string, string>> = {
  'lecture-en': 'The children walked to the market before school.',
  'lecture-id': 'Anak-anak berjalan ke pasar sebelum sekolah.',
  classic: 'the lowest newer wider',
};

export interface BpeQuirk {
  title: string;
  /**
   * Texts to tokenise side by side (a leading space, as inside a sentence, is
   * part of the word), each with a label that reads even where the script's
   * font is missing.
   */
  texts: { text: string; label: string }[];
  /** What to look for (shown under the tokens). */
  note: string;
}

/**
 * The quirks of the lecture, as inputs. The token counts are NOT stored: the
 * demo computes them with the merges it learned, so what the room sees is what
 * this small English-trained tokenizer really does (a production tokenizer,
 * trained on far more text, splits differently).
 */
export const BPE_QUIRKS: readonly BpeQuirk[] = [
  {
    title: 'A word split across tokens',
    texts: [
      { text: ' strawberry', label: 'strawberry' }, { text: ' berry', label: 'berry' }, { text: ' straw', label: 'straw' },
    ],
    note: 'The letters of one word land in different tokens, so "how many r’s?" is not something the model sees directly.',
  },
  {
    title: 'The same greeting in other scripts',
    texts: [
      { text: 'Hello', label: 'English' }, { text: 'नमस्ते', label: 'Hindi' },
      { text: 'Привет', label: 'Russian' }, { text: 'こんにちは', label: 'Japanese' },
    ],
    note: 'Merges learned from English never touch these bytes: each character stays as 2–3 byte tokens.',
  },
  {
    title: 'Numbers',
    texts: [
      { text: ' 2021', label: '2021' }, { text: ' 2023', label: '2023' },
      { text: ' 1234', label: '1234' }, { text: ' 12345', label: '12345' },
    ],
    note: 'Digits merge only where the corpus happened to repeat them, so similar numbers are cut differently.',
  },
];
