import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, goToSlide, openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';

const DECK = 'field-rhymes/act-4-alignment.html';
const SOURCE = path.resolve('slides', 'field-rhymes', 'act-4-alignment.md');

/** The speaker notes of the slide holding the element with this id (its HTML comments that are not Marp directives). */
function notesFor(id: string): string {
  const slides = readFileSync(SOURCE, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '').split(/\n---\n/);
  const slide = slides.find((s) => s.includes(`id="${id}"`));
  if (!slide) throw new Error(`no slide with id="${id}"`);
  return [...slide.matchAll(/<!--([\s\S]*?)-->/g)].map((m) => m[1]!.trim()).filter((c) => !/^_?[a-z]+:/.test(c)).join('\n');
}
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
    const page = await h.open(DECK);
    const slides = await page.evaluate(() =>
      [...document.querySelectorAll('svg.bespoke-marp-slide section')].map((s) => ({
        classes: s.className.split(/\s+/),
        modes: [...s.querySelectorAll('policy-bandit')].map((e) => e.getAttribute('mode')),
      })),
    );
    const order = ['beat-puzzle', 'beat-attempt', 'beat-trick', 'beat-math', 'beat-nobody'];
    const chapterStarts = slides.flatMap((s, i) => (s.classes.includes('chapter') ? [i] : []));
    expect(chapterStarts).toHaveLength(7);
    chapterStarts.forEach((start, k) => {
      const end = chapterStarts[k + 1] ?? slides.findIndex((s, i) => i > start && s.classes.includes('lead'));
      expect(end, `chapter ${16 + k} has an end`).toBeGreaterThan(start);
      const beats = slides.slice(start + 1, end).map((s) => order.findIndex((b) => s.classes.includes(b)));
      expect(beats.every((b) => b >= 0), `chapter ${16 + k}: every slide has a beat`).toBe(true);
      expect([...new Set(beats)], `chapter ${16 + k}`).toEqual([0, 1, 2, 3, 4]);
      expect(beats, `chapter ${16 + k}: beats in order`).toEqual([...beats].sort((a, b) => a - b));
    });
    // RLHF, DPO and GRPO each train the same bandit, in that order, in their own chapters.
    const modeChapter = slides.flatMap((s, i) => s.modes.map((m) => [m, 16 + chapterStarts.filter((c) => c < i).length - 1] as const));
    expect(modeChapter).toEqual([
      ['ppo', 18],
      ['dpo', 19],
      ['grpo', 20],
    ]);
  });

  it('quotes in the speaker notes the numbers each demo shows before any click', async () => {
    const page = await h.open(DECK);
    const show = async (id: string) => {
      const n = await page.evaluate((sel) => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector(sel)) + 1, `#${id}`);
      await goToSlide(page, n);
      const d = demoHandle(page, `#${id}`);
      await d.ready(90_000);
      return d;
    };
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
