import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// @ts-expect-error plain ESM build scripts without type declarations
import { compileDeck } from '../../scripts/decks.mjs';
// @ts-expect-error plain ESM build scripts without type declarations
import { withCsp } from '../../scripts/csp.mjs';
import { currentSlide, demoHandle, distDir, openBrowser, type Harness } from './harness';

/** A deck whose second slide has two fragments and a walk of 3 clicker steps, and whose third has a perceptron of 2. */
const DECK = [
  '---', 'marp: true', 'theme: lecture', '---', '',
  '# Start', '', '---', '',
  '# A walk downhill', '', '* first point', '* second point', '',
  '<loss-landscape id="walk" landscape="bowl" learning-rate="0.3" steps="10" clicker-steps="3"></loss-landscape>', '', '---', '',
  '# A rule that learns', '', '<perceptron-demo id="rule" clicker-steps="2"></perceptron-demo>', '', '---', '',
  '# Pairs', '', '<sliding-window id="pair-window" clicker-steps="2"></sliding-window>', '', '---', '',
  '# End', '',
].join('\n');

async function press(page: Page, key: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    await page.waitForTimeout(120);
  }
}

const shown = (page: Page) => demoHandle(page, '#walk').prop<number>('shown');
const fragmentsShown = (page: Page) => page.evaluate(() => document.querySelectorAll('svg.bespoke-marp-slide.bespoke-marp-active [data-bespoke-marp-fragment="active"]').length);

describe('a presenter\'s clicker in a demo', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await openBrowser();
    dir = await mkdtemp(path.join(tmpdir(), 'clicker-deck-'));
    await writeFile(path.join(dir, 'clicker.md'), DECK);
    const out = path.join(distDir(), '__clicker.html');
    await compileDeck(path.join(dir, 'clicker.md'), out);
    await writeFile(out, withCsp(await readFile(out, 'utf8')));
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the fragments, then steps the demo, then moves the slide, on PageDown', async () => {
    const page = await h.openExtra('__clicker.html#1');
    await press(page, 'PageDown');
    expect(await currentSlide(page)).toBe(2);
    const walk = demoHandle(page, '#walk');
    await walk.ready();
    expect(await shown(page)).toBe(10); // the slide opens on the whole walk
    await press(page, 'PageDown', 2);
    expect(await fragmentsShown(page)).toBe(2);
    expect(await shown(page)).toBe(10);
    for (let i = 1; i <= 3; i++) {
      await press(page, 'PageDown'); // the walk starts over and advances a step a click
      expect(await currentSlide(page)).toBe(2);
      expect(await shown(page)).toBe(i);
    }
    await press(page, 'PageDown');
    expect(await currentSlide(page)).toBe(3);
    expect(h.consoleErrors).toEqual([]);
  });

  it('undoes the steps one by one on PageUp, then hides the fragments, then moves back', async () => {
    const page = await h.openExtra('__clicker.html#1');
    await press(page, 'PageDown', 6); // to slide 2, two fragments, three steps
    expect(await shown(page)).toBe(3);
    for (const expected of [2, 1, 10]) {
      await press(page, 'PageUp'); // back to exactly what was shown before each step
      expect(await shown(page)).toBe(expected);
    }
    await press(page, 'PageUp');
    expect(await currentSlide(page)).toBe(2);
    expect(await fragmentsShown(page)).toBe(1);
    await press(page, 'PageUp', 2);
    expect(await currentSlide(page)).toBe(1);
  });

  it('restores exactly the state before each step: the perceptron\'s weights come back', async () => {
    const page = await h.openExtra('__clicker.html#3');
    const rule = demoHandle(page, '#rule');
    await rule.ready();
    const before = await rule.prop<number[]>('weights');
    await press(page, 'ArrowRight', 2);
    expect(await currentSlide(page)).toBe(3);
    const after = await rule.prop<number[]>('weights');
    await press(page, 'ArrowLeft', 2);
    expect(await rule.prop<number[]>('weights')).toEqual(before);
    expect(after).not.toEqual(before);
    await press(page, 'ArrowLeft');
    expect(await currentSlide(page)).toBe(2);
  });

  it.each([
    ['#pair-window', 4, 'selected'],
  ])('steps %s on slide %i (its %s moves by one a click)', async (selector, slide, prop) => {
    const page = await h.openExtra(`__clicker.html#${slide}`);
    const demo = demoHandle(page, selector);
    await demo.ready();
    const first = await demo.prop<number>(prop);
    await press(page, 'PageDown');
    expect(await demo.prop<number>(prop)).not.toBe(first);
    await press(page, 'PageDown');
    await press(page, 'PageDown');
    expect(await currentSlide(page)).toBe(slide + 1);
    await press(page, 'PageUp', 3);
    expect(await currentSlide(page)).toBe(slide);
    expect(await demo.prop<number>(prop)).toBe(first);
    await page.close();
  });

  it('leaves keys typed inside a demo to the demo', async () => {
    const page = await h.openExtra('__clicker.html#3');
    const rule = demoHandle(page, '#rule');
    await rule.ready();
    await rule.part('button').first().focus();
    const before = await rule.prop<number[]>('weights');
    await press(page, 'PageDown');
    expect(await currentSlide(page)).toBe(3);
    expect(await rule.prop<number[]>('weights')).toEqual(before);
  });

  it('keeps a second window of the deck (presenter and audience) in step', async () => {
    const presenter = await h.openExtra('__clicker.html#2');
    const audience = await h.openExtra('__clicker.html#2');
    await demoHandle(presenter, '#walk').ready();
    await demoHandle(audience, '#walk').ready();
    await presenter.bringToFront();
    await press(presenter, 'PageDown', 4); // two fragments, two steps
    await audience.waitForFunction(() => (document.querySelector('#walk') as any).shown === 2, undefined, { timeout: 5000 });
    expect(await shown(audience)).toBe(2);
    await audience.close();
  });
});
