import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

interface Run { S: number[]; I: number[]; R: number[]; newCases: number[] }

/** Moves one of the element's range inputs as a user would (value + input event). */
async function slide(d: ReturnType<typeof demoHandle>, label: string, value: number): Promise<void> {
  await d.part(`input[aria-label="${label}"]`).evaluate((input: HTMLInputElement, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
}

describe('<sir-model>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens on the fit from its attributes (R₀ ≈ 1.79 on the first 60 days, curves drawn), the same in print', async () => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount('<sir-model id="s" beta="0.3" gamma="0.4" population="250000" initial-infected="10" fit-days="60"></sir-model>', { query });
      const d = demoHandle(page, '#s');
      await d.ready();
      const fit = await d.prop<{ r0: number; step: number; loss: number }>('fitState');
      expect(fit.step).toBe(100);
      expect(fit.r0).toBeGreaterThan(1.76);
      expect(fit.r0).toBeLessThan(1.82);
      expect(await d.prop<number>('r0')).toBeCloseTo(fit.r0, 6);
      // The drawn curve is the fitted one: its loss is the fit's, and the wave peaks inside the window.
      expect(await d.prop<number>('loss')).toBeCloseTo(fit.loss, 3);
      const run = await d.prop<Run>('run');
      const peak = Math.max(...run.I);
      expect(peak).toBeGreaterThan(20 * run.I[0]); // a real wave (the fit starts it with ≈ 700 infected)
      expect(run.I.indexOf(peak)).toBeGreaterThan(20);
      expect(run.I.indexOf(peak)).toBeLessThan(123); // which peaks and turns inside the window
      await expect.poll(() => d.part('.fit-status').textContent()).toContain(`fitted R₀ = ${fit.r0.toFixed(2)}`);
      expect(await d.part('.controls').textContent()).not.toMatch(/–|loss …/);
      if (query) await h.screenshot('sir-model-still', d.locator);
    }
    expect(h.consoleErrors).toEqual([]);
  });

  it('resets to a dying outbreak for R₀ = 0.3/0.4 = 0.75, with all 123 NYC days as points', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<sir-model id="s" beta="0.3" gamma="0.4" population="250000" initial-infected="10"></sir-model>');
    const d = demoHandle(page, '#s');
    await d.ready();
    await d.part('button.reset').click();
    await d.settled();
    await expect.poll(() => d.prop('r0')).toBeCloseTo(0.75, 6);
    await d.settled();
    expect(await d.prop('fitState')).toBeNull();
    const run = await d.prop<Run>('run');
    expect(run.I).toHaveLength(124);
    expect(run.I[123]).toBeLessThan(run.I[0]);
    run.S.forEach((s, k) => expect(s + run.I[k] + run.R[k]).toBeCloseTo(250_000, -1));
    expect(await d.part('[part=cases] circle').count()).toBe(123);
    await expect.poll(() => d.part('.readout').textContent()).toContain('dies out');
    expect(await d.part('.source').textContent()).toContain('trends/cases-by-day.csv');
    expect(h.consoleErrors).toEqual([]);
  });

  it('grows a wave once β passes γ, and says so', async () => {
    const page = await h.mount('<sir-model id="s" beta="0.3" gamma="0.4"></sir-model>');
    const d = demoHandle(page, '#s');
    await d.ready();
    await d.part('button.reset').click();
    await d.settled();
    await slide(d, 'beta', 0.6);
    await d.settled();
    await expect.poll(() => d.prop('r0')).toBeCloseTo(1.5, 6);
    await d.settled();
    const run = await d.prop<Run>('run');
    const peak = Math.max(...run.I);
    expect(peak).toBeGreaterThan(100 * run.I[0]); // a real wave
    expect(run.I.indexOf(peak)).toBeLessThan(123); // which peaks and turns inside the window
    await expect.poll(() => d.part('.readout').textContent()).toContain('the wave grows');
  });

  it('fits β, γ and I₀ by gradient descent through the RK4 steps: the loss falls and R₀ rises above 1', async () => {
    const page = await h.mount('<sir-model id="s" beta="0.3" gamma="0.4" fit-days="60"></sir-model>');
    const d = demoHandle(page, '#s');
    await d.ready();
    await d.part('button.reset').click(); // from the starting guess, not from the fitted first screen
    await d.settled();
    await expect.poll(() => d.prop('r0')).toBeCloseTo(0.75, 6);
    await d.settled();
    const before = await d.prop<number>('loss');
    const tensors = await tensorCount(page);
    const first = await d.call<{ loss: number; step: number }>('fit', 1);
    expect(first.loss).toBeCloseTo(before, 3); // the first step reports the starting loss
    const fit = await d.call<{ loss: number; r0: number; step: number }>('fit', 7);
    expect(fit.step).toBe(8);
    expect(fit.loss).toBeLessThan(0.5 * before);
    expect(fit.r0).toBeGreaterThan(1);
    expect(await tensorCount(page)).toBe(tensors);
    await expect.poll(() => d.part('.fit-status').textContent()).toContain('Adam step 8');
    await h.screenshot('sir-model-fit', d.locator);
  });

  it('explains each bad attribute in its box and draws the default (one page, four demos)', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'beta="-1"', attribute: 'beta' },
      { attrs: 'gamma="fast"', attribute: 'gamma' },
      { attrs: 'population="0"', attribute: 'population' },
      { attrs: 'fit-days="500"', attribute: 'fit-days' },
    ];
    const page = await h.mount(cases.map((c, j) => `<sir-model id="bad${j}" ${c.attrs}></sir-model>`).join(''));
    for (const [j, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${j}`);
      await d.ready();
      const message = await d.messages();
      expect(message).toContain(c.attribute);
      expect(message).toMatch(/expected/);
      expect((await d.prop<Run>('run')).I).toHaveLength(124);
    }
    expect(h.consoleErrors).toEqual([]);
  });
});
