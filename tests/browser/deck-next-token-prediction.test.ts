import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goToSlide, openBrowser, slideCount, type Harness } from './harness';

const DECK = 'next-token-prediction.html';

/** Every demo tag the deck is written against (each must be a defined element). */
const EXPECTED_DEMOS = [
  'sliding-window', 'bigram-table', 'embedding-arithmetic', 'mlp-trainer', 'cross-entropy',
  'vanishing-gradient', 'attention-grid', 'bpe-tokenizer', 'positional-encoding',
  'softmax-temperature', 'sampling-tree',
];

interface SlideReport {
  demos: { tag: string; id: string; defined: boolean }[];
  /** Markup Marp escaped instead of rendering (a tag or attribute missing from the allowlist). */
  escaped: string | null;
  /** How far content reaches past the section's padding box, and which elements stick out of the slide. */
  spill: number;
  outside: string[];
}

/** Inspects the n-th slide (1-based) in the page. */
function inspectSlide(n: number): SlideReport {
  const section = document.querySelectorAll('svg.bespoke-marp-slide')[n - 1].querySelector('section')!;
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
  const escaped = /<\/?[a-z]+-[a-z-]+/.exec(text)?.[0] ?? null;
  return {
    demos: all.filter((e) => 'ready' in e || (e.localName.includes('-') && !e.localName.startsWith('mjx'))).map((e) => ({
      tag: e.localName,
      id: e.id,
      defined: customElements.get(e.localName) !== undefined,
    })),
    escaped,
    // scrollHeight counts the bottom padding after the last content, so any positive
    // spill means content runs into the padding strip (where the page number sits) or beyond.
    spill: Math.max(section.scrollHeight - section.clientHeight, section.scrollWidth - section.clientWidth),
    outside,
  };
}

describe('the Next Token Prediction deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, nothing overflowing, no console error and no external request on any slide', async () => {
    const page = await h.open(DECK);
    const count = await slideCount(page);
    expect(count).toBeGreaterThan(80);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (let n = 1; n <= count; n++) {
      await goToSlide(page, n);
      const report = await page.evaluate(inspectSlide, n);
      if (report.escaped) problems.push(`slide ${n}: markup shown as text: ${report.escaped}`);
      for (const d of report.demos) {
        seen.add(d.tag);
        if (!d.defined) {
          problems.push(`slide ${n}: <${d.tag}> is not a defined element`);
          continue;
        }
        if (!d.id) problems.push(`slide ${n}: <${d.tag}> has no id`);
        const ready = await page
          .waitForSelector(`#${d.id}[data-ready]`, { state: 'attached', timeout: 45_000 })
          .then(() => true, () => false);
        if (!ready) problems.push(`slide ${n}: #${d.id} never became ready`);
      }
      // Demos may grow when they finish drawing: measure after they are ready.
      const after = report.demos.length ? await page.evaluate(inspectSlide, n) : report;
      if (after.spill > 0 || after.outside.length) {
        problems.push(`slide ${n}: content overflows by ${after.spill}px (${after.outside.join(', ') || 'into the bottom padding'})`);
        await h.screenshot(`next-token-prediction-overflow-${n}`);
      }
      if (h.consoleErrors.length) problems.push(`slide ${n}: console errors: ${h.consoleErrors.splice(0).join(' | ').slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
    expect([...seen].filter((t) => EXPECTED_DEMOS.includes(t)).sort()).toEqual([...EXPECTED_DEMOS].sort());
    expect(h.externalRequests).toEqual([]);
  }, 600_000);
});
