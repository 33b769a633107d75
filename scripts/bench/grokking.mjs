// Benchmark for <grokking-run> in headless Chromium on the page's default backend
// (WebAssembly here): the step and the seconds from pressing ▶ train live until
// the jump (test accuracy over 95 % after train accuracy has reached 100 %), as
// the lecturer would see it live (5 full-batch AdamW steps per animation frame,
// accuracies recorded after each frame), for the default run (p = 47, half the
// pairs, λ = 1, η = 0.01). Figures, not pass/fail: `npm run bench` prints them.
// Target: within 60 s on this 2-core machine.
//
// Usage: node scripts/bench/grokking.mjs  (or import { benchGrokking } and pass
// { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

async function measure(open, which, limitSeconds) {
  const { page, name: backend } = await open(which);
  await page.evaluate(() => {
    document.body.innerHTML = '<grokking-run id="g"></grokking-run>';
  });
  const calibrationMs = await cpuCalibrationMs(page);
  const result = await page.evaluate(async (limit) => {
    const el = document.querySelector('#g');
    await el.ready;
    const t0 = performance.now();
    el.trainLive();
    let fitSeconds = null;
    while ((el.source !== 'live' || el.grokAt === null) && performance.now() - t0 < limit * 1000) {
      await new Promise((r) => setTimeout(r, 100));
      if (fitSeconds === null && el.source === 'live' && el.trainFitAt !== null) fitSeconds = (performance.now() - t0) / 1000;
    }
    const seconds = (performance.now() - t0) / 1000;
    el.pause();
    return {
      reached: el.source === 'live' && el.grokAt !== null,
      jumpStep: el.grokAt,
      secondsToJump: el.grokAt !== null ? +seconds.toFixed(1) : null,
      trainFitStep: el.trainFitAt,
      secondsToTrainFit: fitSeconds === null ? null : +fitSeconds.toFixed(1),
      stepsDone: el.step,
      stepsPerSecond: +(el.step / seconds).toFixed(1),
    };
  }, limitSeconds);
  await page.close();
  return { backend, calibrationMs, ...result, target: '≤ 60 s' };
}

export async function benchGrokking(shared = {}, { limitSeconds = 120 } = {}) {
  return withBench(shared, async (open) => ({ default: await measure(open, 'default', limitSeconds) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchGrokking(), null, 2));
}
