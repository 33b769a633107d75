// How the cost of the demos grows with their size, on the page's default
// backend in headless Chromium, each series with its log–log slope (the
// exponent k of time ∝ size^k, least squares on log time against log size):
//   - <bigram-table>: table build time against corpus size (1k … 32k names);
//   - <attention-grid>: a temperature change recomputed and drawn, against
//     tokens (8 … 64: the grid shows at most 64 tokens, so a readable grid is
//     the largest one a slide holds), 4 heads of d = 32;
//   - <mlp-trainer>: milliseconds per optimiser step against the hidden size
//     (batch 32) and against the batch (hidden 200).
// Figures, not pass/fail: `npm run bench` prints them and BENCHMARKS.md plots them.
//
// Usage: node scripts/bench/growth.mjs (or import { benchGrowth } and pass
// { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, makemoreText, withBench } from './names-page.mjs';
import { timeRebuilds } from './bigram.mjs';
import { timeChanges } from './attention.mjs';
import { mount } from './mlp.mjs';

const WORDS = 'the animal did not cross the street because it was tired and the road was long so it sat down on the mat by the river bank where a bird sang'.split(' ');

/** Slope and intercept of log(y) against log(x): y ≈ e^intercept · x^slope. */
export function logLogSlope(points) {
  const xs = points.map((p) => Math.log(p[0]));
  const ys = points.map((p) => Math.log(p[1]));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope: +slope.toFixed(2), intercept: +(my - slope * mx).toFixed(3) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** A series: its points [size, ms] and the fitted exponent. */
const series = (label, unit, points) => ({ label, sizeUnit: unit, points: points.map(([x, y]) => [x, +y.toFixed(3)]), ...logLogSlope(points) });

async function bigramGrowth(open, text) {
  const names = text.trim().split('\n');
  const { page } = await open('default');
  const points = [];
  for (const n of [1000, 2000, 4000, 8000, 16000, 32000]) {
    const r = await timeRebuilds(page, names.slice(0, n).join('\n'), 8);
    points.push([n, median(r.times)]);
  }
  await page.close();
  return series('bigram table build (ms) against names in the corpus', 'names', points);
}

async function attentionGrowth(open) {
  const { page } = await open('default');
  const points = [];
  for (const tokens of [8, 16, 32, 64]) {
    const text = Array.from({ length: tokens }, (_, i) => WORDS[i % WORDS.length]).join(' ');
    await page.evaluate((t) => {
      document.body.innerHTML = `<attention-grid id="grid" text="${t}" heads="4" dim="32"></attention-grid>`;
    }, text);
    const r = await timeChanges(page, '#grid', 'attribute', 12);
    points.push([tokens, median(r.times)]);
  }
  await page.close();
  return series('attention grid recompute + draw (ms) against tokens', 'tokens', points);
}

/** Milliseconds per step: train(N) minus train(0) (the whole-split evaluation both include), over N. */
async function msPerStep(page, steps) {
  return page.evaluate(async (steps) => {
    const el = document.querySelector('#m');
    await el.train(20); // warm-up: kernels compiled, buffers allocated
    let t = performance.now();
    await el.train(0);
    const evalMs = performance.now() - t;
    t = performance.now();
    await el.train(steps);
    return (performance.now() - t - evalMs) / steps;
  }, steps);
}

async function mlpGrowth(open, text) {
  const { page, name } = await open('default');
  const hidden = [];
  for (const h of [50, 100, 200, 400, 800]) {
    await mount(page, text, `hidden="${h}" batch-size="32"`);
    hidden.push([h, await msPerStep(page, 200)]);
  }
  const batch = [];
  for (const b of [32, 64, 128, 256, 512]) {
    await mount(page, text, `hidden="200" batch-size="${b}"`);
    batch.push([b, await msPerStep(page, 200)]);
  }
  const calibrationMs = await cpuCalibrationMs(page);
  await page.close();
  return {
    backend: name,
    calibrationMs,
    byHidden: series('MLP step (ms) against hidden units, batch 32', 'hidden units', hidden),
    byBatch: series('MLP step (ms) against batch size, hidden 200', 'examples', batch),
  };
}

export async function benchGrowth(shared = {}) {
  const text = await makemoreText();
  return withBench(shared, async (open) => {
    const { page, name } = await open('default');
    const calibrationMs = await cpuCalibrationMs(page);
    await page.close();
    return {
      backend: name,
      calibrationMs,
      bigram: await bigramGrowth(open, text),
      attention: await attentionGrowth(open),
      mlp: await mlpGrowth(open, text),
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchGrowth(), null, 2));
}
