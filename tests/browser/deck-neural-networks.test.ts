import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goToSlide, openBrowser, slideCount, type Harness } from './harness';

const DECK = 'neural-networks.html';

/**
 * Walks every slide of the Neural Networks & Transformers deck: each demo on
 * the slide is a defined element that becomes ready, nothing sticks out of
 * the 1280×720 slide, and no slide logs an error or fetches from the network.
 */
describe('the neural-networks deck, slide by slide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has every demo ready, no overflow, no console error and no external request on any slide', async () => {
    const page = await h.open(DECK);
    const count = await slideCount(page);
    expect(count).toBeGreaterThan(60);
    const problems: string[] = [];
    for (let n = 1; n <= count; n++) {
      await goToSlide(page, n);
      // Custom elements on this slide: each must be defined and reach data-ready.
      const demos = await page.evaluate((i) => {
        const section = document.querySelectorAll('svg.bespoke-marp-slide')[i - 1].querySelector('section')!;
        return [...section.querySelectorAll('*')].filter((e) => e.localName.includes('-') && !e.localName.startsWith('mjx')).map((e) => ({
          tag: e.localName,
          id: e.id,
          defined: customElements.get(e.localName) !== undefined,
        }));
      }, n);
      // A tag missing from the allowlist is escaped by Marp and shows up as text.
      const escaped = await page.evaluate((i) => {
        const section = document.querySelectorAll('svg.bespoke-marp-slide')[i - 1].querySelector('section')!;
        return section.textContent?.match(/<\/?[a-z]+-[a-z-]+[^>]*>/)?.[0] ?? null;
      }, n);
      if (escaped) problems.push(`slide ${n}: escaped tag shown as text: ${escaped.slice(0, 60)}`);
      for (const d of demos) {
        if (!d.defined) {
          problems.push(`slide ${n}: <${d.tag}> is not a defined element`);
          continue;
        }
        const ready = await page
          .waitForSelector(`#${d.id}[data-ready]`, { state: 'attached', timeout: 45_000 })
          .then(() => true, () => false);
        if (!ready) problems.push(`slide ${n}: #${d.id} never became ready`);
      }
      const overflow = await page.evaluate((i) => {
        const section = document.querySelectorAll('svg.bespoke-marp-slide')[i - 1].querySelector('section')!;
        const box = section.getBoundingClientRect();
        const out = [...section.querySelectorAll('*')].filter((e) => {
          const r = e.getBoundingClientRect();
          return (r.width > 0 || r.height > 0) && (r.bottom > box.bottom + 1 || r.right > box.right + 1);
        });
        // scrollHeight > clientHeight: content runs into the bottom padding or beyond.
        return { spill: section.scrollHeight - section.clientHeight, out: out.slice(0, 3).map((e) => e.localName) };
      }, n);
      if (overflow.spill > 0 || overflow.out.length) problems.push(`slide ${n}: overflows (${overflow.spill}px, ${overflow.out.join(', ')})`);
      if (h.consoleErrors.length) problems.push(`slide ${n}: console errors ${h.consoleErrors.splice(0).join(' | ')}`);
    }
    expect(problems).toEqual([]);
    expect(h.externalRequests).toEqual([]);
  }, 600_000);
});
