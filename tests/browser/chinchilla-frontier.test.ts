import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';

interface Optimum { params: number; tokens: number; loss: number; tokensPerParam: number }
interface Row { name: string; params: number; tokens: number; flops: number; tokensPerParam: number; loss: number }

/** Float64 reference, straight from Hoffmann et al.'s eq. 4 with their published constants. */
function referenceOptimum(C: number) {
  const [E, A, B, a, b] = [1.69, 406.4, 410.7, 0.34, 0.28];
  const G = ((a * A) / (b * B)) ** (1 / (a + b));
  const N = G * (C / 6) ** (b / (a + b));
  const D = (C / 6) ** (a / (a + b)) / G;
  return { N, D, L: E + A / N ** a + B / D ** b };
}

describe('<chinchilla-frontier>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens at Gopher\'s budget 5.76·10²³ with the fit optimum (32.2 B, 2.98 T), Table 3\'s 67 B / 1.5 T and the disagreement', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<chinchilla-frontier id="c"></chinchilla-frontier>', { query });
      const d = demoHandle(page, '#c');
      await d.ready();
      expect(await d.prop<number>('flops')).toBe(5.76e23);
      const opt = await d.prop<Optimum>('optimum');
      const ref = referenceOptimum(5.76e23);
      expect(opt.params / ref.N).toBeCloseTo(1, 10);
      expect(opt.loss).toBeCloseTo(ref.L, 10);
      expect(await d.part('.opt-params').textContent()).toBe('32.2 B');
      expect(await d.part('.opt-tokens').textContent()).toBe('2.98 T');
      const t3 = await d.part('.table3').textContent();
      expect(t3).toContain('67 B');
      expect(t3).toContain('1.5 T');
      expect(t3).toContain('5.76·10²³');
      expect(t3).toContain("three methods disagree");
      expect(await d.part('.flops').textContent()).toBe('5.76·10²³');
      // The four models, placed and tabled: GPT-3's 6ND is 3.15e23.
      const rows = await d.prop<Row[]>('models');
      expect(rows.map((r) => r.name)).toEqual(['GPT-3', 'Gopher', 'Chinchilla', 'Llama-3 70B']);
      expect(rows[0]!.flops).toBe(3.15e23);
      expect(await d.part('tr[data-model="GPT-3"]').textContent()).toContain('3.15·10²³');
      expect(await d.part('g.model').count()).toBe(4);
      expect(await d.part('path.isoflop').getAttribute('d')).toMatch(/^M[\d.]+,-?[\d.]+L/);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(580);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'chinchilla-frontier-still' : 'chinchilla-frontier', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it.each([1e20, 3.15e23, 1e25])('moves the optimum with the slider (C = %d) as the closed form says', async (C) => {
    const page = await h.mount('<chinchilla-frontier id="c"></chinchilla-frontier>');
    const d = demoHandle(page, '#c');
    await d.ready();
    await d.part('input[type=range]').evaluate((input: HTMLInputElement, v) => {
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }, Math.log10(C));
    await d.settled();
    // The slider moves in steps of 0.01 decades (2.3 %).
    const shown = await d.prop<number>('flops');
    expect(Math.abs(Math.log10(shown / C))).toBeLessThanOrEqual(0.005);
    const ref = referenceOptimum(shown);
    const opt = await d.prop<Optimum>('optimum');
    expect(opt.params / ref.N).toBeCloseTo(1, 9);
    expect(opt.tokens / ref.D).toBeCloseTo(1, 9);
  });

  it('jumps to a model\'s budget from its button and fires chinchilla-frontier-change', async () => {
    const page = await h.mount('<chinchilla-frontier id="c" compute="1e21"></chinchilla-frontier>');
    const d = demoHandle(page, '#c');
    await d.ready();
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('chinchilla-frontier-change', (e) => (window as any).__events.push((e as CustomEvent).detail.flops));
    });
    await d.part('button.preset:has-text("Llama-3 70B")').click();
    await d.settled();
    expect(await d.prop<number>('flops') / 6.3e24).toBeCloseTo(1, 9);
    expect(await d.part('button.preset:has-text("Llama-3 70B")').getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => (window as any).__events.length)).toBe(1);
    const tensors = await tensorCount(page);
    await d.part('button.preset:has-text("GPT-3")').click();
    await d.settled();
    expect(await d.part('.flops').textContent()).toBe('3.15·10²³');
    expect(await tensorCount(page)).toBe(tensors);
  });

  it.each([
    { attrs: 'compute="lots"', attribute: 'compute' },
    { attrs: 'compute="1e30"', attribute: 'compute' },
    { attrs: 'compute="-5"', attribute: 'compute' },
  ])('explains $attrs inside the box and draws the default budget', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<chinchilla-frontier id="bad" ${attrs}></chinchilla-frontier>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop<number>('flops')).toBe(5.76e23);
    expect(h.consoleErrors).toEqual([]);
  });
});
