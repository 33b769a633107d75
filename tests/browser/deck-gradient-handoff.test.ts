import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';

const DECK = 'gradient-handoff.html';

/** Every demo tag the deck is written against (each must be a defined element). */
const EXPECTED_DEMOS = [
  'sir-model', 'polynomial-fit', 'knob-network', 'loss-landscape', 'conv-features',
  'attention-grid', 'perceptron-demo', 'sparse-attention-indexer',
];

/** The twelve section openers, in the order of the lecture. */
const SECTIONS = [
  'One · the question', 'Two · the first way', 'Three · the second way', 'Four · the flexible shape',
  'Five · the engine', 'Six · the move', 'Seven · the move, in vision', 'Eight · the move, in language',
  'Nine · the pattern', 'Ten · the road not taken', 'Eleven · the frontier', 'Twelve · the verdict',
];

describe('the Gradient Handoff deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, nothing overflowing, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'every' });
    expect(walk.slides).toBeGreaterThan(30);
    expect(walk.problems).toEqual([]);
    // The twelve sections, in the lecture's order.
    const order = SECTIONS.map((s) => walk.titles.findIndex((t) => t.startsWith(s)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect([...walk.tags].filter((t) => EXPECTED_DEMOS.includes(t)).sort()).toEqual([...EXPECTED_DEMOS].sort());
    expect(h.externalRequests).toEqual([]);
  }, 900_000);
});
