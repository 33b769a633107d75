import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

interface Result { z: number; a: number; contributions: number[] }

describe('<neuron-calculator>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('gives z = 1.5 and σ(z) = 0.81757 for x = (1, 0, 1), w = (2, −1, 0.5), b = −1, and follows the activation buttons', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<neuron-calculator id="n" inputs="1, 0, 1" weights="2, -1, 0.5" bias="-1"></neuron-calculator>');
    const d = demoHandle(page, '#n');
    await d.ready();
    const r = await d.prop<Result>('result');
    expect(r.z).toBeCloseTo(1.5, 5);
    expect(r.a).toBeCloseTo(0.81757, 5);
    expect(await d.part('.equation').textContent()).toContain('0.818');

    for (const [label, a] of [['tanh', 0.905148], ['ReLU', 1.5]] as const) {
      await d.part(`button:text-is("${label}")`).click();
      await page.waitForFunction((want) => (document.querySelector('#n') as any).result?.a.toFixed(4) === want.toFixed(4), a);
      await d.settled();
      expect((await d.prop<Result>('result')).a).toBeCloseTo(a, 5);
    }
    await h.screenshot('neuron-calculator');
    expect(h.consoleErrors).toEqual([]);
  });

  it('recomputes when a slider moves and leaks no tensors doing so', async () => {
    const page = await h.mount('<neuron-calculator id="n"></neuron-calculator>');
    const d = demoHandle(page, '#n');
    await d.ready();
    const before = await tensorCount(page);
    // x₂ from 0 to 1: the weight −1 now pulls z down by 1.
    await d.part('input[aria-label="input 2"]').fill('1');
    await page.waitForFunction(() => Math.abs((document.querySelector('#n') as any).result?.z - 0.5) < 1e-5);
    await d.settled();
    expect((await d.prop<Result>('result')).a).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 5);
    expect(await tensorCount(page)).toBe(before);
  });

  it.each([
    { attrs: 'weights="1, 2"', attribute: 'weights', why: /one weight per input/ },
    { attrs: 'activation="softplus"', attribute: 'activation', why: /sigmoid/ },
    { attrs: 'inputs="a, b"', attribute: 'inputs', why: /numbers/ },
    { attrs: 'bias="100"', attribute: 'bias', why: /-5 to 5/ },
  ])('explains $attrs in the box and falls back to the lecture example', async ({ attrs, attribute, why }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<neuron-calculator id="bad" ${attrs}></neuron-calculator>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(why);
    expect((await d.prop<Result>('result')).z).toBeCloseTo(1.5, 5);
    expect(h.consoleErrors).toEqual([]);
  });
});
