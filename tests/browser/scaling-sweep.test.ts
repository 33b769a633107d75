import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoHandle, openBrowser, pageBackend, smallestText, tensorCount, type Harness } from './harness';
import { SWEEP_SNAPSHOT } from '../../components/models/scaling-sweep';

interface Point {
  hidden: number;
  params: number;
  totalParams: number;
  valLoss: number;
}
interface Fit {
  a: number;
  b: number;
  lInf: number;
}

/** Closed form of the non-embedding parameters for V = 27, C = 3, E = 10: W1 30·H, b1 H, W2 27·H, b2 27. */
const N = (h: number) => 58 * h + 27;

const waitFor = (page: Page, predicate: string, timeout = 120_000) =>
  page.waitForFunction(predicate, undefined, { timeout, polling: 100 });

function expectPowerLawShape(points: Point[], fit: Fit) {
  const losses = points.map((p) => p.valLoss);
  for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]!);
  expect(fit.b).toBeGreaterThan(0);
  expect(fit.a).toBeGreaterThan(0);
  expect(fit.lInf).toBeLessThan(Math.min(...losses));
  expect(fit.lInf).toBeGreaterThan(0);
}

describe('<scaling-sweep>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the recorded default sweep: five falling losses, the fit and its asymptote (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<scaling-sweep id="s"></scaling-sweep>', { query });
      const d = demoHandle(page, '#s');
      await d.ready();
      expect(await d.prop('source')).toBe('recorded');
      const points = await d.prop<Point[]>('points');
      expect(points.map((p) => p.hidden)).toEqual([2, 6, 18, 54, 162]);
      expect(points.map((p) => p.params)).toEqual([2, 6, 18, 54, 162].map(N));
      expect(points.map((p) => p.totalParams)).toEqual([2, 6, 18, 54, 162].map((x) => N(x) + 270));
      expect(points.map((p) => p.valLoss)).toEqual([...SWEEP_SNAPSHOT.valLoss]);
      const fit = await d.prop<Fit>('fit');
      expectPowerLawShape(points, fit);
      expect(await d.part('circle.point').count()).toBe(5);
      expect(await d.part('path.fit').count()).toBe(1);
      expect(await d.part('line.asymptote').count()).toBe(1);
      expect(await d.part('.linf-label').textContent()).toContain(`L∞ = ${fit.lInf.toFixed(2)}`);
      expect(await d.part('.fit-b').textContent()).toBe(fit.b.toFixed(2));
      expect(await d.part('.kaplan').textContent()).toMatch(/Kaplan et al\. 2020: αN ≈ 0\.076/);
      expect(await d.part('button.run').textContent()).toContain('▶ run sweep');
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(470);
      await h.screenshot(query ? 'scaling-sweep-still' : 'scaling-sweep', d.locator);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('runs the sweep live from ▶: points appear model by model with progress, and on WebAssembly land on the recorded ones', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<scaling-sweep id="s"></scaling-sweep>');
    const d = demoHandle(page, '#s');
    await d.ready();
    await page.evaluate(() => {
      (window as any).sweepEvents = [];
      document.addEventListener('scaling-sweep-change', (e) => (window as any).sweepEvents.push((e as CustomEvent).detail.points.length));
    });
    const t0 = Date.now();
    await d.part('button.run').click();
    await waitFor(page, `document.querySelector('#s').source === 'live' && document.querySelector('#s').points.length === 2`);
    // Mid-sweep: two points, the third model training with its progress bar, no fit yet.
    expect(await d.part('circle.point').count()).toBe(2);
    expect(await d.part('progress').count()).toBe(1);
    expect(await d.prop('fit')).toBeNull();
    expect((await d.prop<{ index: number }>('training')).index).toBe(2);
    await h.screenshot('scaling-sweep-live', d.locator);
    await waitFor(page, `document.querySelector('#s').points.length === 5 && !document.querySelector('#s').playing`);
    const wall = (Date.now() - t0) / 1000;
    const points = await d.prop<Point[]>('points');
    const fit = await d.prop<Fit>('fit');
    expectPowerLawShape(points, fit);
    expect(points.map((p) => p.params)).toEqual([2, 6, 18, 54, 162].map(N));
    const seconds = await d.prop<number>('liveSeconds');
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(wall);
    const backend = (await pageBackend(page)).name;
    if (backend === 'wasm') {
      points.forEach((p, i) => expect(p.valLoss).toBeCloseTo(SWEEP_SNAPSHOT.valLoss[i]!, 3));
    }
    console.log(`scaling-sweep live on ${backend}: ${seconds.toFixed(1)} s (wall ${wall.toFixed(1)} s), b = ${fit.b.toFixed(3)}, L∞ = ${fit.lInf.toFixed(3)}`);
    expect(await d.part('.status').textContent()).toMatch(/live: 5 models × 1,000 steps of 128 in \d+\.\d s/);
    expect(await page.evaluate(() => (window as any).sweepEvents)).toEqual([0, 1, 2, 3, 4, 5]); // the start, then each model
    expect(h.consoleErrors).toEqual([]);
  }, 200_000);

  it('trains at start-up when the attributes are not the recorded sweep; N follows the closed form', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<scaling-sweep id="s" widths="3, 9, 27, 81" steps="150"></scaling-sweep>');
    const d = demoHandle(page, '#s');
    await d.ready(180_000);
    expect(await d.prop('source')).toBe('trained');
    const points = await d.prop<Point[]>('points');
    expect(points.map((p) => p.params)).toEqual([3, 9, 27, 81].map(N));
    expect(await d.prop<number[]>('sizes')).toEqual([3, 9, 27, 81].map(N));
    for (const p of points) expect(p.valLoss).toBeLessThan(Math.log(27));
    expect(await d.part('circle.point').count()).toBe(4);
    expect(await d.part('.status').textContent()).toContain('trained at start-up: 4 models × 150 steps of 128');
    expect(h.consoleErrors).toEqual([]);
  }, 200_000);

  it('walks the sweep one model per clicker step, and steps back', async () => {
    const page = await h.mount('<scaling-sweep id="s" widths="2, 4, 8" steps="60" clicker-steps="3"></scaling-sweep>');
    const d = demoHandle(page, '#s');
    await d.ready(120_000);
    expect(await d.prop('source')).toBe('trained');
    const trained = await d.prop<Point[]>('points');
    expect(await d.call('clickerForward')).toBe(true);
    await waitFor(page, `document.querySelector('#s').source === 'live' && document.querySelector('#s').points.length === 1 && !document.querySelector('#s').playing`);
    expect(await d.call('clickerForward')).toBe(true);
    await waitFor(page, `document.querySelector('#s').points.length === 2 && !document.querySelector('#s').playing`);
    const two = await d.prop<Point[]>('points');
    // The same seed gives the same models live as at start-up.
    two.forEach((p, i) => expect(p.valLoss).toBeCloseTo(trained[i]!.valLoss, 5));
    expect(await d.call('clickerBack')).toBe(true);
    expect((await d.prop<Point[]>('points')).length).toBe(1);
    expect(await d.call('clickerBack')).toBe(true);
    await waitFor(page, `document.querySelector('#s').source === 'trained' && document.querySelector('#s').points.length === 3`);
  }, 200_000);

  it('frees every tensor when removed mid-sweep', async () => {
    const page = await h.mount('<div id="host"></div>');
    const baseline = await tensorCount(page);
    await page.evaluate(() => {
      document.querySelector('#host')!.innerHTML = '<scaling-sweep id="s" widths="2, 4, 8" steps="400"></scaling-sweep>';
    });
    const d = demoHandle(page, '#s');
    await d.ready(120_000);
    await d.call('runLive');
    await waitFor(page, `document.querySelector('#s').points.length >= 1 && document.querySelector('#s').playing`);
    await d.part('button.run').click(); // pause
    expect(await d.prop('playing')).toBe(false);
    expect(await tensorCount(page)).toBeGreaterThan(baseline); // a model in training holds its weights and data
    await d.call('reset');
    expect(await d.prop('source')).toBe('trained');
    await page.evaluate(() => document.querySelector('#s')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  }, 200_000);

  it.each([
    { attrs: 'widths="2, 6"', attribute: 'widths' },
    { attrs: 'widths="8, 4, 16"', attribute: 'widths' },
    { attrs: 'widths="2, 6.5, 18"', attribute: 'widths' },
    { attrs: 'widths="2, 6, 1000"', attribute: 'widths' },
    { attrs: 'steps="10"', attribute: 'steps' },
    { attrs: 'steps="many"', attribute: 'steps' },
    { attrs: 'batch-size="0"', attribute: 'batch-size' },
    { attrs: 'learning-rate="5"', attribute: 'learning-rate' },
  ])('explains $attrs inside the box and shows the recorded sweep', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<scaling-sweep id="bad" ${attrs}></scaling-sweep>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop('source')).toBe('recorded');
    expect(h.consoleErrors).toEqual([]);
  });
});
