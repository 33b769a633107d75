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

  it('takes the built-in "I love to eat" table for that prompt: the slides\' distribution first, greedy "pizza tonight."', async () => {
    const page = await h.mount(`<sampling-tree id="eat" prompt="I love to eat" runs="3"></sampling-tree>
      <sampling-tree id="eat-cold" prompt="I love to eat" temperature="0" runs="2"></sampling-tree>`);
    const [eat, cold] = ['#eat', '#eat-cold'].map((s) => demoHandle(page, s));
    for (const d of [eat, cold]) await d!.ready();
    const first = await eat!.prop<{ token: string; p: number }[]>('firstBranches');
    expect(first.map((b) => b.token)).toEqual(['pizza', 'pasta', 'shoes', 'clouds', 'dreams', 'hope']);
    first.forEach((b, i) => expect(b.p).toBeCloseTo([0.4, 0.3, 0.1, 0.08, 0.07, 0.05][i]!, 6));
    for (const r of await eat!.prop<Run[]>('paths')) expect(r.text.startsWith('I love to eat ')).toBe(true);
    // greedy: pizza 0.40, then tonight 0.35, then "." 0.70
    expect((await cold!.prop<Run[]>('paths')).map((r) => r.text)).toEqual(['I love to eat pizza tonight.', 'I love to eat pizza tonight.']);
  });

  it('draws the tree at slide size with no text under 16 px and no branch crossing a label', async () => {
    const page = await h.mount('<sampling-tree id="big" prompt="I love to eat" runs="8"></sampling-tree>');
    const big = demoHandle(page, '#big');
    await big.ready();
    await big.settled();
    const report = await big.locator.evaluate((host) => {
      const svg = host.shadowRoot!.querySelector('svg.tree') as SVGSVGElement;
      const texts = [...svg.querySelectorAll('text, tspan')] as SVGTextContentElement[];
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const smallest = Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
      // every label (token text and probability pill) as a box in viewBox units
      const boxes = [...svg.querySelectorAll('g.node text, g.node rect, text')].map((el) => (el as SVGGraphicsElement).getBBox());
      let crossings = 0;
      const lines = [...svg.querySelectorAll('path, line')] as SVGGeometryElement[];
      for (const line of lines) {
        const len = line.getTotalLength();
        for (let d = 0; d <= len; d += 2) {
          const pt = line.getPointAtLength(d);
          if (boxes.some((b) => pt.x > b.x + 1 && pt.x < b.x + b.width - 1 && pt.y > b.y + 1 && pt.y < b.y + b.height - 1)) crossings++;
        }
      }
      return { smallest, crossings, lines: lines.length };
    });
    expect(report.lines).toBeGreaterThan(6);
    expect(report.smallest).toBeGreaterThanOrEqual(16 - 1e-3); // px, up to sub-pixel layout
    expect(report.crossings).toBe(0);
    await h.screenshot('sampling-tree-eat', big.locator);
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
