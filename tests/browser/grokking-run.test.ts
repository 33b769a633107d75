import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

type Point = [number, number, number];

describe('<grokking-run>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the grokked default run: train 100 % at step 150, test > 95 % at step 450, a few frequencies hold the power (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<grokking-run id="g"></grokking-run>', { query });
      const d = demoHandle(page, '#g');
      await d.ready();
      expect(await d.prop('source')).toBe('snapshot');
      expect(await d.prop('step')).toBe(700);
      expect(await d.prop('trainFitAt')).toBe(150);
      expect(await d.prop('grokAt')).toBe(450);
      const history = await d.prop<Point[]>('history');
      expect(history).toHaveLength(29);
      expect(history.find((p) => p[0] === 150)![2]).toBeLessThan(0.05); // memorised, not generalised
      expect(await d.part('rect.bar').count()).toBe(23);
      expect(Number((await d.part('.top3').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(50);
      expect(await d.part('.grokked').textContent()).toContain('test > 95 % at step 450');
      expect(await d.part('svg .series').count()).toBe(2);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(560);
      await h.screenshot(query ? 'grokking-run-still' : 'grokking-run', d.locator);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('trains at start-up when the attributes are not the recorded run: weight decay 0 memorises and stays near chance', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<grokking-run id="g" weight-decay="0" steps="300"></grokking-run>');
    const d = demoHandle(page, '#g');
    await d.ready(180_000);
    expect(await d.prop('source')).toBe('trained');
    expect(await d.prop('step')).toBe(300);
    const fit = await d.prop<number>('trainFitAt');
    expect(fit).toBeLessThanOrEqual(250);
    const history = await d.prop<Point[]>('history');
    for (const p of history.filter((q) => q[0] >= fit)) expect(p[2]).toBeLessThan(0.06);
    expect(await d.prop('grokAt')).toBeNull();
    await expect.poll(() => d.part('.memorised').textContent()).toContain('test not yet');
    await h.screenshot('grokking-run-no-decay', d.locator);
    expect(h.consoleErrors).toEqual([]);
  }, 200_000);

  it('trains live from step 0 and frees every tensor when removed', async () => {
    const page = await h.mount('<div id="host"></div>');
    const baseline = await tensorCount(page);
    await page.evaluate(() => {
      document.querySelector('#host')!.innerHTML = '<grokking-run id="g"></grokking-run>';
    });
    const d = demoHandle(page, '#g');
    await d.ready();
    expect(await d.call<number>('train', 50)).toBe(50);
    expect(await d.prop('source')).toBe('live');
    const during = await tensorCount(page);
    expect(await d.call<number>('train', 25)).toBe(75);
    expect(await tensorCount(page)).toBe(during);
    const history = await d.prop<Point[]>('history');
    expect(history.map((p) => p[0])).toEqual([0, 25, 50, 75]);
    expect(history[3]![1]).toBeGreaterThan(history[0]![1]); // train accuracy rises
    await d.part('button.live').click();
    await page.waitForFunction(() => (document.querySelector('#g') as any).step >= 50, undefined, { timeout: 60_000 });
    await d.part('button.live').click(); // pause
    await d.call('reset');
    expect(await d.prop('source')).toBe('snapshot');
    await page.evaluate(() => document.querySelector('#g')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  }, 200_000);

  it.each([
    { attrs: 'modulus="1"', attribute: 'modulus' },
    { attrs: 'modulus="seven"', attribute: 'modulus' },
    { attrs: 'train-fraction="2"', attribute: 'train-fraction' },
    { attrs: 'weight-decay="-1"', attribute: 'weight-decay' },
    { attrs: 'learning-rate="fast"', attribute: 'learning-rate' },
    { attrs: 'steps="10"', attribute: 'steps' },
  ])('explains $attrs inside the box and shows the default run', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<grokking-run id="bad" ${attrs}></grokking-run>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop('source')).toBe('snapshot');
    expect(h.consoleErrors).toEqual([]);
  });
});
