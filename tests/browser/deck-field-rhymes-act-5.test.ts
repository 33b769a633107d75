import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';
import { chapterAt, expectFiveBeats, notesWith, seriesSlides, showDemo } from './series-deck';

const NAME = 'field-rhymes/act-5-inference';
const DECK = `${NAME}.html`;
const notesFor = (id: string) => notesWith(NAME, `id="${id}"`);
const en = (n: number) => Math.round(n).toLocaleString('en-US');

/** All the text the element renders in its shadow root (HTML and SVG), whitespace collapsed. */
async function shownText(page: Page, id: string): Promise<string> {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    return (root?.textContent ?? '').replace(/\s+/g, ' ');
  }, `#${id}`);
}

/**
 * Walks every slide of The Field Rhymes, Act V (chapters 23–30): each demo on
 * the slide is a defined element that becomes ready, nothing sticks out of
 * the 1280×720 slide, no slide logs an error or fetches from the network; the
 * eight chapters each open on a title slide and run their five beats in order.
 */
describe('The Field Rhymes, Act V deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, no overflow, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'problems', prefix: 'field-rhymes-act-5', readyTimeout: 60_000 });
    expect(walk.slides).toBeGreaterThan(50);
    expect(walk.problems).toEqual([]);
    expect(h.externalRequests).toEqual([]);
    // The act's demos: a roofline, a cache, tiled softmax, a quantization cliff, draft-and-verify, two schedulers, a router, and the calculator.
    for (const tag of ['roofline-meter', 'kv-cache', 'tiled-softmax', 'quant-cliff', 'draft-verify', 'batch-scheduler', 'expert-router', 'model-calculator']) {
      expect(walk.tags.has(tag), tag).toBe(true);
    }
    // Eight chapter title slides, in order.
    const chapters = walk.titles.filter((t) => /^Chapter \d+ · /.test(t)).map((t) => Number(/\d+/.exec(t)![0]));
    expect(chapters).toEqual([23, 24, 25, 26, 27, 28, 29, 30]);
  }, 900_000);

  it('runs the five beats in order in every chapter and ends each on "nobody mentions"', async () => {
    const slides = await seriesSlides(await h.open(DECK));
    const chapters = expectFiveBeats(slides, 23, 8, [5, 8]);
    // Each chapter's own demo is on its trick slide, in its own chapter.
    const trickDemo = slides.flatMap((s, i) => (s.classes.includes('beat-trick') ? [[chapterAt(chapters, i), s.tags.filter((t) => t !== 'model-calculator')[0]] as const] : []));
    expect(trickDemo).toEqual([
      [23, 'roofline-meter'],
      [24, 'kv-cache'],
      [25, 'kv-cache'],
      [26, 'tiled-softmax'],
      [27, 'quant-cliff'],
      [28, 'draft-verify'],
      [29, 'batch-scheduler'],
      [30, 'expert-router'],
    ]);
  });

  it('quotes in the speaker notes the numbers each demo shows before any click', async () => {
    const page = await h.open(DECK);
    const show = (id: string, timeout?: number) => showDemo(page, id, timeout);
    /** Each string is in the slide's notes and on the demo's screen. */
    const quoted = async (id: string, strings: string[]) => {
      const notes = notesFor(id);
      const shown = await shownText(page, id);
      for (const s of strings) {
        expect(notes, `${id} notes`).toContain(s);
        expect(shown, `${id} on screen`).toContain(s);
      }
    };

    // Chapter 23: the decode floor and the H100 ridge.
    const roof = await show('roofline');
    const floor = await roof.prop<{ weightBytes: number; msPerToken: number; tokensPerSecond: number }>('floor');
    expect(floor.msPerToken).toBeCloseTo((140e9 / 3e12) * 1000, 6);
    await quoted('roofline', [`${floor.msPerToken.toFixed(1)} ms`, `${floor.tokensPerSecond.toFixed(1)} tokens/s`, `${Math.round(await roof.prop<number>('ridge'))}`]);

    const calc = await show('fr5-decode');
    const decode = await calc.prop<{ weightBytes: number; decodeMsPerToken: number; params: { total: number } }>('costs');
    await quoted('fr5-decode', [`${(decode.params.total / 1e9).toFixed(1)} B`, `${(decode.weightBytes / 1e9).toPrecision(3)} GB`, `${decode.decodeMsPerToken.toFixed(1)} ms`, `${(1000 / decode.decodeMsPerToken).toPrecision(3)} tokens/s`]);

    // Chapters 24–25: the book's all-heads cache, then Llama-3 70B's 8 K/V heads.
    const kv = await show('kv');
    const mha = await kv.prop<{ perTokenPerDirection: number; perToken: number; total: number }>('real');
    expect(mha.perTokenPerDirection).toBe(80 * 64 * 128 * 2);
    await quoted('kv', [`${en(mha.perTokenPerDirection)} B`, `${(mha.total / 1e9).toFixed(1)} GB`, 'same tokens ✓']);
    expect(await kv.prop<number>('maxDiff')).toBeLessThan(1e-4);
    const gqa = await show('kv-gqa');
    const llama = await gqa.prop<{ perTokenPerDirection: number; perToken: number; total: number }>('real');
    expect(llama.perToken).toBe(327_680);
    await quoted('kv-gqa', [`${en(llama.perToken)} B`, `${(llama.total / 1e9).toFixed(2)} GB`]);
    const kvCalc = await show('fr5-kv');
    const kvCosts = await kvCalc.prop<{ kvBytesPerToken: number }>('costs');
    await quoted('fr5-kv', [`${en(kvCosts.kvBytesPerToken)} B`, '328 KB / token · 2.68 GB']);

    // Chapter 26: the running softmax after the first key block, and the bytes moved.
    const flash = await show('flash');
    const row = await flash.prop<{ m: number; l: number }>('rowState');
    const [naive, tiled] = [await flash.prop<number>('naiveBytes'), await flash.prop<number>('tiledBytes')];
    await quoted('flash', [`m = ${row.m.toFixed(3)}`, `ℓ = ${row.l.toFixed(4)}`, en(naive), en(tiled), `${(naive / tiled).toFixed(1)}×`]);

    // Chapter 27: the held-out loss in float32, at 4 bits and at 2 bits, per tensor and per group.
    const quant = await show('quant');
    const curve = await quant.prop<{ bits: number; perTensor: number; perGroup: number }[]>('curve');
    const at = (bits: number) => curve.find((c) => c.bits === bits)!;
    const losses = [await quant.prop<number>('fp32'), at(4).perTensor, at(4).perGroup, at(2).perTensor, at(2).perGroup];
    expect(at(2).perGroup).toBeLessThan(at(2).perTensor);
    const quantNotes = notesFor('quant');
    if ((await quant.prop<string>('source')) === 'recorded') await quoted('quant', losses.map((l) => l.toFixed(3)));
    else {
      // Trained live on this page: the notes quote the recorded run, which the live curves match closely.
      const inNotes = [...quantNotes.matchAll(/\d\.\d{3}/g)].map((m) => Number(m[0]));
      for (const l of losses) expect(inNotes.some((n) => Math.abs(n - l) < 0.02), `${l} near a quoted loss`).toBe(true);
    }

    // Chapter 28: acceptance rate, characters per pass (measured and by formula) and the speed-up at the default draft cost.
    const spec = await show('spec');
    const stats = await spec.prop<{ passes: number; alpha: number; tokensPerPass: number; predicted: number }>('stats');
    expect(Math.abs(stats.tokensPerPass - stats.predicted)).toBeLessThan(0.1);
    await quoted('spec', [en(stats.passes), `α = ${stats.alpha.toFixed(2)}`, stats.tokensPerPass.toFixed(2), stats.predicted.toFixed(2), `${(await spec.prop<number>('currentSpeedup')).toFixed(2)}×`]);

    // Chapter 29: the two schedules of the default queue.
    const batching = await show('batching');
    type Schedule = { makespan: number; utilisation: number; throughput: number; meanFinish: number };
    const st = await batching.prop<Schedule>('static');
    const co = await batching.prop<Schedule>('continuous');
    const figures = (s: Schedule) => [`${s.makespan}`, `${Math.round(100 * s.utilisation)} %`, `${s.throughput.toFixed(2)} tokens/step`];
    await quoted('batching', [...figures(st), ...figures(co), `${(await batching.prop<number>('speedup')).toFixed(2)}×`]);
    const batchNotes = notesFor('batching');
    expect(batchNotes).toContain(`step ${st.makespan}`);
    expect(batchNotes).toContain(`step ${co.makespan}`);

    // Chapter 30: the load with and without the balancing loss, and Mixtral's total and active parameters.
    const router = await show('moe');
    type Run = { aux: number; used: number };
    const [off, on] = [await router.prop<Run>('off'), await router.prop<Run>('on')];
    expect(on.aux).toBeLessThan(off.aux);
    await quoted('moe', [off.aux.toFixed(2), on.aux.toFixed(2), `${off.used} of 8 experts used`, `${on.used} of 8 experts used`, '46.7 B', '12.9 B']);
    expect(notesFor('moe')).toContain(`L_aux = ${off.aux.toFixed(2)}`);
    expect(notesFor('moe')).toContain(`L_aux = ${on.aux.toFixed(2)}`);
    // Chapter 30: Mixtral's total and active parameters.
    const moe = await show('fr5-moe');
    const mixtral = await moe.prop<{ params: { total: number; active: number }; weightBytes: number; decodeMsPerToken: number }>('costs');
    expect((mixtral.params.total / 1e9).toFixed(1)).toBe('46.7');
    expect((mixtral.params.active / 1e9).toFixed(1)).toBe('12.9');
    await quoted('fr5-moe', ['46.7 B', '12.9 B active', `${(mixtral.weightBytes / 1e9).toPrecision(3)} GB`, `${mixtral.decodeMsPerToken.toPrecision(2)} ms`, `${(1000 / mixtral.decodeMsPerToken).toPrecision(3)} tokens/s`]);
  }, 300_000);
});
