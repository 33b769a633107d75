import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpolateViridis } from 'd3-scale-chromatic';
import { demoHandle, openBrowser, tensorCount, type Harness } from './harness';

const CAT_SAT = '0.5 0.2 0.1 0.05 0.1 0.05; 0.1 0.5 0.2 0.05 0.1 0.05; 0.1 0.3 0.3 0.1 0.1 0.1; 0.1 0.1 0.2 0.3 0.2 0.1; 0.2 0.1 0.1 0.1 0.3 0.2; 0.1 0.2 0.1 0.05 0.2 0.35';
const ANIMAL = "the animal didn't cross the street because it was tired";

/** Independent check: softmax(x·W_Q (x·W_K)ᵀ/√d) can't be redone here without the seeded W, so test the invariants. */
function expectRowStochastic(w: number[][], n: number) {
  expect(w).toHaveLength(n);
  for (const row of w) {
    expect(row).toHaveLength(n);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    row.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
  }
}

describe('<attention-grid>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows the seed deck\'s "The cat sat on the mat" table as given, and masks it causally on request', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<attention-grid id="cat" tokens="The, cat, sat, on, the, mat" weights="${CAT_SAT}"></attention-grid>`);
    const grid = demoHandle(page, '#cat');
    await grid.ready();
    const w = await grid.prop<number[][]>('weights');
    expectRowStochastic(w, 6);
    expect(w[2]).toEqual([0.1, 0.3, 0.3, 0.1, 0.1, 0.1].map((v) => expect.closeTo(v, 6)));
    expect(await grid.prop('tokensShown')).toEqual(['The', 'cat', 'sat', 'on', 'the', 'mat']);

    // Hover shows the value; clicking a row label opens its mix of value vectors.
    await grid.heatmapCell(2, 1).hover();
    expect(await grid.part('.hover').textContent()).toMatch(/sat → cat:\s*weight 0\.300/);
    await grid.part('text.row-label[data-row="2"]').click();
    expect(await grid.prop('selectedRow')).toBe(2);
    expect(await grid.part('.panel h4').textContent()).toContain('sat');
    await h.screenshot('attention-grid-cat-sat', grid.locator);

    await grid.part('button:text("causal mask")').click();
    await grid.settled();
    const masked = await grid.prop<number[][]>('weights');
    expectRowStochastic(masked, 6);
    masked.forEach((row, i) => row.forEach((v, j) => (j > i ? expect(v).toBe(0) : null)));
    // Row "sat" keeps The, cat, sat in the ratio 0.1 : 0.3 : 0.3.
    expect(masked[2]!.slice(0, 3).map((v) => v / masked[2]![0]!)).toEqual([1, expect.closeTo(3, 5), expect.closeTo(3, 5)]);
    expect(await grid.maskedCells()).toBe(15);
    expect(h.consoleErrors).toEqual([]);
  });

  it('paints each cell in the viridis colour of its weight, masked cells hatched, and a click opens the row', async () => {
    const page = await h.mount(`<attention-grid id="paint" tokens="The, cat, sat, on, the, mat" weights="${CAT_SAT}"></attention-grid>`);
    const grid = demoHandle(page, '#paint');
    await grid.ready();
    // The colour domain is [0, largest weight] = [0, 0.5]: independent of the element, via d3 here.
    for (const [i, j, w] of [[0, 0, 0.5], [2, 1, 0.3], [3, 0, 0.1], [5, 5, 0.35]] as const) {
      const hex = interpolateViridis(w / 0.5); // "#rrggbb"
      const want = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
      const got = await grid.heatmapCell(i, j).rgb();
      got.forEach((c, k) => expect(Math.abs(c - want[k]!)).toBeLessThanOrEqual(2));
    }
    await grid.part('button:text("causal mask")').click();
    await grid.settled();
    const [r, g, b] = await grid.heatmapCell(0, 5).rgb(); // above the diagonal: hatch, grey-blue
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(24);
    expect(r).toBeGreaterThan(170);
    await grid.heatmapCell(4, 0).click();
    expect(await grid.prop('selectedRow')).toBe(4);
  });

  it('sharpens with a lower temperature, and T = 0 is one-hot per row', async () => {
    const page = await h.mount(`<attention-grid id="g" text="${ANIMAL}" projection="raw" causal></attention-grid>`);
    const grid = demoHandle(page, '#g');
    await grid.ready();
    const warm = await grid.prop<number[][]>('weights');
    expectRowStochastic(warm, 10);
    await grid.attr('temperature', '0.25');
    await grid.settled();
    const cold = await grid.prop<number[][]>('weights');
    const peak = (w: number[][]) => w.reduce((s, r) => s + Math.max(...r), 0);
    expect(peak(cold)).toBeGreaterThan(peak(warm));
    await grid.attr('temperature', '0');
    await grid.settled();
    for (const row of await grid.prop<number[][]>('weights')) expect(row.filter((v) => v === 1)).toHaveLength(1);
    // Raw dot products: a word looks hardest at itself or its twin ("the" … "the").
    const raw = warm;
    expect(raw[4]!.indexOf(Math.max(...raw[4]!))).toSatisfy((j: number) => j === 0 || j === 4);
  });

  it('gives every head its own row-stochastic grid ("Was the bank flooded?", three heads)', async () => {
    const page = await h.mount('<attention-grid id="bank" text="Was the bank flooded?" heads="3"></attention-grid>');
    const grid = demoHandle(page, '#bank');
    await grid.ready();
    expect(await grid.prop('tokensShown')).toEqual(['Was', 'the', 'bank', 'flooded', '?']);
    expect(await grid.part('button[role=tab]').count()).toBe(3);
    const heads: number[][][] = [];
    for (let k = 0; k < 3; k++) {
      await grid.call('selectHead', k);
      heads.push(await grid.prop<number[][]>('weights'));
    }
    heads.forEach((w) => expectRowStochastic(w, 5));
    expect(heads[0]).not.toEqual(heads[1]);
    expect(await grid.messages()).toContain(''); // dim 16 → 18 is a silent default
    await h.screenshot('attention-grid-bank-heads', grid.locator);
  });

  it('trains W_Q, W_K, W_V until "it" attends to "animal", from a blur, without leaking tensors', async () => {
    const page = await h.mount(`<attention-grid id="t" text="${ANIMAL}" train task="refer" causal></attention-grid>`);
    const grid = demoHandle(page, '#t');
    await grid.ready();
    const start = await grid.prop<{ step: number; closeness: number[] }>('trainStatus');
    expect(start.step).toBe(0);
    expect(start.closeness[0]).toBeLessThan(0.3);
    await h.screenshot('attention-grid-train-start', grid.locator);
    await grid.call('trainSteps', 1); // Adam creates its moment tensors on the first step
    const tensors = await tensorCount(page);
    const status = await grid.call<{ step: number; loss: number; closeness: number[] }>('trainSteps', 149);
    expect(status.step).toBe(150);
    expect(status.closeness[0]).toBeGreaterThanOrEqual(0.8);
    const w = await grid.prop<number[][]>('weights');
    expect(w[7]!.indexOf(Math.max(...w[7]!))).toBe(1); // it → animal
    expect(await tensorCount(page)).toBe(tensors);
    await grid.part('text.row-label[data-row="7"]').click();
    await h.screenshot('attention-grid-train-end', grid.locator);

    // The play button drives the loop; pause stops it.
    await grid.part('button:text("train")').click();
    await page.waitForFunction(() => (document.querySelector('#t') as any).trainStatus.step >= 153);
    await grid.part('button:text("pause")').click();
    await page.waitForTimeout(300); // a frame already running finishes its step
    const paused = (await grid.prop<{ step: number }>('trainStatus')).step;
    await page.waitForTimeout(300);
    expect((await grid.prop<{ step: number }>('trainStatus')).step).toBe(paused);
  });

  it('shows the model after 200 seeded steps in print (still) mode', async () => {
    const page = await h.mount(`<attention-grid id="still" text="${ANIMAL}" train causal></attention-grid>`, { query: '?print' });
    const grid = demoHandle(page, '#still');
    await grid.ready();
    const status = await grid.prop<{ step: number; closeness: number[] }>('trainStatus');
    expect(status.step).toBe(200);
    expect(status.closeness[0]).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    { attrs: 'weights="0.5, 0.5; 0.2, 0.3, 0.5"', attribute: 'weights', says: /row 2 has 3 values/ },
    { attrs: 'weights="0.5, x; 0.5, 0.5"', attribute: 'weights', says: /not a number/ },
    { attrs: 'weights="0.9, 0.5; 0.5, 0.5"', attribute: 'weights', says: /row 1 sums to 1.4/ },
    { attrs: 'scores="1, 2, 3"', attribute: 'scores', says: /square/ },
    { attrs: 'heads="0"', attribute: 'heads', says: /at least 1/ },
    { attrs: 'task="guess"', attribute: 'task', says: /"previous"/ },
  ])('explains $attrs in the box and still draws a grid', async ({ attrs, attribute, says }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<attention-grid id="bad" ${attrs}></attention-grid>`);
    const grid = demoHandle(page, '#bad');
    await grid.ready();
    const message = await grid.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(says);
    expectRowStochastic(await grid.prop<number[][]>('weights'), (await grid.prop<string[]>('tokensShown')).length);
    expect(h.consoleErrors).toEqual([]);
  });

  it('caps 500 tokens at 64 with a note, quickly', async () => {
    const text = Array.from({ length: 500 }, (_, i) => `w${i % 37}`).join(' ');
    const page = await h.mount(`<attention-grid id="long" text="${text}" heads="4" dim="32"></attention-grid>`);
    const grid = demoHandle(page, '#long');
    const t0 = Date.now();
    await grid.ready();
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await grid.messages()).toMatch(/500 tokens: showing the first 64/);
    expectRowStochastic(await grid.prop<number[][]>('weights'), 64);
  });
});

describe('<attention-grid> at slide size', () => {
  it.each([
    ['cat-sat', `tokens="The, cat, sat, on, the, mat" weights="${CAT_SAT}"`],
    ['animal-trained', `text="${ANIMAL}" train causal`],
    ['bank-heads', 'text="Was the bank flooded?" heads="3" causal'],
    ['32-tokens', `text="${'the animal did not cross the street because it was tired and the road was long so it sat down on the mat by the river bank where a bird sang to'}" heads="4" dim="32"`],
  ])('fits the 1180 × 560 demo area: %s, with a row opened', async (name, attrs) => {
    const h = await openBrowser();
    try {
      const page = await h.mount(`<attention-grid id="fit" ${attrs}></attention-grid>`);
      const grid = demoHandle(page, '#fit');
      await grid.ready();
      if (name === 'animal-trained') await grid.call('trainSteps', 30);
      await grid.call('selectRow', ({ 'cat-sat': 2, 'bank-heads': 2 } as Record<string, number>)[name] ?? 7);
      await grid.settled();
      const box = (await grid.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(560);
      await h.screenshot(`attention-grid-fit-${name}`, grid.locator);
    } finally {
      await h.close();
    }
  });
});
