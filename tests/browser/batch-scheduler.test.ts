import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

interface Sched { makespan: number; utilisation: number; throughput: number; busy: number; bars: { request: number; slot: number; start: number; end: number }[] }

async function setSlider(d: ReturnType<typeof demoHandle>, css: string, value: number): Promise<void> {
  await d.part(css).evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
  await d.settled();
}

describe('<batch-scheduler>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the default queue: static done at step 244 (40 %), continuous at 127 (77 %), 1.92× the throughput (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<batch-scheduler id="b"></batch-scheduler>', { query });
      const d = demoHandle(page, '#b');
      await d.ready();
      const st = await d.prop<Sched>('static');
      const co = await d.prop<Sched>('continuous');
      expect(st.makespan).toBe(244);
      expect(co.makespan).toBe(127);
      expect(st.busy).toBe(co.busy);
      expect(await d.part('[data-policy="static"] .utilisation').textContent()).toBe('40 %');
      expect(await d.part('[data-policy="continuous"] .utilisation').textContent()).toBe('77 %');
      expect(await d.part('[data-policy="static"] .throughput').textContent()).toBe('1.61 tokens/step');
      expect(await d.part('[data-policy="continuous"] .throughput').textContent()).toBe('3.09 tokens/step');
      expect(await d.part('.speedup').textContent()).toBe('1.92×');
      expect(await d.part('[data-policy="static"] g.bar').count()).toBe(24);
      expect(await d.part('[data-policy="continuous"] g.bar').count()).toBe(24);
      expect(await d.part('line.batch-edge').count()).toBe(5); // 6 static batches
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'batch-scheduler-still' : 'batch-scheduler', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('gives identical timelines at spread 1, follows the slots slider, fires batch-scheduler-change and holds no tensors', async () => {
    const page = await h.mount('<batch-scheduler id="b"></batch-scheduler>');
    const d = demoHandle(page, '#b');
    await d.ready();
    const tensors = await tensorCount(page);
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('batch-scheduler-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    await setSlider(d, 'input.spread', 1);
    await expect.poll(() => d.prop('currentSpread')).toBe(1);
    const st = await d.prop<Sched>('static');
    const co = await d.prop<Sched>('continuous');
    expect(co.bars).toEqual(st.bars);
    expect(co.throughput).toBe(st.throughput);
    expect(await d.part('.summary').textContent()).toContain('identical');
    await h.screenshot('batch-scheduler-equal', d.locator);
    await setSlider(d, 'input.spread', 25);
    await setSlider(d, 'input.slots', 8);
    await expect.poll(() => d.prop('currentSlots')).toBe(8);
    const st8 = await d.prop<Sched>('static');
    const co8 = await d.prop<Sched>('continuous');
    expect(co8.utilisation).toBeGreaterThan(st8.utilisation);
    expect(new Set(st8.bars.map((b) => b.slot)).size).toBe(8);
    const box = (await d.locator.boundingBox())!;
    expect(box.height).toBeLessThanOrEqual(520);
    const small = await smallestText(d.locator);
    expect(small.px, small.text).toBeGreaterThanOrEqual(16);
    await h.screenshot('batch-scheduler-8-slots', d.locator);
    const events = await page.evaluate(() => (window as any).__events);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1).slots).toBe(8);
    expect(await tensorCount(page)).toBe(tensors);
  });

  it('mirrors the lecturer\'s setting through its sync state', async () => {
    const page = await h.mount('<batch-scheduler id="b"></batch-scheduler>');
    const d = demoHandle(page, '#b');
    await d.ready();
    await d.call('setSlots', 6);
    expect(await d.call('getSyncState')).toEqual({ slots: 6, spread: null });
    await d.call('applySyncState', { slots: 3, spread: 10 });
    await d.set('seed', 42);
    await expect.poll(() => d.prop('currentSlots')).toBe(3);
    expect(await d.prop('currentSpread')).toBe(10);
    await d.call('applySyncState', { slots: 'many', spread: 10 });
    expect(await d.prop('currentSlots')).toBe(3);
  });

  it.each([
    { attrs: 'slots="0"', attribute: 'slots' },
    { attrs: 'slots="2.5"', attribute: 'slots' },
    { attrs: 'spread="0.5"', attribute: 'spread' },
    { attrs: 'spread="wide"', attribute: 'spread' },
    { attrs: 'requests="1000"', attribute: 'requests' },
    { attrs: 'short="-3"', attribute: 'short' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<batch-scheduler id="bad" ${attrs}></batch-scheduler>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect((await d.prop<Sched>('static')).makespan).toBe(244);
    expect(h.consoleErrors).toEqual([]);
  });
});
