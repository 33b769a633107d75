// Benchmark for <rnn-recall> in headless Chromium on the page's default backend:
// the seconds from pressing ▶ train until the "aha" state (the LSTM at ≥ 90%
// on the longer half of the lags while the simple RNN is ≥ 25 points behind),
// as the lecturer would see it live (the loop runs at the page's frame rate,
// the held-out accuracy is refreshed every 15 steps). Figures, not pass/fail:
// `npm run bench` prints them. Target: under 20 s on this 2-core machine.
//
// Usage: node scripts/bench/rnn-recall.mjs  (or import { benchRnnRecall } and pass
// { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

async function measure(open, which, limitSeconds) {
  const { page, name: backend } = await open(which);
  await page.evaluate(() => {
    document.body.innerHTML = '<rnn-recall id="r"></rnn-recall>';
  });
  const calibrationMs = await cpuCalibrationMs(page);
  const result = await page.evaluate(async (limit) => {
    const el = document.querySelector('#r');
    await el.ready;
    const t0 = performance.now();
    el.play();
    while (!el.aha && el.playing && performance.now() - t0 < limit * 1000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    el.pause();
    return {
      reached: el.aha,
      secondsToAha: el.aha ? +seconds.toFixed(1) : null,
      ahaStep: el.ahaStep,
      stepsDone: el.trainedSteps,
      stepsPerSecond: +(el.trainedSteps / seconds).toFixed(1),
      longLagAccuracy: el.longLag,
    };
  }, limitSeconds);
  await page.close();
  return { backend, calibrationMs, ...result, target: '≤ 20 s' };
}

export async function benchRnnRecall(shared = {}, { limitSeconds = 120 } = {}) {
  return withBench(shared, async (open) => ({ default: await measure(open, 'default', limitSeconds) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchRnnRecall(), null, 2));
}
