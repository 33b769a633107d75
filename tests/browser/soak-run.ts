/**
 * A lecture's worth of clicking: every deck, with its presenter window (opened
 * with bespoke's "p" key) beside it, walked three times. On every demo of
 * every slide the soak clicks each button, moves each slider with the
 * keyboard, draws on each pad, lets loops run a moment and moves on. After
 * each pass, with both windows back on the title slide, it records console
 * errors, uncaught exceptions, failed demos, tf.memory() (tensors and backend
 * bytes) and the JS heap after a forced garbage collection, per window.
 *
 * Fails on any error, on tensors that grow from one pass to the next, and on
 * JS heap growth over 10 % from pass 2 to pass 3. The figures per deck go to
 * test-output/soak/report-<shard>.json and .md.
 *
 * The decks are soaked in shards, one test file each (soak-lectures,
 * soak-field-rhymes), so that two of them run side by side (vitest runs two
 * files at a time) instead of one file walking every deck.
 *
 * SOAK_DECKS=name,name limits the decks; SOAK_DWELL=ms sets how long loops
 * run on each demo (default 120 ms); SOAK_DEBUG=1 prints each demo's time and
 * tensor count; SOAK_PASSES=n (debugging only) changes the number of passes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
// @ts-expect-error plain ESM build scripts without type declarations
import { deckFiles, describeDeck } from '../../scripts/decks.mjs';
import { baseUrl, goToSlide, openBrowser, slideCount, type Harness } from './harness';

const PASSES = Number(process.env.SOAK_PASSES ?? 3);
const DWELL = Number(process.env.SOAK_DWELL ?? 120);
const HEAP_GROWTH = 0.1;
const OUT_DIR = path.resolve('test-output', 'soak');

export interface Deck { name: string; href: string; title: string }
const only = (process.env.SOAK_DECKS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const allDecks: Deck[] = await Promise.all((await deckFiles()).map(describeDeck));

interface WindowFigures { tensors: number; bytes: number; gpuBytes: number | null; heapMB: number }
interface Pass {
  pass: number;
  seconds: number;
  consoleErrors: string[];
  pageErrors: string[];
  failedDemos: string[];
  audience: WindowFigures;
  presenter: WindowFigures;
}
interface DeckReport {
  deck: string;
  slides: number;
  demos: number;
  backend: string;
  /** Figures after the deck loaded, before the first pass. */
  baseline: { audience: WindowFigures; presenter: WindowFigures };
  passes: Pass[];
  seconds: number;
  problems: string[];
  /** Slow but not wrong: the presenter window lagging past the wait on the deck's first pass. */
  slow: string[];
}


/** Records console errors and uncaught exceptions of a window (its iframes included). */
function listen(page: Page, log: { console: string[]; page: string[] }, label: string): void {
  page.on('console', (m) => {
    if (m.type() === 'error') log.console.push(`${label}: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.page.push(`${label}: ${e.message}`));
}

async function figures(page: Page): Promise<WindowFigures> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    const mem = await page.evaluate(async () => {
      const rt = (globalThis as any).__demoRuntime;
      await rt.initBackend();
      const m = rt.tf.memory();
      return { tensors: m.numTensors as number, bytes: m.numBytes as number, gpuBytes: (m.numBytesInGPU ?? null) as number | null };
    });
    return { ...mem, heapMB: Math.round((heap.usedSize / 2 ** 20) * 10) / 10 };
  } finally {
    await cdp.detach();
  }
}

/** Demos on slide n (1-based): custom elements that carry the DemoElement `ready` promise. */
async function demosOn(page: Page, n: number): Promise<string[]> {
  return page.evaluate((i) => {
    const slide = document.querySelectorAll('svg.bespoke-marp-slide')[i - 1];
    const found = [...(slide?.querySelectorAll('*') ?? [])].filter((e) => e.localName.includes('-') && 'ready' in e);
    return found.map((e) => {
      if (!e.id) e.id = `soak-${i}-${Math.random().toString(36).slice(2, 8)}`;
      return e.id;
    });
  }, n);
}

const settled = (page: Page, id: string, timeout: number) =>
  page.waitForSelector(`#${CSS_escape(id)}[data-ready]`, { state: 'attached', timeout }).then(() => true, () => false);

function CSS_escape(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
}

/** Everything a lecturer might do to one demo, briefly. */
async function exercise(page: Page, demo: Locator, id: string): Promise<void> {
  await settled(page, id, 30_000);
  const buttons = await demo.locator('button:visible').all();
  for (const b of buttons) {
    if (!(await b.isEnabled().catch(() => false))) continue;
    await b.click({ timeout: 2000 }).catch(() => {});
    await page.waitForTimeout(40);
    // A busy demo (training, fitting) is clicked on anyway, as a hurried lecturer would.
    await settled(page, id, 200);
  }
  for (const slider of await demo.locator('input[type=range]:visible').all()) {
    if (!(await slider.isEnabled().catch(() => false))) continue;
    await slider.focus().catch(() => {});
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowUp']) await page.keyboard.press(key);
    await settled(page, id, 200);
  }
  const pads = await demo.locator('[aria-label*="drawing pad" i]:visible, [part~="pad"]:visible, [part~="chart"]:visible').all();
  for (const pad of pads) {
    const box = await pad.boundingBox().catch(() => null);
    if (!box || box.width < 10 || box.height < 10) continue;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.6, { steps: 6 });
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.75, { steps: 4 });
    await page.mouse.up();
    await settled(page, id, 200);
  }
  // Let any loop that was started run a moment, then give the keys back to the deck.
  await page.waitForTimeout(DWELL);
  await page.keyboard.press('Escape');
  await settled(page, id, 3_000);
}

/** Messages of demos that show their failure box. */
async function failedDemos(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('*')]
      .filter((e) => 'ready' in e && e.shadowRoot?.querySelector('.failure'))
      .map((e) => `#${e.id || e.localName}: ${e.shadowRoot!.querySelector('.failure')!.textContent?.trim()}`),
  );
}

