// Benchmark of <bigram-table> on the 32,033 makemore names, in headless
// Chromium, default backend and CPU: time from a new corpus (the element's
// text content replaced) to the new table drawn — parse, count (tfjs
// bincount), smooth, NLL, one read-back, Lit render, layout. Target ≤ 50 ms.
//
// Usage: node scripts/bench/bigram.mjs, or import { benchBigram } and pass
// { context, baseUrl } to reuse a browser and a served bundle.
import { fileURLToPath } from 'node:url';
import { makemoreText, percentiles, withBench } from './names-page.mjs';

export async function timeRebuilds(page, text, runs) {
  return page.evaluate(async ({ text, runs }) => {
    const el = document.createElement('bigram-table');
    el.textContent = text;
    document.body.append(el);
    await el.ready;
    const readyFlip = () => new Promise((resolve) => {
      let cleared = false;
      const mo = new MutationObserver(() => {
        if (!el.hasAttribute('data-ready')) cleared = true;
        else if (cleared) { mo.disconnect(); resolve(); }
      });
      mo.observe(el, { attributes: true, attributeFilter: ['data-ready'] });
    });
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const times = [];
    for (let i = 0; i < runs + 3; i++) {
      await frame();
      const done = readyFlip();
      const t0 = performance.now();
      el.textContent = i % 2 ? text : `${text}\nzyx`; // a different corpus each time → a full recount
      await done;
      el.getBoundingClientRect();
      if (i >= 3) times.push(performance.now() - t0);
    }
    if (el.textContent !== text) { // report makemore's own figures (228,146 pairs; NLL 2.4540)
      const done = readyFlip();
      el.textContent = text;
      await done;
    }
    const result = { nll: el.nll, pairs: el.pairs };
    el.remove();
    return { times, ...result };
  }, { text, runs });
}

export async function benchBigram(shared = {}, { runs = 20 } = {}) {
  const text = await makemoreText();
  return withBench(shared, async (open) => {
    const results = {};
    for (const backend of ['default', 'webgl', 'cpu']) {
      const { page, name } = await open(backend);
      const r = await timeRebuilds(page, text, runs);
      await page.close();
      results[backend] = { backend: name, tableBuild32033Names: { ...percentiles(r.times), unit: 'ms', target: '≤ 50 ms' }, pairs: r.pairs, nll: +r.nll.toFixed(4) };
    }
    return results;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchBigram(), null, 2));
}
