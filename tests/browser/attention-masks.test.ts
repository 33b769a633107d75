import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, openBrowser, type Harness } from './harness';

interface BlockInfo { label: string; queries: string[]; keys: string[]; allowed: number; total: number }

describe('<attention-masks>', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('allows 15 of 25 pairs causally, 25 in an encoder, and masked weights are exactly 0', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<attention-masks id="m" tokens="Was, the, bank, flooded, ?"></attention-masks>');
    const d = demoHandle(page, '#m');
    await d.ready();
    expect((await d.prop<BlockInfo[]>('blocks')).map((b) => [b.allowed, b.total])).toEqual([[15, 25]]);
    const [w] = await d.prop<number[][][]>('weights');
    w.forEach((row, i) => {
      row.forEach((v, j) => (j > i ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0)));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });

    // Hovering "bank" lists what it may see: not the later "flooded".
    await d.heatmapCell(2, 0).hover();
    expect(await d.part('.info').textContent()).toMatch(/“bank” may attend to:\s*Was · the · bank/);
    await h.screenshot('attention-masks');

    await d.part('button:has-text("Encoder-only")').click();
    await page.waitForFunction(() => (document.querySelector('#m') as any).blocks?.[0]?.allowed === 25);
    await d.settled();
    expect((await d.prop<number[][][]>('weights'))[0].flat().every((v) => v > 0)).toBe(true);
    expect(h.consoleErrors).toEqual([]);
  });

  it('adds one token per "generate" and leaves the earlier rows unchanged', async () => {
    const page = await h.mount('<attention-masks id="m"></attention-masks>');
    const d = demoHandle(page, '#m');
    await d.ready();
    const before = (await d.prop<number[][][]>('weights'))[0];
    await d.part('button:has-text("generate")').click();
    await page.waitForFunction(() => (document.querySelector('#m') as any).blocks?.[0]?.queries.length === 6);
    await d.settled();
    const after = (await d.prop<number[][][]>('weights'))[0];
    expect((await d.prop<BlockInfo[]>('blocks'))[0].allowed).toBe(21);
    before.forEach((row, i) => row.forEach((v, j) => expect(after[i][j]).toBeCloseTo(v, 6)));
  });

  it('shows encoder self-attention, causal decoder self-attention and full cross-attention for encoder-decoder', async () => {
    const page = await h.mount('<attention-masks id="m" architecture="encoder-decoder"></attention-masks>');
    const d = demoHandle(page, '#m');
    await d.ready();
    await d.call('generate');
    await d.call('generate');
    await page.waitForFunction(() => (document.querySelector('#m') as any).blocks?.[1]?.queries.length === 3);
    await d.settled();
    const blocks = await d.prop<BlockInfo[]>('blocks');
    expect(blocks.map((b) => [b.allowed, b.total])).toEqual([[25, 25], [6, 9], [15, 15]]);
    expect(blocks[2].keys).toEqual(['Was', 'the', 'bank', 'flooded', '?']);
    await h.screenshot('attention-masks-encoder-decoder');
  });

  it('masks the hand-set weights of the earlier slide: allowed weights rescaled to sum to 1, masked ones 0', async () => {
    const given = '0.4, 0.1, 0.2, 0.2, 0.1; 0.1, 0.3, 0.5, 0.05, 0.05; 0.3, 0.1, 0, 0.6, 0; 0.1, 0.05, 0.6, 0.2, 0.05; 0.4, 0.05, 0.2, 0.25, 0.1';
    const rows = given.split(';').map((r) => r.split(',').map(Number));
    const page = await h.mount(`<attention-masks id="m" tokens="Was, the, bank, flooded, ?" weights="${given}"></attention-masks>`);
    const d = demoHandle(page, '#m');
    await d.ready();
    const [w] = await d.prop<number[][][]>('weights');
    // Plain JS: w_ij / Σ_{j ≤ i} w_ij below the diagonal, 0 above.
    rows.forEach((row, i) => {
      const z = row.slice(0, i + 1).reduce((a, b) => a + b, 0);
      row.forEach((v, j) => expect(w[i][j], `row ${i}, column ${j}`).toBeCloseTo(j <= i ? v / z : 0, 5));
    });
    expect(w[2].slice(0, 3).map((v) => +v.toFixed(2))).toEqual([0.75, 0.25, 0]); // "bank": Was, the, itself
    expect(await d.messages()).toBe('');
    expect(await d.part('.info').textContent()).toMatch(/weights of the earlier slide/);
    await d.part('button:has-text("Encoder-only")').click();
    await page.waitForFunction(() => (document.querySelector('#m') as any).blocks?.[0]?.allowed === 25);
    await d.settled();
    const [full] = await d.prop<number[][][]>('weights');
    rows.forEach((row, i) => row.forEach((v, j) => expect(full[i][j]).toBeCloseTo(v, 5)));
  });

  it.each([
    { attrs: 'weights="0.5, 0.5; 0.5, 0.5"', attribute: 'weights' },
    { attrs: 'weights="1, 0, 0, 0, 0; 1, 0, 0, 0, 0; 0.5, 0, 0, 0, 0; 1, 0, 0, 0, 0; 1, 0, 0, 0, 0"', attribute: 'weights' },
    { attrs: 'architecture="rnn"', attribute: 'architecture' },
    { attrs: 'tokens="a, , b"', attribute: 'tokens' },
    { attrs: 'tokens=""', attribute: 'tokens' },
  ])('explains $attrs in the box and keeps working with defaults', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<attention-masks id="bad" ${attrs}></attention-masks>`);
    const d = demoHandle(page, '#bad');
    await d.ready();
    const message = await d.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(/expected/);
    expect((await d.prop<BlockInfo[]>('blocks'))[0].allowed).toBe(15);
    expect(h.consoleErrors).toEqual([]);
  });
});
