import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, smallestText, tensorCount, type Harness } from './harness';

const REWARDS = [0.8, 1, 0.1, -0.5, -0.5, 0.5, -0.8, -0.3, -0.7, 0.7];
const REFERENCE = [0.14, 0.04, 0.2, 0.14, 0.1, 0.04, 0.08, 0.08, 0.08, 0.1];
const expected = (p: number[]) => p.reduce((s, v, i) => s + v * REWARDS[i]!, 0);
const klRef = (p: number[]) => p.reduce((s, v, i) => s + (v > 0 ? v * Math.log(v / REFERENCE[i]!) : 0), 0);

describe('<policy-bandit>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(['ppo', 'dpo', 'grpo'] as const)('opens %s on a trained state (200 seeded steps) that fits the slide, in print too', async (mode) => {
    h.consoleErrors.length = 0;
    for (const query of ['', '?print']) {
      const page = await h.mount(`<div class="slide-box"><policy-bandit id="b" mode="${mode}"></policy-bandit></div>`, { query });
      await page.addStyleTag({ content: '.slide-box { width: 1180px; } .slide-box policy-bandit { font-size: 24px; }' });
      const d = demoHandle(page, '#b');
      await d.ready();
      expect(await d.prop('currentMode')).toBe(mode);
      expect(await d.prop('step')).toBe(200);
      const policy = await d.prop<number[]>('policy');
      expect(policy).toHaveLength(10);
      expect(policy.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
      const er = await d.prop<number>('expectedReward');
      expect(er).toBeCloseTo(expected(policy), 4);
      expect(await d.prop<number>('kl')).toBeCloseTo(klRef(policy), 3);
      const star = await d.prop<{ expectedReward: number; kl: number }>('targetSummary');
      expect(er).toBeGreaterThan(expected(REFERENCE) + 0.5);
      if (mode === 'grpo') expect(er).toBeGreaterThan(star.expectedReward); // ÷std ends sharper than π*
      else expect(await d.prop<number>('distance')).toBeLessThan(0.08);
      expect(await d.part('rect.policy-bar').count()).toBe(10);
      expect(await d.part('rect.reference-bar').count()).toBe(10);
      expect(await d.part('path.target-mark').count()).toBe(10);
      expect(await d.part('text.reward').first().textContent()).toBe('+0.8');
      expect(await d.part('.expected-reward').textContent()).toBe(er.toFixed(2));
      expect(await d.part(`button.mode-${mode}`).getAttribute('aria-pressed')).toBe('true');
      await h.screenshot(`policy-bandit-${mode}${query ? '-still' : ''}`, d.locator);
      const box = (await d.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(470);
      const small = await smallestText(d.locator);
      expect(small.px, small.text).toBeGreaterThanOrEqual(16);
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it.each(['ppo', 'dpo', 'grpo'] as const)('%s trains from π_ref: expected reward rises, no tensor is left behind between steps', async (mode) => {
    const page = await h.mount(`<policy-bandit id="b" mode="${mode}"></policy-bandit>`);
    const d = demoHandle(page, '#b');
    await d.ready();
    await d.call('reset');
    expect(await d.prop('step')).toBe(0);
    const start = await d.prop<number>('expectedReward');
    expect(start).toBeCloseTo(expected(REFERENCE), 4);
    expect(await d.prop<number>('kl')).toBeCloseTo(0, 5);
    expect(await d.call<number>('train', 20)).toBe(20);
    const during = await tensorCount(page);
    expect(await d.call<number>('train', 40)).toBe(60);
    expect(await tensorCount(page)).toBe(during);
    expect(await d.prop<number>('expectedReward')).toBeGreaterThan(start + 0.3);
  });

  it('keeps KL(π‖π_ref) small with a large β, and β moves the target', async () => {
    const page = await h.mount('<policy-bandit id="b" beta="2"></policy-bandit>');
    const d = demoHandle(page, '#b');
    await d.ready();
    expect(await d.prop<number>('kl')).toBeLessThan(0.12);
    const star = await d.prop<{ kl: number }>('targetSummary');
    expect(star.kl).toBeLessThan(0.1);
    await d.call('train', 100);
    expect(await d.prop<number>('kl')).toBeLessThan(0.12);
    const before = await d.prop<number[]>('target');
    await d.call('setKnob', 'beta', 0.1);
    const after = await d.prop<number[]>('target');
    expect(Math.max(...after)).toBeGreaterThan(Math.max(...before) + 0.2);
  });

  it('trains live with the buttons: a mode button starts that rule from π_ref, pause stops, step is one update; frees every tensor when removed', async () => {
    const page = await h.mount('<div id="host"></div>');
    const baseline = await tensorCount(page);
    await page.evaluate(() => {
      document.querySelector('#host')!.innerHTML = '<policy-bandit id="b"></policy-bandit>';
    });
    const d = demoHandle(page, '#b');
    await d.ready();
    await d.part('button.mode-dpo').click();
    await page.waitForFunction(() => (document.querySelector('#b') as any).currentMode === 'dpo' && (document.querySelector('#b') as any).step >= 10, undefined, { timeout: 30_000 });
    expect(await d.prop('playing')).toBe(true);
    await d.part('button.play').click(); // pause
    expect(await d.prop('playing')).toBe(false);
    await page.waitForTimeout(100);
    const step = await d.prop<number>('step');
    await d.part('button.step').click();
    await page.waitForFunction((s) => (document.querySelector('#b') as any).step === s + 1, step, { timeout: 10_000 });
    await d.part('button.mode-grpo').click();
    await expect.poll(() => d.part('button.std').count()).toBe(1);
    await expect.poll(() => d.part('input.group-size').count()).toBe(1);
    await d.call('pause');
    await d.part('button.std').click();
    expect((await d.prop<{ normalizeStd: boolean }>('knobs')).normalizeStd).toBe(false);
    await d.part('button.reset').click();
    await expect.poll(() => d.prop('step')).toBe(0);
    await page.evaluate(() => document.querySelector('#b')!.remove());
    expect(await tensorCount(page)).toBe(baseline);
  }, 120_000);

  it('takes one update per clicker step and undoes it going back', async () => {
    const page = await h.mount('<policy-bandit id="b" clicker-steps="2"></policy-bandit>');
    const d = demoHandle(page, '#b');
    await d.ready();
    const before = await d.prop<number[]>('policy');
    expect(await d.call('clickerForward')).toBe(true);
    await expect.poll(() => d.prop('step')).toBe(201);
    expect(await d.prop<number[]>('policy')).not.toEqual(before);
    expect(await d.call('clickerBack')).toBe(true);
    await expect.poll(() => d.prop('step')).toBe(200);
    (await d.prop<number[]>('policy')).forEach((v, i) => expect(v).toBeCloseTo(before[i]!, 6));
  });

  it('mirrors another window: applying its sync state shows the same mode, knobs and policy', async () => {
    const page = await h.mount('<policy-bandit id="a" mode="grpo"></policy-bandit><policy-bandit id="b"></policy-bandit>');
    const a = demoHandle(page, '#a');
    const b = demoHandle(page, '#b');
    await a.ready();
    await b.ready();
    await a.call('setKnob', 'groupSize', 4);
    await a.call('train', 3);
    await page.evaluate(() => {
      const [x, y] = ['#a', '#b'].map((s) => document.querySelector(s) as any);
      y.applySyncState(JSON.parse(JSON.stringify(x.getSyncState())));
    });
    await expect.poll(() => b.prop('step')).toBe(203);
    expect(await b.prop('currentMode')).toBe('grpo');
    expect((await b.prop<{ groupSize: number }>('knobs')).groupSize).toBe(4);
    expect(await b.prop('policy')).toEqual(await a.prop('policy'));
    await page.evaluate(() => (document.querySelector('#b') as any).applySyncState({ mode: 'rlhf', state: { theta: [1] } }));
    expect(await b.prop('step')).toBe(203); // a malformed state is ignored
  });

  it('labels its controls', async () => {
    const page = await h.mount('<policy-bandit id="b" mode="grpo"></policy-bandit>');
    const d = demoHandle(page, '#b');
    await d.ready();
    const names = await d.locator.evaluate((el) => [...el.shadowRoot!.querySelectorAll('button, input')].map((n) => (n.getAttribute('aria-label') ?? n.textContent ?? '').trim()));
    expect(names).toEqual(['PPO', 'DPO', 'GRPO', '▶ train', 'step', '↺ reset to πref', '÷ std: on', 'clip range epsilon', 'KL strength beta', 'learning rate (log scale)', 'group size G']);
  });

  it.each([
    { attrs: 'mode="sft"', attribute: 'mode' },
    { attrs: 'rewards="1, 2"', attribute: 'rewards' },
    { attrs: 'responses="yes, no, maybe"', attribute: 'rewards' },
    { attrs: 'responses="only one"', attribute: 'responses' },
    { attrs: 'reference="0.5, 0.5"', attribute: 'reference' },
    { attrs: 'reference="1, 0, 1, 1, 1, 1, 1, 1, 1, 1"', attribute: 'reference' },
    { attrs: 'rewards="a, b"', attribute: 'rewards' },
    { attrs: 'rewards="20, 0, 0, 0, 0, 0, 0, 0, 0, 0"', attribute: 'rewards' },
    { attrs: 'epsilon="2"', attribute: 'epsilon' },
    { attrs: 'beta="0"', attribute: 'beta' },
    { attrs: 'learning-rate="fast"', attribute: 'learning-rate' },
    { attrs: 'group-size="1"', attribute: 'group-size' },
    { attrs: 'normalize-std="maybe"', attribute: 'normalize-std' },
  ])('explains $attrs inside the box and shows the default problem', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<policy-bandit id="bad" ${attrs}></policy-bandit>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(`${attribute}=`);
    expect(message).toMatch(/expected/);
    expect(await d.prop<string[]>('responseLabels')).toHaveLength(10);
    expect(await d.prop('step')).toBe(200);
    expect(h.consoleErrors).toEqual([]);
  });

  it('takes its own answers, rewards and reference', async () => {
    const page = await h.mount('<policy-bandit id="b" responses="yes, no, maybe" rewards="1, -1, 0" reference="0.2, 0.5, 0.3" mode="dpo"></policy-bandit>');
    const d = demoHandle(page, '#b');
    await d.ready();
    expect(await d.messages()).toBe('');
    expect(await d.prop('responseLabels')).toEqual(['yes', 'no', 'maybe']);
    expect((await d.prop<number[]>('referencePolicy')).map((v) => +v.toFixed(3))).toEqual([0.2, 0.5, 0.3]);
    const target = await d.prop<number[]>('target');
    const w = [0.2 * Math.exp(1 / 0.3), 0.5 * Math.exp(-1 / 0.3), 0.3];
    target.forEach((v, i) => expect(v).toBeCloseTo(w[i]! / (w[0]! + w[1]! + w[2]!), 4));
    expect(await d.prop<number>('distance')).toBeLessThan(0.05);
  });
});
