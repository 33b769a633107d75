import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, type Harness } from './harness';

interface Pt { x: [number, number]; y: 0 | 1 }
interface Upd { point: Pt; yHat: number; error: number; before: number[]; delta: number[]; after: number[] }

const splits = (w: number[], pts: Pt[], bias: boolean) =>
  pts.every((p) => (w[0] * p.x[0] + w[1] * p.x[1] + (bias ? w[2] : 0) > 0 ? 1 : 0) === p.y);

describe('<perceptron-demo>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('applies w ← w + η·(y − ŷ)·x per example and splits the classes epoch by epoch', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<perceptron-demo id="p" points="30"></perceptron-demo>');
    const d = demoHandle(page, '#p');
    await d.ready();
    expect(await d.prop('epochMistakes')).toEqual([]);
    // w is the two input weights and b the bias, shown apart as in the rule.
    expect(await d.part('.numbers').textContent()).toMatch(/w = \(−?\d\.\d\d, −?\d\.\d\d\), b = −?\d\.\d\d/);
    for (let i = 0; i < 5; i++) {
      await d.part('button:has-text("+1 example")').click();
      const u = await d.prop<Upd>('lastUpdate');
      const x = [u.point.x[0], u.point.x[1], 1];
      const err = u.point.y - u.yHat;
      expect(u.error).toBe(err);
      u.after.forEach((v, j) => expect(v).toBeCloseTo(u.before[j] + err * x[j], 10));
    }
    for (let e = 0; e < 40 && !(await d.prop<boolean>('converged')); e++) await d.call('runEpoch');
    expect(await d.prop('converged')).toBe(true);
    const mistakes = await d.prop<number[]>('epochMistakes');
    expect(mistakes.at(-1)).toBe(0);
    expect(mistakes[0]).toBeGreaterThan(0);
    expect(splits(await d.prop<number[]>('weights'), await d.prop<Pt[]>('data'), true)).toBe(true);
    expect(await d.part('.epochs').textContent()).toContain('no mistake');
    await h.screenshot('perceptron-demo', d.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('never clears an epoch without the bias on offset classes, and says why', async () => {
    const page = await h.mount('<perceptron-demo id="nb" bias="off" epochs="8"></perceptron-demo>');
    const d = demoHandle(page, '#nb');
    await d.ready();
    const mistakes = await d.prop<number[]>('epochMistakes');
    expect(mistakes).toHaveLength(8);
    expect(Math.min(...mistakes)).toBeGreaterThan(0);
    expect((await d.prop<number[]>('weights'))[2]).toBe(0);
    expect(await d.prop('lastUpdate')).not.toBeNull(); // the pre-run epochs show their last example
    expect(await d.part('.stuck').textContent()).toContain('(0, 0)');
    await h.screenshot('perceptron-demo-no-bias', d.locator);
  });

  it('reads as a finished run on a printed page, not as one still running', async () => {
    const page = await h.mount('<perceptron-demo id="pr" bias="off"></perceptron-demo>', { query: '?print' });
    const d = demoHandle(page, '#pr');
    await d.ready();
    const text = await d.part('.epochs').textContent();
    expect(text).toMatch(/Misclassified after \d+ epochs: \d+ \(the printed page stops here\)/);
    expect(text).not.toContain('running');
  });

  it('adds a point of the chosen class where the lecturer clicks', async () => {
    const page = await h.mount('<perceptron-demo id="c" layout="centred" points="10"></perceptron-demo>');
    const d = demoHandle(page, '#c');
    await d.ready();
    await d.part('button:has-text("class 0")').click();
    const box = (await d.part('svg.plot').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.3);
    await page.waitForFunction(() => (document.querySelector('#c') as any).data.length === 11);
    const added = (await d.prop<Pt[]>('data')).at(-1)!;
    expect(added.y).toBe(0);
    expect(added.x[0]).toBeGreaterThan(0.5);
    expect(added.x[1]).toBeGreaterThan(0.5);
  });

  it('explains bad attributes in the box and keeps working with defaults', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'bias="maybe"', attribute: 'bias' },
      { attrs: 'layout="diagonal"', attribute: 'layout' },
      { attrs: 'points="1"', attribute: 'points' },
      { attrs: 'learning-rate="-1"', attribute: 'learning-rate' },
    ];
    const page = await h.mount(cases.map((c, i) => `<perceptron-demo id="bad${i}" ${c.attrs}></perceptron-demo>`).join(''));
    for (const [i, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${i}`);
      await d.ready();
      const message = await d.messages();
      expect(message).toContain(c.attribute);
      expect(message).toMatch(/expected/);
      expect((await d.prop<Pt[]>('data')).length).toBe(30);
    }
    expect(h.consoleErrors).toEqual([]);
  });
});
