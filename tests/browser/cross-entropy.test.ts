import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, type Harness } from './harness';

describe('<cross-entropy>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('marks the lecture points 0.95, 0.5, 0.01 at −ln p = 0.05, 0.69, 4.61', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<cross-entropy id="x" p="0.5"></cross-entropy>');
    const d = demoHandle(page, '#x');
    await d.ready();
    const marks = await d.prop<number[]>('markLosses');
    [0.95, 0.5, 0.01].forEach((p, i) => expect(marks[i]).toBeCloseTo(-Math.log(p), 4));
    expect(await d.prop<number>('loss')).toBeCloseTo(Math.LN2, 4);
    await expect.poll(() => d.part('.mark').count()).toBe(3);
    await h.screenshot('cross-entropy', d.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('moves the point with the slider, the mark buttons and a drag on the curve', async () => {
    const page = await h.mount('<cross-entropy id="x" p="0.5"></cross-entropy>');
    const d = demoHandle(page, '#x');
    await d.ready();
    await d.part('input[type=range]').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await d.settled();
    expect(await d.prop<number>('probability')).toBeCloseTo(0.45, 6);
    expect(await d.prop<number>('loss')).toBeCloseTo(-Math.log(0.45), 4);

    await d.part('.marks button', ).filter({ hasText: '0.01' }).click();
    await d.settled();
    expect(await d.prop<number>('loss')).toBeCloseTo(4.6052, 3);

    // Click near the right end of the chart: p close to 1, loss close to 0.
    const box = (await d.part('svg.chart').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.95, box.y + box.height / 2);
    await d.settled();
    expect(await d.prop<number>('probability')).toBeGreaterThan(0.85);
    expect(await d.prop<number>('loss')).toBeLessThan(0.2);
  });

  it('reports bits with base="2" and the uniform line at log2 of the vocabulary', async () => {
    const page = await h.mount('<cross-entropy id="x" p="0.25" base="2" vocab-size="8"></cross-entropy>');
    const d = demoHandle(page, '#x');
    await d.ready();
    expect(await d.prop<number>('loss')).toBeCloseTo(2, 4);
    await expect.poll(() => d.part('svg.chart').textContent()).toContain('log₂ 8 = 3.00');
  });

  it.each([
    { attrs: 'p="0"', attribute: 'p' },
    { attrs: 'p="1.5"', attribute: 'p' },
    { attrs: 'marks="0.5, x"', attribute: 'marks' },
    { attrs: 'base="10"', attribute: 'base' },
    { attrs: 'vocab-size="-3"', attribute: 'vocab-size' },
  ])('explains $attrs in the box and keeps working', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<cross-entropy id="bad" ${attrs}></cross-entropy>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(/expected/);
    expect(Number.isFinite(await d.prop<number>('loss'))).toBe(true);
    expect(h.consoleErrors).toEqual([]);
  });
});
