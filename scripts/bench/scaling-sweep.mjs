// Benchmark for <scaling-sweep> in headless Chromium on the page's default backend
// (WebAssembly here): the wall time from pressing ▶ run sweep until the fifth model's
// point is on the chart, as the lecturer would see it live (the five default widths
// 2, 6, 18, 54, 162, 1,000 SGD steps of 128 windows each, animation frames of ~45 ms),
// the time to each model's point, and the fitted exponent b and floor L∞.
// Figures, not pass/fail: `npm run bench` prints them. Target: within 60 s on this
// 2-core machine, ideally ~20 s.
//
// Usage: node scripts/bench/scaling-sweep.mjs  (or import { benchScalingSweep } and pass
// { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

async function measure(open, which, limitSeconds) {
  const { page, name: backend } = await open(which);
  await page.evaluate(() => {
    document.body.innerHTML = '<scaling-sweep id="s"></scaling-sweep>';
  });
  const calibrationMs = await cpuCalibrationMs(page);
  const result = await page.evaluate(async (limit) => {
    const el = document.querySelector('#s');
    await el.ready;
    const t0 = performance.now();
    el.shadowRoot.querySelector('button.run').click();
    const pointAt = [];
    while (performance.now() - t0 < limit * 1000) {
      await new Promise((r) => setTimeout(r, 50));
      if (el.source !== 'live') continue;
      while (pointAt.length < el.points.length) pointAt.push(+((performance.now() - t0) / 1000).toFixed(1));
      if (el.points.length === el.sizes.length && !el.playing) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const fit = el.fit;
    const done = el.source === 'live' && el.points.length === el.sizes.length;
    el.pause();
    return {
      done,
      secondsToLastPoint: done ? +seconds.toFixed(1) : null,
      shownSeconds: el.liveSeconds === null ? null : +el.liveSeconds.toFixed(1),
      secondsToEachPoint: pointAt,
      params: el.points.map((p) => p.params),
      valLoss: el.points.map((p) => +p.valLoss.toFixed(4)),
      b: fit ? +fit.b.toFixed(3) : null,
      lInf: fit ? +fit.lInf.toFixed(3) : null,
      a: fit ? +fit.a.toFixed(3) : null,
    };
  }, limitSeconds);
  await page.close();
  return { backend, calibrationMs, ...result, target: '≤ 60 s (ideally ~20 s)' };
}

export async function benchScalingSweep(shared = {}, { limitSeconds = 120 } = {}) {
  return withBench(shared, async (open) => ({ default: await measure(open, 'default', limitSeconds) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchScalingSweep();
  console.log(JSON.stringify(result, null, 2));
  const r = result.default;
  console.log(`scaling-sweep on ${r.backend}: ${r.secondsToLastPoint ?? `not done in 120 s`} s to the fifth point, b = ${r.b}, L∞ = ${r.lInf}`);
}
