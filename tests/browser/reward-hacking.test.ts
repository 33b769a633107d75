import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

interface Point { n: number; proxy: number; truth: number }
interface Result { learned: number[]; labeller: number[]; curve: Point[]; peak: Point }

async function setSlider(d: ReturnType<typeof demoHandle>, css: string, value: number): Promise<void> {
  await d.part(css).evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
  await d.settled();
}

describe('<reward-hacking>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens at bias 1: the learned length weight follows the labellers, the true reward peaks at n = 7 and falls while the proxy rises (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<reward-hacking id="r"></reward-hacking>', { query });
      const d = demoHandle(page, '#r');
      await d.ready();
      expect(await d.prop('currentBias')).toBe(1);
      const r = await d.prop<Result>('result');
      expect(r.labeller).toEqual([2, 0.7, 0.4]);
      expect(Math.abs(r.learned[1]! - 0.7)).toBeLessThan(0.1);
      expect(r.learned[1]!).toBeGreaterThan(0); // the truth says −0.3
      for (let i = 1; i < r.curve.length; i++) expect(r.curve[i]!.proxy).toBeGreaterThan(r.curve[i - 1]!.proxy);
      expect(r.curve.at(-1)!.n).toBe(256);
      expect(r.peak.n).toBe(7);
      expect(r.curve.at(-1)!.truth).toBeLessThan(r.peak.truth - 0.5);
      expect(await d.part('.peak-n').textContent()).toBe('n = 7');
      expect(await d.part('.peak-line').textContent()).toContain('falls');
      expect(await d.part('svg g.peak').count()).toBe(1);
      expect(await d.part('tr.length td.learned').textContent()).toBe(`+${r.learned[1]!.toFixed(2)}`);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(500);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'reward-hacking-still' : 'reward-hacking', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('keeps the true reward rising when the labellers have no length bias (slider to 0), fires reward-hacking-change and leaks no tensors', async () => {
    const page = await h.mount('<reward-hacking id="r"></reward-hacking>');
    const d = demoHandle(page, '#r');
    await d.ready();
    const tensors = await tensorCount(page);
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('reward-hacking-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    await setSlider(d, 'input.bias', 0);
    await expect.poll(() => d.prop('currentBias')).toBe(0);
    await d.settled();
    const r = await d.prop<Result>('result');
    expect(r.peak.n).toBe(256);
    expect(r.curve.at(-1)!.truth).toBeGreaterThan(r.curve[0]!.truth + 1.5);
    expect(Math.abs(r.learned[1]! + 0.3)).toBeLessThan(0.1);
    expect(await d.part('.peak-line').textContent()).toContain('keeps rising');
    expect(await d.part('svg g.peak').count()).toBe(0);
    await h.screenshot('reward-hacking-no-bias', d.locator);
    await expect.poll(() => page.evaluate(() => (window as any).__events.length)).toBeGreaterThanOrEqual(1);
    const detail = await page.evaluate(() => (window as any).__events.at(-1));
    expect(detail.bias).toBe(0);
    await setSlider(d, 'input.bias', 2);
    await setSlider(d, 'input.pairs', 1); // 500 pairs
    await expect.poll(() => d.prop('currentPairs')).toBe(500);
    await d.settled();
    expect((await d.prop<Result>('result')).peak.n).toBeLessThan(16);
    expect(await tensorCount(page)).toBe(tensors);
  });

  it('mirrors the lecturer\'s setting through its sync state', async () => {
    const page = await h.mount('<reward-hacking id="r"></reward-hacking>');
    const d = demoHandle(page, '#r');
    await d.ready();
    await d.call('setBias', 1.5);
    await d.settled();
    const state = await d.call('getSyncState');
    expect(state).toEqual({ bias: 1.5, pairs: null });
    await d.call('applySyncState', { bias: 0.5, pairs: 2000 });
    await d.set('seed', 42); // any update
    await expect.poll(() => d.prop('currentBias')).toBe(0.5);
    await d.settled();
    expect(await d.part('.value.pairs').textContent()).toBe('2,000');
    await d.call('applySyncState', { bias: 'lots', pairs: 2000 });
    expect(await d.prop('currentBias')).toBe(0.5);
  });

  it.each([
    { attrs: 'bias="-1"', attribute: 'bias' },
    { attrs: 'bias="much"', attribute: 'bias' },
    { attrs: 'pairs="10"', attribute: 'pairs' },
    { attrs: 'pool="2.5"', attribute: 'pool' },
    { attrs: 'max-n="1"', attribute: 'max-n' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<reward-hacking id="bad" ${attrs}></reward-hacking>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect((await d.prop<Result>('result')).peak.n).toBe(7);
    expect(h.consoleErrors).toEqual([]);
  });
});
