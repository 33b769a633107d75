import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

async function setSlider(d: ReturnType<typeof demoHandle>, css: string, value: number): Promise<void> {
  await d.part(css).evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
  await d.settled();
}

describe('<tiled-softmax>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens after key block 1 of 4 with the byte counts, the ratio and a float32-sized, non-zero max |naive − tiled| (also in print)', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<tiled-softmax id="flash"></tiled-softmax>', { query });
      const d = demoHandle(page, '#flash');
      await d.ready();
      expect(await d.prop('currentBlock')).toBe(8);
      expect(await d.prop('blocks')).toBe(4);
      expect(await d.prop('currentStep')).toBe(1);
      expect(await d.prop('naiveBytes')).toBe(20480);
      expect(await d.prop('tiledBytes')).toBe(10240);
      expect(await d.part('.naive-bytes').textContent()).toBe('20,480');
      expect(await d.part('.tiled-bytes').textContent()).toBe('10,240');
      expect(await d.part('.ratio').textContent()).toBe('2.0×');
      const diff = await d.prop<number>('maxDiff');
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(1e-5);
      expect(await d.part('.why').textContent()).toContain('Not bit-identical');
      const rs = await d.prop<{ l: number; lCheck: number }>('rowState');
      expect(Math.abs(rs.l - rs.lCheck) / rs.lCheck).toBeLessThan(1e-4);
      expect(await d.part('svg rect.tile').count()).toBe(1);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(520);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
      await h.screenshot(query ? 'tiled-softmax-still' : 'tiled-softmax', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('steps through the key blocks with "next block", keeps ℓ = Σ e^{s−m}, changes the block size, fires tiled-softmax-change and leaks no tensors', async () => {
    const page = await h.mount('<tiled-softmax id="flash"></tiled-softmax>');
    const d = demoHandle(page, '#flash');
    await d.ready();
    const tensors = await tensorCount(page);
    await page.evaluate(() => {
      (window as any).__events = [];
      document.addEventListener('tiled-softmax-change', (e) => (window as any).__events.push((e as CustomEvent).detail));
    });
    let lastM = -Infinity;
    for (let step = 1; step <= 4; step++) {
      if (step > 1) await d.part('button.next').click();
      await d.settled();
      expect(await d.prop('currentStep')).toBe(step);
      expect(await d.part('.value.step').textContent()).toBe(String(step));
      const rs = await d.prop<{ m: number; l: number; lCheck: number; rescale: number }>('rowState');
      expect(rs.m).toBeGreaterThanOrEqual(lastM);
      expect(rs.rescale).toBeLessThanOrEqual(1);
      expect(Math.abs(rs.l - rs.lCheck) / rs.lCheck).toBeLessThan(1e-4);
      lastM = rs.m;
    }
    expect(await d.part('button.next').isDisabled()).toBe(true);
    await h.screenshot('tiled-softmax-all-blocks', d.locator);
    await setSlider(d, 'input.block', 4); // 1, 2, 4, 8, 16, 32 → 16
    await expect.poll(() => d.prop('currentBlock')).toBe(16);
    await d.settled();
    expect(await d.prop('currentStep')).toBe(1);
    expect(await d.prop('tiledBytes')).toBe(6144);
    expect(await d.part('.ratio').textContent()).toBe('3.3×');
    await setSlider(d, 'input.row', 5);
    expect(await d.prop('currentRow')).toBe(5);
    await expect.poll(() => page.evaluate(() => (window as any).__events.length)).toBeGreaterThanOrEqual(5);
    const detail = await page.evaluate(() => (window as any).__events.at(-1));
    expect(detail).toMatchObject({ block: 16, row: 5, step: 1, blocks: 2, naiveBytes: 20480, tiledBytes: 6144 });
    expect(await tensorCount(page)).toBe(tensors);
    await page.evaluate(() => document.querySelector('#flash')!.remove());
    expect(await tensorCount(page)).toBe(tensors);
  });

  it('takes one key block per clicker step and mirrors the lecturer through its sync state', async () => {
    const page = await h.mount('<tiled-softmax id="flash" clicker-steps="3"></tiled-softmax>');
    const d = demoHandle(page, '#flash');
    await d.ready();
    expect(await d.call('clickerForward')).toBe(true);
    await d.settled();
    expect(await d.prop('currentStep')).toBe(2);
    expect(await d.call('clickerBack')).toBe(true);
    await d.settled();
    expect(await d.prop('currentStep')).toBe(1);
    await d.call('applySyncState', { block: 4, row: 3, step: 6 });
    await d.set('seed', 42);
    await expect.poll(() => d.prop('currentStep')).toBe(6);
    await d.settled();
    expect(await d.prop('blocks')).toBe(8);
    expect(await d.call('getSyncState')).toEqual({ block: 4, row: 3, step: 6 });
    await d.call('applySyncState', { block: 'big', row: 3, step: 1 });
    expect(await d.prop('currentBlock')).toBe(4);
  });

  it.each([
    { attrs: 'n="2"', attribute: 'n' },
    { attrs: 'n="many"', attribute: 'n' },
    { attrs: 'd="0"', attribute: 'd' },
    { attrs: 'block="0"', attribute: 'block' },
    { attrs: 'block="2.5"', attribute: 'block' },
    { attrs: 'row="-1"', attribute: 'row' },
    { attrs: 'step="0"', attribute: 'step' },
  ])('explains $attrs inside the box and shows the default', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<tiled-softmax id="bad" ${attrs}></tiled-softmax>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop('naiveBytes')).toBe(20480);
    expect(h.consoleErrors).toEqual([]);
  });
});
