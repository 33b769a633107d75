import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSlide, demoHandle, goToSlide, openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';
import { expectFiveBeats, seriesSlides } from './series-deck';

const DECK = 'field-rhymes/act-1-apparatus.html';

/**
 * Walks every slide of The Field Rhymes, Act I: each demo on a slide is a
 * defined element that becomes ready, nothing sticks out of the 1280×720
 * slide, no slide logs an error or fetches from the network; the three
 * chapters each open on a title slide and run their five beats in order.
 */
describe('The Field Rhymes, Act I, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, no overflow, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'problems', prefix: 'field-rhymes-act-1', readyTimeout: 45_000 });
    expect(walk.slides).toBeGreaterThan(20);
    expect(walk.problems).toEqual([]);
    expect(h.externalRequests).toEqual([]);
    for (const tag of ['optimizer-race', 'bpe-tokenizer', 'softmax-temperature']) expect(walk.tags.has(tag), tag).toBe(true);
    const chapters = walk.titles.filter((t) => /^Chapter \d · /.test(t));
    expect(chapters).toEqual(['Chapter 1 · How a Network Learns', 'Chapter 2 · How a Network Reads', 'Chapter 3 · How a Network Speaks']);
  }, 600_000);

  it('runs the five beats in order in every chapter and ends each on "nobody mentions"', async () => {
    expectFiveBeats(await seriesSlides(await h.open(DECK)), 1, 3);
  });

  it('shows the race\'s numbers on its slide and keeps arrow keys inside the demo', async () => {
    h.consoleErrors.length = 0;
    const page = await h.open(DECK);
    const n = await page.evaluate(() => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector('optimizer-race')) + 1);
    await goToSlide(page, n);
    const race = demoHandle(page, '#race');
    await race.ready();
    expect(await race.prop('step')).toBe(50);
    const losses = await race.prop<{ sgd: number; momentum: number; adam: number }>('losses');
    // The numbers the speaker notes quote.
    expect(losses.sgd.toPrecision(3)).toBe('0.448');
    expect(losses.momentum.toPrecision(3)).toBe('0.00522');
    expect(losses.adam.toExponential(1)).toBe('1.2e-4');
    await race.part('input[aria-label="β₁"]').focus();
    await page.keyboard.press('ArrowRight');
    await race.settled();
    expect((await race.prop<{ beta1: number }>('settings')).beta1).toBeCloseTo(0.91, 6);
    expect(await currentSlide(page)).toBe(n);
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((k) => location.hash === `#${k}`, n + 1);
    expect(h.consoleErrors).toEqual([]);
  });

  it('shows on the tokenizer and softmax slides the numbers the speaker notes quote', async () => {
    const page = await h.open(DECK);
    const slideOf = (sel: string) => page.evaluate((q) => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector(q)) + 1, sel);

    await goToSlide(page, await slideOf('#bpe-compare'));
    const bpe = demoHandle(page, '#bpe-compare');
    await bpe.ready();
    expect(await bpe.part('.tpw.big').allTextContents()).toEqual(['2.13', '4.50', '4.67', '1.83']);

    await goToSlide(page, await slideOf('#speak'));
    const speak = demoHandle(page, '#speak');
    await speak.ready();
    expect((await speak.prop<string[]>('labelsShown')).slice(0, 4)).toEqual(['end', 'n', 'r', 'l']);
    expect((await speak.prop<number[]>('probabilities')).slice(0, 4).map((p) => `${Math.round(p * 100)}%`)).toEqual(['27%', '17%', '16%', '9%']);
    expect((await speak.prop<number[]>('probabilities'))[0]).toBeCloseTo(0.272, 3);
    const e = await speak.prop<{ nats: number; effectiveChoices: number }>('entropy');
    expect(e.nats.toFixed(3)).toBe('2.395');
    expect(Math.round(e.effectiveChoices)).toBe(11);
  });
});
