import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

describe('<sparse-attention-indexer>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps the top-k scored tokens and learns to keep the relevant ones', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<sparse-attention-indexer id="s" context="64" k="8"></sparse-attention-indexer>');
    const d = demoHandle(page, '#s');
    await d.ready();
    const scores = await d.prop<number[]>('scores');
    const kept = await d.prop<number[]>('kept');
    expect(scores).toHaveLength(64);
    // The kept set is exactly the 8 best scores, best first (plain-JS sort as the reference).
    const order = scores.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
    expect(kept).toEqual(order.slice(0, 8));
    expect(await d.prop<number>('saved')).toBeCloseTo(1 - 8 / 64, 10);
    expect(await d.prop<number>('heldOutRecall')).toBeLessThan(0.5);

    await d.call('train', 1); // Adam creates its moment estimates on the first step
    const tensors = await tensorCount(page);
    await d.call('train', 99);
    await d.settled();
    expect(await d.prop<number>('trainedSteps')).toBe(100);
    expect(await d.prop<number>('heldOutRecall')).toBeGreaterThanOrEqual(0.9);
    expect(await tensorCount(page)).toBe(tensors);
    expect(await d.part('.chips .chip.kept').count()).toBe(8);
    // The score is labelled for what it is: hits ÷ min(k, relevant), with the counts (not called recall).
    const legend = (await d.part('div.legend').textContent())!.replace(/\s+/g, ' ');
    expect(legend).toMatch(/hits@8 ÷ min\(8, relevant\) here: \d+ ÷ \d+ = \d\.\d\d \(\d+ relevant\)/);
    expect(legend).not.toMatch(/recall/);
    await h.screenshot('sparse-attention-indexer', d.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('updates the kept set and the work saved when k moves', async () => {
    const page = await h.mount('<sparse-attention-indexer id="k" context="32" k="4"></sparse-attention-indexer>');
    const d = demoHandle(page, '#k');
    await d.ready();
    await d.call('setK', 16);
    await page.waitForFunction(() => (document.querySelector('#k') as any).kept.length === 16);
    await d.settled();
    expect(await d.prop<number>('saved')).toBeCloseTo(0.5, 10);
    expect(await d.part('.chips .chip.kept').count()).toBe(16);
  });

  it('shows a fixed number of seeded training steps in print', async () => {
    const page = await h.mount(
      '<sparse-attention-indexer id="a" steps="40"></sparse-attention-indexer><sparse-attention-indexer id="b" steps="40"></sparse-attention-indexer>',
      { query: '?print' },
    );
    const a = demoHandle(page, '#a');
    const b = demoHandle(page, '#b');
    await a.ready();
    await b.ready();
    expect(await a.prop<number>('trainedSteps')).toBe(40);
    expect(await a.prop('scores')).toEqual(await b.prop('scores'));
  });

  it('explains bad attributes in the box and keeps working with defaults', async () => {
    h.consoleErrors.length = 0;
    const cases = [
      { attrs: 'context="4"', attribute: 'context' },
      { attrs: 'k="zero"', attribute: 'k' },
      { attrs: 'learning-rate="2"', attribute: 'learning-rate' },
    ];
    const page = await h.mount(cases.map((c, i) => `<sparse-attention-indexer id="bad${i}" ${c.attrs}></sparse-attention-indexer>`).join(''));
    for (const [i, c] of cases.entries()) {
      const d = demoHandle(page, `#bad${i}`);
      await d.ready();
      const message = await d.messages();
      expect(message).toContain(c.attribute);
      expect(message).toMatch(/expected/);
      expect(await d.prop<number[]>('kept')).toHaveLength(8);
    }
    expect(h.consoleErrors).toEqual([]);
  });
});
