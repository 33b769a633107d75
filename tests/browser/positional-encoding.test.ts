import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

/**
 * Plain-JS reference: Σ_i cos(k·ω_i), the dot product at distance k. WebGL evaluates
 * sin/cos in float32 on the GPU, so dot products of ~21 agree to ~0.003 (2 decimals).
 */
const dotRef = (k: number, d: number) =>
  Array.from({ length: d / 2 }, (_, i) => Math.cos(k * 10000 ** (-(2 * i) / d))).reduce((a, b) => a + b, 0);

describe('<positional-encoding>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows PE(p)·PE(q) = Σ cos(k·ωᵢ) and keeps it when both positions move together', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<positional-encoding id="pe" positions="50" dimensions="64" p="10" q="20"></positional-encoding>');
    const pe = demoHandle(page, '#pe');
    await pe.ready();
    expect(await pe.prop<number>('dot')).toBeCloseTo(dotRef(10, 64), 2);
    const same = await pe.prop<{ p: number; q: number; dot: number }[]>('sameDistance');
    expect(same.length).toBeGreaterThan(1);
    for (const s of same) {
      expect(s.q - s.p).toBe(10);
      expect(s.dot).toBeCloseTo(dotRef(10, 64), 2);
    }
    await h.screenshot('positional-encoding', pe.locator);

    await pe.part('button:has-text("move both →")').click();
    await pe.settled();
    expect([await pe.prop('currentP'), await pe.prop('currentQ')]).toEqual([11, 21]);
    expect(await pe.prop<number>('dot')).toBeCloseTo(dotRef(10, 64), 2);

    // arrow keys on the q slider change q (the runtime keeps them from changing slides)
    await pe.part('input[aria-label="position q"]').focus();
    await page.keyboard.press('ArrowRight');
    await pe.settled();
    expect(await pe.prop('currentQ')).toBe(22);
    expect(await pe.prop<number>('dot')).toBeCloseTo(dotRef(11, 64), 2);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('frees its tensor when removed', async () => {
    const page = await h.mount('<positional-encoding id="pe"></positional-encoding>');
    await demoHandle(page, '#pe').ready();
    const before = await tensorCount(page);
    await page.evaluate(() => document.querySelector('#pe')!.remove());
    expect(await tensorCount(page)).toBeLessThan(before);
  });

  it.each([
    ['dimensions="7"', /dimensions must be an even whole number/],
    ['positions="abc"', /positions="abc" is not valid: expected a whole number/],
    ['dimensions="1000"', /dimensions="1000": capped at 128/],
  ])('explains %s inside the box', async (attrs, message) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<positional-encoding id="bad" ${attrs}></positional-encoding>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    const text = (await bad.messages()) + (await bad.locator.evaluate((n) => n.shadowRoot?.textContent ?? ''));
    expect(text).toMatch(message);
    expect(h.consoleErrors).toEqual([]);
  });
});
