import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

interface Point { batch: number; intensity: number; achieved: number; seconds: number; flops: number }

describe('<roofline-meter>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the calculator (140 GB at 3 TB/s: 46.7 ms, 21.4 tokens/s) and the H100 roofline (ridge 295), then measures B = 1 … 256 on the page\'s backend (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<roofline-meter id="roofline"></roofline-meter>', { query });
      const d = demoHandle(page, '#roofline');
      // the calculator and the H100 roofline are drawn before any measurement
      await expect.poll(() => d.part('.ms').count()).toBe(1);
      expect(await d.part('.ms').textContent()).toBe('46.7 ms');
      expect(await d.part('.tps').textContent()).toBe('21.4');
      expect(await d.part('.weights').textContent()).toBe('140 GB');
      expect(await d.part('span.ridge').textContent()).toBe('295');
      expect(await d.part('svg circle.theory').count()).toBe(9);
      expect(await d.part('svg path.h100-roof').count()).toBe(1);
      await d.ready();
      const t0 = Date.now();
      const pts = await d.prop<Point[]>('points');
      expect(pts.length).toBeGreaterThanOrEqual(4);
      expect(pts[0]!.batch).toBe(1);
      expect(pts[0]!.intensity).toBeCloseTo((2 * 1024 * 1024) / (4 * (1024 * 1024 + 2048)), 9);
      for (const p of pts) expect(p.achieved).toBeCloseTo(p.flops / p.seconds, 3);
      // batch 1 is the slowest per FLOP: larger batches do more work per second from the same weights
      const fastest = await d.prop<Point>('fastest');
      expect(fastest.batch).toBeGreaterThan(1);
      expect(fastest.achieved).toBeGreaterThan(2 * pts[0]!.achieved);
      expect(fastest.achieved).toBe(Math.max(...pts.map((p) => p.achieved)));
      expect(await d.part('svg g.measured').count()).toBe(pts.length);
      const backend = await d.prop<string>('measuredOn');
      expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
      expect(await d.part('.status .backend').textContent()).toBe(backend);
      expect(await d.part('.measured-line').textContent()).toContain('the work per second');
      expect(Date.now() - t0).toBeLessThan(5000);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'roofline-meter-still' : 'roofline-meter', d.locator);
      console.log(`roofline-meter ${query || 'live'} on ${backend}:`, pts.map((p) => `B=${p.batch} ${(p.achieved / 1e9).toFixed(2)} GFLOP/s ${(p.seconds * 1000).toFixed(3)} ms`).join('; '));
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('recomputes the floor from the controls, measures again on click, fires roofline-meter-change and leaks no tensors', async () => {
    const page = await h.mount('<roofline-meter id="r" d="256" max-batch="16" repeats="3"></roofline-meter>');
    const d = demoHandle(page, '#r');
    await d.ready();
    const tensors = await tensorCount(page);
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('roofline-meter-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    await d.part('button.bytes').nth(3).click(); // int4
    await expect.poll(() => d.part('.ms').textContent()).toBe('11.7 ms');
    expect(await d.part('.weights').textContent()).toBe('35.0 GB');
    await d.part('input.bandwidth').evaluate((input: HTMLInputElement) => {
      input.value = '3.35';
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    await expect.poll(() => d.part('.ms').textContent()).toBe('10.4 ms');
    await d.part('button.measure').click();
    await d.settled();
    await expect.poll(async () => (await d.prop<Point[]>('points')).length).toBe(5);
    const ev = await page.evaluate(() => (window as any).__events);
    expect(ev.length).toBeGreaterThanOrEqual(3);
    expect(ev.at(-1).points.length).toBe(5);
    expect(ev[0].bytes).toBe(0.5);
    expect(await d.call('getSyncState')).toEqual({ calc: { params: 70, bytes: 0.5, bandwidth: 3.35 } });
    await d.call('applySyncState', { calc: null });
    await d.set('seed', 7);
    await expect.poll(() => d.part('.ms').textContent()).toBe('46.7 ms');
    expect(await tensorCount(page)).toBe(tensors);
    await page.evaluate(() => document.querySelector('#r')!.remove());
    expect(await tensorCount(page)).toBe(tensors);
  });

  it.each([
    { attrs: 'd="10"', attribute: 'd' },
    { attrs: 'max-batch="0"', attribute: 'max-batch' },
    { attrs: 'repeats="many"', attribute: 'repeats' },
    { attrs: 'params="-5"', attribute: 'params' },
    { attrs: 'bytes="8"', attribute: 'bytes' },
    { attrs: 'bandwidth="fast"', attribute: 'bandwidth' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const quick = attribute === 'max-batch' ? '' : ' max-batch="4"';
    const page = await h.mount(`<roofline-meter id="bad" ${attrs}${quick}></roofline-meter>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.part('span.ridge').textContent()).toBe('295');
    expect(h.consoleErrors).toEqual([]);
  });
});
