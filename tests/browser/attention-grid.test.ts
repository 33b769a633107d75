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
    // One colour scale for every attention grid: weight 0 → 1, whatever the largest weight (here 0.5).
    for (const [i, j, w] of [[0, 0, 0.5], [2, 1, 0.3], [3, 0, 0.1], [5, 5, 0.35]] as const) {
      const hex = interpolateViridis(w); // "#rrggbb"
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

  it('starts trained ("it" → "animal"), resets to a blur, and trains W_Q, W_K, W_V back without leaking tensors', async () => {
    const page = await h.mount(`<attention-grid id="t" text="${ANIMAL}" train task="refer" causal></attention-grid>`);
    const grid = demoHandle(page, '#t');
    const t0 = Date.now();
    await grid.ready();
    console.log(`attention-grid: trained start (200 steps) ready after ${Date.now() - t0} ms`);
    const warm = await grid.prop<{ step: number; loss: number; closeness: number[] }>('trainStatus');
    expect(warm.step).toBe(200);
    expect(warm.closeness[0]).toBeGreaterThanOrEqual(0.8);
    expect(Number.isFinite(warm.loss)).toBe(true);
    expect(await grid.part('.train').textContent()).not.toContain('–');
    await grid.part('button:text("reset")').click();
    await grid.settled();
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

describe('<attention-grid>: shuffle, two heads, masks, tensors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });
  const WARM = 'The cat sat on the mat because it was warm';
  const words = WARM.split(' ');
  const maxGap = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));

  it('moves every weight with its tokens when the input is shuffled (no positions): rows and columns permute together', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<attention-grid id="sh" text="${WARM}" positions="false" shuffle></attention-grid>`);
    const grid = demoHandle(page, '#sh');
    await grid.ready();
    const before = await grid.prop<number[][]>('weights');
    expect(await grid.prop('shuffleStatus')).toBeNull();
    for (let k = 0; k < 2; k++) {
      if (k) { await grid.part('button:text("shuffle")').click(); await grid.settled(); } // off again
      await grid.part('button:text("shuffle")').click();
      await grid.settled();
      const status = await grid.prop<{ perm: number[]; tokens: string[]; gap: number }>('shuffleStatus');
      expect([...status.perm].sort((a, b) => a - b)).toEqual([...words.keys()]);
      expect(await grid.prop('tokensShown')).toEqual(status.perm.map((i) => words[i]));
      const after = await grid.prop<number[][]>('weights');
      // Independent of the element's own check: w'[i][j] = w[perm i][perm j].
      expect(maxGap(after, status.perm.map((pi) => status.perm.map((pj) => before[pi]![pj]!)))).toBeLessThan(1e-5);
      expect(status.gap).toBeLessThan(1e-5);
      expect(await grid.part('canvas.cells').count()).toBe(2); // the original beside the shuffled
    }
    expect(await grid.part('.shuffle-note').textContent()).toMatch(/0\.000: the same weights in a new order/);
    await h.screenshot('attention-grid-shuffle', grid.locator);
    // Shuffle off: back to one grid, the original order.
    await grid.part('button:text("shuffle")').click();
    await grid.settled();
    expect(await grid.prop('tokensShown')).toEqual(words);
    expect(await grid.part('canvas.cells').count()).toBe(1);
    expect(h.consoleErrors).toEqual([]);
  });

  it('changes the weights, not only their order, when the embeddings carry positions', async () => {
    const page = await h.mount(`<attention-grid id="shp" text="${WARM}" shuffle></attention-grid>`);
    const grid = demoHandle(page, '#shp');
    await grid.ready();
    await grid.call('toggleShuffle');
    await grid.settled();
    const status = await grid.prop<{ gap: number }>('shuffleStatus');
    expect(status.gap).toBeGreaterThan(0.05);
    expect(await grid.part('.shuffle-note').textContent()).toContain('positions');
  });

  it('trains two heads on "one back" and "first word": each head takes one job, both shown at once', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<attention-grid id="two" text="${WARM}" train task="previous-first" causal></attention-grid>`);
    const grid = demoHandle(page, '#two');
    const t0 = Date.now();
    await grid.ready();
    console.log(`attention-grid: two-head trained start ready after ${Date.now() - t0} ms`);
    const status = await grid.prop<{ step: number; specialisation: { previous: number; first: number }[] }>('trainStatus');
    expect(status.step).toBe(200);
    const [a, b] = status.specialisation;
    const [prev, first] = a!.previous > b!.previous ? [a!, b!] : [b!, a!];
    expect(prev.previous).toBeGreaterThanOrEqual(0.85);
    expect(first.first).toBeGreaterThanOrEqual(0.9);
    expect(prev.first).toBeLessThan(0.4);
    expect(first.previous).toBeLessThan(0.4);
    // Both heads on screen at once, no tabs; the grids agree with the readout.
    expect(await grid.part('canvas.cells').count()).toBe(2);
    expect(await grid.part('button[role=tab]').count()).toBe(0);
    const all = await grid.prop<number[][][]>('allWeights');
    const firstHead = a!.first > b!.first ? 0 : 1;
    for (let i = 1; i < words.length; i++) {
      expect(all[1 - firstHead]![i]!.indexOf(Math.max(...all[1 - firstHead]![i]!))).toBe(i - 1);
      expect(all[firstHead]![i]!.indexOf(Math.max(...all[firstHead]![i]!))).toSatisfy((j: number) => words[j]!.toLowerCase() === 'the');
    }
    expect(await grid.part('figcaption').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('looks one back'), expect.stringContaining('looks at the first word')]));
    await h.screenshot('attention-grid-two-heads', grid.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('shows four heads side by side with layout="multiples", in print too, and counts 4·d² weights', async () => {
    for (const query of ['', '?print']) {
      const page = await h.mount(`<attention-grid id="four" text="${WARM}" heads="4" dim="16" causal layout="multiples"></attention-grid>`, { query });
      const grid = demoHandle(page, '#four');
      await grid.ready();
      expect(await grid.part('canvas.cells').count()).toBe(4);
      expect(await grid.prop('parameterCount')).toBe(4 * 16 * 16);
      expect(await grid.part('.below').textContent()).toContain('1,024');
      const all = await grid.prop<number[][][]>('allWeights');
      expect(all).toHaveLength(4);
      all.forEach((w) => expectRowStochastic(w, 10));
      for (let k = 0; k < 4; k++) expect(await grid.maskedCells(k)).toBe(45);
      await grid.heatmapCell(3, 1, 2).hover();
      expect(await grid.part('.hover').textContent()).toMatch(/head 3: on → cat:\s*weight/);
      const box = (await grid.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(560);
      if (!query) await h.screenshot('attention-grid-four-heads', grid.locator);
    }
  });

  it('has bidirectional, causal and cross masks; cross reads target rows against source columns', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<attention-grid id="ed" target="[start], the, cat, sleeps" source="le, chat, dort"></attention-grid>');
    const grid = demoHandle(page, '#ed');
    await grid.ready();
    expect(await grid.part('button[data-mask]').count()).toBe(3);
    // bidirectional (encoder): the source sees all of itself
    expect(await grid.prop('currentMask')).toBe('bidirectional');
    expect(await grid.prop('tokensShown')).toEqual(['le', 'chat', 'dort']);
    expect(await grid.maskedCells()).toBe(0);
    expectRowStochastic(await grid.prop<number[][]>('weights'), 3);
    // causal (decoder): the target, upper triangle exactly 0
    await grid.part('button[data-mask="causal"]').click();
    await grid.settled();
    const dec = await grid.prop<number[][]>('weights');
    expect(await grid.prop('tokensShown')).toEqual(['[start]', 'the', 'cat', 'sleeps']);
    dec.forEach((row, i) => row.forEach((v, j) => (j > i ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0))));
    expect(await grid.maskedCells()).toBe(6);
    // cross: 4 target rows × 3 source columns, nothing masked
    await grid.part('button[data-mask="cross"]').click();
    await grid.settled();
    const cross = await grid.prop<number[][]>('weights');
    expect(await grid.prop('tokensShown')).toEqual(['[start]', 'the', 'cat', 'sleeps']);
    expect(await grid.prop('keysShown')).toEqual(['le', 'chat', 'dort']);
    expect(cross).toHaveLength(4);
    cross.forEach((row) => { expect(row).toHaveLength(3); expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); });
    expect(await grid.maskedCells()).toBe(0);
    await grid.heatmapCell(2, 1).hover();
    expect(await grid.part('.hover').textContent()).toMatch(/cat → chat:\s*weight/);
    await h.screenshot('attention-grid-cross', grid.locator);
    expect(h.consoleErrors).toEqual([]);
  });

  it('keeps every earlier row bit-for-bit when a later token is edited under the causal mask (and not without it)', async () => {
    const page = await h.mount(`<attention-grid id="edit" text="${WARM}" mask="causal"></attention-grid>`);
    const grid = demoHandle(page, '#edit');
    await grid.ready();
    expect(await grid.part('button[data-mask]').count()).toBe(2);
    const before = await grid.prop<number[][]>('weights');
    await grid.attr('text', WARM.replace('warm', 'cold'));
    await grid.settled();
    const after = await grid.prop<number[][]>('weights');
    for (let i = 0; i < 9; i++) expect(after[i]).toEqual(before[i]);
    expect(maxGap([after[9]!], [before[9]!])).toBeGreaterThan(1e-3);
    await grid.part('button[data-mask="bidirectional"]').click();
    await grid.settled();
    const open = await grid.prop<number[][]>('weights');
    await grid.attr('text', WARM);
    await grid.settled();
    expect(maxGap([open[0]!], [(await grid.prop<number[][]>('weights'))[0]!])).toBeGreaterThan(1e-4);
  });

  it('returns to the same tensor count after every button of a trained grid is clicked, pass after pass', async () => {
    const page = await h.mount(`<attention-grid id="leak" text="${ANIMAL}" train task="previous" heads="2" causal></attention-grid>`);
    const grid = demoHandle(page, '#leak');
    await grid.ready();
    const counts: number[] = [];
    for (let pass = 0; pass < 4; pass++) {
      for (const name of ['causal mask', '÷ √d', 'head 2', 'head 1', 'step', 'step']) {
        await grid.part(`button:text("${name}")`).click();
        await grid.settled();
      }
      await grid.part('input[type=range]').fill('0.5');
      await grid.settled();
      await grid.part('button:text("train")').click();
      const at = (await grid.prop<{ step: number }>('trainStatus')).step;
      await page.waitForFunction((s) => (document.querySelector('#leak') as any).trainStatus.step >= s + 2, at);
      await grid.part('button:text("pause")').click();
      await page.waitForTimeout(200);
      for (const name of ['causal mask', '÷ √d', 'reset']) {
        await grid.part(`button:text("${name}")`).click();
        await grid.settled();
      }
      await grid.part('input[type=range]').fill('1');
      await grid.settled();
      counts.push(await tensorCount(page));
    }
    expect(counts.slice(1)).toEqual([counts[0], counts[0], counts[0]]);
  });

  it.each([
    { attrs: 'mask="sideways"', attribute: 'mask', says: /"cross"/ },
    { attrs: 'layout="grid"', attribute: 'layout', says: /"multiples"/ },
    { attrs: 'source=" , "', attribute: 'source', says: /comma-separated/ },
  ])('explains $attrs in the box and still draws a grid', async ({ attrs, attribute, says }) => {
    const page = await h.mount(`<attention-grid id="bad2" ${attrs}></attention-grid>`);
    const grid = demoHandle(page, '#bad2');
    await grid.ready();
    const message = await grid.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(says);
    expectRowStochastic(await grid.prop<number[][]>('weights'), 6);
  });

  it('says that mask="cross" needs a source, and shows bidirectional', async () => {
    const page = await h.mount('<attention-grid id="nosrc" mask="cross"></attention-grid>');
    const grid = demoHandle(page, '#nosrc');
    await grid.ready();
    expect(await grid.part('.notes').textContent()).toMatch(/mask="cross" needs source/);
    expect(await grid.prop('currentMask')).toBe('bidirectional');
  });
});

describe('<attention-grid> at slide size', () => {
  it.each([
    ['cat-sat', `tokens="The, cat, sat, on, the, mat" weights="${CAT_SAT}"`],
    ['animal-trained', `text="${ANIMAL}" train causal`],
    ['bank-heads', 'text="Was the bank flooded?" heads="3" causal'],
    ['32-tokens', `text="${'the animal did not cross the street because it was tired and the road was long so it sat down on the mat by the river bank where a bird sang to'}" heads="4" dim="32"`],
    ['two-heads', 'text="The cat sat on the mat because it was warm" train task="previous-first" causal'],
    ['shuffled', 'text="The cat sat on the mat because it was warm" positions="false" shuffle'],
    ['four-heads', 'text="The cat sat on the mat because it was warm" heads="4" causal layout="multiples"'],
  ])('fits the 1180 × 560 demo area: %s, with a row opened', async (name, attrs) => {
    const h = await openBrowser();
    try {
      const page = await h.mount(`<attention-grid id="fit" ${attrs}></attention-grid>`);
      const grid = demoHandle(page, '#fit');
      await grid.ready();
      if (name === 'animal-trained') await grid.call('trainSteps', 30);
      if (name === 'shuffled') await grid.call('toggleShuffle');
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
