import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSlide, demoHandle, goToSlide, openBrowser, type Harness } from './harness';

const DEMO_SLIDE = 6; // "Try it: drag the temperature" in slides/temperature.md

function reference(z: number[], t: number): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp((v - m) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('<softmax-temperature> in the temperature deck', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  for (const mode of ['server', 'file'] as const) {
    it(`computes the softmax, and arrow keys move the slider but not the slide (${mode})`, async () => {
      h.consoleErrors.length = 0;
      h.externalRequests.length = 0;
      const page = await h.open(`temperature.html#${DEMO_SLIDE}`, { file: mode === 'file' });
      await goToSlide(page, DEMO_SLIDE);
      const demo = demoHandle(page, '#temperature-demo');
      await demo.ready();

      const before = await demo.prop<number[]>('probabilities');
      reference([2, 1, 0.5, 0.1], 1).forEach((p, i) => expect(before[i]).toBeCloseTo(p, 4));

      await demo.part('input[aria-label="temperature"]').focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
      await demo.settled();
      const t = await demo.prop<number>('currentTemperature');
      expect(t).toBeCloseTo(1.5, 5);
      const after = await demo.prop<number[]>('probabilities');
      reference([2, 1, 0.5, 0.1], 1.5).forEach((p, i) => expect(after[i]).toBeCloseTo(p, 4));
      expect(await currentSlide(page)).toBe(DEMO_SLIDE);

      // Escape hands the keys back: the next arrow changes the slide.
      await page.keyboard.press('Escape');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((n) => location.hash === `#${n}`, DEMO_SLIDE + 1);

      expect(h.consoleErrors).toEqual([]);
      expect(h.externalRequests).toEqual([]);
    });
  }

  it('reaches argmax at T = 0 and stays finite for logits of 1e4', async () => {
    const page = await h.mount(`
      <softmax-temperature id="cold" logits="0.3, 2.5, -1" temperature="0"></softmax-temperature>
      <softmax-temperature id="huge" logits="10000, 9999, -10000"></softmax-temperature>`);
    const cold = demoHandle(page, '#cold');
    const huge = demoHandle(page, '#huge');
    await cold.ready();
    await huge.ready();
    expect(await cold.prop('probabilities')).toEqual([0, 1, 0]);
    const p = await huge.prop<number[]>('probabilities');
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p[0]).toBeCloseTo(reference([1e4, 9999, -1e4], 1)[0], 5);
    await h.screenshot('softmax-temperature-mounted');
  });

  it.each([
    { attrs: 'logits="a,b"', attribute: 'logits' },
    { attrs: 'logits=""', attribute: 'logits' },
    { attrs: 'temperature="-1"', attribute: 'temperature' },
    { attrs: 'temperature="abc"', attribute: 'temperature' },
  ])('explains $attrs inside the box and keeps working with defaults', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<softmax-temperature id="bad" ${attrs}></softmax-temperature>
      <softmax-temperature id="good" logits="1, 2"></softmax-temperature>`);
    const bad = demoHandle(page, '#bad');
    const good = demoHandle(page, '#good');
    await bad.ready();
    await good.ready();
    const message = await bad.messages();
    expect(message).toContain(attribute);
    expect(message).toMatch(/expected/);
    expect(await bad.prop<number[]>('probabilities')).toHaveLength(4);
    expect((await good.prop<number[]>('probabilities'))[1]).toBeCloseTo(reference([1, 2], 1)[1], 4);
    expect(h.consoleErrors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// top-k, top-p, sampling, entropy

/** Plain-JS reference: softmax(z / T), then top-k, then top-p on the renormalised survivors. */
function pipeline(z: number[], t: number, k: number, p: number): number[] {
  const probs = reference(z, t);
  const order = probs.map((_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const keepK = new Set(k > 0 ? order.slice(0, k) : order);
  const massK = [...keepK].reduce((s, i) => s + probs[i]!, 0);
  const keep = new Set<number>();
  let mass = 0;
  for (const i of order.filter((i) => keepK.has(i))) {
    if (p < 1 && mass >= p * (1 - 1e-9)) break;
    keep.add(i);
    mass += probs[i]! / massK;
  }
  const total = [...keep].reduce((s, i) => s + probs[i]!, 0);
  return probs.map((v, i) => (keep.has(i) ? v / total : 0));
}

const MENU_LOGITS = [0.4, 0.3, 0.1, 0.05, 0.04, 0.02, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015].map(Math.log);
const MENU_LABELS = 'pizza, pasta, shoes, clouds, dreams, hope, rocks, socks, glue, rain, jazz, tax';

describe('<softmax-temperature> top-k, top-p and sampling', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser();
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps pizza … hope for top-p 0.9 and renormalises top-3 to 0.50, 0.375, 0.125', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<softmax-temperature id="menu" logits="${MENU_LOGITS.join(', ')}" labels="${MENU_LABELS}" top-p="0.9"></softmax-temperature>`);
    const demo = demoHandle(page, '#menu');
    await demo.ready();
    expect(await demo.prop('kept')).toEqual([true, true, true, true, true, true, false, false, false, false, false, false]);
    const nucleus = await demo.prop<number[]>('probabilities');
    expect(nucleus[0]).toBeCloseTo(0.4 / 0.91, 4);
    expect(await demo.part('.kept-count').textContent()).toMatch(/kept\s*6\s*of 12\s*\(mass\s*0\.910\)/);
    expect(await demo.part('g.bar.removed').count()).toBe(6);
    await h.screenshot('softmax-temperature-top-p', demo.locator);

    await demo.attr('top-p', '1');
    await demo.attr('top-k', '3');
    await demo.settled();
    const top3 = await demo.prop<number[]>('probabilities');
    expect(top3.slice(0, 3).map((v) => +v.toFixed(4))).toEqual([0.5, 0.375, 0.125]);
    expect(top3.slice(3).every((v) => v === 0)).toBe(true);
    expect(h.consoleErrors).toEqual([]);
  });

  it('applies temperature, top-k and top-p in that order from the sliders, matching a reference', async () => {
    const z = [2, 1, 0.5, 0.1, -0.3, -1];
    const page = await h.mount(`<softmax-temperature id="s" logits="${z.join(', ')}"></softmax-temperature>`);
    const demo = demoHandle(page, '#s');
    await demo.ready();
    const setSlider = async (label: string, value: number) => {
      await demo.part(`input[aria-label="${label}"]`).evaluate((el: HTMLInputElement, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, value);
      await demo.settled();
    };
    for (const [t, k, p] of [[1.7, 4, 0.8], [0.6, 0, 0.5], [2.5, 2, 1], [0, 3, 0.3]] as const) {
      await setSlider('temperature', t);
      await setSlider('top-k', k);
      await setSlider('top-p', p);
      const got = await demo.prop<number[]>('probabilities');
      const want = t === 0 ? [1, 0, 0, 0, 0, 0] : pipeline(z, t, k, p);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
      const e = await demo.prop<{ nats: number; bits: number; effectiveChoices: number }>('entropy');
      const nats = -want.filter((v) => v > 0).reduce((s, v) => s + v * Math.log(v), 0);
      expect(e.nats).toBeCloseTo(nats, 4);
      expect(e.bits).toBeCloseTo(nats / Math.LN2, 4);
      expect(e.effectiveChoices).toBeCloseTo(Math.exp(nats), 3);
    }
  });

  it('draws a seeded histogram over the bars that follows the probabilities and never hits a cut token', async () => {
    const page = await h.mount(`<softmax-temperature id="d" logits="${MENU_LOGITS.join(', ')}" labels="${MENU_LABELS}" top-k="3" samples="2000" seed="7"></softmax-temperature>
      <softmax-temperature id="twin" logits="${MENU_LOGITS.join(', ')}" labels="${MENU_LABELS}" top-k="3" samples="2000" seed="7"></softmax-temperature>`);
    const demo = demoHandle(page, '#d');
    const twin = demoHandle(page, '#twin');
    await demo.ready();
    await twin.ready();
    await demo.part('button:text("sample 2000")').click();
    const counts = await demo.prop<number[]>('sampleCounts');
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(counts.slice(3).every((c) => c === 0)).toBe(true);
    [0.5, 0.375, 0.125].forEach((q, i) => expect(Math.abs(counts[i]! / 2000 - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / 2000)));
    expect(await demo.part('rect.overlay').count()).toBe(12);
    // Same seed, same draws; the next click draws new ones.
    const first = await twin.call<string[]>('sample', 20);
    expect(first.every((l) => ['pizza', 'pasta', 'shoes'].includes(l))).toBe(true);
    const again = await twin.call<string[]>('sample', 20);
    expect(again).not.toEqual(first);
    await h.screenshot('softmax-temperature-samples', demo.locator);
    // Moving a slider clears the now-stale histogram.
    await demo.attr('temperature', '2');
    await demo.settled();
    expect(await demo.prop('sampleCounts')).toBeNull();
  });

  it.each([
    { attrs: 'top-k="-1"', attribute: 'top-k' },
    { attrs: 'top-k="2.5"', attribute: 'top-k' },
    { attrs: 'top-p="1.5"', attribute: 'top-p' },
    { attrs: 'top-p="most"', attribute: 'top-p' },
    { attrs: 'samples="0"', attribute: 'samples' },
  ])('explains $attrs inside the box and keeps the filter off', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<softmax-temperature id="bad" ${attrs}></softmax-temperature>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    expect(await bad.messages()).toContain(attribute);
    const p = await bad.prop<number[]>('probabilities');
    reference([2, 1, 0.5, 0.1], 1).forEach((q, i) => expect(p[i]).toBeCloseTo(q, 4));
    expect(h.consoleErrors).toEqual([]);
  });

  it('shows only the temperature slider with controls="temperature", and three decimals with decimals="3"', async () => {
    const page = await h.mount('<softmax-temperature id="w" logits="2, 1.8, 1.2, 0.8, 0.6" labels="sunny, cloudy, rainy, snowy, windy" temperature="0.5" decimals="3" controls="temperature"></softmax-temperature>');
    const w = demoHandle(page, '#w');
    await w.ready();
    expect(await w.part('input[type="range"]').count()).toBe(1);
    expect(await w.part('[aria-label="top-k"]').count()).toBe(0);
    expect(await w.locator.evaluate((el) => el.shadowRoot!.textContent)).not.toMatch(/entropy|top-k|top-p/);
    // exp(2/0.5) / Σ exp(z/0.5) = 54.598 / 110.49 = 0.494 (the exercise's table)
    expect(await w.locator.evaluate((el) => [...el.shadowRoot!.querySelectorAll('g.bar text')].map((t) => t.textContent)[0])).toBe('0.494');
  });

  it('caps samples="1e6" at 10,000 with a note', async () => {
    const page = await h.mount('<softmax-temperature id="big" samples="1000000"></softmax-temperature>');
    const big = demoHandle(page, '#big');
    await big.ready();
    expect(await big.messages()).toMatch(/capped at 10000/);
    await big.part('button:text("sample 10000")').click();
    expect((await big.prop<number[]>('sampleCounts')).reduce((a, b) => a + b, 0)).toBe(10000);
  });
});

