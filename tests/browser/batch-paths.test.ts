import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

interface PathInfo { label: string; batchSize: number; steps: number; end: [number, number]; cost: number }

const dist = (p: [number, number], q: [number, number]) => Math.hypot(p[0] - q[0], p[1] - q[1]);

describe('<batch-paths>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('runs full batch, mini-batch 32 and single-example SGD for 5 epochs, then one more on request', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<batch-paths id="b" mode="batches" learning-rate="0.1" epochs="5"></batch-paths>');
    const d = demoHandle(page, '#b');
    await d.ready();
    const paths = await d.prop<PathInfo[]>('paths');
    expect(paths.map((p) => p.steps)).toEqual([5, 40, 1280]);
    const min = await d.prop<[number, number]>('minimum');
    expect(min[0]).toBeCloseTo(1.5, 0);
    const [full, mini, sgd] = paths.map((p) => dist(p.end, min));
    expect(mini).toBeLessThan(full);
    expect(sgd).toBeLessThan(full);
    await h.screenshot('batch-paths');

    const tensors = await tensorCount(page);
    await d.part('button:has-text("+1 epoch")').click();
    await page.waitForFunction(() => (document.querySelector('#b') as any).epochsDone === 6);
    await d.settled();
    expect((await d.prop<PathInfo[]>('paths')).map((p) => p.steps)).toEqual([6, 48, 1536]);
    expect(await tensorCount(page)).toBe(tensors);
    expect(h.consoleErrors).toEqual([]);
  });

  it('gives the same paths for the same seed and new ones for a new seed', async () => {
    const page = await h.mount(`<batch-paths id="a" epochs="2" points="64" seed="7"></batch-paths>
      <batch-paths id="b" epochs="2" points="64" seed="7"></batch-paths><batch-paths id="c" epochs="2" points="64" seed="8"></batch-paths>`);
    for (const id of ['#a', '#b', '#c']) await demoHandle(page, id).ready();
    const [a, b, c] = await Promise.all(['#a', '#b', '#c'].map((id) => demoHandle(page, id).prop<PathInfo[]>('paths')));
    expect(a).toEqual(b);
    expect(a[2].end).not.toEqual(c[2].end);
  });

  it('shows x_k = (1 − 2η)^k·x₀ on f(x) = x² for η = 0.01, 0.9, 1.05', async () => {
    const page = await h.mount('<batch-paths id="lr" mode="learning-rate" rates="0.01, 0.9, 1.05" steps="12"></batch-paths>');
    const d = demoHandle(page, '#lr');
    await d.ready();
    const trails = await d.prop<{ eta: number; xs: number[] }[]>('trails');
    for (const { eta, xs } of trails) {
      expect(xs).toHaveLength(13);
      xs.forEach((x, k) => expect(x).toBeCloseTo((1 - 2 * eta) ** k, 4));
    }
    const text = await d.part('.panels').textContent();
    expect(text).toContain('slow');
    expect(text).toContain('oscillates, converges');
    expect(text).toContain('diverges');
    await h.screenshot('batch-paths-learning-rate');
  });

  it.each([
    { attrs: 'mode="fast"', attribute: 'mode' },
    { attrs: 'learning-rate="2"', attribute: 'learning-rate' },
    { attrs: 'batch-size="0"', attribute: 'batch-size' },
    { attrs: 'mode="learning-rate" rates="0.5, x"', attribute: 'rates' },
  ])('explains $attrs in the box and keeps working with defaults', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<batch-paths id="bad" epochs="0" points="32" steps="3" ${attrs}></batch-paths>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(/expected/);
    expect(h.consoleErrors).toEqual([]);
  });
});
