import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

interface Step { position: number; input: number; next: number; cachedMs: number; fullMs: number; maxDiff: number; sameChoice: boolean }
interface Real { perTokenPerDirection: number; perToken: number; total: number }

async function setKv(d: ReturnType<typeof demoHandle>, index: number): Promise<void> {
  await d.part('input.kv').evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, index);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('<kv-cache>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the book\'s MHA 70 B (1,310,720 B per token per direction, 21.5 GB at 8,192) and generates 128 tokens with and without the cache, same logits (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<kv-cache id="kv"></kv-cache>', { query });
      const d = demoHandle(page, '#kv');
      await expect.poll(() => d.part('.per-direction').count()).toBe(1);
      expect(await d.part('.per-direction').textContent()).toBe('1,310,720 B');
      expect(await d.part('.per-token').textContent()).toBe('2,621,440 B');
      expect(await d.part('.at-context').textContent()).toBe('21.5 GB');
      const t0 = Date.now();
      await d.ready();
      const elapsed = Date.now() - t0;
      const steps = await d.prop<Step[]>('steps');
      expect(steps).toHaveLength(128);
      expect(steps.every((s) => s.sameChoice)).toBe(true);
      expect(await d.prop<number>('maxDiff')).toBeLessThan(1e-4);
      expect(await d.part('.same').textContent()).toContain('same tokens');
      expect(await d.prop('toyKvHeads')).toBe(4);
      // recomputation grows with the sequence, the cached step does not (medians of the first and last 16 steps)
      const early = steps.slice(4, 20);
      const late = steps.slice(-16);
      const fullLate = median(late.map((s) => s.fullMs));
      const cachedLate = median(late.map((s) => s.cachedMs));
      console.log(`kv-cache ${query || 'live'}: ${elapsed} ms to ready; early full ${median(early.map((s) => s.fullMs)).toFixed(2)} ms, cached ${median(early.map((s) => s.cachedMs)).toFixed(2)} ms; late full ${fullLate.toFixed(2)} ms, cached ${cachedLate.toFixed(2)} ms`);
      expect(fullLate).toBeGreaterThan(cachedLate);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'kv-cache-still' : 'kv-cache', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('slides to GQA 8 (Llama-3-70B: 327,680 B per token, 2.68 GB) and MQA, regenerates the toy with fewer K/V heads, fires kv-cache-change and leaks no tensors', async () => {
    const page = await h.mount('<kv-cache id="kv" tokens="24"></kv-cache>');
    const d = demoHandle(page, '#kv');
    await d.ready();
    const tensors = await tensorCount(page);
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('kv-cache-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    await setKv(d, 3); // 8
    await expect.poll(() => d.prop('currentKvHeads')).toBe(8);
    await d.settled();
    expect(await d.part('.per-token').textContent()).toBe('327,680 B');
    expect(await d.part('.at-context').textContent()).toBe('2.68 GB');
    expect((await d.prop<Real>('real')).perToken).toBe(327_680);
    expect(await d.prop('toyKvHeads')).toBe(2);
    expect((await d.prop<Step[]>('steps')).every((s) => s.sameChoice && s.maxDiff < 1e-4)).toBe(true);
    await h.screenshot('kv-cache-gqa', d.locator);
    await setKv(d, 6); // 1
    await expect.poll(() => d.prop('currentKvHeads')).toBe(1);
    await d.settled();
    expect(await d.part('.per-token').textContent()).toBe('40,960 B');
    expect(await d.prop('toyKvHeads')).toBe(1);
    await d.part('button.generate').click();
    await d.settled();
    const ev = await page.evaluate(() => (window as any).__events);
    expect(ev[0]).toMatchObject({ kvHeads: 8, bytesPerToken: 327_680 });
    expect(ev.at(-1)).toMatchObject({ kvHeads: 1, steps: 24 });
    expect(await d.call('getSyncState')).toEqual({ kvHeads: 1 });
    await d.call('applySyncState', { kvHeads: 64 });
    await expect.poll(() => d.prop('currentKvHeads')).toBe(64);
    await d.call('applySyncState', { kvHeads: 5 });
    expect(await d.prop('currentKvHeads')).toBe(64);
    await d.settled();
    expect(await tensorCount(page)).toBe(tensors);
    await page.evaluate(() => document.querySelector('#kv')!.remove());
    expect(await tensorCount(page)).toBe(tensors);
  });

  it.each([
    { attrs: 'tokens="1"', attribute: 'tokens' },
    { attrs: 'd-model="4"', attribute: 'd-model' },
    { attrs: 'layers="9"', attribute: 'layers' },
    { attrs: 'kv-heads="3"', attribute: 'kv-heads' },
    { attrs: 'context="lots"', attribute: 'context' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const quick = attribute === 'tokens' ? '' : ' tokens="16"';
    const page = await h.mount(`<kv-cache id="bad" ${attrs}${quick}></kv-cache>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.part('.per-direction').textContent()).toBe('1,310,720 B');
    expect(h.consoleErrors).toEqual([]);
  });
});
