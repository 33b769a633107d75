import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoHandle, openBrowser, SHOTS_DIR, tensorCount, type Harness, smallestText } from './harness';

/** The deck's demo font: a section's 30 px × 0.8 (slides/themes/lecture.css), content 1152 px wide. */
const DECK = '<style>rnn-recall { font-size: 24px; width: 1152px; }</style>';

describe('<rnn-recall>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows the untrained networks before any click: chance accuracy, a gradient that already shrinks for the RNN', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`${DECK}<rnn-recall id="r"></rnn-recall>`);
    const r = demoHandle(page, '#r');
    await r.ready();
    expect(await r.prop('trainedSteps')).toBe(0);
    const acc = await r.prop<{ rnn: number[]; lstm: number[] }>('accuracy');
    expect(acc.rnn).toHaveLength(20);
    expect(acc.lstm).toHaveLength(20);
    const g = await r.prop<{ lag: number; rnn: number[]; lstm: number[] }>('gradients');
    expect(g.lag).toBe(20);
    expect(g.rnn).toHaveLength(22); // t = 0 (the token) … 21 (the query)
    // back through time from the query (t = 21) to the token (t = 0): the RNN's gradient shrinks far more
    expect(g.rnn[0]! / g.rnn[21]!).toBeLessThan(0.03);
    expect(g.rnn[0]! / g.rnn[21]!).toBeLessThan((g.lstm[0]! / g.lstm[21]!) / 3);
    const small = await smallestText(page.locator('#r'));
    expect(small.px, `"${small.text}"`).toBeGreaterThanOrEqual(16);
    const box = await r.locator.boundingBox();
    expect(box!.height).toBeLessThan(540); // fits under a slide title at 1280 × 720
    await h.screenshot('rnn-recall-untrained', r.locator);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('reaches the aha within its 150 steps: the LSTM holds at long lags, the RNN falls behind; no tensor leaks', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`${DECK}<rnn-recall id="r"></rnn-recall>`);
    const r = demoHandle(page, '#r');
    await r.ready();
    await r.call('train', 1); // Adam creates its moment estimates on the first step
    const tensors = await tensorCount(page);
    await r.call('train', 149);
    await r.settled();
    expect(await r.prop('trainedSteps')).toBe(150);
    const long = await r.prop<{ rnn: number; lstm: number }>('longLag');
    expect(long.lstm).toBeGreaterThanOrEqual(0.9);
    expect(await r.prop('aha')).toBe(true);
    const g = await r.prop<{ rnn: number[]; lstm: number[] }>('gradients');
    for (const v of [...g.rnn, ...g.lstm]) expect(v).toBeGreaterThan(0);
    // The numbers the still state (steps = 150) shows, for the deck's captions.
    mkdirSync(SHOTS_DIR, { recursive: true });
    writeFileSync(path.join(SHOTS_DIR, 'rnn-recall-numbers.json'), JSON.stringify({
      steps: 150, ahaStep: await r.prop('ahaStep'), longLag: long, accuracy: await r.prop('accuracy'), gradients: g,
    }, null, 1));
    await h.screenshot('rnn-recall-trained-L20', r.locator);
    await r.call('setLag', 5);
    await r.settled();
    expect((await r.prop<{ rnn: number[] }>('gradients')).rnn).toHaveLength(7);
    expect(await tensorCount(page)).toBe(tensors);
    await h.screenshot('rnn-recall-trained', r.locator);
    const small = await smallestText(page.locator('#r'));
    expect(small.px, `"${small.text}"`).toBeGreaterThanOrEqual(16);
    expect(h.consoleErrors).toEqual([]);
  }, 300_000);

  it('trains with ▶, pauses, resets, and its lag slider keeps arrow keys from the page', async () => {
    const page = await h.mount('<rnn-recall id="r" steps="30"></rnn-recall>');
    const r = demoHandle(page, '#r');
    await r.ready();
    await r.part('button:has-text("train")').click();
    await page.waitForFunction(() => (document.querySelector('#r') as any).trainedSteps >= 15, undefined, { timeout: 120_000 });
    await page.waitForFunction(() => !(document.querySelector('#r') as any).playing, undefined, { timeout: 120_000 });
    expect(await r.prop('trainedSteps')).toBe(30); // ▶ runs `steps` steps, then pauses
    await r.settled();

    await page.evaluate(() => {
      (window as any).pageKeys = 0;
      document.addEventListener('keydown', () => (window as any).pageKeys++);
    });
    await r.part('input[aria-label="lag L"]').focus();
    await page.keyboard.press('ArrowLeft');
    await r.settled();
    expect(await r.prop('currentLag')).toBe(19);
    expect((await r.prop<{ lag: number }>('gradients')).lag).toBe(19);
    expect(await page.evaluate(() => (window as any).pageKeys)).toBe(0);

    await r.part('button:has-text("reset")').click();
    await r.settled();
    await page.waitForFunction(() => (document.querySelector('#r') as any).trainedSteps === 0);
    expect(await r.prop('currentLag')).toBe(19);
  }, 240_000);

  it('shows `steps` seeded steps in print, the same state as training that many steps live', async () => {
    const page = await h.mount('<rnn-recall id="p" steps="20" lag="8"></rnn-recall>', { query: '?print' });
    const p = demoHandle(page, '#p');
    await p.ready();
    expect(await p.prop('trainedSteps')).toBe(20);
    expect(await p.part('button:has-text("train")').isDisabled()).toBe(true);
    const printed = await p.prop('accuracy');
    const printedG = await p.prop('gradients');

    const live = await h.mount('<rnn-recall id="l" lag="8"></rnn-recall>');
    const l = demoHandle(live, '#l');
    await l.ready();
    await l.call('train', 20);
    await l.settled();
    expect(await l.prop('accuracy')).toEqual(printed);
    expect(await l.prop('gradients')).toEqual(printedG);
  }, 240_000);

  it('frees its tensors when removed', async () => {
    const page = await h.mount('<div></div>');
    const before = await tensorCount(page);
    await page.evaluate(() => (document.body.innerHTML = '<rnn-recall id="r" max-lag="6"></rnn-recall>'));
    await demoHandle(page, '#r').ready();
    expect(await tensorCount(page)).toBeGreaterThan(before);
    await page.evaluate(() => document.querySelector('#r')!.remove());
    expect(await tensorCount(page)).toBe(before);
  });

  it('explains bad attributes in the box, naming them, and keeps working with defaults', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'max-lag="1"', attribute: 'max-lag' },
      { attrs: 'vocab="many"', attribute: 'vocab' },
      { attrs: 'learning-rate="1"', attribute: 'learning-rate' },
      { attrs: 'units="2.5"', attribute: 'units' },
      { attrs: 'lag="0"', attribute: 'lag' },
    ];
    // max-lag="6" keeps the other four quick; the first case's own max-lag wins (HTML keeps the first of a repeated attribute).
    const page = await h.mount(cases.map((c, i) => `<rnn-recall id="bad${i}" ${c.attrs} max-lag="6"></rnn-recall>`).join(''));
    for (const [i, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${i}`);
      await d.ready();
      const message = await d.messages();
      expect(message).toContain(`${c.attribute}=`);
      expect(message).toMatch(/expected/);
      expect((await d.prop<{ rnn: number[] }>('gradients')).rnn.length).toBeGreaterThan(2);
    }
    expect(h.consoleErrors).toEqual([]);
  }, 240_000);
});
