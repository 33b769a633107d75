/**
 * Faults mid-lecture: the GPU drops out while a demo trains (a lost WebGL
 * context, a lost WebGPU device), the backend asked for cannot start, the tab
 * is hidden and shown again. Each time the demo says what happened in its
 * box, carries on, and the rest of the deck keeps working, without a reload.
 * (A demo that throws, and the deck with no network and from file://, are in
 * runtime.test.ts and site.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoHandle, goToSlide, openBrowser, pageBackend, type Harness } from './harness';

const DECK = 'gradient-handoff.html';
/** A demo that trains (conv-features) and another demo on a later slide of the same deck. */
const TRAINER = '#cnn';
const OTHER = '#indexer';

/** The slide (1-based) holding `selector`. */
async function slideOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector(sel)) + 1, selector);
}

/** Opens the deck on the training demo's slide and starts training (`steps` done before it returns). */
async function startTraining(h: Harness, query = '', steps = 6): Promise<{ page: Page; demo: ReturnType<typeof demoHandle> }> {
  const page = await h.open(`${DECK}${query}`);
  await page.waitForFunction(() => (globalThis as any).__demoRuntime !== undefined, null, { timeout: 90_000 });
  await goToSlide(page, await slideOf(page, TRAINER));
  const demo = demoHandle(page, TRAINER);
  await demo.ready();
  await demo.part('button.primary').click();
  await page.waitForFunction(([sel, n]) => (document.querySelector(sel as string) as any).trainedSteps >= (n as number), [TRAINER, steps] as const, { timeout: 90_000 });
  // A marker that a reload would wipe.
  await page.evaluate(() => ((window as any).__sameDocument = true));
  return { page, demo };
}

/** After a loss: the backend moved, the demo says so and keeps training. */
async function expectCarriesOn(h: Harness, page: Page, lost: RegExp, to: string, trainer = TRAINER): Promise<void> {
  await page.waitForFunction((name) => (globalThis as any).__demoRuntime.backendInfo()?.name === name, to, { timeout: 60_000 });
  const demo = demoHandle(page, trainer);
  await demo.settled();
  expect(await demo.messages()).toMatch(lost);
  expect(await demo.part('.badge').textContent()).toBe(to);
  expect(await demo.part('.badge').getAttribute('title')).toMatch(lost);
  // It was training when the GPU went: it trains again on the new backend.
  const before = await demo.prop<number>('trainedSteps');
  await page.waitForFunction(([sel, n]) => (document.querySelector(sel as string) as any).trainedSteps > (n as number), [trainer, before] as const, { timeout: 60_000 });
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  await h.screenshot(`faults-${to}-after-loss-${trainer.slice(1)}`, demo.locator);
}

/** After a loss in the deck: the trainer carries on, and the next demo of the deck works. */
async function expectRecovered(h: Harness, page: Page, lost: RegExp, to: string): Promise<void> {
  await expectCarriesOn(h, page, lost, to);
  expect(Number.isFinite(await demoHandle(page, TRAINER).prop<number>('loss'))).toBe(true);
  // The rest of the deck: the next demo runs on the new backend and answers a click.
  await goToSlide(page, await slideOf(page, OTHER));
  const other = demoHandle(page, OTHER);
  await other.ready();
  expect(await other.prop('backend')).toBe(to);
  await other.part('button:has-text("+10")').click();
  await page.waitForFunction((sel) => (document.querySelector(sel) as any).trainedSteps >= 10, OTHER, { timeout: 60_000 });
  expect(await other.messages()).toBe('');
  expect(h.consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
}

describe('faults during a lecture', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a WebGL context lost mid-training: the demo says so and carries on on WebAssembly, no reload', async () => {
    h = await openBrowser();
    const { page } = await startTraining(h, '?backend=webgl');
    expect((await pageBackend(page)).name).toBe('webgl');
    await page.evaluate(() => (globalThis as any).__demoRuntime.tf.backend().gpgpu.gl.getExtension('WEBGL_lose_context').loseContext());
    await expectRecovered(h, page, /WebGL context was lost/, 'wasm');
    await h.screenshot('faults-webgl-lost-deck');
  }, 240_000);

  it('a WebGPU device lost mid-training: the demo says so and carries on on WebAssembly, no reload', async () => {
    h = await openBrowser({ webgpu: true });
    // A software WebGPU adapter compiles each training kernel slowly (seconds a kernel): a small trainer
    // beside a second demo on one page stands for the deck here.
    const page = await h.mount('<sparse-attention-indexer id="trainer"></sparse-attention-indexer><softmax-temperature id="other" logits="2, 1, 0.5, 0.1"></softmax-temperature>', { query: '?backend=webgpu' });
    const trainer = demoHandle(page, '#trainer');
    await trainer.ready(90_000);
    expect((await pageBackend(page)).name).toBe('webgpu');
    await trainer.part('button.primary').click();
    await page.waitForFunction(() => (document.querySelector('#trainer') as any).trainedSteps >= 1, null, { timeout: 90_000 });
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.evaluate(() => (globalThis as any).__demoRuntime.tf.backend().device.destroy());
    await expectCarriesOn(h, page, /WebGPU device was lost/, 'wasm', '#trainer');
    const other = demoHandle(page, '#other');
    await other.ready();
    expect(await other.prop('backend')).toBe('wasm');
    expect((await other.prop<number[]>('probabilities'))[0]).toBeCloseTo(0.5745, 3);
    expect(h.consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
  }, 240_000);

  it('a forced backend that cannot start: the next one is chosen and the badge says why', async () => {
    h = await openBrowser(); // no --enable-unsafe-webgpu: Chromium offers no WebGPU adapter
    const page = await h.mount('<softmax-temperature id="d" logits="2, 1, 0.5, 0.1"></softmax-temperature>', { query: '?backend=webgpu' });
    const demo = demoHandle(page, '#d');
    await demo.ready();
    const info = await pageBackend(page);
    expect(info.name).toBe('wasm');
    expect(info.forced).toBe(false);
    expect(info.skipped.join('; ')).toMatch(/webgpu: no WebGPU adapter/);
    expect(await demo.part('.badge').textContent()).toBe('wasm (webgpu failed)');
    expect(await demo.part('.badge').getAttribute('title')).toMatch(/\?backend=webgpu could not start.*webgpu: no WebGPU adapter/);
    expect((await demo.prop<number[]>('probabilities'))[0]).toBeCloseTo(0.5745, 3);
    expect(h.consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
  });

  it('the tab hidden during training pauses it; shown again, it resumes where it was', async () => {
    h = await openBrowser();
    const { page, demo } = await startTraining(h);
    const setHidden = (hidden: boolean) =>
      page.evaluate((hide) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hide ? 'hidden' : 'visible') });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => hide });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await page.waitForTimeout(300); // a frame in flight finishes
    const paused = await demo.prop<number>('trainedSteps');
    await page.waitForTimeout(1000);
    expect(await demo.prop<number>('trainedSteps')).toBe(paused);
    expect(await demo.part('button.primary').textContent()).toContain('pause'); // still "playing", only held
    await setHidden(false);
    await page.waitForFunction(([sel, n]) => (document.querySelector(sel as string) as any).trainedSteps > (n as number), [TRAINER, paused] as const, { timeout: 30_000 });
    const resumed = await demo.prop<number>('trainedSteps');
    expect(resumed).toBeGreaterThan(paused);
    expect(resumed).toBeLessThan(paused + 200); // carried on from where it was, not restarted and not skipped ahead
    expect(h.consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
  });
});
