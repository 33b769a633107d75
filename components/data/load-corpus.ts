/**
 * Where a name corpus comes from, for <bigram-table> and <mlp-trainer>:
 * `src` (a newline-separated text file by URL) wins, then the element's own
 * text content, then `corpus` (a corpus shipped with the project).
 * Returns a parsed Corpus, or throws an Error whose message names the source.
 */
import { parseCorpus, type Corpus } from '../models/corpus.js';
import { CORPORA } from './names.js';

export const CORPUS_NAMES = Object.keys(CORPORA) as readonly string[];

export interface CorpusSource {
  corpus: string;
  src: string;
  /** The element's text content (may be blank). */
  inline: string;
}

/** What each shipped corpus is, in words, for the line a demo shows under its chart. */
const CORPUS_TITLES: Readonly<Record<string, string>> = {
  'names-en': 'English first names',
};

/**
 * The corpus a demo runs on, named on screen with its size: "8,405 English
 * first names", "20 names from names.txt", "12 names written on the slide".
 */
export function corpusTitle(s: CorpusSource, words: number): string {
  const n = words.toLocaleString('en-US');
  if (s.src) return `${n} names from ${s.src.split('/').pop() || s.src}`;
  if (s.inline.trim()) return `${n} names written on the slide`;
  return `${n} ${CORPUS_TITLES[s.corpus] ?? `names (corpus "${s.corpus}")`}`;
}

/** Fetching a `src` longer than this is reported as unreachable rather than hanging the demo. */
const FETCH_TIMEOUT_MS = 8000;

/** Identifies a source, for caching and for messages. */
export function describeSource(s: CorpusSource): string {
  if (s.src) return `src="${s.src}"`;
  if (s.inline.trim()) return 'the text inside the element';
  return `corpus="${s.corpus}"`;
}

async function fetchText(src: string): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const url = new URL(src, globalThis.document?.baseURI ?? globalThis.location?.href);
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    return await response.text();
  } catch (error) {
    const why = controller.signal.aborted
      ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s`
      : error instanceof Error ? error.message : String(error);
    throw new Error(`src="${src}" could not be loaded (${why}); expected the URL of a text file with one name a line`);
  } finally {
    clearTimeout(timer);
  }
}

export async function loadCorpus(s: CorpusSource): Promise<Corpus> {
  let text: string;
  if (s.src) text = await fetchText(s.src);
  else if (s.inline.trim()) text = s.inline;
  else {
    const names = CORPORA[s.corpus];
    if (!names) throw new Error(`corpus="${s.corpus}" is not a corpus shipped with the project; expected one of ${CORPUS_NAMES.map((n) => `"${n}"`).join(', ')}`);
    text = names.join('\n');
  }
  try {
    return parseCorpus(text);
  } catch (error) {
    throw new Error(`The corpus from ${describeSource(s)} cannot be used: ${(error as Error).message}`);
  }
}

/**
 * An element's text content used as a corpus: read once on connection and
 * again only when it changes, so a key can name it by `revision` instead of
 * copying 200 kB of names into every update.
 */
export class InlineCorpus {
  text = '';
  revision = 0;
  private observer: MutationObserver | null = null;

  connect(host: HTMLElement, onChange: () => void): void {
    this.read(host);
    this.observer = new MutationObserver(() => {
      if (this.read(host)) onChange();
    });
    this.observer.observe(host, { childList: true, characterData: true, subtree: true });
  }

  disconnect(): void {
    this.observer?.disconnect();
    this.observer = null;
  }

  private read(host: HTMLElement): boolean {
    const text = host.textContent ?? '';
    if (text === this.text) return false;
    this.text = text;
    this.revision++;
    return true;
  }
}
