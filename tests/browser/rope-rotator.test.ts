import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness, smallestText } from './harness';
import type { Page } from 'playwright-core';

/** float64 reference of the score: rotate each pair by m·θ_i and n·θ_i, then the dot product. */
function scoreRef(q: number[], k: number[], m: number, n: number, base = 10000): number {
  let s = 0;
  for (let i = 0; i < q.length / 2; i++) {
    const t = base ** (-(2 * i) / q.length);
    const rot = (v: number[], p: number) => [v[2 * i]! * Math.cos(p * t) - v[2 * i + 1]! * Math.sin(p * t), v[2 * i]! * Math.sin(p * t) + v[2 * i + 1]! * Math.cos(p * t)];
    const [a, b] = rot(q, m);
    const [c, d] = rot(k, n);
    s += a! * c! + b! * d!;
  }
  return s;
}
const sinRef = (k: number, d: number, base = 10000) =>
  Array.from({ length: d / 2 }, (_, i) => Math.cos(k * base ** (-(2 * i) / d))).reduce((a, b) => a + b, 0);

const DECK = '<style>rope-rotator { font-size: 24px; width: 1152px; }</style>';

describe('<rope-rotator>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows a score that depends only on m − n, beside the sinusoidal Σ cos, and keeps it when both move', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`${DECK}<rope-rotator id="r"></rope-rotator>`);
    const r = demoHandle(page, '#r');
    await r.ready();
    const { q, k } = await r.prop<{ q: number[]; k: number[] }>('vectors');
    expect(q).toHaveLength(16);
    expect([await r.prop('currentM'), await r.prop('currentN')]).toEqual([5, 2]);
    const score = await r.prop<number>('score');
    expect(score).toBeCloseTo(scoreRef(q, k, 5, 2), 4);
    expect(await r.prop<number>('scoreFormula')).toBeCloseTo(score, 4);
    expect(await r.prop<number>('sinusoidal')).toBeCloseTo(sinRef(3, 16), 4);
    for (const s of await r.prop<{ m: number; n: number; score: number }[]>('sameDistance')) {
      expect(s.m - s.n).toBe(3);
      expect(s.score).toBeCloseTo(score, 4);
    }
    const norms = await r.prop<{ q: number; rotatedQ: number; k: number; rotatedK: number }>('norms');
    expect(norms.rotatedQ).toBeCloseTo(norms.q, 4);
    expect(norms.rotatedK).toBeCloseTo(norms.k, 4);
    expect(await r.prop('pastTraining')).toBe(false);
    const small = await smallestText(page.locator('#r'));
    expect(small.px, `"${small.text}"`).toBeGreaterThanOrEqual(16);
    const box = await r.locator.boundingBox();
    expect(box!.height).toBeLessThan(540);
    await h.screenshot('rope-rotator', r.locator);

    const tensors = await tensorCount(page);
    await r.part('button:has-text("move both →")').click();
    await r.settled();
    expect([await r.prop('currentM'), await r.prop('currentN')]).toEqual([6, 3]);
    expect(await r.prop<number>('score')).toBeCloseTo(score, 4);

    // arrow keys on the m slider move m and stay inside the demo
    await page.evaluate(() => {
      (window as any).pageKeys = 0;
      document.addEventListener('keydown', () => (window as any).pageKeys++);
    });
    await r.part('input[aria-label="query position m"]').focus();
    await page.keyboard.press('ArrowRight');
    await r.settled();
    expect(await r.prop('currentM')).toBe(7);
    expect(await r.prop<number>('score')).toBeCloseTo(scoreRef(q, k, 7, 3), 4);
    expect(await page.evaluate(() => (window as any).pageKeys)).toBe(0);
    expect(await tensorCount(page)).toBe(tensors);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('says a distance past the trained range never occurred in training, and does not claim RoPE extrapolates', async () => {
    const page = await h.mount(`${DECK}<rope-rotator id="r" m="30" n="2"></rope-rotator>`);
    const r = demoHandle(page, '#r');
    await r.ready();
    expect(await r.prop('pastTraining')).toBe(true);
    expect((await r.prop<number[]>('unseenPairs')).length).toBeGreaterThan(0);
    const text = await r.part('.readout').innerText();
    expect(text).toMatch(/never occurred in training/);
    expect(text).toMatch(/neither RoPE nor sinusoidal positions extrapolate well/);
    expect(text).toMatch(/ALiBi/);
    await h.screenshot('rope-rotator-past-training', r.locator);
    // the same distance at new absolute positions is inside what training saw
    await r.call('setPositions', 30, 20);
    await r.settled();
    expect(await r.prop('pastTraining')).toBe(false);
  });

  it('takes q and k from attributes and frees its tensors when removed', async () => {
    const page = await h.mount('<div></div>');
    const before = await tensorCount(page);
    await page.evaluate(() => (document.body.innerHTML = '<rope-rotator id="r" dims="2" q="1, 0" k="0, 1" m="1" n="0" positions="8" trained="4"></rope-rotator>'));
    const r = demoHandle(page, '#r');
    await r.ready();
    // q at angle 1 rad, k at 90°: q·k = cos(1 − π/2) = sin 1
    expect(await r.prop<number>('score')).toBeCloseTo(Math.sin(1), 5);
    await page.evaluate(() => document.querySelector('#r')!.remove());
    expect(await tensorCount(page)).toBe(before);
  });

  it.each([
    ['dims="7"', /dims="7"/],
    ['positions="abc"', /positions="abc" is not valid: expected a whole number/],
    ['base="1"', /base="1" is not valid/],
    ['q="1, 2, 3"', /q has 3 numbers but dims is 16/],
    ['m="-1"', /m="-1" is not valid/],
  ])('explains %s inside the box and keeps drawing', async (attrs, message) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<rope-rotator id="bad" ${attrs}></rope-rotator>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    const text = (await bad.messages()) + (await bad.locator.evaluate((n) => n.shadowRoot?.textContent ?? ''));
    expect(text).toMatch(message);
    expect(await bad.prop<number>('score')).not.toBeNull();
    expect(h.consoleErrors).toEqual([]);
  });
});
