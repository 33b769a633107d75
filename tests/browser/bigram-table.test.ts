import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { NAMES_EN } from '../../components/data/names';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

const MAKEMORE = readFileSync('../shared/data/makemore-names.txt', 'utf8');

/** Plain-JS reference: the double loop over names and characters, and the NLL in float64. */
function reference(text: string, k: number): { vocab: string[]; counts: number[][]; nll: number } {
  const words = text.split('\n').filter(Boolean);
  const vocab = ['.', ...[...new Set(words.join(''))].sort()];
  const ix = new Map(vocab.map((c, i) => [c, i]));
  const counts = vocab.map(() => vocab.map(() => 0));
  for (const w of words) {
    const seq = ['.', ...w, '.'];
    for (let i = 0; i + 1 < seq.length; i++) counts[ix.get(seq[i])!][ix.get(seq[i + 1])!]++;
  }
  let total = 0;
  let n = 0;
  for (const row of counts) {
    const sum = row.reduce((a, c) => a + c + k, 0);
    for (const c of row) if (c > 0) (total -= c * Math.log((c + k) / sum)), (n += c);
  }
  return { vocab, counts, nll: total / n };
}

/** The first index whose running sum of row exceeds r. */
const pick = (row: number[], r: number) => {
  let cum = 0;
  for (let i = 0; i < row.length; i++) if (r < (cum += row[i])) return i;
  return row.length - 1;
};

/** A slide-sized box: the space under a slide title. */
const box = (inner: string) => `<div id="slide" style="width:1180px;height:560px;outline:1px dashed #bbb">${inner}</div>`;

interface Step { current: number; row: number[]; r: number; chosen: number }

