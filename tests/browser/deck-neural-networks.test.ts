import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';

const DECK = 'neural-networks.html';

/**
 * Walks every slide of the Neural Networks & Transformers deck: each demo on
 * the slide is a defined element that becomes ready, nothing sticks out of
 * the 1280×720 slide, and no slide logs an error or fetches from the network.
 */
describe('the neural-networks deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, no overflow, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'problems', readyTimeout: 45_000 });
    expect(walk.slides).toBeGreaterThan(60);
    expect(walk.problems).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  }, 600_000);
});
