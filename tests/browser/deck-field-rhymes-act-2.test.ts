import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';

const DECK = 'field-rhymes/act-2-routing.html';

/**
 * Walks every slide of The Field Rhymes, Act II (chapters 4–10): each demo on
 * the slide is a defined element that becomes ready, nothing sticks out of
 * the 1280×720 slide, and no slide logs an error or fetches from the network.
 */
describe('The Field Rhymes, Act II deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, no overflow, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'problems', readyTimeout: 60_000 });
    expect(walk.slides).toBeGreaterThan(45);
    expect(walk.problems).toEqual([]);
    expect(h.externalRequests).toEqual([]);
    // The act's demos are all there: recurrence, attention modes, positions, depth, the block's cost.
    for (const tag of ['rnn-recall', 'attention-grid', 'positional-encoding', 'rope-rotator', 'residual-highway', 'model-calculator']) {
      expect(walk.tags.has(tag), tag).toBe(true);
    }
    // Seven chapter title slides, in order.
    const chapters = walk.titles.filter((t) => /^Chapter \d+ · /.test(t)).map((t) => Number(/\d+/.exec(t)![0]));
    expect(chapters).toEqual([4, 5, 6, 7, 8, 9, 10]);
  }, 900_000);
});
