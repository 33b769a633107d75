import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

/** A slide-sized box: the space under a slide title and one line of text. */
const box = (inner: string) => `<div id="slide" style="width:1180px;height:520px;outline:1px dashed #bbb">${inner}</div>`;
const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
const argmax = (v: number[]) => v.indexOf(Math.max(...v));

/** Draws polylines on the pad with the mouse; points in pad pixels (0–28). */
async function drawWithMouse(page: Page, selector: string, strokes: [number, number][][]): Promise<void> {
  const pad = await page.locator(`${selector} canvas.pad`).boundingBox();
  const at = ([x, y]: [number, number]) => [pad!.x + (x / 28) * pad!.width, pad!.y + (y / 28) * pad!.height] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
    await page.mouse.up();
  }
  await page.waitForTimeout(150);
}

/** Centre of mass of a 28×28 image, pixel units. */
function centreOfMass(img: number[]): [number, number] {
  let m = 0, sx = 0, sy = 0;
  img.forEach((v, i) => { m += v; sx += v * ((i % 28) + 0.5); sy += v * (Math.floor(i / 28) + 0.5); });
  return [sx / m, sy / m];
}

describe('<digit-trainer>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens warmed up: a curve from step 0, a right guess for the pad\'s 3, and fits a slide', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(box('<digit-trainer id="d"></digit-trainer>') + '<digit-trainer id="bad" activation="tanh" batch-size="0" warmup="9999"></digit-trainer>');
    const d = demoHandle(page, '#d');
    await d.ready();
    expect(await d.prop('step')).toBe(150);
    expect(await d.prop('parameters')).toBe(13_002);
    const history = await d.prop<{ step: number; loss: number; accuracy: number }[]>('history');
    console.log('warm-up curve', history.map((p) => `${p.step}:${(p.accuracy * 100).toFixed(0)}%`).join(' '));
    expect(history[0].step).toBe(0);
    expect(history[0].accuracy).toBeLessThan(0.3); // chance is 10 %
    expect(history.at(-1)!.step).toBe(150);
    expect(history.length).toBeGreaterThanOrEqual(15);
    const start = await d.prop<number>('accuracy');
    expect(start).toBeGreaterThan(0.6);
    expect(history.at(-1)!.accuracy).toBe(start);
    // The pad opens with a held-out 3, and the warmed-up network reads it as a 3.
    expect(argmax(await d.prop<number[]>('outputs'))).toBe(3);
    await expect.poll(() => d.part('.accuracy').textContent()).toBe(`${(start * 100).toFixed(1)} %`);
    expect(await d.part('.loss').textContent()).toMatch(/^\d\.\d{3}$/);

    // Live loop runs and stops; the curve grows with it.
    await d.part('button.play').click();
    await page.waitForFunction(() => (document.querySelector('#d') as any).step >= 170, undefined, { timeout: 30_000 });
    await d.part('button.play').click();
    expect((await d.prop<unknown[]>('history')).length).toBeGreaterThan(history.length);

    const size = await d.locator.boundingBox();
    expect(size!.width).toBeLessThanOrEqual(1180);
    expect(size!.height).toBeLessThanOrEqual(520);
    await h.screenshot('digit-trainer', page.locator('#slide'));

    const bad = demoHandle(page, '#bad');
    await bad.ready();
    expect(await bad.messages()).toMatch(/activation="tanh" is not valid/);
    expect(await bad.messages()).toMatch(/batch-size="0"/);
    expect(await bad.messages()).toMatch(/warmup="9999"/);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  }, 120_000);

  it('recognises a small digit drawn in a corner: the drawing is scaled and centred as MNIST was', async () => {
    const page = await h.mount(box('<digit-trainer id="d"></digit-trainer>'));
    const d = demoHandle(page, '#d');
    await d.ready();
    await d.call('train', 250);
    const cases: { digit: number; strokes: [number, number][][] }[] = [
      // A 7 about 6 pixels tall in the top-left corner: a bar and a slanted stem.
      { digit: 7, strokes: [[[2, 2], [7, 2], [4, 8]]] },
      // A 1 in the bottom-right corner.
      { digit: 1, strokes: [[[24, 19], [24, 26]]] },
      // A 0 in the top-right corner.
      { digit: 0, strokes: [[[23, 2], [20.5, 3], [20, 6], [20.5, 9], [23, 10], [25.5, 9], [26, 6], [25.5, 3], [23, 2]]] },
    ];
    for (const c of cases) {
      await d.part('button.clear').click();
      await page.waitForFunction(() => Math.max(...(document.querySelector('#d') as any).pad) === 0);
      await drawWithMouse(page, '#d', c.strokes);
      const pad = Array.from(Object.values(await d.prop<Record<string, number>>('pad')));
      const input = Array.from(Object.values(await d.prop<Record<string, number>>('input')));
      // Drawn far from the middle and small ...
      const [px, py] = centreOfMass(pad);
      expect(Math.hypot(px - 14, py - 14), `digit ${c.digit} drawn off-centre`).toBeGreaterThan(7);
      // ... but the network reads it centred on its centre of mass, and larger.
      const [ix, iy] = centreOfMass(input);
      expect(Math.hypot(ix - 14, iy - 14), `digit ${c.digit} centred`).toBeLessThan(0.5);
      expect(input.filter((v) => v > 0.5).length).toBeGreaterThan(pad.filter((v) => v > 0.5).length);
      const outs = await d.prop<number[]>('outputs');
      expect(sum(outs)).toBeCloseTo(1, 4);
      expect(argmax(outs), `small ${c.digit} in a corner read as ${argmax(outs)} (${outs.map((v) => v.toFixed(2)).join(' ')})`).toBe(c.digit);
      expect(await d.part('[part="outputs"]').evaluate((el) => el.previousElementSibling?.textContent)).toContain(`guess ${c.digit}`);
    }
    const [h1, h2] = await d.prop<number[][]>('activations');
    expect([h1.length, h2.length]).toEqual([16, 16]);
    await h.screenshot('digit-trainer-corner', page.locator('#slide'));

    // Restart goes back to the untrained network and keeps the drawing.
    await d.part('button.restart').click();
    await page.waitForFunction(() => (document.querySelector('#d') as any).step === 0);
    expect((await d.prop<unknown[]>('history')).length).toBe(1);
    expect(await d.prop<number>('accuracy')).toBeLessThan(0.3);
  }, 120_000);

  it('shows the same state after 150 seeded steps whenever it is printed, and leaks no tensors', async () => {
    const page = await h.mount('<digit-trainer id="p1"></digit-trainer><digit-trainer id="p2"></digit-trainer>', { query: '?print' });
    const [a, b] = [demoHandle(page, '#p1'), demoHandle(page, '#p2')];
    await a.ready();
    await b.ready();
    expect(await a.prop('step')).toBe(150);
    expect(await a.prop('accuracy')).toBe(await b.prop('accuracy'));
    expect(await a.prop('outputs')).toEqual(await b.prop('outputs'));
    // Adam's moment slots exist once a network has trained: count after a step each time.
    await a.call('train', 1);
    const before = await tensorCount(page);
    await a.call('train', 10);
    await a.call('drawLine', 3, 3, 9, 9);
    // Polled: the page's backend warm-up may hold a few short-lived tensors of its own for a moment.
    await expect.poll(() => tensorCount(page)).toBe(before);
    await a.call('restart');
    await a.call('train', 1);
    await expect.poll(() => tensorCount(page)).toBe(before);
  }, 120_000);
});
