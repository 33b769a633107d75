import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandle, goToSlide, openBrowser, type Harness } from './harness';
import { walkDeck } from './deck-walk';
import { expectFiveBeats, notesOf, seriesSlides, sourceSlides } from './series-deck';

const NAME = 'field-rhymes/act-3-scaling';
const DECK = `${NAME}.html`;
const slideWith = (tag: string): string => {
  const found = sourceSlides(NAME).find((s) => s.includes(`<${tag}`));
  if (!found) throw new Error(`no slide with <${tag}>`);
  return found;
};

/**
 * Walks every slide of The Field Rhymes, Act III (chapters 11–15): each demo
 * on a slide is a defined element that becomes ready, nothing sticks out of
 * the 1280×720 slide, no slide logs an error or fetches from the network; the
 * five chapters each open on a title slide and run their five beats in order;
 * and the numbers the speaker notes quote are the numbers the demos show.
 */
describe('The Field Rhymes, Act III deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, no overflow, no console error and no external request on any slide', async () => {
    const walk = await walkDeck(h, DECK, { screenshots: 'problems', prefix: 'field-rhymes-act-3', readyTimeout: 90_000 });
    expect(walk.slides).toBeGreaterThan(30);
    expect(walk.problems).toEqual([]);
    expect(h.externalRequests).toEqual([]);
    // The act's demos: a live scaling sweep, the compute-optimal frontier, the exact-match lens, grokking.
    for (const tag of ['scaling-sweep', 'chinchilla-frontier', 'emergence-lens', 'grokking-run']) {
      expect(walk.tags.has(tag), tag).toBe(true);
    }
    const chapters = walk.titles.filter((t) => /^Chapter \d+ · /.test(t)).map((t) => Number(/\d+/.exec(t)![0]));
    expect(chapters).toEqual([11, 12, 13, 14, 15]);
  }, 900_000);

  it('runs the five beats in order in every chapter and ends each on "nobody mentions"', async () => {
    expectFiveBeats(await seriesSlides(await h.open(DECK)), 11, 5, [5, 8]);
  });

  it('gives every content slide speaker notes with what to say and a question for the room', () => {
    const content = sourceSlides(NAME).filter((s) => /_class: beat-/.test(s));
    expect(content.length).toBeGreaterThanOrEqual(25);
    for (const s of content) {
      const title = /^# (.*)$/m.exec(s)?.[1] ?? s.slice(0, 60);
      const notes = notesOf(s);
      expect(notes, title).toMatch(/^Say:/);
      expect(notes, title).toMatch(/Question[^:]*:.*\(.+\)/);
    }
  });

  it('shows on the sweep slide the fitted exponent its notes quote, beside Kaplan\'s α_N ≈ 0.076', async () => {
    const source = slideWith('scaling-sweep');
    const notes = notesOf(source);
    const page = await h.open(DECK);
    const n = await page.evaluate(() => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector('scaling-sweep')) + 1);
    await goToSlide(page, n);
    const sw = demoHandle(page, '#sweep');
    await sw.ready(90_000);
    expect(await sw.prop<string>('source')).toBe('recorded');
    const b = (await sw.part('.fit-b').textContent())!.trim();
    const lInf = (await sw.part('.fit-linf').textContent())!.trim();
    expect(b).toMatch(/^\d\.\d\d$/);
    expect(notes).toContain(`"ours: b = ${b}, L∞ = ${lInf}"`);
    expect(await sw.part('.kaplan').textContent()).toContain('0.076');
    // The slide's caption quotes Kaplan's exponent and no measured one: the measured b lives in the demo.
    const caption = source.replace(/<!--[\s\S]*?-->/g, '').replace(/<scaling-sweep[^>]*><\/scaling-sweep>/, '');
    expect(caption).toContain('0.076');
    expect(caption).not.toContain(b);
    const widths = (await sw.prop<{ hidden: number }[]>('points')).map((p) => p.hidden);
    expect(notes).toContain(`H = ${widths.slice(0, -1).join(', ')} and ${widths.at(-1)}`);
  }, 120_000);

  it('shows on the Chinchilla slide the optimum, Table 3 and the 6ND budgets its notes quote', async () => {
    const notes = notesOf(slideWith('chinchilla-frontier'));
    const page = await h.open(DECK);
    const n = await page.evaluate(() => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector('chinchilla-frontier')) + 1);
    await goToSlide(page, n);
    const c = demoHandle(page, '#chinchilla');
    await c.ready();
    expect(await c.prop<number>('flops')).toBe(5.76e23);
    const params = (await c.part('.opt-params').textContent())!;
    const tokens = (await c.part('.opt-tokens').textContent())!;
    expect([params, tokens]).toEqual(['32.2 B', '2.98 T']);
    expect(notes).toContain(`${params} parameters on ${tokens} tokens`);
    const table3 = (await c.part('.table3').textContent())!;
    for (const s of ['67 B', '1.5 T', '5.76·10²³', 'three methods disagree']) expect(table3).toContain(s);
    expect(notes).toContain('67 B on 1.5 T');
    const optLine = (await c.part('.optimum-line').textContent())!.replace(/\s+/g, ' ');
    const [, perParam, loss] = /\((\d+) per parameter\), loss (\d\.\d{3})/.exec(optLine)!;
    expect(notes).toContain(`${perParam} per parameter, loss ${loss}`);
    // The table's C = 6ND and fitted loss for GPT-3, Gopher and Chinchilla, as the notes read them.
    for (const model of ['GPT-3', 'Gopher', 'Chinchilla']) {
      const cells = await c.part(`tr[data-model="${model}"] td`).allTextContents();
      expect(notes, model).toContain(cells[3]!);
      expect(notes, model).toContain(cells[5]!);
    }
    expect(notes).toContain('GPT-3 3.15·10²³');
    // Same budget, not less: by 6ND Chinchilla's compute is within 20 % of Gopher's.
    const rows = await c.prop<{ name: string; flops: number }[]>('models');
    const flops = Object.fromEntries(rows.map((r) => [r.name, r.flops]));
    expect(flops.Chinchilla! / flops.Gopher!).toBeGreaterThan(1);
    expect(flops.Chinchilla! / flops.Gopher!).toBeLessThan(1.2);
    // The presets the notes name, and the optima they quote there.
    await c.part('button.preset').filter({ hasText: 'GPT-3' }).click();
    expect(notes).toContain(`${await c.part('.opt-params').textContent()} on ${await c.part('.opt-tokens').textContent()}`);
    await c.part('button.preset').filter({ hasText: 'Llama-3 70B' }).click();
    expect(notes).toContain(`would be a ${await c.part('.opt-params').textContent()} model`);
  });

  it('shows on the emergence slide the crossings its notes quote', async () => {
    const notes = notesOf(slideWith('emergence-lens'));
    const page = await h.open(DECK);
    const n = await page.evaluate(() => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector('emergence-lens')) + 1);
    await goToSlide(page, n);
    const e = demoHandle(page, '#emergence');
    await e.ready();
    expect(await e.prop<number>('currentK')).toBe(10);
    const readout = (await e.part('.crossings').textContent())!.replace(/\s+/g, ' ').trim();
    expect(readout).toBe('Exact match passes 10 % at N ≈ 1.0·10⁹ and 50 % at ≈ 3.0·10¹⁰, where per-token accuracy is already 79 % and 93 %.');
    expect(notes).toContain(readout.replace(/\.$/, ''));
    const p = (await e.prop<{ perToken: number[] }>('state')).perToken;
    expect(notes).toContain(`from ${Math.round(100 * p[0]!)} percent at 10⁷ to ${Math.round(100 * p.at(-1)!)} percent at 10¹²`);
  });

  it('shows on the grokking slide the steps and spectrum share its notes quote', async () => {
    const notes = notesOf(slideWith('grokking-run'));
    const page = await h.open(DECK);
    const n = await page.evaluate(() => [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector('grokking-run')) + 1);
    await goToSlide(page, n);
    const g = demoHandle(page, '#grok');
    await g.ready();
    expect(await g.prop<string>('source')).toBe('snapshot');
    const line = (await g.part('.grokked').textContent())!.replace(/\s+/g, ' ').trim();
    expect(line).toBe('train 100 % at step 150, test > 95 % at step 450');
    expect(notes).toContain(line);
    const top3 = (await g.part('.top3').textContent())!.trim();
    expect(notes).toContain(`top 3 frequencies hold ${top3} of the power`);
    const spectrum = await g.prop<number[]>('spectrum');
    expect(notes).toContain(`three frequencies out of ${spectrum.length}`);
  });
});
