import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

interface Result { lsaPrediction: number; gdPrediction: number; difference: number; trueY: number; lsaError: number; gdError: number }

describe('<context-learner>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens at N = 16, η = 1 with the attention layer equal to one GD step and the error falling with N', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<context-learner id="c"></context-learner>', { query });
      const d = demoHandle(page, '#c');
      await d.ready();
      expect(await d.prop<number>('shotsShown')).toBe(16);
      expect(await d.prop<number>('eta')).toBe(1);
      const r = await d.prop<Result>('result');
      expect(r.difference).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(r.gdPrediction)));
      expect(await d.part('.lsa').textContent()).toBe(r.lsaPrediction.toFixed(4));
      expect(await d.part('.gd').textContent()).toBe(r.gdPrediction.toFixed(4));
      expect(await d.part('.true-y').textContent()).toBe(r.trueY.toFixed(4));
      const gd = await d.prop<number[]>('gdError');
      const lsa = await d.prop<number[]>('lsaError');
      expect(gd).toHaveLength(64);
      gd.forEach((e, i) => expect(Math.abs(e - lsa[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, e)));
      expect(gd[63]!).toBeLessThan(gd[15]!);
      expect(gd[15]!).toBeLessThan(gd[0]!);
      expect(await d.part('.note').textContent()).toContain('Agarwal et al. 2024');
      expect(await d.part('path.gd-curve').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'context-learner-still' : 'context-learner', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('moves N and η with the sliders, fires context-learner-change and keeps LSA = GD, with no leaked tensors', async () => {
    const page = await h.mount('<context-learner id="c" dims="3"></context-learner>');
    const d = demoHandle(page, '#c');
    await d.ready();
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('context-learner-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    const tensors = await tensorCount(page);
    const slide = async (cls: string, v: number) => {
      await d.part(`input.${cls}`).evaluate((input: HTMLInputElement, value) => {
        input.value = String(value);
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }, v);
      await d.settled();
    };
    const e16 = (await d.prop<Result>('result')).gdError;
    await slide('shots-slider', 64);
    expect(await d.prop<number>('shotsShown')).toBe(64);
    expect(await d.part('.shots').textContent()).toBe('64');
    expect((await d.prop<Result>('result')).gdError).toBeLessThan(e16);
    await slide('eta-slider', 0.5);
    expect(await d.prop<number>('eta')).toBe(0.5);
    const r = await d.prop<Result>('result');
    expect(r.difference).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(r.gdPrediction)));
    const events = await page.evaluate(() => (window as any).__events);
    expect(events.length).toBe(2);
    expect(events[1].learningRate).toBe(0.5);
    expect(await tensorCount(page)).toBe(tensors);
    await page.evaluate(() => document.querySelector('#c')!.remove());
    expect(await tensorCount(page)).toBe(tensors);
  });

  it.each([
    { attrs: 'shots="lots"', attribute: 'shots' },
    { attrs: 'shots="100"', attribute: 'shots' },
    { attrs: 'dims="5"', attribute: 'dims' },
    { attrs: 'learning-rate="-1"', attribute: 'learning-rate' },
    { attrs: 'noise="x"', attribute: 'noise' },
  ])('explains $attrs inside the box and draws the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<context-learner id="bad" ${attrs}></context-learner>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect((await d.prop<number[]>('gdError')).length).toBe(64);
    expect(h.consoleErrors).toEqual([]);
  });
});
