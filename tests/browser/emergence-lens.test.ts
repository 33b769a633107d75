import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

interface State { k: number; perToken: number[]; exact: number[]; measured: number[]; curve: { logN: number[]; perToken: number[]; exact: number[] } }

/** Float64 reference of the toy family: p = exp(−(N/1.67e7)^−0.356) at log10 N = 7, 7.5, …, 12. */
const REF_P = Array.from({ length: 11 }, (_, i) => Math.exp(-((10 ** (7 + i / 2) / 1.67e7) ** -0.356)));

describe('<emergence-lens>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on k = 10: p rises smoothly, exact match equals p¹⁰ at every point and stays flat before it jumps (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<emergence-lens id="e"></emergence-lens>', { query });
      const d = demoHandle(page, '#e');
      await d.ready();
      const s = await d.prop<State>('state');
      expect(s.k).toBe(10);
      s.perToken.forEach((p, i) => expect(p).toBeCloseTo(REF_P[i]!, 10));
      s.exact.forEach((v, i) => expect(Math.abs(v - REF_P[i]! ** 10)).toBeLessThan(1e-6));
      s.curve.exact.forEach((v, i) => expect(Math.abs(v - s.curve.perToken[i]! ** 10)).toBeLessThan(1e-6));
      expect(s.exact.slice(0, 3).every((v) => v < 0.01)).toBe(true);
      expect(s.exact[7]).toBeGreaterThan(0.5);
      // Measured dots: 200 seeded answers each, within 4 standard errors of p^k.
      s.measured.forEach((m, i) => expect(Math.abs(m - s.exact[i]!)).toBeLessThanOrEqual(4 * Math.sqrt((s.exact[i]! * (1 - s.exact[i]!)) / 200) + 1e-9));
      expect(await d.part('svg .series.dots circle').count()).toBe(11);
      expect(await d.part('.crossings').textContent()).toMatch(/passes 10 % at N ≈ [\d.]+·10/);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(560);
      await h.screenshot(query ? 'emergence-lens-still' : 'emergence-lens', d.locator);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('makes the two curves coincide at k = 1 (slider), and sharpens them as k grows', async () => {
    const page = await h.mount('<emergence-lens id="e"></emergence-lens>');
    const d = demoHandle(page, '#e');
    await d.ready();
    const tensors = await tensorCount(page);
    const slide = async (k: number) => {
      await d.part('input[aria-label="answer length k"]').evaluate((input: HTMLInputElement, v) => {
        input.value = String(v);
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }, k);
      await page.waitForFunction((kk) => (document.querySelector('#e') as any).state?.k === kk, k);
      await d.settled();
      return d.prop<State>('state');
    };
    const one = await slide(1);
    one.exact.forEach((v, i) => expect(v).toBeCloseTo(one.perToken[i]!, 6));
    one.curve.exact.forEach((v, i) => expect(v).toBeCloseTo(one.curve.perToken[i]!, 6));
    expect(await d.part('.crossings').textContent()).toContain('curves are one');
    await h.screenshot('emergence-lens-k1', d.locator);
    const many = await slide(25);
    many.exact.forEach((v, i) => expect(Math.abs(v - REF_P[i]! ** 25)).toBeLessThan(1e-6));
    expect(await d.part('.k-value').textContent()).toBe('25');
    expect(await tensorCount(page)).toBe(tensors);
  });

  it('gives the same measured dots for the same seed and others for another', async () => {
    const page = await h.mount('<emergence-lens id="a" seed="3"></emergence-lens><emergence-lens id="b" seed="3"></emergence-lens><emergence-lens id="c" seed="4"></emergence-lens>');
    for (const id of ['#a', '#b', '#c']) await demoHandle(page, id).ready();
    const [a, b, c] = await Promise.all(['#a', '#b', '#c'].map((id) => demoHandle(page, id).prop<State>('state')));
    expect(a.measured).toEqual(b.measured);
    expect(a.measured).not.toEqual(c.measured);
  });

  it.each([
    { attrs: 'k="0"', attribute: 'k' },
    { attrs: 'k="2.5"', attribute: 'k' },
    { attrs: 'k="many"', attribute: 'k' },
    { attrs: 'questions="3"', attribute: 'questions' },
  ])('explains $attrs inside the box and draws the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<emergence-lens id="bad" ${attrs}></emergence-lens>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect((await d.prop<State>('state')).exact).toHaveLength(11);
    expect(h.consoleErrors).toEqual([]);
  });
});