function markdown(all: DeckReport[]): string {
  const lines = ['# Soak: three passes through every deck with its presenter window', ''];
  lines.push('| deck | demos | backend | window | tensors: baseline → pass 1 → 2 → 3 | tf bytes pass 3 | JS heap MB pass 1 → 2 → 3 | errors | seconds |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of all) {
    for (const w of ['audience', 'presenter'] as const) {
      const t = [r.baseline[w].tensors, ...r.passes.map((p) => p[w].tensors)].join(' → ');
      const heap = r.passes.map((p) => p[w].heapMB).join(' → ');
      const last = r.passes.at(-1)?.[w];
      const bytes = last ? `${last.bytes}${last.gpuBytes !== null ? ` (GPU ${last.gpuBytes})` : ''}` : '';
      const errors = r.passes.reduce((n, p) => n + p.consoleErrors.length + p.pageErrors.length + p.failedDemos.length, 0);
      lines.push(`| ${r.deck} | ${r.demos} | ${r.backend} | ${w} | ${t} | ${bytes} | ${heap} | ${w === 'audience' ? errors : ''} | ${w === 'audience' ? r.seconds : ''} |`);
    }
  }
  const problems = all.flatMap((r) => r.problems.map((p) => `- ${r.deck}: ${p}`));
  const slow = all.flatMap((r) => r.slow.map((p) => `- ${r.deck}: ${p}`));
  if (slow.length) lines.push('', '## Slow (first pass)', ...slow);
  lines.push('', problems.length ? '## Problems' : 'No problems.', ...problems, '');
  return lines.join('\n');
}

function writeReport(shard: string, reports: DeckReport[]): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, `report-${shard}.json`), JSON.stringify(reports, null, 2));
  writeFileSync(path.join(OUT_DIR, `report-${shard}.md`), markdown(reports));
}

