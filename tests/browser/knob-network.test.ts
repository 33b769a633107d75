import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

// Short training runs keep this file quick on a software-rendered GPU; the
// model's unit test covers the full 1-16-16-1 fit.
describe('<knob-network>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('walks every knob from θ₀ to θ*: loss(α=1) far below loss(α=0), the slider updates curve and loss', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<knob-network id="k" layers="16,16" train-steps="120" alpha="0"></knob-network>');
    const d = demoHandle(page, '#k');
    await d.ready(90_000);
    expect(await d.prop('knobCount')).toBe(321);
    const walk = await d.prop<number[]>('walkLosses');
    expect(walk).toHaveLength(51);
    expect(walk[50]).toBeLessThan(walk[0] / 10);
    expect(await d.prop<number>('loss')).toBeCloseTo(walk[0], 4);
    const curveAtStart = await d.prop<number[]>('curve');
    await d.part('input[type=range]').evaluate((input: HTMLInputElement) => {
      input.value = '1';
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    await expect.poll(() => d.prop('currentAlpha')).toBe(1);
    await d.settled();
    expect(await d.prop<number>('loss')).toBeCloseTo(walk[50], 4);
    expect(await d.prop<number[]>('curve')).not.toEqual(curveAtStart);
    await d.call('setAlpha', 0.6);
    await expect.poll(() => d.part('.a').textContent()).toContain('α = 0.60');
    expect(await d.prop<number>('loss')).toBeCloseTo(walk[30], 4);
    expect(h.consoleErrors).toEqual([]);
    await h.screenshot('knob-network', d.locator);
  });

  it('prints the trained knobs (α = 1) whatever alpha says, with the curve on the data', async () => {
    const page = await h.mount('<knob-network id="k" layers="16,16" train-steps="120" alpha="0"></knob-network>', { query: '?print' });
    const d = demoHandle(page, '#k');
    await d.ready();
    expect(await d.prop('currentAlpha')).toBe(1);
    const walk = await d.prop<number[]>('walkLosses');
    expect(await d.prop<number>('loss')).toBeCloseTo(walk[walk.length - 1], 4);
    expect(await d.part('.a').textContent()).toBe('α = 1.00');
  });

  it('is deterministic for a seed and differs for another', async () => {
    const page = await h.mount([7, 7, 8].map((seed, j) => `<knob-network id="k${j}" seed="${seed}" train-steps="10"></knob-network>`).join(''));
    const walks: number[][] = [];
    for (let j = 0; j < 3; j++) {
      const d = demoHandle(page, `#k${j}`);
      await d.ready(60_000);
      walks.push(await d.prop<number[]>('walkLosses'));
    }
    expect(walks[1]).toEqual(walks[0]);
    expect(walks[2][0]).not.toBeCloseTo(walks[0][0], 4);
  });

  it('lets gradient descent walk its own path from θ₀ and frees its tensors', async () => {
    const page = await h.mount('<knob-network id="k" train-steps="30"></knob-network>');
    const d = demoHandle(page, '#k');
    await d.ready(60_000);
    const tensors = await tensorCount(page);
    const walkBefore = await d.prop<number[]>('walkLosses');
    // Record α on every frame: 30 steps take only a few frames on a fast backend,
    // too quick for polling from the test process to catch the training state.
    await page.evaluate(() => {
      const el = document.querySelector('#k') as any;
      const seen: (number | null)[] = ((window as any).__alphas = []);
      const record = () => {
        seen.push(el.currentAlpha);
        if (seen.length < 3600) requestAnimationFrame(record);
      };
      requestAnimationFrame(record);
    });
    await d.part('button.train').click();
    await expect.poll(() => d.prop('currentAlpha'), { timeout: 60_000 }).toBe(1); // finished: θ* = its end point
    const alphas = await page.evaluate(() => (window as any).__alphas as (number | null)[]);
    expect(alphas).toContain(null); // training: no α
    expect(await d.prop('steps')).toBe(30);
    const walkAfter = await d.prop<number[]>('walkLosses');
    expect(walkAfter[0]).toBeCloseTo(walkBefore[0], 5); // same θ₀
    expect(walkAfter[50]).toBeLessThan(walkAfter[0]);
    expect(await tensorCount(page)).toBe(tensors);
  });

  it('explains each bad attribute in its box and uses the default (one page, two demos)', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'layers="0,16"', attribute: 'layers' },
      { attrs: 'alpha="2"', attribute: 'alpha' },
    ];
    const page = await h.mount(cases.map((c, j) => `<knob-network id="bad${j}" train-steps="5" ${c.attrs}></knob-network>`).join(''));
    for (const [j, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${j}`);
      await d.ready(60_000);
      expect(await d.messages()).toContain(c.attribute);
      expect(await d.prop<number[]>('walkLosses')).toHaveLength(51);
    }
    expect(h.consoleErrors).toEqual([]);
  });

  it('caps train-steps="1e9" at 3000 with a note', async () => {
    const page = await h.mount('<knob-network id="big" train-steps="1000000000" layers="2"></knob-network>');
    const d = demoHandle(page, '#big');
    await expect.poll(() => d.messages(), { timeout: 30_000 }).toMatch(/capped at 3000/);
    await page.evaluate(() => document.body.replaceChildren()); // stop the long preparation
  });
});
