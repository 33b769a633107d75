import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, type Harness } from './harness';

type Run = { text: string; probability: number; tokens: string[] };

describe('<sampling-tree>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('branches on the table probabilities, and each new run can take another path', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<sampling-tree id="tree"></sampling-tree>');
    const tree = demoHandle(page, '#tree');
    await tree.ready();
    const first = await tree.prop<{ token: string; p: number }[]>('firstBranches');
    expect(first.map((b) => b.token)).toEqual(['mat', 'floor', 'sofa', 'roof', 'keyboard']);
    first.forEach((b, i) => expect(b.p).toBeCloseTo([0.45, 0.25, 0.15, 0.1, 0.05][i]!, 4));
    expect(await tree.prop<Run[]>('paths')).toHaveLength(3);

    await tree.part('button:has-text("sample 5")').click();
    await page.waitForFunction(() => (document.querySelector('#tree') as any).paths.length === 8);
    const runs = await tree.prop<Run[]>('paths');
    expect(new Set(runs.map((r) => r.text)).size).toBeGreaterThan(1);
    for (const r of runs) expect(r.text.startsWith('The cat sat on the ')).toBe(true);
    await tree.settled();
    await h.screenshot('sampling-tree', tree.locator);
    expect(h.consoleErrors).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  });

  it('replays the same runs for the same seed, and at T = 0 every run is the greedy one', async () => {
    const page = await h.mount(`<sampling-tree id="a" seed="5" runs="6"></sampling-tree>
      <sampling-tree id="b" seed="5" runs="6"></sampling-tree>
      <sampling-tree id="cold" temperature="0" runs="4"></sampling-tree>`);
    const [a, b, cold] = ['#a', '#b', '#cold'].map((s) => demoHandle(page, s));
    for (const d of [a, b, cold]) await d!.ready();
    expect(await a!.prop('paths')).toEqual(await b!.prop('paths'));
    const greedy = await cold!.prop<Run[]>('paths');
    expect(greedy.map((r) => r.text)).toEqual(Array(4).fill('The cat sat on the mat.'));
    expect(greedy.every((r) => r.probability === 1)).toBe(true);
    await h.screenshot('sampling-tree-greedy', cold!.locator);
  });

  it('uses an author table given as JSON', async () => {
    const page = await h.mount(`<sampling-tree id="t" prompt="I love to eat" runs="2"
      table='{"I love to eat": {"pizza": 0.4, "pasta": 0.3, "shoes": 0.1}, "pizza": {".": 1}, "pasta": {".": 1}, "shoes": {"!": 1}}'></sampling-tree>`);
    const t = demoHandle(page, '#t');
    await t.ready();
    const first = await t.prop<{ token: string; p: number }[]>('firstBranches');
    expect(first.map((x) => x.token)).toEqual(['pizza', 'pasta', 'shoes']);
    expect(first[0]!.p).toBeCloseTo(0.5, 4);
  });

  it.each([
    [`table='{"mat": {"and": -1}}'`, /table: context "mat", token "and": probability must be a number > 0/],
    [`table='{"mat": '`, /table: the table is not valid JSON/],
    ['prompt="Colourless green ideas"', /prompt="Colourless green ideas": no table entry matches/],
    ['temperature="hot"', /temperature="hot" is not valid: expected a number from 0 to 3/],
  ])('explains %s inside the box', async (attrs, message) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<sampling-tree id="bad" ${attrs}></sampling-tree>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    const text = await bad.locator.evaluate((n) => n.shadowRoot?.querySelector('.messages')?.textContent ?? '');
    expect(text).toMatch(message);
    expect(h.consoleErrors).toEqual([]);
  });
});
