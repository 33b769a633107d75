import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

interface Stats { gamma: number; passes: number; tokens: number; checked: number; accepted: number; alpha: number; tokensPerPass: number; predicted: number }
interface Check { token: number; q: number; p: number; ratio: number; u: number; accepted: boolean }
interface Pass { checks: Check[]; discarded: number[]; final: { token: number; kind: string }; emitted: number[]; accepted: number; gamma: number }

async function setSlider(d: ReturnType<typeof demoHandle>, css: string, value: number): Promise<void> {
  await d.part(css).evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
  await d.settled();
}

describe('<draft-verify>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens at γ = 4 with names, the last pass, α and tokens per pass next to the formula (also in print)', async () => {
    h.consoleErrors.length = 0;
    const shown: string[][] = [];
    for (const query of ['', '?print']) {
      const page = await h.mount('<draft-verify id="spec"></draft-verify>', { query });
      const d = demoHandle(page, '#spec');
      const t0 = Date.now();
      await d.ready();
      console.log(`draft-verify ready${query} in ${Date.now() - t0} ms`);
      expect(await d.prop('currentGamma')).toBe(4);
      const s = await d.prop<Stats>('stats');
      expect(s.passes).toBe(2000);
      // The unit test measures the same default run: α ≈ 0.64, ≈ 2.47 characters per pass.
      expect(s.alpha).toBeGreaterThan(0.55);
      expect(s.alpha).toBeLessThan(0.75);
      expect(Math.abs(s.tokensPerPass - s.predicted)).toBeLessThan(0.15);
      expect(s.predicted).toBeCloseTo((1 - s.alpha ** 5) / (1 - s.alpha), 10);
      expect(await d.part('.value.alpha').textContent()).toBe(s.alpha.toFixed(2));
      expect(await d.part('.value.tpp').textContent()).toBe(s.tokensPerPass.toFixed(2));
      expect(await d.part('.value.predicted').textContent()).toBe(s.predicted.toFixed(2));
      const sp = await d.prop<number>('currentSpeedup');
      expect(sp).toBeCloseTo(s.tokensPerPass / 1.2, 10);
      expect(await d.part('.value.speedup').textContent()).toBe(`${sp.toFixed(2)}×`);
      expect(sp).toBeGreaterThan(1.5);
      const names = await d.prop<string[]>('shownNames');
      expect(names.length).toBe(7);
      expect(names.filter((n) => n.endsWith('.')).length).toBeGreaterThanOrEqual(6);
      shown.push(names);
      expect(await d.part('.accepted').count()).toBeGreaterThan(5);
      expect(await d.part('.names .resampled').count()).toBeGreaterThan(0);
      expect(await d.part('.names .rejected').count()).toBe(await d.part('.names .resampled').count());
      const last = await d.prop<Pass>('lastPass');
      expect(await d.part('table tbody tr').count()).toBe(last.checks.length + 1);
      expect(await d.part('svg circle.measured').count()).toBe(8);
      const all = await d.prop<Stats[]>('allStats');
      console.log('draft-verify default', JSON.stringify({ stats: s, speedup: sp, names, allStats: all.map((a) => [a.gamma, +a.alpha.toFixed(4), a.tokensPerPass, +a.predicted.toFixed(4)]) }));
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'draft-verify-still' : 'draft-verify', d.locator);
    }
    expect(shown[1]).toEqual(shown[0]);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('takes one verify pass per "next pass", follows the γ slider, fires draft-verify-change and leaks no tensors', async () => {
    const page = await h.mount('<draft-verify id="spec"></draft-verify>');
    const d = demoHandle(page, '#spec');
    await d.ready();
    const tensors = await tensorCount(page);
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('draft-verify-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    const before = await d.prop<number>('shownPasses');
    await d.part('button.next').click();
    await d.settled();
    expect(await d.prop('shownPasses')).toBe(before + 1);
    const pass = await d.prop<Pass>('lastPass');
    expect(pass.emitted.length).toBe(pass.accepted + 1);
    expect(await d.part('h3').nth(1).textContent()).toContain(`Pass ${before + 1}`);
    await expect.poll(() => page.evaluate(() => (window as any).__events.length)).toBeGreaterThanOrEqual(1);
    expect((await page.evaluate(() => (window as any).__events.at(-1))).shownPasses).toBe(before + 1);

    await setSlider(d, 'input.gamma', 1);
    await expect.poll(() => d.prop('currentGamma')).toBe(1);
    const s1 = await d.prop<Stats>('stats');
    expect(s1.tokensPerPass).toBeLessThan(2);
    await setSlider(d, 'input.gamma', 8);
    const s8 = await d.prop<Stats>('stats');
    expect(s8.tokensPerPass).toBeGreaterThan(s1.tokensPerPass);
    expect((await d.prop<Pass>('lastPass')).gamma).toBe(8);
    // A costly draft eats the gain: at c = 0.5 and γ = 8 the speedup is under 1.
    await setSlider(d, 'input.cost', 0.5);
    expect(await d.prop<number>('currentSpeedup')).toBeLessThan(1);
    await h.screenshot('draft-verify-gamma8', d.locator);
    const names = await d.prop<string[]>('shownNames');
    await d.part('button.new').click();
    await d.settled();
    expect(await d.prop<string[]>('shownNames')).not.toEqual(names);
    expect(await tensorCount(page)).toBe(tensors);
    await page.evaluate(() => document.querySelector('#spec')!.remove());
    expect(await tensorCount(page)).toBeLessThanOrEqual(tensors);
  });

  it('steps one pass per clicker step and mirrors the lecturer through its sync state', async () => {
    const page = await h.mount('<draft-verify id="spec" clicker-steps="3"></draft-verify>');
    const d = demoHandle(page, '#spec');
    await d.ready();
    const before = await d.prop<number>('shownPasses');
    expect(await d.call('clickerForward')).toBe(true);
    await d.settled();
    expect(await d.prop('shownPasses')).toBe(before + 1);
    expect(await d.call('clickerBack')).toBe(true);
    await d.settled();
    expect(await d.prop('shownPasses')).toBe(before);
    await d.call('setGamma', 6);
    await d.settled();
    expect(await d.call('getSyncState')).toEqual({ gamma: 6, cost: null, draw: 0, shown: null });
    await d.call('applySyncState', { gamma: 2, cost: 0.2, draw: 1, shown: 30 });
    await d.set('seed', 42); // any update
    await expect.poll(() => d.prop('currentGamma')).toBe(2);
    await d.settled();
    expect(await d.prop('shownPasses')).toBe(30);
    expect(await d.part('.value.cost').textContent()).toBe('0.20');
    await d.call('applySyncState', { gamma: 'many', cost: 0.2, draw: 1, shown: 30 });
    expect(await d.prop('currentGamma')).toBe(2);
  });

  it.each([
    { attrs: 'gamma="0"', attribute: 'gamma' },
    { attrs: 'gamma="2.5"', attribute: 'gamma' },
    { attrs: 'cost="-1"', attribute: 'cost' },
    { attrs: 'cost="cheap"', attribute: 'cost' },
    { attrs: 'passes="10"', attribute: 'passes' },
    { attrs: 'names="0"', attribute: 'names' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<draft-verify id="bad" ${attrs}></draft-verify>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect((await d.prop<Stats>('stats')).passes).toBe(2000);
    expect(h.consoleErrors).toEqual([]);
  });
});
