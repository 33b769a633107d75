/**
 * The demo runtime in a real Chromium: backends, slide lifecycle, input
 * isolation, presenter/audience sync, print state, failures, tensor hygiene.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { currentSlide, demoHandle, goToSlide, openBrowser, pageBackend, tensorCount, type Harness } from './harness';

const DEMO_SLIDE = 6;

/** Defines <loop-probe>: a DemoElement whose loop counts frames, and <broken-probe>, whose render throws. */
async function defineProbes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const { DemoElement, LoopController, html } = (globalThis as any).__demoRuntime;
    class LoopProbe extends DemoElement {
      static properties = { ...DemoElement.properties, count: { state: true } };
      count = 0;
      loop = new LoopController(this, () => { this.count++; });
      renderDemo() { return html`<span class="count">${this.count}</span>`; }
      updated() { this.markReady(); }
    }
    class BrokenProbe extends DemoElement {
      renderDemo(): never { throw new Error('deliberate failure for the test'); }
    }
    customElements.define('loop-probe', LoopProbe as unknown as CustomElementConstructor);
    customElements.define('broken-probe', BrokenProbe as unknown as CustomElementConstructor);
  });
}

describe('backend choice', () => {
  it.each(['cpu', 'wasm', 'webgl', 'webgpu'] as const)('runs the demo on %s when ?backend= forces it', async (name) => {
    const h = await openBrowser({ webgpu: name === 'webgpu' });
    try {
      const page = await h.mount('<softmax-temperature id="d" logits="2, 1, 0.5, 0.1"></softmax-temperature>', { query: `?backend=${name}` });
      const demo = demoHandle(page, '#d');
      await demo.ready();
      expect(await demo.prop('backend')).toBe(name);
      expect((await pageBackend(page)).forced).toBe(true);
      const p = await demo.prop<number[]>('probabilities');
      expect(p[0]).toBeCloseTo(0.5745, 3);
      expect(await demo.part('.badge').textContent()).toBe(name);
      expect(h.consoleErrors).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('skips a software WebGPU adapter and software WebGL by default, and runs on WebAssembly', async () => {
    const h = await openBrowser({ webgpu: true });
    try {
      const page = await h.mount('<softmax-temperature id="d"></softmax-temperature>');
      await demoHandle(page, '#d').ready();
      const info = await pageBackend(page);
      expect(info.name).toBe('wasm');
      expect(info.forced).toBe(false);
      expect(info.skipped.join(' ')).toMatch(/webgpu: software WebGPU adapter/);
      expect(info.skipped.join(' ')).toMatch(/webgl: software WebGL \(.*SwiftShader/);
    } finally {
      await h.close();
    }
  });
});

describe('the WebAssembly backend', () => {
  it.each([
    ['over HTTP', false],
    ['from disk (file://)', true],
  ] as const)('starts %s under the deck\'s Content-Security-Policy, from the binary inside the bundle', async (_, file) => {
    const h = await openBrowser();
    try {
      const page = await h.open(`temperature.html#${DEMO_SLIDE}`, { file, query: '?backend=wasm' });
      await goToSlide(page, DEMO_SLIDE);
      await demoHandle(page, 'softmax-temperature').ready();
      expect(await pageBackend(page)).toMatchObject({ name: 'wasm', forced: true });
      expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toContain("'wasm-unsafe-eval'");
      expect(h.consoleErrors).toEqual([]);
      expect(h.externalRequests).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('the demo runtime in a deck', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('pauses a loop when its slide is left and resumes it on return', async () => {
    const page = await h.open(`temperature.html#${DEMO_SLIDE}`);
    await goToSlide(page, DEMO_SLIDE);
    await defineProbes(page);
    // Put a probe on the demo slide, next to the softmax demo.
    await page.evaluate(() => {
      const probe = document.createElement('loop-probe');
      probe.id = 'probe';
      document.querySelector('#temperature-demo')!.after(probe);
      (probe as any).loop.play();
    });
    const probe = demoHandle(page, '#probe');
    await probe.ready();
    await page.waitForFunction(() => (document.querySelector('#probe') as any).count > 5);
    await goToSlide(page, DEMO_SLIDE + 1);
    const left = await probe.prop<number>('count');
    await page.waitForTimeout(400);
    expect(await probe.prop<number>('count')).toBeLessThanOrEqual(left + 1);
    expect(await probe.prop<boolean>('visible')).toBe(false);
    await goToSlide(page, DEMO_SLIDE);
    await page.waitForFunction((n) => (document.querySelector('#probe') as any).count > n + 5, left);
    expect(await probe.prop<boolean>('visible')).toBe(true);
  });

  it('keeps arrow keys, wheel and drags inside a demo from changing the slide', async () => {
    const page = await h.open(`temperature.html#${DEMO_SLIDE}`);
    await goToSlide(page, DEMO_SLIDE);
    const demo = demoHandle(page, '#temperature-demo');
    await demo.ready();
    const slider = demo.part('input[aria-label=temperature]');
    await slider.focus();
    for (const key of ['ArrowRight', 'ArrowLeft', 'ArrowDown', 'PageDown', 'Space', 'End', 'Home']) await page.keyboard.press(key);
    await slider.hover();
    await page.mouse.wheel(0, 400);
    const box = (await slider.boundingBox())!;
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    expect(await currentSlide(page)).toBe(DEMO_SLIDE);
    expect(await demo.prop<number>('currentTemperature')).toBeGreaterThan(2.5);
  });

  it('mirrors a demo between two windows of the same deck (presenter ↔ audience)', async () => {
    const audience = await h.open(`temperature.html#${DEMO_SLIDE}`);
    const presenter = await h.openExtra(`temperature.html?view=presenter#${DEMO_SLIDE}`);
    const a = demoHandle(audience, '#temperature-demo');
    const p = demoHandle(presenter, '#temperature-demo');
    await a.ready();
    await p.ready();
    await p.part('input[aria-label=temperature]').fill('2.5');
    await audience.waitForFunction(() => (document.querySelector('#temperature-demo') as any).currentTemperature === 2.5);
    await a.part('input[aria-label=temperature]').fill('0.5');
    await presenter.waitForFunction(() => (document.querySelector('#temperature-demo') as any).currentTemperature === 0.5);
    await presenter.close();
  });

  it('renders the still state with data-ready in print mode and under @media print', async () => {
    const page = await h.open('temperature.html?print');
    const demo = demoHandle(page, '#temperature-demo');
    await demo.ready();
    expect(await demo.prop('still')).toBe(true);
    expect(await demo.locator.getAttribute('data-ready')).toBe('');
    const normal = await h.open(`temperature.html#${DEMO_SLIDE}`);
    const d2 = demoHandle(normal, '#temperature-demo');
    await d2.ready();
    expect(await d2.prop('still')).toBe(false);
    await normal.emulateMedia({ media: 'print' });
    await normal.waitForFunction(() => (document.querySelector('#temperature-demo') as any).still === true);
    await normal.emulateMedia({ media: 'screen' });
  });

  it('shows a failing demo’s message in its box while the next slide’s demo still works', async () => {
    h.consoleErrors.length = 0;
    const page = await h.open('temperature.html#5');
    await defineProbes(page);
    await page.evaluate(() => {
      const broken = document.createElement('broken-probe');
      broken.id = 'broken';
      document.querySelectorAll('section')[4].append(broken);
    });
    const broken = demoHandle(page, '#broken');
    await broken.ready();
    expect(await broken.messages()).toContain('deliberate failure for the test');
    await goToSlide(page, DEMO_SLIDE);
    const demo = demoHandle(page, '#temperature-demo');
    await demo.ready();
    expect((await demo.prop<number[]>('probabilities'))[0]).toBeCloseTo(0.5745, 3);
    expect(h.consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
  });

  it('returns the tensor count to its baseline after 200 interactions and removal', async () => {
    const page = await h.mount('<softmax-temperature id="d"></softmax-temperature>');
    const demo = demoHandle(page, '#d');
    await demo.ready();
    const baseline = await tensorCount(page);
    for (let i = 0; i < 200; i++) {
      await demo.set('temperature', String((i % 30) / 10));
      if (i % 20 === 0) await demo.settled();
    }
    await demo.settled();
    await page.evaluate(() => document.querySelector('#d')!.remove());
    await page.waitForTimeout(200);
    expect(await tensorCount(page)).toBe(baseline);
  });
});
