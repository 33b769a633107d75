// Benchmark for <expert-router> in headless Chromium on the page's default backend
// (WebAssembly here): the seconds until the first screen is ready (both 100-step runs,
// with and without the Switch load-balancing loss, trained at start-up in chunks), and
// the seconds of a live replay (▶ train live, 2 Adam steps per animation frame) until
// step 100, with the experts used at the end of each run. Figures, not pass/fail:
// `npm run bench` prints them. Target: within 20 s.
//
// Usage: node scripts/bench/expert-router.mjs  (or import { benchExpertRouter } and pass
// { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

async function measure(open, limitSeconds) {
  const { page, name: backend } = await open('default');
  const calibrationMs = await cpuCalibrationMs(page);
  const result = await page.evaluate(async (limit) => {
    const t0 = performance.now();
    document.body.innerHTML = '<expert-router id="m"></expert-router>';
    const el = document.querySelector('#m');
    await el.ready;
    const firstScreenSeconds = +((performance.now() - t0) / 1000).toFixed(2);
    const usedOn = el.on.used;
    const usedOff = el.off.used;
    el.setMode('off');
    const t1 = performance.now();
    el.trainLive();
    while (!el.playing && performance.now() - t1 < 2000) await new Promise((r) => setTimeout(r, 20));
    while (el.playing && performance.now() - t1 < limit * 1000) await new Promise((r) => setTimeout(r, 50));
    return {
      firstScreenSeconds, usedOn, usedOff, auxOn: +el.on.aux.toFixed(3), auxOff: +el.off.aux.toFixed(3),
      liveSeconds: +((performance.now() - t1) / 1000).toFixed(1), liveStep: el.off.step, liveUsedOff: el.off.used,
    };
  }, limitSeconds);
  await page.close();
  return { backend, calibrationMs, ...result, target: '≤ 20 s' };
}

export async function benchExpertRouter(shared = {}, { limitSeconds = 60 } = {}) {
  return withBench(shared, async (open) => measure(open, limitSeconds));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchExpertRouter(), null, 2));
}
