import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build scripts without type declarations
import { siteIndex } from '../../scripts/site-index.mjs';
// @ts-expect-error plain ESM build scripts without type declarations
import { deckName, slidesDir } from '../../scripts/decks.mjs';
import path from 'node:path';

const single = { name: 'temperature', href: 'temperature.html', title: 'Temperature', description: 'softmax', slides: 7 };
const act = (n: number, title: string, chapters: string[]) => ({
  name: `field-rhymes/act-${n}`, href: `field-rhymes/act-${n}.html`, title: `The Field Rhymes · ${title}`,
  description: '', slides: 40, series: 'field-rhymes', act: n, chapters,
});

describe('siteIndex', () => {
  const html: string = siteIndex([
    single,
    act(2, 'Act II: Routing', ['4 The Puzzle of Long Sentences', '5 Attention']),
    act(1, 'Act I: Apparatus', ['1 How a Network Learns', '2 How a Network Reads', '3 How a Network Speaks']),
  ]);

  it('lists single decks under "Lectures" and the series under the book title', () => {
    const lectures = html.indexOf('<h2>Lectures</h2>');
    const book = html.indexOf('<h2>The Field Rhymes</h2>');
    expect(lectures).toBeGreaterThan(-1);
    expect(book).toBeGreaterThan(lectures);
    expect(html.indexOf('temperature.html')).toBeLessThan(book);
  });

  it('orders the acts by act number, each with its title and numbered chapters', () => {
    const one = html.indexOf('field-rhymes/act-1.html');
    const two = html.indexOf('field-rhymes/act-2.html');
    expect(one).toBeGreaterThan(-1);
    expect(two).toBeGreaterThan(one);
    expect(html).toContain('<span class="title">Act I: Apparatus</span>');
    expect(html).toContain('<li value="5">Attention</li>');
    expect(html).toContain('<li value="1">How a Network Learns</li>');
  });

  it('escapes titles and descriptions', () => {
    const out: string = siteIndex([{ ...single, title: '<script>x</script>', description: 'a & b' }]);
    expect(out).not.toContain('<script>x');
    expect(out).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(out).toContain('a &amp; b');
  });
});

describe('deckName', () => {
  it.each([
    ['temperature.md', 'temperature'],
    [path.join('field-rhymes', 'act-1-apparatus.md'), 'field-rhymes/act-1-apparatus'],
  ])('names %s as %s', (file, name) => {
    expect(deckName(path.join(slidesDir, file))).toBe(name);
  });
});
