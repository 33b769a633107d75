import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';

const DECK = 'next-token-prediction.html';

/** Every demo tag the deck is written against (each must be a defined element). */
const EXPECTED_DEMOS = [
  'sliding-window', 'bigram-table', 'embedding-arithmetic', 'mlp-trainer', 'cross-entropy',
  'vanishing-gradient', 'attention-grid', 'bpe-tokenizer', 'positional-encoding',
  'softmax-temperature', 'sampling-tree',
];

describe('the Next Token Prediction deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, nothing overflowing, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'problems', readyTimeout: 45_000 });
    expect(walk.slides).toBeGreaterThan(80);
    expect(walk.problems).toEqual([]);
    expect([...walk.tags].filter((t) => EXPECTED_DEMOS.includes(t)).sort()).toEqual([...EXPECTED_DEMOS].sort());
    expect(h.externalRequests).toEqual([]);
  }, 600_000);
});
