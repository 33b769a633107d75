import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

interface Sim { outcomes: number[]; share: number; low: number; high: number }

async function setSlider(d: ReturnType<typeof demoHandle>, css: string, value: number): Promise<void> {
  await d.part(css).evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
  await d.settled();
}

describe('<majority-vote>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens at p = 0.6, m = 3, k = 5: plurality right 81.06 %, 99.98 % at k = 41, with 200 simulated votes (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<majority-vote id="v"></majority-vote>', { query });
      const d = demoHandle(page, '#v');
      await d.ready();
      expect(await d.prop('currentP')).toBe(0.6);
      expect(await d.prop('currentWrong')).toBe(3);
      expect(await d.prop('currentK')).toBe(5);
      expect(await d.prop<number>('exact')).toBeCloseTo(0.81056, 10);
      expect(await d.part('.value.exact').textContent()).toBe('81.06\u00a0%');
      expect(await d.part('.value.last').textContent()).toBe('99.98\u00a0%');
      expect(await d.part('.value.single').textContent()).toBe('60.0\u00a0%');
      const curve = await d.prop<{ k: number; exact: number }[]>('curve');
      expect(curve).toHaveLength(41);
      expect(curve[0]!.exact).toBeCloseTo(0.6, 12);
      const sim = await d.prop<Sim>('simulation');
      expect(sim.outcomes).toHaveLength(200);
      expect(await d.part('svg.dots circle.vote').count()).toBe(200);
      expect(await d.part('svg.dots circle.vote.right').count()).toBe(sim.outcomes.filter((o) => o === 1).length);
      expect(await d.part('.value.share').textContent()).toBe(`${(100 * sim.share).toFixed(1)}\u00a0%`);
      expect(await d.part('svg.line-chart path.series').count()).toBe(2);
      expect(await d.part('svg.line-chart g.mark').count()).toBe(1);
      await h.screenshot(query ? 'majority-vote-still' : 'majority-vote', d.locator);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('shows voting hurting at p = 0.4 with one wrong answer and helping with three, redraws on "new votes", fires majority-vote-change, leaks no tensors', async () => {
    const page = await h.mount('<majority-vote id="v"></majority-vote>');
    const d = demoHandle(page, '#v');
    await d.ready();
    const tensors = await tensorCount(page);
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('majority-vote-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    await setSlider(d, 'input.p', 0.4);
    await setSlider(d, 'input.wrong', 1);
    await setSlider(d, 'input.k', 41);
    expect(await d.prop('currentK')).toBe(41);
    expect(await d.prop<number>('exact')).toBeLessThan(0.1);
    expect(await d.part('.readout').first().textContent()).toContain('hurts');
    await setSlider(d, 'input.wrong', 3);
    expect(await d.prop<number>('exact')).toBeCloseTo(0.89421, 4);
    expect(await d.part('.readout').first().textContent()).toContain('helps');
    const before = await d.prop<Sim>('simulation');
    await d.part('button.new-votes').click();
    await d.settled();
    expect(await d.prop('draw')).toBe(1);
    const after = await d.prop<Sim>('simulation');
    expect(after.outcomes).not.toEqual(before.outcomes);
    await expect.poll(() => page.evaluate(() => (window as any).__events.length)).toBeGreaterThanOrEqual(5);
    const detail = await page.evaluate(() => (window as any).__events.at(-1));
    expect(detail).toMatchObject({ p: 0.4, wrong: 3, k: 41, draw: 1 });
    await h.screenshot('majority-vote-p04', d.locator);
    expect(await tensorCount(page)).toBe(tensors);
    await page.evaluate(() => document.querySelector('#v')!.remove());
    expect(await tensorCount(page)).toBe(tensors);
  });

  it('mirrors the lecturer\'s setting through its sync state', async () => {
    const page = await h.mount('<majority-vote id="v"></majority-vote>');
    const d = demoHandle(page, '#v');
    await d.ready();
    await d.call('setK', 9);
    await d.settled();
    expect(await d.call('getSyncState')).toEqual({ p: null, wrong: null, k: 9, draw: 0 });
    await d.call('applySyncState', { p: 0.3, wrong: 5, k: 21, draw: 2 });
    await d.set('seed', 42); // any update
    await expect.poll(() => d.prop('currentK')).toBe(21);
    await d.settled();
    expect(await d.part('.value.p-value').textContent()).toBe('0.30');
    await d.call('applySyncState', { p: 'most', wrong: 5, k: 21, draw: 2 });
    expect(await d.prop('currentP')).toBe(0.3);
  });

  it.each([
    { attrs: 'p="1.5"', attribute: 'p' },
    { attrs: 'p="often"', attribute: 'p' },
    { attrs: 'wrong="0"', attribute: 'wrong' },
    { attrs: 'k="2.5"', attribute: 'k' },
    { attrs: 'trials="5"', attribute: 'trials' },
    { attrs: 'max-k="1"', attribute: 'max-k' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<majority-vote id="bad" ${attrs}></majority-vote>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop<number>('exact')).toBeGreaterThan(0);
    expect(h.consoleErrors).toEqual([]);
  });
});
