import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

describe('<vanishing-gradient>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows w^s at every step: 0.9^50 ≈ 0.0052, vanishing', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<vanishing-gradient id="v" weight="0.9" steps="50"></vanishing-gradient>');
    const d = demoHandle(page, '#v');
    await d.ready();
    const g = await d.prop<number[]>('gradient');
    expect(g).toHaveLength(51);
    g.forEach((v, s) => expect(v).toBeCloseTo(0.9 ** s, 5));
    expect(await d.prop('regime')).toBe('vanishing');
    expect(await d.part('svg.chart rect').count()).toBe(51);
    await expect.poll(() => d.part('.readout').textContent()).toContain('5.2 × 10⁻³');
    await h.screenshot('vanishing-gradient', d.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('explodes above 1 when the weight slider moves, and frees its tensors', async () => {
    const page = await h.mount('<vanishing-gradient id="v" weight="1" steps="50"></vanishing-gradient>');
    const d = demoHandle(page, '#v');
    await d.ready();
    expect(await d.prop('regime')).toBe('stable');
    const before = await tensorCount(page);
    await d.part('input[type=range]').first().focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight'); // w = 1.10
    await d.settled();
    await expect.poll(() => d.prop('currentWeight')).toBeCloseTo(1.1, 6);
    await d.settled();
    const g = await d.prop<number[]>('gradient');
    expect(g[50]).toBeCloseTo(1.1 ** 50, 0);
    expect(await d.prop('regime')).toBe('exploding');
    expect(await tensorCount(page)).toBe(before);
  });

  it('vanishes with tanh even for w = 1.5 (saturation)', async () => {
    const page = await h.mount('<vanishing-gradient id="v" weight="1.5" steps="40" activation="tanh"></vanishing-gradient>');
    const d = demoHandle(page, '#v');
    await d.ready();
    expect(await d.prop('regime')).toBe('vanishing');
    await expect.poll(() => d.part('.readout').textContent()).toContain('tanh settles');
    await h.screenshot('vanishing-gradient-tanh', d.locator);
  });

  it.each([
    { attrs: 'weight="-1"', attribute: 'weight' },
    { attrs: 'weight="big"', attribute: 'weight' },
    { attrs: 'steps="0"', attribute: 'steps' },
    { attrs: 'activation="relu"', attribute: 'activation' },
  ])('explains $attrs in the box and uses the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<vanishing-gradient id="bad" ${attrs}></vanishing-gradient>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(/expected/);
    expect((await d.prop<number[]>('gradient')).length).toBeGreaterThan(1);
    expect(h.consoleErrors).toEqual([]);
  });

  it('caps steps="1e6" at 100 with a note', async () => {
    const page = await h.mount('<vanishing-gradient id="big" steps="1000000"></vanishing-gradient>');
    const d = demoHandle(page, '#big');
    await d.ready();
    expect(await d.messages()).toMatch(/capped at 100/);
    expect(await d.prop<number[]>('gradient')).toHaveLength(101);
  });
});
