// Benchmark for <quant-cliff> in headless Chromium on the page's default
// backend (WebAssembly here): seconds from mounting the element until its
// first screen (the recorded curves), and until the live curves are on screen
// (the default model, 3,000 SGD steps on the names, trained in chunks while
// the slide is visible, then every scheme and group re-evaluated at 8 … 2
// bits), with the live fp32 and 4- and 2-bit losses (affine, per group of 32).
// Figures, not pass/fail: `npm run bench` prints them. Target: within 20 s.
//
// Usage: node scripts/bench/quant-cliff.mjs  (or import { benchQuantCliff }
// and pass { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

async function measure(open, which, limitSeconds) {
  const { page, name: backend } = await open(which);
  const calibrationMs = await cpuCalibrationMs(page);
  const result = await page.evaluate(async (limit) => {
    const t0 = performance.now();
    document.body.innerHTML = '<quant-cliff id="q"></quant-cliff>';
    const el = document.querySelector('#q');
    await el.ready;
    const firstScreenSeconds = (performance.now() - t0) / 1000;
    while (el.source !== 'live' && performance.now() - t0 < limit * 1000) await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - t0) / 1000;
    const live = el.source === 'live';
    const curve = el.curve;
    return {
      reached: live,
      secondsToLiveCurves: live ? +seconds.toFixed(1) : null,
      firstScreenSeconds: +firstScreenSeconds.toFixed(2),
      stepsTrained: el.trainedSteps,
      fp32: live ? +el.fp32.toFixed(4) : null,
      bits4: live ? { perTensor: +curve[4].perTensor.toFixed(4), perGroup32: +curve[4].perGroup.toFixed(4) } : null,
      bits2: live ? { perTensor: +curve[6].perTensor.toFixed(4), perGroup32: +curve[6].perGroup.toFixed(4) } : null,
    };
  }, limitSeconds);
  await page.close();
  return { backend, calibrationMs, ...result, target: '≤ 20 s' };
}

export async function benchQuantCliff(shared = {}, { limitSeconds = 120 } = {}) {
  return withBench(shared, async (open) => ({ default: await measure(open, 'default', limitSeconds) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchQuantCliff(), null, 2));
}
