import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

/** A slide-sized box: the space under a slide title. */
const box = (inner: string) => `<div id="slide" style="width:1180px;height:560px;outline:1px dashed #bbb">${inner}</div>`;
const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);

describe('<digit-trainer>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('trains, reads a drawn digit into ten outputs summing to 1, and fits a slide', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(box('<digit-trainer id="d"></digit-trainer>') + '<digit-trainer id="bad" activation="tanh" batch-size="0"></digit-trainer>');
    const d = demoHandle(page, '#d');
    await d.ready();
    expect(await d.prop('step')).toBe(0);
    expect(await d.prop('parameters')).toBe(13_002);
    const start = await d.prop<number>('accuracy');
    const acc = await d.call<number>('train', 60);
    expect(await d.prop('step')).toBe(60);
    expect(acc).toBeGreaterThan(start);

    // Live loop runs and stops.
    await d.part('button.play').click();
    await page.waitForFunction(() => (document.querySelector('#d') as any).step >= 70, undefined, { timeout: 30_000 });
    await d.part('button.play').click();

    // Draw a 1 on the pad with the pointer.
    await d.part('button.clear').click();
    await page.waitForFunction(() => Math.max(...(document.querySelector('#d') as any).pad) === 0);
    const pad = await d.part('canvas').boundingBox();
    await page.mouse.move(pad!.x + 140, pad!.y + 50);
    await page.mouse.down();
    await page.mouse.move(pad!.x + 140, pad!.y + 150, { steps: 5 });
    await page.mouse.move(pad!.x + 140, pad!.y + 230, { steps: 5 });
    await page.mouse.up();
    await page.waitForTimeout(200);
    const ink = (await d.prop<Record<string, number>>('pad'));
    expect(Object.values(ink).filter((v) => v > 0.5).length).toBeGreaterThan(20);
    const outs = await d.prop<number[]>('outputs');
    expect(outs).toHaveLength(10);
    expect(sum(outs)).toBeCloseTo(1, 4);
    const [h1, h2] = await d.prop<number[][]>('activations');
    expect([h1.length, h2.length]).toEqual([16, 16]);

    const size = await d.locator.boundingBox();
    expect(size!.width).toBeLessThanOrEqual(1180);
    expect(size!.height).toBeLessThanOrEqual(560);
    await h.screenshot('digit-trainer', page.locator('#slide'));

    const bad = demoHandle(page, '#bad');
    await bad.ready();
    expect(await bad.messages()).toMatch(/activation="tanh" is not valid/);
    expect(await bad.messages()).toMatch(/batch-size="0"/);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  }, 120_000);

  it('shows the same state after 150 seeded steps whenever it is printed, and leaks no tensors', async () => {
    const page = await h.mount('<digit-trainer id="p1"></digit-trainer><digit-trainer id="p2"></digit-trainer>', { query: '?print' });
    const [a, b] = [demoHandle(page, '#p1'), demoHandle(page, '#p2')];
    await a.ready();
    await b.ready();
    expect(await a.prop('step')).toBe(150);
    expect(await a.prop('accuracy')).toBe(await b.prop('accuracy'));
    expect(await a.prop('outputs')).toEqual(await b.prop('outputs'));
    const before = await tensorCount(page);
    await a.call('train', 10);
    expect(await tensorCount(page)).toBe(before);
  }, 120_000);
});
