// Benchmark for <policy-bandit> in headless Chromium on the page's default backend
// (WebAssembly here): for each mode, the seconds and steps from "↺ reset to π_ref"
// + "▶ train" (one update per animation frame, as the lecturer sees it) until the
// policy is within a total-variation distance of 0.05 of where that rule heads:
//   PPO, DPO: π* = π_ref·e^{r/β}/Z;
//   GRPO without ÷ std: its own fixed point π_ref·e^{(1−1/G)r/β}/Z;
//   GRPO with ÷ std (the default): it ends sharper than π*, so the figure is the
//   time until E[r] passes π*'s (the overshoot is on screen), and where it settles.
// Figures, not pass/fail: `npm run bench` prints them. Target: within 20 s.
//
// Usage: node scripts/bench/policy-bandit.mjs  (or import { benchPolicyBandit } and
// pass { context, baseUrl } to reuse a browser and a served bundle).
import { fileURLToPath } from 'node:url';
import { cpuCalibrationMs, withBench } from './names-page.mjs';

const TOLERANCE = 0.05;

async function measure(open, { mode, attrs = '', goal }, limitSeconds) {
  const { page, name: backend } = await open('default');
  await page.evaluate(([m, a]) => {
    document.body.innerHTML = `<policy-bandit id="b" mode="${m}" ${a}></policy-bandit>`;
  }, [mode, attrs]);
  const calibrationMs = await cpuCalibrationMs(page);
  const result = await page.evaluate(async ([limit, tol, goalKind]) => {
    const el = document.querySelector('#b');
    await el.ready;
    const k = el.knobs;
    const ref = el.referencePolicy;
    const r = el.rewardValues;
    const targetFor = (beta) => {
      const w = ref.map((p, i) => p * Math.exp(r[i] / beta));
      const z = w.reduce((s, v) => s + v, 0);
      return w.map((v) => v / z);
    };
    const goal = goalKind === 'grpo-own' ? targetFor(k.beta / (1 - 1 / k.groupSize)) : targetFor(k.beta);
    const starReward = el.targetSummary.expectedReward;
    const tv = (p) => 0.5 * p.reduce((s, v, i) => s + Math.abs(v - goal[i]), 0);
    await el.reset();
    const t0 = performance.now();
    el.play();
    let reached = null;
    while (performance.now() - t0 < limit * 1000) {
      await new Promise((res) => setTimeout(res, 50));
      const p = el.policy;
      const hit = goalKind === 'overshoot' ? el.expectedReward > starReward : tv(p) <= tol;
      if (hit) {
        reached = { seconds: +((performance.now() - t0) / 1000).toFixed(1), step: el.step };
        break;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    // Let it settle a little more to report where it hovers.
    const settleUntil = performance.now() + 3000;
    while (performance.now() < settleUntil) await new Promise((res) => setTimeout(res, 100));
    const total = (performance.now() - t0) / 1000;
    el.pause();
    return {
      reached: reached !== null,
      secondsToGoal: reached?.seconds ?? null,
      stepToGoal: reached?.step ?? null,
      stepsPerSecond: +(el.step / total).toFixed(1),
      after: { step: el.step, expectedReward: +el.expectedReward.toFixed(3), kl: +el.kl.toFixed(3), distanceToPiStar: +el.distance.toFixed(3) },
      piStar: { expectedReward: +starReward.toFixed(3), kl: +el.targetSummary.kl.toFixed(3) },
      searchedSeconds: +seconds.toFixed(1),
    };
  }, [limitSeconds, TOLERANCE, goal]);
  await page.close();
  return { backend, calibrationMs, goal, tolerance: TOLERANCE, ...result, target: '≤ 20 s' };
}

const CASES = {
  ppo: { mode: 'ppo', goal: 'pi-star' },
  dpo: { mode: 'dpo', goal: 'pi-star' },
  'grpo-no-std': { mode: 'grpo', attrs: 'normalize-std="false"', goal: 'grpo-own' },
  grpo: { mode: 'grpo', goal: 'overshoot' },
};

export async function benchPolicyBandit(shared = {}, { limitSeconds = 60 } = {}) {
  return withBench(shared, async (open) => {
    const out = {};
    for (const [name, c] of Object.entries(CASES)) out[name] = await measure(open, c, limitSeconds);
    return out;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchPolicyBandit(), null, 2));
}
