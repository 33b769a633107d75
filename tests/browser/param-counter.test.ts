import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, type Harness } from './harness';

interface Counts { weights: number; biases: number; total: number; layers: { weights: number; biases: number }[] }

describe('<param-counter>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('counts 784-16-16-10 as 12,960 + 42 = 13,002, equal to the sizes of real tfjs tensors', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<param-counter id="p" layers="784, 16, 16, 10"></param-counter>');
    const d = demoHandle(page, '#p');
    await d.ready();
    const c = await d.prop<Counts>('counts');
    expect([c.weights, c.biases, c.total]).toEqual([12960, 42, 13002]);
    expect(c.layers.map((l) => l.weights)).toEqual([12544, 256, 160]);
    expect(await d.prop('fromTensors')).toEqual({ weights: 12960, biases: 42, total: 13002 });
    const table = await d.part('table').textContent();
    expect(table).toContain('12,544');
    expect(table).toContain('13,002');
    await h.screenshot('param-counter');
    expect(h.consoleErrors).toEqual([]);
  });

  it('recounts after the lecturer types new widths, and explains a bad entry', async () => {
    const page = await h.mount('<param-counter id="p"></param-counter>');
    const d = demoHandle(page, '#p');
    await d.ready();
    const field = d.part('input[type=text]');
    await field.fill('784, 32, 16, 10');
    await field.press('Enter');
    await page.waitForFunction(() => (document.querySelector('#p') as any).counts?.total === 25818);
    await d.settled();
    expect((await d.prop<Counts>('fromTensors')).total).toBe(25818);

    await field.fill('784, zero, 10');
    await field.press('Enter');
    expect(await d.part('.problem').textContent()).toMatch(/whole numbers/);
    expect((await d.prop<Counts>('counts')).total).toBe(25818); // the last good network stays
  });

  it('counts a network too large to build by arithmetic only', async () => {
    const page = await h.mount('<param-counter id="big" layers="100000, 100000, 10"></param-counter>');
    const d = demoHandle(page, '#big');
    await d.ready();
    expect((await d.prop<Counts>('counts')).total).toBe(100000 * 100000 + 100000 + 100000 * 10 + 10);
    expect(await d.prop('fromTensors')).toBeNull();
  });

  it.each([
    { attrs: 'layers="784"' },
    { attrs: 'layers="784, 0, 10"' },
    { attrs: 'layers="12.5, 3"' },
    { attrs: 'layers="a, b"' },
  ])('explains $attrs in the box and falls back to the digit network', async ({ attrs }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<param-counter id="bad" ${attrs}></param-counter>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain('layers');
    expect(message).toMatch(/whole numbers/);
    expect((await d.prop<Counts>('counts')).total).toBe(13002);
    expect(h.consoleErrors).toEqual([]);
  });
});
