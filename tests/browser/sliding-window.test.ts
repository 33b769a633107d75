import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

interface Pair { word: string; position: number; context: string[]; target: string }

describe('<sliding-window>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the six pairs of "aabid" with context 3 and the X/Y tensor shapes', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<sliding-window id="w" text="aabid" context="3"></sliding-window>');
    const d = demoHandle(page, '#w');
    await d.ready();
    const pairs = await d.prop<Pair[]>('pairs');
    expect(pairs.map((p) => `${p.context.join('')}>${p.target}`)).toEqual(['...>a', '..a>a', '.aa>b', 'aab>i', 'abi>d', 'bid>.']);
    expect(await d.prop('shape')).toEqual([6, 3]);
    expect(await d.part('.chip').count()).toBe(6);
    await h.screenshot('sliding-window-aabid', d.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('counts P(a | .) = 1/4 over aabid, priya, zeel, nipun when ". → a" is clicked', async () => {
    const page = await h.mount('<sliding-window id="w" text="aabid priya zeel nipun" context="1"></sliding-window>');
    const d = demoHandle(page, '#w');
    await d.ready();
    expect(await d.part('.chip').count()).toBe(23);
    await d.part('.chip').first().click();
    expect(await d.prop('probability')).toBeCloseTo(0.25, 12);
    await expect.poll(() => d.part('.stats').textContent()).toContain('1/4 = 0.25');
    await h.screenshot('sliding-window-bigrams', d.locator);
  });

  it('rebuilds the pairs when the audience types a word and moves the context slider', async () => {
    const page = await h.mount('<sliding-window id="w" text="aabid" context="3"></sliding-window>');
    const d = demoHandle(page, '#w');
    await d.ready();
    const tensorsBefore = await tensorCount(page);
    await d.part('input[type=text]').fill('zeel');
    await d.part('input[type=text]').press('Enter');
    await d.part('input[type=range]').focus();
    await page.keyboard.press('ArrowLeft'); // context 3 → 2
    await d.settled();
    const pairs = await d.prop<Pair[]>('pairs');
    expect(pairs.map((p) => `${p.context.join('')}>${p.target}`)).toEqual(['..>z', '.z>e', 'ze>e', 'ee>l', 'el>.']);
    await expect.poll(() => d.prop('shape')).toEqual([5, 2]);
    expect(await tensorCount(page)).toBe(tensorsBefore); // the id tensors are disposed
  });

  it('keeps the last words and says what it expects when the typed text is empty', async () => {
    const page = await h.mount('<sliding-window id="w" text="aabid"></sliding-window>');
    const d = demoHandle(page, '#w');
    await d.ready();
    await d.part('input[type=text]').fill('   ');
    await d.part('input[type=text]').press('Enter');
    await expect.poll(() => d.part('.hint').textContent()).toMatch(/words/);
    expect(await d.prop<Pair[]>('pairs')).toHaveLength(6);
  });

  it.each([
    { attrs: 'text=""', attribute: 'text' },
    { attrs: 'text="a.b"', attribute: 'text' },
    { attrs: 'context="0"', attribute: 'context' },
    { attrs: 'context="two"', attribute: 'context' },
  ])('explains $attrs in the box and falls back to the defaults', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<sliding-window id="bad" ${attrs}></sliding-window>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(/expected/);
    expect(await d.prop<Pair[]>('pairs')).toHaveLength(6); // "aabid", context 3
    expect(h.consoleErrors).toEqual([]);
  });

  it('caps a huge context with a note', async () => {
    const page = await h.mount('<sliding-window id="big" text="ab" context="50"></sliding-window>');
    const d = demoHandle(page, '#big');
    await d.ready();
    expect(await d.messages()).toMatch(/capped at 8/);
    expect((await d.prop<Pair[]>('pairs'))[0].context).toHaveLength(8);
  });
});