describe('<softmax-temperature> at slide size', () => {
  it('fits the 1180 × 560 demo area with 12 labelled tokens, cuts and a histogram', async () => {
    const h = await openBrowser();
    try {
      const page = await h.mount(`<softmax-temperature id="fit" logits="${MENU_LOGITS.join(', ')}" labels="${MENU_LABELS}" top-p="0.9" temperature="1.4"></softmax-temperature>`);
      const demo = demoHandle(page, '#fit');
      await demo.ready();
      await demo.call('sample', 500);
      const box = (await demo.locator.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(1180);
      expect(box.height).toBeLessThanOrEqual(560);
      await h.screenshot('softmax-temperature-fit', demo.locator);
    } finally {
      await h.close();
    }
  });
});

// ---------------------------------------------------------------------------
// source="bigram": real logits from a bigram model counted in the page

describe('<softmax-temperature source="bigram">', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openBrowser({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await h.close();
  });

  /** Plain-JS reference over the same bundled names: ln((count(c, j) + 1) / (n + V)), sorted descending. */
  const referenceRow = async (c: string) => {
    const { NAMES_EN } = await import('../../components/data/names');
    const vocab = ['.', ...[...new Set(NAMES_EN.join(''))].sort()];
    const counts = new Map(vocab.map((v) => [v, 0]));
    for (const n of NAMES_EN) {
      const s = `.${n}.`;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === c) counts.set(s[i + 1]!, counts.get(s[i + 1]!)! + 1);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const rows = vocab.map((v) => ({ label: v === '.' ? 'end' : v, z: Math.log((counts.get(v)! + 1) / (total + vocab.length)) }));
    rows.sort((a, b) => b.z - a.z || vocab.indexOf(a.label === 'end' ? '.' : a.label) - vocab.indexOf(b.label === 'end' ? '.' : b.label));
    return { rows, total };
  };

  it('takes its logits from the bigram row after "a" on the names, names the corpus, and reshapes them with T', async () => {
    h.consoleErrors.length = 0;
    const page = await h.mount('<softmax-temperature id="bg" source="bigram" context="a"></softmax-temperature>');
    const bg = demoHandle(page, '#bg');
    await bg.ready();
    const ref = await referenceRow('a');
    const z = await bg.prop<number[]>('logitsShown');
    expect(await bg.prop('labelsShown')).toEqual(ref.rows.map((r) => r.label));
    z.forEach((v, i) => expect(v).toBeCloseTo(ref.rows[i]!.z, 4));
    // At T = 1 the softmax gives back the model's own probabilities.
    const p = await bg.prop<number[]>('probabilities');
    p.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(ref.rows[i]!.z), 4));
    expect(await bg.part('.source').textContent()).toMatch(/8,405 English first names \(names-en\)/);
    expect((await bg.prop<{ total: number }>('bigram')).total).toBe(ref.total);
    await h.screenshot('softmax-temperature-bigram', bg.locator);
    const box = (await bg.locator.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(1180);
    expect(box.height).toBeLessThanOrEqual(560);

    // T = 0.5 squares the odds of the top two characters.
    await bg.attr('temperature', '0.5');
    await bg.settled();
    const cold = await bg.prop<number[]>('probabilities');
    expect(cold[0]! / cold[1]!).toBeCloseTo((p[0]! / p[1]!) ** 2, 3);

    // The menu changes the context: after "q" comes "u".
    await bg.part('select[aria-label="context"]').selectOption('q');
    await page.waitForFunction(() => (document.querySelector('#bg') as any).labelsShown?.[0] === 'u');
    await bg.settled();
    const q = await referenceRow('q');
    (await bg.prop<number[]>('logitsShown')).forEach((v, i) => expect(v).toBeCloseTo(q.rows[i]!.z, 4));
    expect(h.consoleErrors).toEqual([]);
  });

  it.each([
    { attrs: 'source="gpt"', attribute: 'source' },
    { attrs: 'source="bigram" context="ab"', attribute: 'context' },
    { attrs: 'source="bigram" corpus="shakespeare"', attribute: 'corpus' },
  ])('explains $attrs inside the box', async ({ attrs, attribute }) => {
    h.consoleErrors.length = 0;
    const page = await h.mount(`<softmax-temperature id="bad" ${attrs}></softmax-temperature>`);
    const bad = demoHandle(page, '#bad');
    await bad.ready();
    expect(await bad.messages()).toContain(`${attribute}=`);
    expect((await bad.prop<number[]>('probabilities')).length).toBeGreaterThan(0);
    expect(h.consoleErrors).toEqual([]);
  });
});
