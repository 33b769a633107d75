import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

describe('<lora-rank>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the rank-4 fit of a 64 × 48 update after 400 steps, on the Eckart–Young floor, 448 vs 3,072 numbers (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<lora-rank id="l"></lora-rank>', { query });
      const d = demoHandle(page, '#l');
      await d.ready();
      expect(await d.prop('source')).toBe('trained');
      expect(await d.prop('shownRank')).toBe(4);
      expect(await d.prop('step')).toBe(400);
      const sigma = await d.prop<number[]>('sigma');
      expect(sigma).toHaveLength(48);
      const floor = await d.prop<number>('floor');
      const total = sigma.reduce((s, v) => s + v * v, 0);
      expect(floor).toBeCloseTo(Math.sqrt(sigma.slice(4).reduce((s, v) => s + v * v, 0) / total), 12);
      const error = await d.prop<number>('error');
      expect(error - floor).toBeLessThan(0.001);
      expect(error).toBeGreaterThan(floor - 1e-4);
      expect(await d.prop<number | null>('reachedAt')).toBeLessThan(300);
      expect(await d.part('rect.bar.kept').count()).toBe(4);
      expect(await d.part('rect.bar.dropped').count()).toBe(44);
      expect(await d.part('.trainable').textContent()).toBe('448');
      expect(await d.part('.full').textContent()).toBe('3,072');
      expect(await d.part('.params').textContent()).toContain('131,072');
      expect(await d.part('.params').textContent()).toContain('16,777,216');
      expect(await d.part('.at-floor').count()).toBe(1);
      expect(await d.part('svg .series').count()).toBe(1);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(500);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'lora-rank-still' : 'lora-rank', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('refits live from B = 0 when the rank slider moves, reaching the new floor, and fires lora-rank-change', async () => {
    const page = await h.mount('<lora-rank id="l"></lora-rank>');
    const d = demoHandle(page, '#l');
    await d.ready();
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('lora-rank-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    await d.part('input.rank').evaluate((input: HTMLInputElement) => {
      input.value = '2';
      input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    });
    await expect.poll(() => d.prop('source')).toBe('live');
    expect(await d.prop('shownRank')).toBe(2);
    await page.waitForFunction(() => (document.querySelector('#l') as any).reachedAt !== null, undefined, { timeout: 60_000 });
    const floor = await d.prop<number>('floor');
    const sigma = await d.prop<number[]>('sigma');
    expect(floor).toBeCloseTo(Math.sqrt(sigma.slice(2).reduce((s, v) => s + v * v, 0) / sigma.reduce((s, v) => s + v * v, 0)), 12);
    expect(await d.part('rect.bar.kept').count()).toBe(2);
    expect(await d.prop('trainable')).toBe(224);
    const history = await d.prop<[number, number][]>('history');
    expect(history[0]).toEqual([0, 1]); // B = 0: nothing of ΔW yet
    const events = await page.evaluate(() => (window as any).__events as { rank: number }[]);
    expect(events.length).toBeGreaterThan(0);
    expect(events.at(-1)!.rank).toBe(2);
    await h.screenshot('lora-rank-live', d.locator);
    await d.part('button.fit').click(); // pause (or a fresh fit if it had already stopped)
    expect(await d.call('getSyncState')).toMatchObject({ rank: 2 });
    await d.call('reset');
    expect(await d.prop('shownRank')).toBe(4);
    expect(await d.prop('source')).toBe('trained');
  }, 120_000);

  it('trains with train(n) and frees every tensor when removed', async () => {
    const page = await h.mount('<div id="host"></div>');
    const baseline = await tensorCount(page);
    await page.evaluate(() => {
      document.querySelector('#host')!.innerHTML = '<lora-rank id="l" rank="8"></lora-rank>';
    });
    const d = demoHandle(page, '#l');
    await d.ready();
    expect(await tensorCount(page)).toBe(baseline); // the first-screen fit is disposed
    expect(await d.call<number>('train', 20)).toBe(20);
    const during = await tensorCount(page);
    expect(await d.call<number>('train', 30)).toBe(50);
    expect(await tensorCount(page)).toBe(during);
    const history = await d.prop<[number, number][]>('history');
    expect(history).toHaveLength(51);
    expect(history[50]![1]).toBeLessThan(history[0]![1]);
    await page.evaluate(() => document.querySelector('#l')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  }, 120_000);

  it.each([
    { attrs: 'rank="0"', attribute: 'rank' },
    { attrs: 'rank="four"', attribute: 'rank' },
    { attrs: 'd="1000"', attribute: 'd' },
    { attrs: 'k="2"', attribute: 'k' },
    { attrs: 'noise="-1"', attribute: 'noise' },
    { attrs: 'learning-rate="fast"', attribute: 'learning-rate' },
    { attrs: 'steps="5"', attribute: 'steps' },
  ])('explains $attrs inside the box and shows the default fit', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<lora-rank id="bad" ${attrs}></lora-rank>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop('shownRank')).toBe(4);
    expect(h.consoleErrors).toEqual([]);
  });
});
