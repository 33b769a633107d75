import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';
import { RECORDED_QUANT } from '../../components/models/quant-cliff-recorded';

interface Point { bits: number; perTensor: number; perGroup: number }
interface Row { bits: number; vsFp32: number; vsBf16: number }

async function setSlider(d: ReturnType<typeof demoHandle>, css: string, value: number): Promise<void> {
  await d.part(css).evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
  await d.settled();
}

describe('<quant-cliff>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the recorded curves: flat to 5 bits, the cliff below 4, per group below per tensor, and the memory table (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['?print', '']) {
      const page = await h.mount('<quant-cliff id="quant"></quant-cliff>', { query });
      const d = demoHandle(page, '#quant');
      await d.ready();
      expect(await d.prop('source')).toBe('recorded');
      const curve = await d.prop<Point[]>('curve');
      const fp32 = await d.prop<number>('fp32');
      expect(fp32).toBe(RECORDED_QUANT.fp32);
      expect(curve.map((p) => p.bits)).toEqual([8, 7, 6, 5, 4, 3, 2]);
      expect(Math.abs(curve[0]!.perTensor - fp32)).toBeLessThan(0.005);
      expect(curve[6]!.perTensor).toBeGreaterThan(fp32 + 0.3);
      expect(curve[6]!.perGroup).toBeLessThan(curve[6]!.perTensor);
      expect(curve[4]!.perGroup).toBeLessThan(curve[4]!.perTensor);
      expect(await d.part('.value.fp32').textContent()).toBe(fp32.toFixed(3));
      expect(await d.part('.value.t4').textContent()).toBe(curve[4]!.perTensor.toFixed(3));
      const memory = await d.prop<Row[]>('memory');
      expect(memory.find((r) => r.bits === 16)!.vsFp32).toBe(2);
      expect(await d.part('tr[data-bits="8"] .vs32').textContent()).toBe('4×');
      expect(await d.part('tr[data-bits="4"] .vs32').textContent()).toBe('8×');
      expect(await d.part('tr[data-bits="4"] .vs16').textContent()).toBe('4×');
      expect(await d.part('tr[data-bits="4"] td:nth-child(3)').textContent()).toBe('35.0 GB');
      // this model with its affine scales and zero points per group of 32 (9 + 60 + 54 = 123 groups) and fp32 biases
      const int4 = memory.find((r) => r.bits === 4)! as Row & { bitsPerWeight: number; bytes: number };
      const bpw = 4 + (123 * 20) / 3918;
      expect(int4.bitsPerWeight).toBeCloseTo(bpw, 12);
      expect(int4.bytes).toBeCloseTo((bpw * RECORDED_QUANT.counts.weights + 32 * RECORDED_QUANT.counts.biases) / 8, 9);
      expect(await d.part('.value.bpw4').textContent()).toBe('4.63');
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'quant-cliff-still' : 'quant-cliff', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('trains the model live and recomputes curves that match the record, then switches scheme and group, fires quant-cliff-change and leaks nothing', async () => {
    const still = await h.mount('<quant-cliff id="quant"></quant-cliff>', { query: '?print' });
    await demoHandle(still, '#quant').ready();
    const baseline = await tensorCount(still); // the still state trains nothing
    const page = await h.mount('<quant-cliff id="quant"></quant-cliff>');
    const d = demoHandle(page, '#quant');
    await d.ready();
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('quant-cliff-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    const t0 = Date.now();
    await expect.poll(() => d.prop('source'), { timeout: 180_000, interval: 500 }).toBe('live');
    console.log(`quant-cliff: live curves after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await d.settled();
    const fp32 = await d.prop<number>('fp32');
    expect(Math.abs(fp32 - RECORDED_QUANT.fp32)).toBeLessThan(0.02);
    for (const scheme of ['affine', 'symmetric'] as const) {
      await d.call('setScheme', scheme);
      for (const g of [32, 64, 128]) {
        await d.call('setGroup', g);
        await d.settled();
        const curve = await d.prop<Point[]>('curve');
        const rec = RECORDED_QUANT.curves[scheme];
        curve.forEach((p, i) => {
          expect(Math.abs(p.perTensor - rec.perTensor[i]!)).toBeLessThan(0.03);
          expect(Math.abs(p.perGroup - rec.perGroup[String(g) as '32'][i]!)).toBeLessThan(0.03);
        });
      }
    }
    await d.part('button.scheme-affine').click();
    await setSlider(d, 'input.group', 1);
    expect(await d.prop('currentGroup')).toBe(64);
    expect(await d.part('.value.group').textContent()).toBe('64');
    await d.part('button.scheme-symmetric').click();
    await d.settled();
    expect(await d.prop('currentScheme')).toBe('symmetric');
    await h.screenshot('quant-cliff-live-symmetric', d.locator);
    const events = await page.evaluate(() => (window as any).__events as { source: string; scheme: string; group: number }[]);
    expect(events.some((e) => e.source === 'live')).toBe(true);
    expect(events.at(-1)).toMatchObject({ scheme: 'symmetric', group: 64, source: 'live' });
    expect(await tensorCount(page)).toBeGreaterThan(baseline); // the live model and its data
    await page.evaluate(() => document.querySelector('#quant')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  }, 240_000);

  it('mirrors the lecturer through its sync state', async () => {
    const page = await h.mount('<quant-cliff id="quant"></quant-cliff>', { query: '?print' });
    const d = demoHandle(page, '#quant');
    await d.ready();
    await d.call('applySyncState', { scheme: 'symmetric', group: '128' });
    await d.call('requestUpdate');
    await expect.poll(() => d.prop('currentGroup')).toBe(128);
    expect(await d.prop('currentScheme')).toBe('symmetric');
    expect(await d.call('getSyncState')).toEqual({ scheme: 'symmetric', group: '128' });
    await d.call('applySyncState', { scheme: 'nf4', group: '128' });
    expect(await d.prop('currentScheme')).toBe('symmetric');
  });

  it.each([
    { attrs: 'scheme="nf4"', attribute: 'scheme' },
    { attrs: 'group="16"', attribute: 'group' },
    { attrs: 'group="big"', attribute: 'group' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<quant-cliff id="bad" ${attrs}></quant-cliff>`, { query: '?print' });
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop('fp32')).toBe(RECORDED_QUANT.fp32);
    expect(h.consoleErrors).toEqual([]);
  });
});
