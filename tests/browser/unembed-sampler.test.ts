import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, type Harness } from './harness';

const H = [0.8, 0.5, 0.4, 0.2];
const WU = [[2, 1, 0, 0, 0.5], [0.4, 2, 1.6, 0.8, 0], [0, 0, 1, 1, 0], [1, 0, 0, 0, 1]];
/** Plain-JS h·W_U. */
const product = (h: number[], w: number[][]) => w[0].map((_, j) => h.reduce((s, v, i) => s + v * w[i][j], 0));

describe('<unembed-sampler>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('turns h·W_U into the exercise logits and the published probabilities at T = 0.5 and T = 2', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<unembed-sampler id="u"></unembed-sampler>');
    const d = demoHandle(page, '#u');
    await d.ready();
    const scores = await d.prop<number[]>('scores');
    product(H, WU).forEach((s, j) => expect(scores[j]).toBeCloseTo(s, 5));
    expect(scores.map((s) => Number(s.toFixed(2)))).toEqual([2, 1.8, 1.2, 0.8, 0.6]);

    for (const [t, want] of [[0.5, [0.494, 0.331, 0.1, 0.045, 0.03]], [2, [0.276, 0.25, 0.185, 0.152, 0.137]]] as const) {
      await d.part('input[type=range]').fill(String(t));
      await page.waitForFunction((tt) => (document.querySelector('#u') as any).currentTemperature === tt, t);
      await d.settled();
      const p = await d.prop<number[]>('probabilities');
      want.forEach((v, j) => expect(p[j]).toBeCloseTo(v, 3));
    }
    await d.part('button:has-text("×20")').click();
    expect(await d.prop<string[]>('draws')).toHaveLength(20);
    await h.screenshot('unembed-sampler');
    expect(h.consoleErrors).toEqual([]);
  });

  it('multiplies an author-given vector and matrix like plain JS', async () => {
    const page = await h.mount('<unembed-sampler id="u" vocab="a, b, c" vector="1, -2" weights="0.5, 1, -1; 2, 0, 3" temperature="1"></unembed-sampler>');
    const d = demoHandle(page, '#u');
    await d.ready();
    const scores = await d.prop<number[]>('scores');
    product([1, -2], [[0.5, 1, -1], [2, 0, 3]]).forEach((s, j) => expect(scores[j]).toBeCloseTo(s, 5));
  });

  it('draws the same tokens for the same seed and different ones for another', async () => {
    const page = await h.mount(`<unembed-sampler id="a" seed="3"></unembed-sampler><unembed-sampler id="b" seed="3"></unembed-sampler>
      <unembed-sampler id="c" seed="4"></unembed-sampler>`);
    for (const id of ['#a', '#b', '#c']) await demoHandle(page, id).ready();
    const [a, b, c] = await Promise.all(['#a', '#b', '#c'].map((id) => demoHandle(page, id).call<string[]>('sample', 30)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it.each([
    { attrs: 'weights="1, 2; 3, 4"', attribute: 'weights', why: /4 rows/ },
    { attrs: 'vocab="x, y"', attribute: 'vocab', why: /5 tokens/ },
    { attrs: 'temperature="-1"', attribute: 'temperature', why: /expected/ },
    { attrs: 'vector="1, two"', attribute: 'vector', why: /expected/ },
  ])('explains $attrs in the box and falls back to the weather example', async ({ attrs, attribute, why }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<unembed-sampler id="bad" ${attrs}></unembed-sampler>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(why);
    expect((await d.prop<number[]>('scores'))[0]).toBeCloseTo(2, 5);
    expect(h.consoleErrors).toEqual([]);
  });
});
