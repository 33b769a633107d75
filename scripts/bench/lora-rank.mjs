// Benchmark for <lora-rank> in headless Chromium on the page's default backend
// (WebAssembly here): the seconds from pressing ▶ fit until the live fit of B·A
// is within 0.001 of the Eckart–Young floor (the SVD truncated at rank r), as the
// lecturer would see it (1 Adam step per animation frame, the error read back
// after each frame), at the default rank 4 and at the slider's top, 16, on the
// default 64 × 48 update. Also the first screen (400 steps at start-up). Figures,
// not pass/fail: `npm run bench` prints them. Target: within 20 s.
//
// Usage: node scripts/bench/lora-rank.mjs  (or import { benchLoraRank } and pass
// { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

async function measure(open, rank, limitSeconds) {
  const { page, name: backend } = await open('default');
  const calibrationMs = await cpuCalibrationMs(page);
  const firstScreenSeconds = await page.evaluate(async () => {
    const t0 = performance.now();
    document.body.innerHTML = '<lora-rank id="l"></lora-rank>';
    await document.querySelector('#l').ready;
    return +((performance.now() - t0) / 1000).toFixed(2);
  });
  const result = await page.evaluate(async ([r, limit]) => {
    const el = document.querySelector('#l');
    const t0 = performance.now();
    el.setRank(r);
    while ((el.source !== 'live' || el.reachedAt === null) && performance.now() - t0 < limit * 1000) {
      await new Promise((res) => setTimeout(res, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    const out = {
      rank: el.shownRank,
      reached: el.source === 'live' && el.reachedAt !== null,
      reachedAtStep: el.reachedAt,
      secondsToFloor: el.reachedAt !== null ? +seconds.toFixed(1) : null,
      stepsDone: el.step,
      stepsPerSecond: +(el.step / seconds).toFixed(1),
      error: +el.error.toFixed(5),
      floor: +el.floor.toFixed(5),
    };
    el.pause();
    return out;
  }, [rank, limitSeconds]);
  await page.close();
  return { backend, calibrationMs, firstScreenSeconds, ...result, target: '≤ 20 s' };
}

export async function benchLoraRank(shared = {}, { limitSeconds = 60 } = {}) {
  return withBench(shared, async (open) => ({
    rank4: await measure(open, 4, limitSeconds),
    rank16: await measure(open, 16, limitSeconds),
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchLoraRank(), null, 2));
}
