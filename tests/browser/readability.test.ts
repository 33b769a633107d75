// Readable from the back of the room: on every slide of every deck that
// carries a demo or a diagram, at 1280×720, no visible text is drawn under
// 16 px (HTML text and SVG text, inside demos' shadow roots included; SVG text
// counts its font size times the SVG's on-screen scale), no heatmap label is
// cut short with "…" or pushed outside its demo, and no diagram <img> shows
// text under 16 px (its source font sizes times its displayed scale).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// @ts-expect-error plain ESM build scripts without type declarations
import { deckFiles, deckName } from '../../scripts/decks.mjs';
import { baseUrl, goToSlide, openBrowser, slideCount, type Harness } from './harness';

/** The smallest text size allowed on screen, in CSS px at a 1280×720 viewport. */
const MIN_PX = 16;

interface Finding {
  demo: string;
  text: string;
  px: number;
}

interface SlideScan {
  demos: string[];
  diagrams: { src: string; width: number; height: number }[];
  small: Finding[];
  labels: Finding[];
}

/** Runs in the page: what slide n shows in its demos and where its diagrams are drawn. */
function scanSlide([n, minPx]: [number, number]): SlideScan {
  const section = document.querySelectorAll('svg.bespoke-marp-slide')[n - 1]!.querySelector('section')!;
  const slideBox = section.getBoundingClientRect();
  const demos = [...section.querySelectorAll<HTMLElement>('*')].filter((e) => 'ready' in e);
  const small: Finding[] = [];
  const labels: Finding[] = [];
  const clip = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 40);
  const round = (v: number) => Math.round(v * 10) / 10;

  /**
   * On-screen px per CSS px of an HTML element (Marp's slide scale, any CSS
   * transform), read off a wide block so offsetWidth's rounding to whole
   * pixels does not matter.
   */
  const htmlScale = (el: HTMLElement): number => {
    const r = el.getBoundingClientRect();
    if (el.offsetWidth >= 200 && r.width > 0) return r.width / el.offsetWidth;
    return slideBox.width / section.offsetWidth;
  };
  /** On-screen px per user unit of an SVG element (getScreenCTM folds in viewBoxes, SVG transforms and CSS transforms). */
  const svgScale = (el: SVGGraphicsElement): number => {
    const m = el.getScreenCTM();
    return m ? Math.hypot(m.a, m.b) : htmlScale(el as unknown as HTMLElement);
  };

  function* texts(root: Node): Generator<Text> {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode as Node | null; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (node.textContent?.trim()) yield node as Text;
      } else if ((node as Element).shadowRoot) {
        yield* texts((node as Element).shadowRoot!);
      }
    }
  }

  for (const demo of demos) {
    const name = `${demo.localName}${demo.id ? `#${demo.id}` : ''}`;
    const hostBox = demo.getBoundingClientRect();
    const hostScale = htmlScale(demo);
    {
      // From the host: its shadow root, its slotted light DOM, and every nested shadow root.
      for (const t of texts(demo)) {
        const el = t.parentElement;
        if (!el || ['STYLE', 'SCRIPT', 'TITLE', 'OPTION'].includes(el.tagName) || el.closest('title, desc, defs')) continue;
        if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
        const range = document.createRange();
        range.selectNodeContents(t);
        const r = range.getBoundingClientRect();
        if (r.width < 0.5 || r.height < 0.5) continue;
        const font = parseFloat(getComputedStyle(el).fontSize);
        const px = el instanceof SVGElement ? font * svgScale(el as unknown as SVGGraphicsElement) : font * hostScale;
        if (px < minPx - 0.05) small.push({ demo: name, text: clip(t.textContent!), px: round(px) });
        if (el instanceof SVGTextElement && el.closest('svg.heatmap')) {
          const text = t.textContent!.trim();
          const lb = el.getBoundingClientRect();
          const out = Math.max(hostBox.left - lb.left, lb.right - hostBox.right, hostBox.top - lb.top, lb.bottom - hostBox.bottom,
            slideBox.left - lb.left, lb.right - slideBox.right, lb.bottom - slideBox.bottom);
          if (text.endsWith('…') || text.endsWith('...')) labels.push({ demo: name, text: `${text} (cut short)`, px: round(px) });
          else if (out > 1) labels.push({ demo: name, text: `${text} (clipped by ${Math.round(out)} px)`, px: round(px) });
        }
      }
    }
  }
  const diagrams = ([...section.querySelectorAll('img')] as HTMLImageElement[])
    .filter((img) => /\.svg(\?|#|$)/.test(img.src) && img.checkVisibility() && img.getBoundingClientRect().width > 0)
    .map((img) => ({ src: img.src, width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height }));
  return { demos: demos.map((d) => `${d.localName}${d.id ? `#${d.id}` : ''}`), diagrams, small, labels };
}

/** Runs in a page showing a bare SVG: each text's font size in the root viewBox's units. */
function svgTextSizes(): { text: string; units: number; viewWidth: number; viewHeight: number }[] {
  const root = document.documentElement as unknown as SVGSVGElement;
  const vb = root.viewBox.baseVal;
  return ([...root.querySelectorAll('text')] as SVGTextElement[])
    .filter((t) => t.textContent?.trim() && t.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
    .map((t) => {
      // Screen px per unit of the text, divided by screen px per unit of the root viewBox.
      const m = t.getScreenCTM();
      const perUnit = root.getBoundingClientRect().width / vb.width;
      const scale = m ? Math.hypot(m.a, m.b) / perUnit : 1;
      return { text: t.textContent!.replace(/\s+/g, ' ').trim().slice(0, 40), units: parseFloat(getComputedStyle(t).fontSize) * scale, viewWidth: vb.width, viewHeight: vb.height };
    });
}

/** Every deck page, slides/<series>/ folders included (scripts/decks.mjs). */
const DECKS: string[] = ((await deckFiles()) as string[]).map((f) => `${deckName(f) as string}.html`);

describe('readability at 1280×720: every demo and diagram on every deck', () => {
  let h: Harness;
  let svgPage: Page;
  const svgCache = new Map<string, Awaited<ReturnType<typeof svgTextSizes>>>();

  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
    svgPage = await h.context.newPage();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Smallest on-screen text of a diagram shown at `widthPx` wide. */
  async function diagramFindings(src: string, widthPx: number, heightPx: number): Promise<Finding[]> {
    if (!svgCache.has(src)) {
      await svgPage.goto(src);
      svgCache.set(src, await svgPage.evaluate(svgTextSizes));
    }
    const sizes = svgCache.get(src)!;
    const name = path.basename(new URL(src).pathname);
    return sizes
      // An <img> draws its SVG scaled to fit ("meet"): the smaller of the two ratios.
      .map((s) => ({ demo: name, text: s.text, px: Math.round(s.units * Math.min(widthPx / s.viewWidth, heightPx / s.viewHeight) * 10) / 10 }))
      .filter((f) => f.px < MIN_PX - 0.05);
  }

  it('keeps Marp\'s page controller off the demos: low in the bottom padding, hidden while the pointer is on a demo', async () => {
    const page = await h.open('next-token-prediction.html');
    const n = await page.evaluate(() =>
      [...document.querySelectorAll('svg.bespoke-marp-slide')].findIndex((s) => s.querySelector('bigram-table')) + 1);
    expect(n).toBeGreaterThan(0);
    await goToSlide(page, n);
    await page.waitForSelector('bigram-table[data-ready]', { state: 'attached', timeout: 60_000 });
    const osc = () => page.evaluate(() => {
      const el = document.querySelector('.bespoke-marp-parent > .bespoke-marp-osc')!;
      const r = el.getBoundingClientRect();
      return { opacity: Number(getComputedStyle(el).opacity), top: r.top, bottom: r.bottom, onDemo: document.body.hasAttribute('data-pointer-on-demo') };
    });
    // The mouse keeps moving (bespoke hides the controller after a moment of stillness).
    let k = 0;
    const wiggle = async (x: number, y: number) => {
      await page.mouse.move(x + (k % 2) * 6, y + (k++ % 2) * 4);
      await page.waitForTimeout(250); // the controller fades in .2 s
      return osc();
    };
    // Off the demo (the slide title): the controller shows, in the bottom 60 px of the 720 px window.
    await expect.poll(async () => (await wiggle(200, 60)).opacity, { timeout: 15_000 }).toBeGreaterThan(0.5);
    const shown = await osc();
    expect(shown.onDemo).toBe(false);
    expect(shown.top).toBeGreaterThanOrEqual(720 - 60);
    // On the demo, still moving: hidden.
    const box = (await page.locator('bigram-table').boundingBox())!;
    const hidden = await wiggle(box.x + box.width / 2, box.y + box.height / 2);
    expect(hidden.onDemo).toBe(true);
    expect(hidden.opacity).toBe(0);
    // And back off it: shown again.
    await expect.poll(async () => (await wiggle(200, 60)).opacity, { timeout: 15_000 }).toBeGreaterThan(0.5);
  });

  it('finds the decks, series folders included', () => {
    expect(DECKS).toContain('next-token-prediction.html');
    expect(DECKS.length).toBeGreaterThanOrEqual(3);
  });

  it.each(DECKS)('%s: no text under 16 px and no cut heatmap label on any slide with a demo or a diagram', async (deck) => {
    const page = await h.open(deck);
    expect(page.url().startsWith(baseUrl())).toBe(true);
    const slides = await slideCount(page);
    const withContent = await page.evaluate(() =>
      [...document.querySelectorAll('svg.bespoke-marp-slide')].map((s, i) =>
        [...s.querySelectorAll('*')].some((e) => 'ready' in e || (e.localName === 'img' && /\.svg/.test((e as HTMLImageElement).src))) ? i + 1 : 0,
      ).filter(Boolean),
    );
    expect(withContent.length).toBeGreaterThan(0);
    expect(slides).toBeGreaterThanOrEqual(withContent.length);
    const problems: string[] = [];
    for (const n of withContent) {
      await goToSlide(page, n);
      const ready = await page
        .waitForFunction((i) => {
          const s = document.querySelectorAll('svg.bespoke-marp-slide')[i - 1]!;
          return [...s.querySelectorAll('*')].filter((e) => 'ready' in e).every((e) => e.hasAttribute('data-ready'));
        }, n, { timeout: 60_000 })
        .then(() => true, () => false);
      if (!ready) problems.push(`${deck} slide ${n}: a demo never became ready`);
      // Let a render that follows data-ready land.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const scan = await page.evaluate(scanSlide, [n, MIN_PX] as [number, number]);
      const where = `${deck.replace(/\.html$/, '')} slide ${n}`;
      for (const f of scan.small) problems.push(`${where} ${f.demo}: "${f.text}" ${f.px} px`);
      for (const f of scan.labels) problems.push(`${where} ${f.demo}: heatmap label "${f.text}"`);
      for (const d of scan.diagrams) {
        for (const f of await diagramFindings(d.src, d.width, d.height)) problems.push(`${where} ${f.demo}: "${f.text}" ${f.px} px`);
      }
    }
    // The whole list, one line each, for whoever fixes them (the assertion's diff is cut short).
    const report = path.resolve('test-output', 'readability', `${deck.replace(/\.html$/, '').replaceAll('/', '-')}.txt`);
    mkdirSync(path.dirname(report), { recursive: true });
    writeFileSync(report, problems.length ? `${problems.join('\n')}\n` : 'nothing under 16 px, no cut heatmap label\n');
    expect(problems.length ? `${problems.length} problems (all in ${path.relative(process.cwd(), report)}):\n${problems.slice(0, 40).join('\n')}` : '').toBe('');
  }, 900_000);
});
