/**
 * Walks a built deck slide by slide and collects what a lecturer would see
 * go wrong: a demo tag Marp escaped or that is not defined, a demo that never
 * becomes ready, a missing image, content spilling past the slide, a console
 * error. The deck tests assert on the report.
 */
import { goToSlide, slideCount, type Harness } from './harness';

interface SlideReport {
  title: string;
  demos: { tag: string; id: string; defined: boolean }[];
  /** Markup Marp escaped instead of rendering (a tag or attribute missing from the allowlist). */
  escaped: string | null;
  /** Images that failed to load (a diagram missing from the build). */
  brokenImages: string[];
  /** How far content reaches past the section's padding box, and which elements stick out of the slide. */
  spill: number;
  outside: string[];
}

/** Inspects the n-th slide (1-based) in the page. */
function inspectSlide(n: number): SlideReport {
  const section = document.querySelectorAll('svg.bespoke-marp-slide')[n - 1]!.querySelector('section')!;
  const box = section.getBoundingClientRect();
  const all = [...section.querySelectorAll('*')];
  const outside = all
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return (r.width > 0 || r.height > 0) && (r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.left < box.left - 1);
    })
    .slice(0, 3)
    .map((e) => `${e.localName}${e.id ? '#' + e.id : ''}`);
  const text = section.textContent ?? '';
  return {
    title: section.querySelector('h1')?.textContent ?? '',
    demos: all.filter((e) => 'ready' in e || (e.localName.includes('-') && !e.localName.startsWith('mjx'))).map((e) => ({
      tag: e.localName,
      id: e.id,
      defined: customElements.get(e.localName) !== undefined,
    })),
    escaped: /<\/?[a-z]+-[a-z-]+/.exec(text)?.[0] ?? null,
    brokenImages: [...section.querySelectorAll('img')].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
    // scrollHeight counts the bottom padding after the last content, so any positive
    // spill means content runs into the padding strip (where the page number sits) or beyond.
    spill: Math.max(section.scrollHeight - section.clientHeight, section.scrollWidth - section.clientWidth),
    outside,
  };
}

export interface DeckWalk {
  slides: number;
  /** One line per problem, naming the slide. Empty when the deck is clean. */
  problems: string[];
  /** Each slide's h1 text ('' where it has none). */
  titles: string[];
  /** Every demo tag met on the way. */
  tags: Set<string>;
}

export interface WalkOptions {
  /** Screenshot every slide as `<prefix>-NN.png`, or only the ones with a problem. */
  screenshots?: 'every' | 'problems';
  prefix?: string;
  readyTimeout?: number;
}

/** Opens `deck` (e.g. "temperature.html") and walks every slide. */
export async function walkDeck(h: Harness, deck: string, o: WalkOptions = {}): Promise<DeckWalk> {
  const page = await h.open(deck);
  const slides = await slideCount(page);
  const walk: DeckWalk = { slides, problems: [], titles: [], tags: new Set() };
  const prefix = o.prefix ?? deck.replace(/\.html$/, '').replaceAll('/', '-');
  for (let n = 1; n <= slides; n++) {
    const problems: string[] = [];
    await goToSlide(page, n);
    const report = await page.evaluate(inspectSlide, n);
    walk.titles.push(report.title);
    if (report.escaped) problems.push(`markup shown as text: ${report.escaped}`);
    for (const d of report.demos) {
      walk.tags.add(d.tag);
      if (!d.defined) {
        problems.push(`<${d.tag}> is not a defined element`);
        continue;
      }
      if (!d.id) problems.push(`<${d.tag}> has no id`);
      const ready = await page
        .waitForSelector(`#${d.id}[data-ready]`, { state: 'attached', timeout: o.readyTimeout ?? 60_000 })
        .then(() => true, () => false);
      if (!ready) problems.push(`#${d.id} never became ready`);
    }
    // Demos may grow when they finish drawing: measure after they are ready.
    const after = report.demos.length ? await page.evaluate(inspectSlide, n) : report;
    if (after.brokenImages.length) problems.push(`images did not load: ${after.brokenImages.join(', ')}`);
    if (after.spill > 0 || after.outside.length) {
      problems.push(`content overflows by ${after.spill}px (${after.outside.join(', ') || 'into the bottom padding'})`);
    }
    if (h.consoleErrors.length) problems.push(`console errors: ${h.consoleErrors.splice(0).join(' | ').slice(0, 300)}`);
    if (o.screenshots === 'every' || (o.screenshots === 'problems' && problems.length)) {
      await page.waitForTimeout(100);
      await h.screenshot(`${prefix}-${String(n).padStart(2, '0')}`);
    }
    walk.problems.push(...problems.map((p) => `slide ${n}: ${p}`));
  }
  return walk;
}