describe('<bigram-table>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
    // Serve the reference corpus and an empty file as if they sat beside the page.
    await h.page.route('**/makemore.txt', (r) => r.fulfill({ body: MAKEMORE, contentType: 'text/plain' }));
    await h.page.route('**/empty.txt', (r) => r.fulfill({ body: '\n\n', contentType: 'text/plain' }));
  });
  afterAll(async () => {
    await h.close();
  });

  it('gives the published NLL on makemore-names: 2.4540 raw, 2.4546 with +1 smoothing, 228,146 bigrams', async () => {
    const page = await h.mount('<bigram-table id="mm" src="makemore.txt"></bigram-table>');
    const d = demoHandle(page, '#mm');
    await d.ready();
    expect(await d.prop('pairs')).toBe(228_146);
    expect((await d.prop<number>('nll')).toFixed(4)).toBe('2.4540');
    const ref = reference(MAKEMORE, 0);
    expect(await d.prop('vocab')).toEqual(ref.vocab);
    expect(await d.prop('counts')).toEqual(ref.counts);
    await d.attr('smoothing', '1');
    await d.settled();
    expect((await d.prop<number>('nll')).toFixed(4)).toBe('2.4546');
    const p = await d.prop<number[][]>('probabilities');
    for (const row of p) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(await d.messages()).toBe('');
  });

  describe('on the default names-en corpus', () => {
    let page: Page;
    let d: ReturnType<typeof demoHandle>;
    const text = NAMES_EN.join('\n');
    beforeAll(async () => {
      h.consoleErrors.length = 0;
      page = await h.mount(box('<bigram-table id="en"></bigram-table>') + '<bigram-table id="twin"></bigram-table><bigram-table id="other" seed="5"></bigram-table>');
      d = demoHandle(page, '#en');
      for (const id of ['#en', '#twin', '#other']) await demoHandle(page, id).ready();
    });

    it('counts every bigram of the corpus, as the plain-JS loop does', async () => {
      const ref = reference(text, 0);
      expect(await d.prop('vocab')).toEqual(ref.vocab);
      expect(await d.prop('counts')).toEqual(ref.counts);
      expect(await d.prop<number>('nll')).toBeCloseTo(ref.nll, 4);
      expect(await d.prop<number>('nll')).toBeLessThan(Math.log(27));
    });

    it('toggles counts and probabilities, and the slider smooths', async () => {
      await d.part('button.mode-probabilities').click();
      expect(await d.prop('currentMode')).toBe('probabilities');
      expect(await d.part('svg.heatmap').getAttribute('aria-label')).toBe('bigram probabilities');
      await d.part('input.smoothing').fill('2');
      await d.settled();
      expect(await d.prop('currentSmoothing')).toBe(2);
      expect(await d.prop<number>('nll')).toBeCloseTo(reference(text, 2).nll, 4);
      expect(await d.maskedCells()).toBe(0); // smoothing leaves no impossible pair
      await d.part('input.smoothing').fill('0');
      await d.settled();
      expect(await d.maskedCells()).toBeGreaterThan(0);
      await d.part('button.mode-counts').click();
    });

    it('shows count and P(next | current) on hover, and a clicked row as a distribution', async () => {
      const counts = await d.prop<number[][]>('counts');
      const probs = await d.prop<number[][]>('probabilities');
      await d.heatmapCell(1, 14).hover();
      const readout = await d.part('.readout').textContent();
      expect(readout).toContain(`'a' → 'n': ${counts[1][14].toLocaleString('en-US')}`);
      expect(readout).toContain(`P(n | a) = ${probs[1][14].toFixed(3)}`);
      await d.part('text.row-label[data-row="5"]').click();
      expect(await d.part('svg.bar-chart').getAttribute('aria-label')).toBe('distribution after e');
    });

    it('steps through a name: each draw picks the slice of its row that holds r, ending at "."', async () => {
      for (let i = 0; i < 40; i++) {
        await d.part('button.step').click();
        const steps = await d.prop<Step[]>('steps');
        if (steps.at(-1)!.chosen === 0) break;
      }
      const steps = await d.prop<Step[]>('steps');
      const probs = await d.prop<number[][]>('probabilities');
      expect(steps[0].current).toBe(0);
      steps.forEach((s, i) => {
        expect(s.row).toEqual(probs[s.current]);
        expect(s.chosen).toBe(pick(s.row, s.r));
        if (i > 0) expect(s.current).toBe(steps[i - 1].chosen);
      });
      expect(steps.at(-1)!.chosen).toBe(0);
      const vocab = await d.prop<string[]>('vocab');
      const name = steps.slice(0, -1).map((s) => vocab[s.chosen]).join('');
      expect(await d.part('.log').textContent()).toContain(`= ${name}`);
      await d.part('button.step').click(); // a finished name gives way to a new one
      expect(await d.prop<Step[]>('steps')).toHaveLength(1);
    });

    it('generates names reproducibly from the seed', async () => {
      await d.part('button.generate').click();
      expect(await d.part('.names span').count()).toBe(8);
      const names = await d.call<string[]>('sample', 10);
      expect(names).toHaveLength(10);
      expect(names.every((n) => /^[a-z]*$/.test(n))).toBe(true);
      expect(await d.call('sample', 10)).toEqual(names);
      expect(await demoHandle(page, '#twin').call('sample', 10)).toEqual(names);
      expect(await demoHandle(page, '#other').call('sample', 10)).not.toEqual(names);
    });

    it('fits the space under a slide title and reads cleanly', async () => {
      await d.part('button.step').click();
      await d.part('button.step').click();
      const size = await d.locator.boundingBox();
      expect(size!.width).toBeLessThanOrEqual(1180);
      expect(size!.height).toBeLessThanOrEqual(560);
      await d.heatmapCell(1, 14).hover();
      await h.screenshot('bigram-table', page.locator('#slide'));
      expect(h.consoleErrors).toEqual([]);
      expect(h.externalRequests).toEqual([]);
    });
  });

  describe('bad input, all on one page', () => {
    let page: Page;
    beforeAll(async () => {
      page = await h.mount(`
        <bigram-table id="empty" src="empty.txt"></bigram-table>
        <bigram-table id="chars">anna\nr2d2\nbob</bigram-table>
        <bigram-table id="missing" src="no-such-file.txt"></bigram-table>
        <bigram-table id="klingon" corpus="klingon"></bigram-table>
        <bigram-table id="negative" smoothing="-1" mode="logits">anna\nbob</bigram-table>`);
      for (const id of ['empty', 'chars', 'missing', 'klingon', 'negative']) await demoHandle(page, `#${id}`).ready();
    });

    it.each([
      { id: 'empty', text: /src="empty.txt" cannot be used: the corpus is empty/ },
      { id: 'chars', text: /the text inside the element cannot be used: line 2 “r2d2” contains '2'/ },
      { id: 'missing', text: /src="no-such-file.txt" could not be loaded \(HTTP 404/ },
    ])('stops #$id with a clear message', async ({ id, text }) => {
      const d = demoHandle(page, `#${id}`);
      expect(await d.messages()).toMatch(text);
      expect(await d.prop('vocab')).toEqual([]);
    });

    it.each([
      { id: 'klingon', text: /corpus="klingon" is not valid: expected one of "names-en"/, vocab: 27 },
      { id: 'negative', text: /smoothing="-1" is not valid[\s\S]*mode="logits" is not valid/, vocab: 5 },
    ])('explains #$id in the box and runs with the defaults', async ({ id, text, vocab }) => {
      const d = demoHandle(page, `#${id}`);
      expect(await d.messages()).toMatch(text);
      expect(await d.prop<string[]>('vocab')).toHaveLength(vocab);
    });
  });

  it('gives its tensors back when removed, and shows a whole sampled name when printed', async () => {
    const page = await h.mount('<div id="host"></div>', { query: '?print' });
    const baseline = await tensorCount(page);
    await page.evaluate(() => (document.querySelector('#host')!.innerHTML = '<bigram-table id="p"></bigram-table>'));
    const d = demoHandle(page, '#p');
    await d.ready();
    const steps = await d.prop<Step[]>('steps');
    expect(steps.at(-1)!.chosen).toBe(0);
    expect(await d.part('.names span').count()).toBe(8);
    expect(await tensorCount(page)).toBeGreaterThan(baseline);
    await page.evaluate(() => document.querySelector('#p')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  });
});
