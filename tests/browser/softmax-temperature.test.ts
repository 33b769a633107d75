import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSlide, demoHandle, goToSlide, openBrowser, type Harness } from './harness';

const DEMO_SLIDE = 6; // "Try it: drag the temperature" in slides/temperature.md

function reference(z: number[], t: number): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp((v - m) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('<softmax-temperature> in the temperature deck', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  for (const mode of ['server', 'file'] as const) {
    it(`computes the softmax, and arrow keys move the slider but not the slide (${mode})`, async () => {
      h.consoleErrors.length = 0;
      h.externalRequests.length = 0;
      const page = await h.open(`temperature.html#${DEMO_SLIDE}`, { file: mode === 'file' });
      await goToSlide(page, DEMO_SLIDE);
      const demo = demoHandle(page, '#temperature-demo');
      await demo.ready();

      const before = await demo.prop<number[]>('probabilities');
      reference([2, 1, 0.5, 0.1], 1).forEach((p, i) => expect(before[i]).toBeCloseTo(p, 4));

      await demo.part('input[type=range]').focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
      await demo.settled();
      const t = await demo.prop<number>('currentTemperature');
      expect(t).toBeCloseTo(1.5, 5);
      const after = await demo.prop<number[]>('probabilities');
      reference([2, 1, 0.5, 0.1], 1.5).forEach((p, i) => expect(after[i]).toBeCloseTo(p, 4));
      expect(await currentSlide(page)).toBe(DEMO_SLIDE);

      // Escape hands the keys back: the next arrow changes the slide.
      await page.keyboard.press('Escape');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((n) => location.hash === `#${n}`, DEMO_SLIDE + 1);

      expect(h.consoleErrors).toEqual([]);
      expect(h.externalRequests).toEqual([]);
    });
  }

  it('reaches argmax at T = 0 and stays finite for logits of 1e4', async () => {
    const page = await h.mount(`
      <softmax-temperature id="cold" logits="0.3, 2.5, -1" temperature="0"></softmax-temperature>
      <softmax-temperature id="huge" logits="10000, 9999, -10000"></softmax-temperature>`);
    const cold = demoHandle(page, '#cold');
    const huge = demoHandle(page, '#huge');
    await cold.ready();
    await huge.ready();
    expect(await cold.prop('probabilities')).toEqual([0, 1, 0]);
    const p = await huge.prop<number[]>('probabilities');
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p[0]).toBeCloseTo(reference([1e4, 9999, -1e4], 1)[0], 5);
    await h.screenshot('softmax-temperature-mounted');
  });

  it.each([
    { attrs: 'logits="a,b"', attribute: 'logits' },
    { attrs: 'logits=""', attribute: 'logits' },
    { attrs: 'temperature="-1"', attribute: 'temperature' },
    { attrs: 'temperature="abc"', attribute: 'temperature' },
  ])('explains $attrs inside the box and keeps working with defaults', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<softmax-temperature id="bad" ${attrs}></softmax-temperature>
      <softmax-temperature id="good" logits="1, 2"></softmax-temperature>`);
    const bad = demoHandle(page, '#bad');
    const good = demoHandle(page, '#good');
    await bad.ready();
    await good.ready();
    const message = await bad.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(/expected/);
    expect(await bad.prop<number[]>('probabilities')).toHaveLength(4);
    expect((await good.prop<number[]>('probabilities'))[1]).toBeCloseTo(reference([1, 2], 1)[1], 4);
    expect(h.consoleErrors).toEqual([]);
  });
});
