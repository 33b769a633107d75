import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

interface Step { k: number; w: number[]; loss: number; grad: number[]; step: number[]; next: number[] }
interface Run { steps: Step[]; diverged: boolean }

describe('<loss-landscape>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('walks the tilted double well with w ← w − η·∂L/∂w, the slope matching the hand derivative', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<loss-landscape id="l" landscape="double-well" learning-rate="0.05" start="1.6" steps="30"></loss-landscape>');
    const d = demoHandle(page, '#l');
    await d.ready();
    const run = await d.prop<Run>('run');
    expect(run.steps).toHaveLength(30);
    expect(run.steps[0].w[0]).toBeCloseTo(1.6, 5);
    for (const s of run.steps) {
      const w = s.w[0];
      expect(s.grad[0]).toBeCloseTo(4 * w * (w * w - 1) + 0.3, 3);
      expect(s.next[0]).toBeCloseTo(w - 0.05 * s.grad[0], 5);
    }
    // From the right it settles in the shallower right-hand valley: a local minimum.
    expect(run.steps[29].next[0]).toBeCloseTo(0.96, 2);
    expect(await d.prop('verdict')).toBe('converged');
    expect(await d.prop('shown')).toBe(30);
    // The verdict names it: a local minimum at 0.96, the deepest valley at −1.04 (L' = 4w³ − 4w + 0.3 = 0).
    const verdict = (await d.part('.verdict').textContent())!.replace(/\u00a0/g, ' ');
    expect(verdict).toContain('local minimum');
    expect(verdict).toContain('w ≈ 0.96');
    expect(verdict).toContain('w ≈ −1.04');
    await h.screenshot('loss-landscape-1d');
    expect(h.consoleErrors).toEqual([]);
  });

  it('says "deepest valley" when the ball starts left of the hump and reaches the global minimum', async () => {
    const page = await h.mount('<loss-landscape id="l" landscape="double-well" learning-rate="0.05" start="-0.5" steps="30"></loss-landscape>');
    const d = demoHandle(page, '#l');
    await d.ready();
    expect((await d.prop<Run>('run')).steps[29].next[0]).toBeCloseTo(-1.04, 2);
    const verdict = (await d.part('.verdict').textContent())!.replace(/\u00a0/g, ' ');
    expect(verdict).toContain('deepest valley, w ≈ −1.04');
    expect(verdict).not.toContain('local minimum');
  });

  it('shows slow, good, overshooting and diverging learning rates on the bowl through its preset buttons', async () => {
    const page = await h.mount('<loss-landscape id="b" landscape="bowl" steps="30"></loss-landscape>');
    const d = demoHandle(page, '#b');
    await d.ready();
    const tensors = await tensorCount(page);
    for (const [label, want] of [['slow', 'slow'], ['good', 'converged'], ['overshoot', 'oscillating'], ['diverge', 'diverged']]) {
      await d.part(`.presets button:has-text("${label}")`).click();
      await page.waitForFunction((v) => (document.querySelector('#b') as any).verdict === v, want);
      await d.settled();
      await d.call('stepOnce'); // pauses the replay
    }
    const run = await d.prop<Run>('run');
    expect(Math.abs(run.steps[29].next[0])).toBeGreaterThan(2.5 * 1.1 ** 29); // |1 − 2η| = 1.1 per step
    expect(await d.part('.verdict').textContent()).toContain('diverges');
    expect(await tensorCount(page)).toBe(tensors);
  });

  it('drops the ball where the lecturer clicks on the 2-D contours', async () => {
    const page = await h.mount('<loss-landscape id="r" landscape="ravine" learning-rate="0.2"></loss-landscape>');
    const d = demoHandle(page, '#r');
    await d.ready();
    const before = await d.prop<number[]>('currentStart');
    const box = (await d.part('svg.plot').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.2);
    await page.waitForFunction((b) => JSON.stringify((document.querySelector('#r') as any).currentStart) !== b, JSON.stringify(before));
    await d.settled();
    const start = await d.prop<number[]>('currentStart');
    expect(start[0]).toBeGreaterThan(1);
    expect(start[1]).toBeGreaterThan(0.5);
    const run = await d.prop<Run>('run');
    run.steps[0].w.forEach((v, i) => expect(v).toBeCloseTo(start[i], 5));
    await d.call('stepOnce');
    await d.call('setLearningRate', 0.45);
    await d.settled();
    await page.waitForTimeout(50);
    await h.screenshot('loss-landscape-2d', d.locator);
  });

  it('explains bad attributes in the box and keeps working with defaults', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'landscape="cliff"', attribute: 'landscape' },
      { attrs: 'learning-rate="fast"', attribute: 'learning-rate' },
      { attrs: 'landscape="bowl" start="1, 2"', attribute: 'start' },
      { attrs: 'steps="0"', attribute: 'steps' },
    ];
    const page = await h.mount(cases.map((c, i) => `<loss-landscape id="bad${i}" ${c.attrs}></loss-landscape>`).join(''));
    for (const [i, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${i}`);
      await d.ready();
      const message = await d.messages();
      expect(message).toContain(c.attribute);
      expect(message).toMatch(/expected/);
      expect((await d.prop<Run>('run')).steps.length).toBeGreaterThan(0);
    }
    expect(h.consoleErrors).toEqual([]);
  });
});