/** The soak of the decks `pick` chooses (and SOAK_DECKS, when set, allows), as one describe block. */
export function soakSuite(shard: string, pick: (deck: Deck) => boolean): void {
  const decks = allDecks.filter((d) => pick(d) && (!only.length || only.includes(d.name)));
  const reports: DeckReport[] = [];
  describe(`soak (${shard}): three passes through each deck with the presenter window open`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await openBrowser();
    });
    afterAll(async () => {
      await h?.close();
      if (reports.length) {
        writeReport(shard, reports);
        console.log(markdown(reports));
      }
    });

    // With SOAK_DECKS naming decks of another shard only, this shard has nothing to do.
    it.skipIf(only.length > 0 && decks.length === 0)('has decks to walk', () => {
      expect(decks.length, `the ${shard} shard has no deck`).toBeGreaterThan(0);
    });

    it.each(decks)('$name: no errors, no growing tensors, heap steady', async (deck) => {
      const t0 = performance.now();
      const log = { console: [] as string[], page: [] as string[] };
      const audience = await h.context.newPage();
      listen(audience, log, 'audience');
      await audience.goto(`${baseUrl()}${deck.href}#1`);
      await audience.waitForFunction(() => (globalThis as any).__demoRuntime !== undefined);
      const slides = await slideCount(audience);
      // The presenter view, opened the way a lecturer does: "p" in the audience window.
      const popup = h.context.waitForEvent('page');
      await audience.locator('body').press('p');
      const presenter = await popup;
      listen(presenter, log, 'presenter');
      await presenter.waitForLoadState('load');
      await presenter.waitForFunction(() => document.body.dataset.bespokeView === 'presenter');
      const demoSlides = await audience.evaluate(() =>
        [...document.querySelectorAll('svg.bespoke-marp-slide')].flatMap((slide, i) => ([...slide.querySelectorAll('*')].some((e) => 'ready' in e) ? [i + 1] : [])));
      const report: DeckReport = {
        deck: deck.name, slides, demos: 0, backend: '',
        baseline: { audience: await figures(audience), presenter: await figures(presenter) },
        passes: [], seconds: 0, problems: [], slow: [],
      };
      report.backend = await audience.evaluate(() => (globalThis as any).__demoRuntime.backendInfo()?.name ?? '');
      reports.push(report);
      for (let pass = 1; pass <= PASSES; pass++) {
        const p0 = performance.now();
        let demos = 0;
        for (let n = 1; n <= slides; n++) {
          if (!demoSlides.includes(n)) continue;
          await goToSlide(audience, n);
          // bespoke's sync moves the presenter window along.
          await presenter.waitForFunction((i) => document.querySelectorAll('svg.bespoke-marp-slide')[i - 1]?.classList.contains('bespoke-marp-active'), n, { timeout: 90_000 })
            // On the first pass both windows build every demo for the first time (and the presenter its next-slide
            // previews), and with two soaks side by side on two cores the presenter has lagged past the wait: that is
            // recorded as slow. Later passes visit the same slides with everything built: not following there fails.
            .catch(() => (pass === 1 ? report.slow : report.problems).push(`pass ${pass}: presenter window did not follow to slide ${n} within 90 s`));
          for (const id of await demosOn(audience, n)) {
            demos++;
            const d0 = performance.now();
            const before = process.env.SOAK_DEBUG ? await audience.evaluate(() => (globalThis as any).__demoRuntime.tf.memory().numTensors) : 0;
            await exercise(audience, audience.locator(`#${CSS_escape(id)}`), id);
            if (process.env.SOAK_DEBUG) {
              const after = await audience.evaluate(() => (globalThis as any).__demoRuntime.tf.memory().numTensors);
              console.log(`[soak] ${deck.name} #${id} slide ${n}: ${Math.round(performance.now() - d0)} ms, tensors ${before} → ${after}`);
            }
          }
        }
        report.demos = demos;
        // Back to the title slide: every loop pauses; then measure both windows.
        await goToSlide(audience, 1);
        await presenter.waitForFunction(() => document.querySelectorAll('svg.bespoke-marp-slide')[0]?.classList.contains('bespoke-marp-active'), null, { timeout: 10_000 }).catch(() => {});
        await audience.waitForTimeout(300);
        const entry: Pass = {
          pass,
          seconds: Math.round((performance.now() - p0) / 100) / 10,
          consoleErrors: log.console.splice(0),
          pageErrors: log.page.splice(0),
          failedDemos: [...(await failedDemos(audience)).map((f) => `audience ${f}`), ...(await failedDemos(presenter)).map((f) => `presenter ${f}`)],
          audience: await figures(audience),
          presenter: await figures(presenter),
        };
        report.passes.push(entry);
        console.log(`[soak] ${deck.name} pass ${pass} (${entry.seconds} s): console errors ${entry.consoleErrors.length}, page errors ${entry.pageErrors.length}, failed demos ${entry.failedDemos.length}; `
          + `tensors audience ${entry.audience.tensors} presenter ${entry.presenter.tensors}; tf bytes ${entry.audience.bytes}${entry.audience.gpuBytes !== null ? ` (GPU ${entry.audience.gpuBytes})` : ''}; `
          + `heap MB audience ${entry.audience.heapMB} presenter ${entry.presenter.heapMB}`);
        for (const e of [...entry.consoleErrors, ...entry.pageErrors, ...entry.failedDemos]) report.problems.push(`pass ${pass}: ${e.slice(0, 300)}`);
      }
      // (SOAK_PASSES below 3, for a quick look while debugging, only prints the figures.)
      for (const w of report.passes.length >= 3 ? (['audience', 'presenter'] as const) : []) {
        const t = report.passes.map((p) => p[w].tensors);
        // Every toggle (train/pause, a mode button) has been clicked an odd number of times after passes 1 and 3 and an
        // even number after pass 2, so a demo may hold more tensors after odd passes than after even ones; a leak shows
        // as pass 3 over pass 1 (same toggle states) or as growth on every pass.
        if (t[2] > t[0] || (t[1] > t[0] && t[2] > t[1])) report.problems.push(`${w}: tensors grow from pass to pass (${t.join(' → ')})`);
        const [h2, h3] = [report.passes[1][w].heapMB, report.passes[2][w].heapMB];
        if (h3 > h2 * (1 + HEAP_GROWTH)) report.problems.push(`${w}: JS heap grows ${(((h3 - h2) / h2) * 100).toFixed(0)} % from pass 2 to pass 3 (${h2} → ${h3} MB)`);
      }
      report.seconds = Math.round((performance.now() - t0) / 1000);
      writeReport(shard, reports);
      await presenter.close();
      await audience.close();
      expect(report.problems).toEqual([]);
    }, 420_000);
  });
}
