import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';
import { chapterAt, expectFiveBeats, notesWith, seriesSlides, showDemo } from './series-deck';

const NAME = 'field-rhymes/act-4-alignment';
const DECK = `${NAME}.html`;
const notesFor = (id: string) => notesWith(NAME, `id="${id}"`);
const fixed = (x: number, digits = 2) => x.toFixed(digits);

/**
 * Walks every slide of The Field Rhymes, Act IV (chapters 16–22): each demo on
 * the slide is a defined element that becomes ready, nothing sticks out of
 * the 1280×720 slide, no slide logs an error or fetches from the network; the
 * seven chapters each open on a title slide and run their five beats in order.
 */
describe('The Field Rhymes, Act IV deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, no overflow, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'problems', prefix: 'field-rhymes-act-4', readyTimeout: 60_000 });
    expect(walk.slides).toBeGreaterThan(45);
    expect(walk.problems).toEqual([]);
    expect(h.externalRequests).toEqual([]);
    // The act's demos: fine-tuning and forgetting, a hacked reward model, one policy trained three ways, low rank, memory.
    for (const tag of ['finetune-shift', 'reward-hacking', 'policy-bandit', 'lora-rank', 'model-calculator']) {
      expect(walk.tags.has(tag), tag).toBe(true);
    }
    // Seven chapter title slides, in order.
    const chapters = walk.titles.filter((t) => /^Chapter \d+ · /.test(t)).map((t) => Number(/\d+/.exec(t)![0]));
    expect(chapters).toEqual([16, 17, 18, 19, 20, 21, 22]);
  }, 900_000);

  it('runs the five beats in order in every chapter and ends each on "nobody mentions"', async () => {
    const slides = await seriesSlides(await h.open(DECK));
    const chapters = expectFiveBeats(slides, 16, 7);
    // RLHF, DPO and GRPO each train the same bandit, in that order, in their own chapters.
    const modeChapter = slides.flatMap((s, i) => s.modes.map((m) => [m, chapterAt(chapters, i)] as const));
    expect(modeChapter).toEqual([
      ['ppo', 18],
      ['dpo', 19],
      ['grpo', 20],
    ]);
  });

  it('quotes in the speaker notes the numbers each demo shows before any click', async () => {
    const page = await h.open(DECK);
    const show = (id: string) => showDemo(page, id);
    const sft = await show('sft');
    const sftNotes = notesFor('sft');
    expect(sftNotes).toContain(`0 % → ${Math.round(100 * (await sft.prop<number>('tunedAccuracy')))} %`);
    for (const answer of (await sft.prop<string[]>('tuned'))!) expect(sftNotes).toContain(answer);
    const rm = await show('rm');
    const rmNotes = notesFor('rm');
    const { peak, last } = { peak: await rm.prop<{ n: number; proxy: number; truth: number }>('peak'), last: await rm.prop<{ n: number; proxy: number; truth: number }>('last') };
    expect(rmNotes).toContain(`peaks at n = ${peak.n} (${fixed(peak.truth)}; proxy ${fixed(peak.proxy)})`);
    expect(rmNotes).toContain(`${fixed(last.truth)} at n = ${last.n}`);
    expect(rmNotes).toContain(fixed(last.proxy));
    for (const id of ['ppo', 'dpo', 'grpo']) {
      const d = await show(id);
      const notes = notesFor(id);
      expect(notes, id).toContain(`E[r]`);
      for (const v of [await d.prop<number>('expectedReward'), await d.prop<number>('kl'), await d.prop<number>('distance')]) expect(notes, id).toContain(fixed(v));
    }
    const lora = await show('lora');
    const loraNotes = notesFor('lora');
    expect(loraNotes).toContain(`error ${fixed(100 * (await lora.prop<number>('error')))} %, floor ${fixed(100 * (await lora.prop<number>('floor')))} %`);
    expect(loraNotes).toContain(`step ${await lora.prop<number>('reachedAt')}`);
    expect(loraNotes).toContain(`${(await lora.prop<number>('trainable')).toLocaleString('en-US')} numbers instead of ${(await lora.prop<number>('full')).toLocaleString('en-US')}`);
  }, 300_000);
});
