import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

interface Snap { step: number; load: number[]; aux: number; task: number; used: number; top1: number[] }

describe('<expert-router>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens trained: without L_aux the load collapses onto few experts, with it all 8 are used at L_aux ≈ 1; Mixtral 46.7 B / 12.9 B (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<expert-router id="m"></expert-router>', { query });
      const d = demoHandle(page, '#m');
      const t0 = Date.now();
      await d.ready();
      const ms = Date.now() - t0;
      console.log(`expert-router ready${query} in ${ms} ms on ${await d.prop('backend')}`);
      expect(ms).toBeLessThan(8000);
      const off = await d.prop<Snap>('off');
      const on = await d.prop<Snap>('on');
      console.log('off', off.used, off.aux.toFixed(3), off.load.map((f) => (100 * f).toFixed(0)).join(' '), '| on', on.used, on.aux.toFixed(3), on.load.map((f) => (100 * f).toFixed(0)).join(' '));
      expect(off.step).toBe(100);
      expect(on.step).toBe(100);
      expect(on.used).toBe(8);
      expect(on.aux).toBeLessThan(1.15);
      expect(off.used).toBeLessThanOrEqual(5);
      expect(off.aux).toBeGreaterThan(1.4);
      expect(await d.part('[data-run="on"] .aux-loss').textContent()).toBe(on.aux.toFixed(2));
      expect(await d.part('[data-run="on"] .used').textContent()).toBe('8 of 8 experts used');
      expect(await d.part('.mixtral-total').textContent()).toBe('46.7 B');
      expect(await d.part('.mixtral-active').textContent()).toBe('12.9 B');
      expect(await d.part('[data-run="off"] g.bar').count()).toBe(8);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'expert-router-still' : 'expert-router', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('toggles the token map, trains live, switches to top-1, fires expert-router-change and leaks no tensors after removal', async () => {
    const page = await h.mount('<div id="host"></div>');
    const before = await tensorCount(page);
    await page.evaluate(() => { document.querySelector('#host')!.innerHTML = '<expert-router id="m"></expert-router>'; });
    const d = demoHandle(page, '#m');
    await d.ready();
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('expert-router-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    await d.part('button.mode').click();
    expect(await d.prop('mode')).toBe('off');
    expect(await d.part('button.mode').getAttribute('aria-pressed')).toBe('false');
    await d.part('button.live').click();
    await expect.poll(() => d.prop('playing')).toBe(true);
    await expect.poll(() => d.prop('playing'), { timeout: 20_000 }).toBe(false);
    const off = await d.prop<Snap>('off');
    expect(off.step).toBe(100);
    expect(off.used).toBeLessThanOrEqual(5);
    const events = await page.evaluate(() => (window as any).__events);
    expect(events.length).toBeGreaterThan(10);
    expect(events.at(-1).aux).toBe('off');
    await d.part('button.k1').click();
    await d.settled();
    await expect.poll(() => d.prop('currentK')).toBe(1);
    await d.settled();
    const on1 = await d.prop<Snap>('on');
    const off1 = await d.prop<Snap>('off');
    expect(on1.load.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(on1.used).toBeGreaterThan(off1.used);
    await h.screenshot('expert-router-top1', d.locator);
    await page.evaluate(() => document.querySelector('#m')!.remove());
    expect(await tensorCount(page)).toBe(before);
  });

  it.each([
    { attrs: 'experts="1"', attribute: 'experts' },
    { attrs: 'experts="many"', attribute: 'experts' },
    { attrs: 'k="3"', attribute: 'k' },
    { attrs: 'aux="maybe"', attribute: 'aux' },
    { attrs: 'steps="5000"', attribute: 'steps' },
    { attrs: 'clusters="0"', attribute: 'clusters' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<expert-router id="bad" ${attrs}></expert-router>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect((await d.prop<Snap>('on')).used).toBe(8);
    expect(h.consoleErrors).toEqual([]);
  });
});
