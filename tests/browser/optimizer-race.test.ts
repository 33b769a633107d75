import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

type Name = 'sgd' | 'momentum' | 'adam';
type Losses = Record<Name, number>;
type Paths = Record<Name, [number, number][]>;

/** Float64 reference of the three optimisers on L = ½(0.05·θ₁² + 2·θ₂²), no noise. */
function referenceLosses(lr: number, beta1: number, beta2: number, bc: boolean, steps: number, start = [-7, 2]): Losses {
  const h = [0.05, 2];
  const s = [...start], mo = [...start], a = [...start];
  const u = [0, 0], m = [0, 0], v = [0, 0];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < 2; i++) {
      s[i] -= lr * h[i]! * s[i]!;
      u[i] = beta1 * u[i]! + h[i]! * mo[i]!;
      mo[i] -= lr * u[i]!;
      const g = h[i]! * a[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      const mh = bc ? m[i]! / (1 - beta1 ** t) : m[i]!;
      const vh = bc ? v[i]! / (1 - beta2 ** t) : v[i]!;
      a[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  const L = (p: number[]) => 0.5 * (h[0]! * p[0]! ** 2 + h[1]! * p[1]! ** 2);
  return { sgd: L(s), momentum: L(mo), adam: L(a) };
}

function expectLosses(got: Losses, want: Losses) {
  for (const k of ['sgd', 'momentum', 'adam'] as const) expect(Math.abs(got[k] - want[k]), k).toBeLessThan(1e-4 + 1e-3 * want[k]);
}

describe('<optimizer-race>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows 50 steps of all three on the valley before any click, losses as the float64 reference', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<optimizer-race id="race"></optimizer-race>');
    const race = demoHandle(page, '#race');
    await race.ready();
    expect(await race.prop('step')).toBe(50);
    const paths = await race.prop<Paths>('paths');
    for (const k of ['sgd', 'momentum', 'adam'] as const) expect(paths[k]).toHaveLength(51);
    const losses = await race.prop<Losses>('losses');
    expectLosses(losses, referenceLosses(0.2, 0.9, 0.999, true, 50));
    // SGD crawls along the flat floor; momentum and Adam are near the bottom.
    expect(losses.sgd).toBeGreaterThan(20 * Math.max(losses.momentum, losses.adam));
    // The losses on screen are the ones computed.
    expect(await race.part('.loss[data-optimizer="sgd"]').textContent()).toBe(losses.sgd.toPrecision(3));
    expect(await race.part('svg.plot path[stroke="#8a939e"]').count()).toBe(9);
    expect(await race.part('g.run').count()).toBe(3);
    await h.screenshot('optimizer-race', race.locator);
    const box = (await race.locator.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(1180);
    expect(box.height).toBeLessThanOrEqual(470);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('replays the race when a slider moves: η, β₁, β₂ and bias correction (which moves only Adam)', async () => {
    const page = await h.mount('<optimizer-race id="race" steps="40"></optimizer-race>');
    const race = demoHandle(page, '#race');
    await race.ready();
    const setSlider = async (label: string, value: number) => {
      await race.part(`input[aria-label="${label}"]`).evaluate((el: HTMLInputElement, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, value);
      await race.settled();
    };
    await setSlider('learning rate η', 0.5);
    expectLosses(await race.prop<Losses>('losses'), referenceLosses(0.5, 0.9, 0.999, true, 40));
    await setSlider('β₁', 0.5);
    await setSlider('β₂', 0.99);
    expectLosses(await race.prop<Losses>('losses'), referenceLosses(0.5, 0.5, 0.99, true, 40));
    const before = await race.prop<Paths>('paths');
    await race.part('input[aria-label="bias correction"]').uncheck();
    await race.settled();
    const after = await race.prop<Paths>('paths');
    expect(after.sgd).toEqual(before.sgd);
    expect(after.momentum).toEqual(before.momentum);
    expect(after.adam[1]).not.toEqual(before.adam[1]);
    expectLosses(await race.prop<Losses>('losses'), referenceLosses(0.5, 0.5, 0.99, false, 40));
    expect((await race.prop<{ biasCorrection: boolean }>('settings')).biasCorrection).toBe(false);
    await h.screenshot('optimizer-race-sliders', race.locator);
  });

  it('adds seeded gradient noise: same seed, same race; another seed, another', async () => {
    const page = await h.mount(`<optimizer-race id="a" noise="0.5" seed="3"></optimizer-race>
      <optimizer-race id="b" noise="0.5" seed="3"></optimizer-race><optimizer-race id="c" noise="0.5" seed="4"></optimizer-race>
      <optimizer-race id="clean"></optimizer-race>`);
    for (const id of ['#a', '#b', '#c', '#clean']) await demoHandle(page, id).ready();
    const [a, b, c, clean] = await Promise.all(['#a', '#b', '#c', '#clean'].map((id) => demoHandle(page, id).prop<Paths>('paths')));
    expect(a).toEqual(b);
    expect(a.sgd[50]).not.toEqual(c.sgd[50]);
    expect(a.sgd[50]).not.toEqual(clean.sgd[50]);
    await h.screenshot('optimizer-race-noise', demoHandle(page, '#a').locator);
  });

  it('steps, plays, pauses and resets; keys on a slider stay in the demo', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<optimizer-race id="race" steps="10"></optimizer-race>');
    const race = demoHandle(page, '#race');
    await race.ready();
    await race.part('button:has-text("+1 step")').click();
    await page.waitForFunction(() => (document.querySelector('#race') as any).step === 11);
    await race.part('button:has-text("play")').click();
    await page.waitForFunction(() => (document.querySelector('#race') as any).step >= 16);
    await race.part('button:has-text("pause")').click();
    const paused = await race.prop<number>('step');
    await page.waitForTimeout(400);
    expect(await race.prop<number>('step')).toBeLessThanOrEqual(paused + 1);
    await race.part('button:has-text("reset")').click();
    await page.waitForFunction(() => (document.querySelector('#race') as any).step === 0);

    // Arrow keys move the focused slider; the keydown never reaches the page (the deck's navigation).
    await page.evaluate(() => {
      (window as any).__keys = 0;
      document.addEventListener('keydown', () => (window as any).__keys++);
    });
    await race.part('input[aria-label="β₁"]').focus();
    await page.keyboard.press('ArrowLeft');
    await race.settled();
    expect((await race.prop<{ beta1: number }>('settings')).beta1).toBeCloseTo(0.89, 6);
    expect(await page.evaluate(() => (window as any).__keys)).toBe(0);
    expect(h.consoleErrors).toEqual([]);
  });

  it('frees its tensors: none left over after steps, replays and removal', async () => {
    const page = await h.mount('<div id="host"></div>');
    const baseline = await tensorCount(page);
    await page.evaluate(() => {
      document.querySelector('#host')!.innerHTML = '<optimizer-race id="race" noise="0.3"></optimizer-race>';
    });
    const race = demoHandle(page, '#race');
    await race.ready();
    const running = await tensorCount(page);
    await race.call('advance', 20);
    await race.attr('learning-rate', '0.7');
    await race.settled();
    expect(await tensorCount(page)).toBe(running);
    await page.evaluate(() => document.querySelector('#race')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  });

  it.each([
    { attrs: 'learning-rate="fast"', attribute: 'learning-rate' },
    { attrs: 'learning-rate="3"', attribute: 'learning-rate' },
    { attrs: 'beta1="1"', attribute: 'beta1' },
    { attrs: 'beta2="0.1"', attribute: 'beta2' },
    { attrs: 'noise="-1"', attribute: 'noise' },
    { attrs: 'bias-correction="maybe"', attribute: 'bias-correction' },
    { attrs: 'steps="12.5"', attribute: 'steps' },
    { attrs: 'start="1"', attribute: 'start' },
  ])('explains $attrs inside the box and races with the defaults', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<optimizer-race id="bad" ${attrs}></optimizer-race>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    const message = await bad.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await bad.prop('step')).toBeGreaterThan(0);
    expect(h.consoleErrors).toEqual([]);
  });
});
