// Benchmark for <finetune-shift> in headless Chromium on the page's default
// backend (WebAssembly here): seconds from pressing ▶ train live until the
// run is done (2,000 pretraining steps on the names, then 400 SFT steps, 25
// steps an animation frame, as the lecturer sees it), the seconds until SFT
// begins, and the figures at the end: share of held-out questions answered
// and the forgetting delta (held-out names loss, nats per character).
// Figures, not pass/fail: `npm run bench` prints them. Target: within 20 s.
//
// Usage: node scripts/bench/finetune-shift.mjs  (or import { benchFinetuneShift }
// and pass { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

async function measure(open, which, limitSeconds) {
  const { page, name: backend } = await open(which);
  await page.evaluate(() => {
    document.body.innerHTML = '<finetune-shift id="f"></finetune-shift>';
  });
  const calibrationMs = await cpuCalibrationMs(page);
  const result = await page.evaluate(async (limit) => {
    const el = document.querySelector('#f');
    const tLoad = performance.now();
    await el.ready;
    const firstScreenSeconds = (performance.now() - tLoad) / 1000;
    const t0 = performance.now();
    el.trainLive();
    let sftSeconds = null;
    const done = () => el.source === 'live' && el.tunedAccuracy !== null;
    while (!done() && performance.now() - t0 < limit * 1000) {
      await new Promise((r) => setTimeout(r, 100));
      if (sftSeconds === null && el.source === 'live' && el.base !== null) sftSeconds = (performance.now() - t0) / 1000;
    }
    const seconds = (performance.now() - t0) / 1000;
    el.pause();
    const steps = el.history.at(-1).step;
    return {
      reached: done(),
      secondsToAnswers: done() ? +seconds.toFixed(1) : null,
      secondsToSftStart: sftSeconds === null ? null : +sftSeconds.toFixed(1),
      firstScreenSeconds: +firstScreenSeconds.toFixed(1),
      stepsPerSecond: +(steps / seconds).toFixed(0),
      heldOutAnswered: el.tunedAccuracy,
      forgetting: el.forgetting === null ? null : +el.forgetting.toFixed(2),
    };
  }, limitSeconds);
  await page.close();
  return { backend, calibrationMs, ...result, target: '≤ 20 s' };
}

export async function benchFinetuneShift(shared = {}, { limitSeconds = 120 } = {}) {
  return withBench(shared, async (open) => ({ default: await measure(open, 'default', limitSeconds) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchFinetuneShift(), null, 2));
}
