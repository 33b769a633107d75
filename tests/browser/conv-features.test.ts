import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

describe('<conv-features>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('trains the tiny CNN in the page to ≥ 90% held-out accuracy, next to the hand rules', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<conv-features id="c"></conv-features>');
    const d = demoHandle(page, '#c');
    await d.ready();
    expect(await d.prop<number>('accuracy')).toBeLessThan(0.6); // untrained: near chance (25%)
    expect(await d.prop<number>('handAccuracy')).toBeGreaterThanOrEqual(0.9);
    await d.call('train', 1); // Adam creates its moment estimates on the first step
    const tensors = await tensorCount(page);
    const t0 = Date.now();
    await d.call('train', 59);
    await d.settled();
    const seconds = (Date.now() - t0) / 1000;
    console.info(`59 CNN steps in the page: ${seconds.toFixed(1)} s, accuracy ${await d.prop('accuracy')}`);
    expect(await d.prop<number>('trainedSteps')).toBe(60);
    expect(await d.prop<number>('accuracy')).toBeGreaterThanOrEqual(0.9);
    const probs = await d.prop<number[]>('prediction');
    expect(probs).toHaveLength(4);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(await tensorCount(page)).toBe(tensors);
    await h.screenshot('conv-features', d.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('reads a horizontal stroke drawn on the pad with the hand rules and the CNN', async () => {
    const page = await h.mount('<conv-features id="p"></conv-features>');
    const d = demoHandle(page, '#p');
    await d.ready();
    await d.call('train', 40);
    await d.part('button:has-text("clear")').click();
    const box = (await d.part('svg.pad').boundingBox())!;
    const y = box.y + box.height * 0.45;
    await page.mouse.move(box.x + box.width * 0.2, y);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.2 + (0.6 * i) / 12), y);
    await page.mouse.up();
    await page.waitForFunction(() => (document.querySelector('#p') as any).hand?.horizontal > 0);
    await page.waitForTimeout(200);
    const image = await d.prop<number[]>('image');
    expect(image.filter((v) => v > 0.5).length).toBeGreaterThan(10);
    expect((await d.prop<{ label: number }>('hand')).label).toBe(0);
    const probs = await d.prop<number[]>('prediction');
    expect(probs.indexOf(Math.max(...probs))).toBe(0);
  });

  it('shows the hand rules failing on tilted shapes, and a fixed number of steps in print', async () => {
    const page = await h.mount('<conv-features id="t" tilt="35" steps="20"></conv-features>', { query: '?print' });
    const d = demoHandle(page, '#t');
    await d.ready();
    expect(await d.prop<number>('handAccuracy')).toBeLessThan(0.85);
    expect(await d.prop<number>('trainedSteps')).toBe(20);
    expect(await d.part('.score .bad').count()).toBe(1);
  });

  it('explains bad attributes in the box and keeps working with defaults', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'tilt="90"', attribute: 'tilt' },
      { attrs: 'filters="0"', attribute: 'filters' },
      { attrs: 'learning-rate="fast"', attribute: 'learning-rate' },
    ];
    const page = await h.mount(cases.map((c, i) => `<conv-features id="bad${i}" ${c.attrs}></conv-features>`).join(''));
    for (const [i, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${i}`);
      await d.ready();
      const message = await d.messages();
      expect(message).toContain(c.attribute);
      expect(message).toMatch(/expected/);
      expect(await d.prop<number[]>('prediction')).toHaveLength(4);
    }
    expect(h.consoleErrors).toEqual([]);
  });
});
