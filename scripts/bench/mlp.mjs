// Benchmark of <mlp-trainer> on the 32,033 makemore names (context 3,
// embedding 10, hidden 200: 11,897 parameters), in headless Chromium:
//   - live optimiser steps per second with the makemore batch of 32, for each
//     backend that starts here (the loop as the audience sees it: time-boxed
//     frames, one read-back each, curves and samples redrawn);
//   - the same step as plain JavaScript loops in Node (mlp-reference.mjs), as a ratio;
//   - seconds of live training until the validation loss is below 2.30
//     (live estimate on 2,048 examples, confirmed on the whole validation split),
//     default backend, batch 128 and learning rate 0.3 (fewer, larger steps;
//     makemore's own schedule is batch 32, rate 0.1).
//
// Usage: node scripts/bench/mlp.mjs, or import { benchMlp } and pass
// { context, baseUrl } to reuse a browser and a served bundle.
import { fileURLToPath } from 'node:url';
import { createReference } from './mlp-reference.mjs';
import { makemoreText, withBench } from './names-page.mjs';
import { benchTorch, medianSeconds } from './peer-torch.mjs';

const TARGET = 2.3;

/** Mounts an mlp-trainer with the text as its corpus; resolves when it is ready. */
export async function mount(page, text, attrs = '') {
  await page.evaluate(async ({ text, attrs }) => {
    document.body.innerHTML = `<mlp-trainer id="m" ${attrs}>${text}</mlp-trainer>`;
    await document.querySelector('#m').ready;
  }, { text, attrs });
}

async function liveStepsPerSecond(page, seconds) {
  return page.evaluate(async (seconds) => {
    const el = document.querySelector('#m');
    el.play();
    await new Promise((r) => setTimeout(r, 1500)); // shaders compile, the step cap settles
    const s0 = el.step;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const steps = el.step - s0;
    const elapsed = (performance.now() - t0) / 1000;
    el.pause();
    return { stepsPerSecond: +(steps / elapsed).toFixed(1), steps, valLoss: +el.valLoss.toFixed(3) };
  }, seconds);
}

async function timeToTarget(page, limitSeconds) {
  return page.evaluate(async ({ target, limitSeconds }) => {
    const el = document.querySelector('#m');
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    let whole = null;
    while (elapsed() < limitSeconds) {
      el.play();
      await new Promise((resolve) => {
        const check = () => (el.valLoss < target || elapsed() >= limitSeconds ? resolve() : setTimeout(check, 100));
        check();
      });
      el.pause();
      const liveSeconds = elapsed();
      whole = await el.train(0); // whole train and validation splits, no step
      if (whole.valLoss < target) return { reached: true, seconds: +liveSeconds.toFixed(1), steps: el.step, valLoss: +whole.valLoss.toFixed(4), trainLoss: +whole.trainLoss.toFixed(4) };
    }
    return { reached: false, seconds: +elapsed().toFixed(1), steps: el.step, valLoss: whole && +whole.valLoss.toFixed(4) };
  }, { target: TARGET, limitSeconds });
}

/** Plain-JS steps per second in Node, batch 32, on the makemore examples. */
function referenceStepsPerSecond(text, steps = 200) {
  const words = text.split('\n').filter(Boolean);
  const vocab = ['.', ...[...new Set(words.join(''))].sort()];
  const ix = new Map(vocab.map((c, i) => [c, i]));
  const X = [];
  const Y = [];
  for (const w of words) {
    let ctx = [0, 0, 0];
    for (const ch of [...w, '.']) {
      const y = ix.get(ch);
      X.push(...ctx);
      Y.push(y);
      ctx = [ctx[1], ctx[2], y];
    }
  }
  const ref = createReference({ V: vocab.length, C: 3, E: 10, H: 200 });
  const rows = () => Array.from({ length: 32 }, () => Math.floor(Math.random() * Y.length));
  const first = ref.step(X, Y, rows(), 0.1);
  const t0 = performance.now();
  let last = first;
  for (let i = 0; i < steps; i++) last = ref.step(X, Y, rows(), 0.1);
  return { stepsPerSecond: +((steps / (performance.now() - t0)) * 1000).toFixed(1), lossFirst: +first.toFixed(3), lossLast: +last.toFixed(3) };
}

export async function benchMlp(shared = {}, { seconds = 8, limitSeconds = 240 } = {}) {
  const text = await makemoreText();
  const plainJs = referenceStepsPerSecond(text);
  return withBench(shared, async (open) => {
    const results = { plainJsNode: { ...plainJs, unit: 'steps/s', batch: 32 } };
    const probe = await open('default');
    results.defaultBackend = probe.name;
    await probe.page.close();
    for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu']) {
      const { page, name } = await open(backend);
      if (name !== backend) {
        results[backend] = { unavailable: `did not start here (the page fell back to ${name})` };
        await page.close();
        continue;
      }
      await mount(page, text);
      const live = await liveStepsPerSecond(page, seconds);
      await page.close();
      results[backend] = { live: { ...live, unit: 'steps/s', batch: 32 }, ratioToPlainJs: +(live.stepsPerSecond / plainJs.stepsPerSecond).toFixed(2) };
    }
    const b32 = await open('default');
    await mount(b32.page, text);
    results.batch32 = { backend: b32.name, ...(await liveStepsPerSecond(b32.page, seconds)) };
    await b32.page.close();
    const b128 = await open('default');
    await mount(b128.page, text, 'batch-size="128" learning-rate="0.3"');
    results.batch128 = { backend: b128.name, ...(await liveStepsPerSecond(b128.page, seconds)) };
    await b128.page.close();
    const { page, name } = await open('default');
    await mount(page, text, 'batch-size="128" learning-rate="0.3"');
    results.timeToVal230 = { backend: name, batch: 128, learningRate: 0.3, ...(await timeToTarget(page, limitSeconds)), target: '≤ 60 s' };
    await page.close();
    // The peer, in the same run: PyTorch on the CPU, same model, recipe and split sizes.
    const torch = benchTorch();
    results.peer = torch.unavailable ? torch : {
      name: `PyTorch ${torch.torch} (CPU, ${torch.threads} threads)`,
      stepsPerSecond: torch.stepsPerSecond,
      toVal230Seconds: medianSeconds(torch.toVal230.runs),
      toVal230: torch.toVal230,
      toVal217Seconds: torch.toVal217 && medianSeconds(torch.toVal217.runs),
      toVal217: torch.toVal217,
    };
    if (results.peer.toVal230Seconds && results.timeToVal230.reached) {
      results.timeToVal230.ratioToPeer = +(results.timeToVal230.seconds / results.peer.toVal230Seconds).toFixed(2);
    }
    return results;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchMlp(), null, 2));
}
