import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

// Pages are few on purpose: each new page recompiles the WebGL shaders,
// which costs seconds on a software GPU.

/** A slide-sized box: the space under a slide title. */
const box = (inner: string) => `<div id="slide" style="width:1180px;height:560px;outline:1px dashed #bbb">${inner}</div>`;
const NAMES = 'emma olivia ava isabella sophia charlotte mia amelia harper evelyn abigail emily elizabeth mila ella avery sofia camila aria scarlett'.split(' ').join('\n');

describe('<mlp-trainer>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
    await h.page.route('**/empty.txt', (r) => r.fulfill({ body: '\n', contentType: 'text/plain' }));
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens after a seeded 300-step warm-up below ln 27, names its corpus and baselines, trains live, its controls work, and it fits a slide', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(box('<mlp-trainer id="m"></mlp-trainer>'));
    const d = demoHandle(page, '#m');
    await d.ready();
    expect(await d.prop('step')).toBe(300);
    expect(await d.prop('parameters')).toBe(11_897);
    const start = await d.prop<number>('valLoss');
    expect(start).toBeLessThan(Math.log(27) - 0.3);
    // First screen: a number for every readout, real names, the corpus and both baselines on the chart.
    const stats = await d.part('[part=stats]').textContent();
    expect(stats).not.toMatch(/–/);
    expect(stats).toContain('after 300 seeded steps');
    const shown = await d.prop<string[]>('names');
    expect(shown.filter((n) => n.length > 0).length).toBeGreaterThanOrEqual(6);
    expect(await d.part('[part=corpus]').textContent()).toMatch(/8,405 English first names/);
    const baseline = await d.prop<number>('baseline');
    expect(baseline).toBeGreaterThan(2.3);
    expect(baseline).toBeLessThan(2.6);
    const marks = await d.part('[part=line-chart] .mark text').allTextContents();
    expect(marks).toEqual([`uniform guess: ln 27 = ${Math.log(27).toFixed(2)}`, `counting (bigram, validation): ${baseline.toFixed(2)}`]);

    const r = await d.call<{ trainLoss: number; valLoss: number }>('train', 300);
    expect(await d.prop('step')).toBe(600);
    expect(r.valLoss).toBeLessThan(start);
    expect(await d.prop('valLoss')).toBe(r.valLoss);
    const names = await d.call<string[]>('sample', 6);
    expect(names).toHaveLength(6);
    expect(await d.call('sample', 6)).toEqual(names);
    expect(names.every((n) => /^[a-z]*$/.test(n))).toBe(true);

    // Live: the loop trains while playing and stops on pause.
    await d.part('button.play').click();
    // The speed is measured over half a second of frames: wait for the first figure too.
    await page.waitForFunction(() => {
      const m = document.querySelector('#m') as any;
      return m.step >= 610 && m.stepsPerSecond > 0;
    }, undefined, { timeout: 30_000 });
    await d.part('button.play').click();
    const paused = await d.prop<number>('step');
    expect(await d.prop('playing')).toBe(false);
    expect(await d.prop<number>('stepsPerSecond')).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    expect(await d.prop('step')).toBe(paused);

    await d.part('button.step').click();
    await page.waitForFunction((s) => (document.querySelector('#m') as any).step === s + 1, paused);
    await d.part('select.batch').selectOption('128');
    expect(await d.prop('currentBatchSize')).toBe(128);
    await d.part('input.lr').fill('-2');
    expect(await d.prop('currentLearningRate')).toBe(0.01);

    const size = await d.locator.boundingBox();
    expect(size!.width).toBeLessThanOrEqual(1180);
    expect(size!.height).toBeLessThanOrEqual(560);
    await h.screenshot('mlp-trainer', page.locator('#slide'));

    // Reset keeps the lecturer's learning rate and batch size: put the defaults back to see the same first screen.
    await d.part('select.batch').selectOption('32');
    await d.part('input.lr').fill('-1');
    expect(await d.prop('currentLearningRate')).toBe(0.1);
    await d.part('button.reset').click();
    await page.waitForFunction(() => (document.querySelector('#m') as any).step === 300);
    await d.settled();
    expect(await d.prop<number>('valLoss')).toBeCloseTo(start, 5);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  describe('bad input, all on one page', () => {
    let page: Page;
    beforeAll(async () => {
      page = await h.mount(`
        <mlp-trainer id="context0" context="0" hidden="16"></mlp-trainer>
        <mlp-trainer id="huge" hidden="1e9" embedding="2"></mlp-trainer>
        <mlp-trainer id="klingon" corpus="klingon" hidden="16"></mlp-trainer>
        <mlp-trainer id="empty" src="empty.txt"></mlp-trainer>
        <mlp-trainer id="chars">anna\nr2d2\nbob</mlp-trainer>
        <mlp-trainer id="missing" src="no-such-file.txt"></mlp-trainer>
        <mlp-trainer id="few">ann\nbob</mlp-trainer>
        <mlp-trainer id="good" hidden="16">${NAMES}</mlp-trainer>`);
      for (const id of ['context0', 'huge', 'klingon', 'empty', 'chars', 'missing', 'few', 'good']) await demoHandle(page, `#${id}`).ready();
    });

    it.each([
      { id: 'context0', text: /context="0" is not valid: expected a whole number at least 1/, parameters: 27 * 10 + 30 * 16 + 16 + 16 * 27 + 27 },
      { id: 'huge', text: /hidden="1e9": capped at 1024/, parameters: 27 * 2 + 6 * 1024 + 1024 + 1024 * 27 + 27 },
      { id: 'klingon', text: /corpus="klingon" is not valid: expected one of "names-en"/, parameters: 27 * 10 + 30 * 16 + 16 + 16 * 27 + 27 },
    ])('explains #$id in the box and runs with the default or capped value', async ({ id, text, parameters }) => {
      const d = demoHandle(page, `#${id}`);
      expect(await d.messages()).toMatch(text);
      expect(await d.prop('parameters')).toBe(parameters);
      expect(await d.locator.isVisible()).toBe(true); // the global `hidden` attribute does not hide it
    });

    it.each([
      { id: 'empty', text: /src="empty.txt" cannot be used: the corpus is empty/ },
      { id: 'chars', text: /line 2 “r2d2” contains '2'; names may use letters/ },
      { id: 'missing', text: /src="no-such-file.txt" could not be loaded \(HTTP 404/ },
      { id: 'few', text: /has 2 names; the MLP needs at least 10/ },
    ])('stops #$id with a clear message', async ({ id, text }) => {
      const d = demoHandle(page, `#${id}`);
      expect(await d.messages()).toMatch(text);
      expect(await d.prop('parameters')).toBe(0);
    });

    it('leaves its neighbours working, with a vocabulary from their own names', async () => {
      const good = demoHandle(page, '#good');
      expect(await good.messages()).toBe('');
      const vocab = new Set(NAMES.replace(/\n/g, '')).size + 1;
      expect(await good.prop('parameters')).toBe(vocab * 10 + 30 * 16 + 16 + 16 * vocab + vocab);
      expect((await good.call<{ valLoss: number }>('train', 20)).valLoss).toBeLessThan(Math.log(vocab) + 0.2);
    });
  });

  it('is reproducible from its seed and gives its tensors back when removed', async () => {
    const page = await h.mount('<div id="host"></div>');
    const baseline = await tensorCount(page);
    await page.evaluate(() => {
      document.querySelector('#host')!.innerHTML = ['7', '7', '8'].map((s, i) => `<mlp-trainer id="s${i}" hidden="16" seed="${s}"></mlp-trainer>`).join('');
    });
    const [a, b, c] = ['#s0', '#s1', '#s2'].map((s) => demoHandle(page, s));
    for (const x of [a, b, c]) await x.ready();
    const ra = await a.call('train', 20);
    expect(await b.call('train', 20)).toEqual(ra);
    expect(await c.call('train', 20)).not.toEqual(ra);
    expect(await a.call('sample', 5, 0.8)).toEqual(await b.call('sample', 5, 0.8));
    await a.call('play');
    await page.waitForFunction(() => (document.querySelector('#s0') as any).step > 25, undefined, { timeout: 30_000 });
    expect(await tensorCount(page)).toBeGreaterThan(baseline);
    await page.evaluate(() => document.querySelector('#host')!.replaceChildren());
    // A frame in flight holds its read-back tensor until the read resolves.
    await expect.poll(() => tensorCount(page), { timeout: 5000 }).toBe(baseline);
  });

  it('shows the same state after 300 seeded steps whenever it is printed', async () => {
    const page = await h.mount(box('<mlp-trainer id="p1"></mlp-trainer>') +
      '<mlp-trainer id="p2" hidden="16"></mlp-trainer><mlp-trainer id="p3" hidden="16"></mlp-trainer>', { query: '?print' });
    const [p1, p2, p3] = ['#p1', '#p2', '#p3'].map((s) => demoHandle(page, s));
    for (const p of [p1, p2, p3]) await p.ready();
    expect(await p1.prop('step')).toBe(300);
    expect(await p1.prop<number>('valLoss')).toBeLessThan(3);
    expect(await p1.prop('playing')).toBe(false);
    expect(await p2.prop('step')).toBe(300);
    expect(await p3.prop('valLoss')).toBe(await p2.prop('valLoss'));
    expect(await p3.prop('names')).toEqual(await p2.prop('names'));
    await h.screenshot('mlp-trainer-still', page.locator('#slide'));
  });
});
