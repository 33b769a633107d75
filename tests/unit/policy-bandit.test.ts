import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allPreferences, clippedObjective, clippedTerm, countPairs, dpoLoss, exactStep, gradientOf, groupAdvantages, grpoTarget,
  initialState, klOptimal, samplePreferences, summarise, train, UPDATE_RULES, type BanditKnobs, type BanditProblem, type ModeId,
  type SampleBatch,
} from '../../components/models/policy-bandit';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// ---- Independent float64 references (plain loops, no tf) ----

const softmax = (t: readonly number[]) => {
  const m = Math.max(...t);
  const e = t.map((v) => Math.exp(v - m));
  const z = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / z);
};
const kl = (p: readonly number[], q: readonly number[]) => p.reduce((s, v, i) => s + (v > 0 ? v * Math.log(v / q[i]!) : 0), 0);
const tv = (p: readonly number[], q: readonly number[]) => 0.5 * p.reduce((s, v, i) => s + Math.abs(v - q[i]!), 0);
/** π_ref·e^{r/β}/Z by hand. */
const target = (ref: readonly number[], r: readonly number[], beta: number) => {
  const w = ref.map((p, i) => p * Math.exp(r[i]! / beta));
  const z = w.reduce((s, v) => s + v, 0);
  return w.map((v) => v / z);
};
/** ∂KL(softmax θ ‖ ref)/∂θ_k = π_k (log π_k/ref_k − KL). */
const klGrad = (theta: readonly number[], ref: readonly number[]) => {
  const p = softmax(theta);
  const d = kl(p, ref);
  return p.map((v, k) => v * (Math.log(v / ref[k]!) - d));
};
/** The clipped objective in float64: mean_i min(ρA, clip(ρ)A) − β·KL. */
const clippedJs = (theta: readonly number[], b: SampleBatch, ref: readonly number[], eps: number, beta: number) => {
  const lp = softmax(theta).map(Math.log);
  const terms = b.samples.map((y, i) => {
    const rho = Math.exp(lp[y]! - b.logOld[i]!);
    const a = b.advantages[i]!;
    return Math.min(rho * a, Math.min(1 + eps, Math.max(1 - eps, rho)) * a);
  });
  return terms.reduce((s, v) => s + v, 0) / terms.length - beta * kl(softmax(theta), ref);
};
/** Its gradient in closed form: unclipped samples contribute A·ρ·(e_y − π), clipped ones nothing. */
const clippedGradJs = (theta: readonly number[], b: SampleBatch, ref: readonly number[], eps: number, beta: number) => {
  const p = softmax(theta);
  const g = new Array<number>(theta.length).fill(0);
  b.samples.forEach((y, i) => {
    const rho = Math.exp(Math.log(p[y]!) - b.logOld[i]!);
    const a = b.advantages[i]!;
    const clipped = (a > 0 && rho > 1 + eps) || (a < 0 && rho < 1 - eps);
    if (clipped) return;
    for (let k = 0; k < theta.length; k++) g[k]! += (a * rho * ((k === y ? 1 : 0) - p[k]!)) / b.samples.length;
  });
  const kg = klGrad(theta, ref);
  return g.map((v, k) => v - beta * kg[k]!);
};

const PROBLEM: BanditProblem = {
  rewards: [0.8, 1.0, 0.1, -0.5, -0.5, 0.5, -0.8, -0.3, -0.7, 0.7],
  reference: [0.14, 0.04, 0.2, 0.14, 0.1, 0.04, 0.08, 0.08, 0.08, 0.1],
};
const KNOBS: BanditKnobs = { epsilon: 0.2, beta: 0.3, learningRate: 0.3, groupSize: 8, normalizeStd: true };
const logRefOf = (ref: readonly number[]) => tf.log(tf.tensor1d([...ref])) as tf.Tensor1D;

describe('klOptimal', () => {
  it.each([0.1, 0.3, 1, 3])('gives π_ref·e^{r/β}/Z when β = %s', (beta) => {
    const got = klOptimal(PROBLEM, beta);
    target(PROBLEM.reference, PROBLEM.rewards, beta).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  it.each([0.3, 1])('is where exact-gradient ascent on E[r] − β·KL(π‖π_ref) converges when β = %s', (beta) => {
    const start = tf.memory().numTensors;
    let theta = initialState(PROBLEM).theta;
    for (let i = 0; i < 3000; i++) theta = exactStep(theta, PROBLEM, beta, 3);
    const p = softmax(theta);
    const star = target(PROBLEM.reference, PROBLEM.rewards, beta);
    p.forEach((v, i) => expect(Math.abs(v - star[i]!)).toBeLessThan(1e-3));
    expect(tf.memory().numTensors).toBe(start);
  });

  it('puts more weight on high rewards than π_ref and less than the argmax', () => {
    const star = target(PROBLEM.reference, PROBLEM.rewards, 0.3);
    const er = (p: number[]) => p.reduce((s, v, i) => s + v * PROBLEM.rewards[i]!, 0);
    expect(er(star)).toBeGreaterThan(er([...PROBLEM.reference]));
    expect(er(star)).toBeLessThan(Math.max(...PROBLEM.rewards));
  });
});

describe('clippedObjective', () => {
  const samples = [0, 1, 2, 2, 5, 9, 3, 0];
  const oldTheta = [0.2, -0.5, 0.9, 0.1, -0.2, 0.3, -1, 0, 0.4, 0.6];
  const logOld = samples.map((y) => Math.log(softmax(oldTheta)[y]!));
  const batch: SampleBatch = { samples, logOld, advantages: [0.7, 1.2, -0.4, -0.4, 0.3, 0.9, -1.1, 0.7] };

  it('has the gradient of REINFORCE with a KL penalty at θ = θ_old (ρ = 1)', () => {
    const logRef = logRefOf(PROBLEM.reference);
    const g = gradientOf(oldTheta, (t) => clippedObjective(t, batch, logRef, 0.2, 0.3));
    const p = softmax(oldTheta);
    const kg = klGrad(oldTheta, PROBLEM.reference);
    const reinforce = p.map((pk, k) => samples.reduce((s, y, i) => s + batch.advantages[i]! * ((k === y ? 1 : 0) - pk), 0) / samples.length - 0.3 * kg[k]!);
    g.forEach((v, k) => expect(v).toBeCloseTo(reinforce[k]!, 5));
    logRef.dispose();
  });

  it.each([
    { name: 'near θ_old', shift: 0.05 },
    { name: 'with some ratios clipped', shift: 0.6 },
    { name: 'far from θ_old', shift: 1.5 },
  ])('matches the closed form and central finite differences $name', ({ shift }) => {
    const theta = oldTheta.map((v, i) => v + shift * Math.sin(3 * i + 1));
    const logRef = logRefOf(PROBLEM.reference);
    const g = gradientOf(theta, (t) => clippedObjective(t, batch, logRef, 0.2, 0.3));
    const closed = clippedGradJs(theta, batch, PROBLEM.reference, 0.2, 0.3);
    const h = 1e-6;
    const fd = theta.map((_, k) => {
      const up = theta.map((v, i) => (i === k ? v + h : v));
      const down = theta.map((v, i) => (i === k ? v - h : v));
      return (clippedJs(up, batch, PROBLEM.reference, 0.2, 0.3) - clippedJs(down, batch, PROBLEM.reference, 0.2, 0.3)) / (2 * h);
    });
    g.forEach((v, k) => {
      expect(v).toBeCloseTo(closed[k]!, 4);
      expect(v).toBeCloseTo(fd[k]!, 4);
    });
    const value = tf.tidy(() => clippedObjective(tf.tensor1d(theta), batch, logRef, 0.2, 0.3).dataSync()[0]!);
    expect(value).toBeCloseTo(clippedJs(theta, batch, PROBLEM.reference, 0.2, 0.3), 5);
    logRef.dispose();
    if (shift === 0.6) {
      const rho = samples.map((y, i) => Math.exp(Math.log(softmax(theta)[y]!) - logOld[i]!));
      expect(rho.some((r, i) => (batch.advantages[i]! > 0 ? r > 1.2 : r < 0.8))).toBe(true); // the case does clip something
    }
  });
});

describe('clippedTerm', () => {
  // ε = 0.25: the bounds 0.75 and 1.25 are exact in float32, so the boundary rows test the boundary itself.
  it.each([
    { rho: 1, a: 2, value: 2, slope: 2, why: 'ρ = 1: the plain advantage' },
    { rho: 1.1, a: 2, value: 2.2, slope: 2, why: 'inside the range' },
    { rho: 1.25, a: 2, value: 2.5, slope: 2, why: 'on the upper bound, A > 0: still the inside slope (tie goes to ρA)' },
    { rho: 1.5, a: 2, value: 2.5, slope: 0, why: 'above 1 + ε with A > 0: clipped, no gradient' },
    { rho: 1.5, a: -2, value: -3, slope: -2, why: 'above 1 + ε with A < 0: the min keeps ρA, so the gradient stays' },
    { rho: 0.5, a: -2, value: -1.5, slope: 0, why: 'below 1 − ε with A < 0: clipped, no gradient' },
    { rho: 0.5, a: 2, value: 1, slope: 2, why: 'below 1 − ε with A > 0: the min keeps ρA' },
    { rho: 0.75, a: -2, value: -1.5, slope: -2, why: 'on the lower bound, A < 0: the inside slope' },
    { rho: 3, a: 0, value: 0, slope: 0, why: 'A = 0: nothing to gain' },
  ])('gives value $value and slope $slope at ρ = $rho, A = $a ($why)', ({ rho, a, value, slope }) => {
    const eps = 0.25;
    const v = tf.tidy(() => clippedTerm(tf.scalar(rho), tf.scalar(a), eps).dataSync()[0]!);
    const d = tf.tidy(() => tf.grad((r: tf.Tensor) => clippedTerm(r, tf.scalar(a), eps))(tf.scalar(rho)).dataSync()[0]!);
    expect(v).toBeCloseTo(value, 6);
    expect(d).toBeCloseTo(slope, 6);
  });
});

describe('groupAdvantages', () => {
  it.each([
    { rewards: [1, 0, 0, 1], std: true },
    { rewards: [0.8, 1, 0.1, -0.5, -0.5, 0.5, 0.7, 0.7], std: true },
    { rewards: [0.1, 0.2, 0.7], std: false },
    { rewards: [-0.8, 1], std: true },
  ])('sums to zero over the group $rewards (std ÷ $std)', ({ rewards, std }) => {
    const a = groupAdvantages(rewards, std);
    expect(Math.abs(a.reduce((s, v) => s + v, 0))).toBeLessThan(1e-12);
    const m = rewards.reduce((s, v) => s + v, 0) / rewards.length;
    const sd = Math.sqrt(rewards.reduce((s, v) => s + (v - m) ** 2, 0) / rewards.length);
    a.forEach((v, i) => expect(v).toBeCloseTo((rewards[i]! - m) / (std ? sd + 1e-4 : 1), 10));
  });

  it('gives (1, 0, 0, 1) the advantages ±1 (up to the 10⁻⁴ guard)', () => {
    expect(groupAdvantages([1, 0, 0, 1], true).map((v) => +v.toFixed(3))).toEqual([1, -1, -1, 1]);
  });

  it.each([[[0.1, 0.1, 0.1]], [[0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]], [[-0.3, -0.3]]])('is exactly zero, and so is the clipped gradient, for the equal rewards %j', (rewards) => {
    for (const std of [true, false]) {
      const a = groupAdvantages(rewards, std);
      expect(a.every((v) => v === 0)).toBe(true);
      const samples = rewards.map((_, i) => i % 10);
      const theta = [0.3, -0.1, 0.5, 0, 0.2, -0.4, 0.1, 0.9, -0.7, 0.05];
      const batch: SampleBatch = { samples, logOld: samples.map((y) => Math.log(softmax(theta)[y]! * 0.9)), advantages: a };
      const logRef = logRefOf(PROBLEM.reference);
      const g = gradientOf(theta, (t) => clippedObjective(t, batch, logRef, 0.2, 0));
      expect(g.every((v) => v === 0)).toBe(true);
      logRef.dispose();
    }
  });
});

describe('dpoLoss', () => {
  it.each([0.3, 1])('at convergence on all pairs (Bradley–Terry probabilities) makes β·log(π/π_ref) = r + const when β = %s', (beta) => {
    const pairs = allPreferences(PROBLEM.rewards);
    const logRef = logRefOf(PROBLEM.reference);
    let theta = initialState(PROBLEM).theta;
    for (let i = 0; i < 1500; i++) {
      const g = gradientOf(theta, (t) => dpoLoss(t, pairs, logRef, beta));
      theta = theta.map((v, k) => v - (3 / beta) * g[k]!);
    }
    logRef.dispose();
    const p = softmax(theta);
    const implied = p.map((v, i) => beta * Math.log(v / PROBLEM.reference[i]!) - PROBLEM.rewards[i]!);
    const c = implied.reduce((s, v) => s + v, 0) / implied.length;
    implied.forEach((v) => expect(Math.abs(v - c)).toBeLessThan(2e-3));
    expect(tv(p, target(PROBLEM.reference, PROBLEM.rewards, beta))).toBeLessThan(1e-3);
  });

  it('equals −mean log σ(β(h_w − h_l)) by hand, and counting repeated pairs changes nothing', () => {
    const pairs = samplePreferences(PROBLEM.rewards, 40, createRng(7, 'pairs'));
    const theta = [0.3, -0.1, 0.5, 0, 0.2, -0.4, 0.1, 0.9, -0.7, 0.05];
    const h = softmax(theta).map((v, i) => Math.log(v / PROBLEM.reference[i]!));
    const hand = pairs.reduce((s, p) => s + Math.log(1 + Math.exp(-0.5 * (h[p.winner]! - h[p.loser]!))), 0) / pairs.length;
    const logRef = logRefOf(PROBLEM.reference);
    const loss = (ps: typeof pairs) => tf.tidy(() => dpoLoss(tf.tensor1d(theta), ps, logRef, 0.5).dataSync()[0]!);
    expect(loss(pairs)).toBeCloseTo(hand, 5);
    const counted = countPairs(pairs);
    expect(counted.length).toBeLessThan(pairs.length);
    expect(counted.reduce((s, p) => s + p.weight, 0)).toBe(pairs.length);
    expect(loss(counted)).toBeCloseTo(hand, 5);
    logRef.dispose();
  });

  it('samples winners with the Bradley–Terry probability σ(r_a − r_b)', () => {
    const rewards = [1, 0, -1];
    const pairs = samplePreferences(rewards, 30000, createRng(3, 'bt'));
    const between = (a: number, b: number) => pairs.filter((p) => (p.winner === a && p.loser === b) || (p.winner === b && p.loser === a));
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) {
      const ps = between(a, b);
      expect(ps.length).toBeGreaterThan(8000);
      const share = ps.filter((p) => p.winner === a).length / ps.length;
      expect(share).toBeCloseTo(1 / (1 + Math.exp(-(rewards[a]! - rewards[b]!))), 1);
    }
    expect(pairs.every((p) => p.winner !== p.loser)).toBe(true);
  });
});

describe('UPDATE_RULES (sampled, seeded)', () => {
  const run = async (mode: ModeId, knobs: BanditKnobs, steps: number, seed = 42) => {
    let s = initialState(PROBLEM);
    const ps: number[][] = [];
    for (let i = 0; i < steps; i++) {
      s = (await UPDATE_RULES[mode].step(s, PROBLEM, knobs, createRng(seed, `${mode}:${s.step}`))).state;
      ps.push(softmax(s.theta));
    }
    return { s, ps };
  };
  /** Mean total-variation distance to `to` over the last `n` steps. */
  const lateDistance = (ps: number[][], to: number[], n = 150) => ps.slice(-n).reduce((acc, p) => acc + tv(p, to), 0) / n;

  it.each([
    { mode: 'ppo' as const, knobs: { ...KNOBS, learningRate: UPDATE_RULES.ppo.learningRate } },
    { mode: 'dpo' as const, knobs: { ...KNOBS, learningRate: UPDATE_RULES.dpo.learningRate } },
  ])('$mode heads to π* = π_ref·e^{r/β}/Z and hovers there', async ({ mode, knobs }) => {
    const start = tf.memory().numTensors;
    const { ps } = await run(mode, knobs, 450);
    const star = target(PROBLEM.reference, PROBLEM.rewards, knobs.beta);
    expect(tv(ps[0]!, star)).toBeGreaterThan(0.3);
    expect(lateDistance(ps, star)).toBeLessThan(0.04);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('GRPO without the std division heads to π_ref·e^{(1−1/G)r/β}/Z (its mean includes the sample)', async () => {
    const knobs = { ...KNOBS, normalizeStd: false, groupSize: 4, learningRate: 0.1 };
    const { ps } = await run('grpo', knobs, 1200);
    const own = target(PROBLEM.reference, PROBLEM.rewards, knobs.beta / (1 - 1 / 4));
    grpoTarget(PROBLEM, knobs.beta, 4).forEach((v, i) => expect(v).toBeCloseTo(own[i]!, 6));
    const star = target(PROBLEM.reference, PROBLEM.rewards, knobs.beta);
    expect(tv(own, star)).toBeGreaterThan(0.08); // G = 4 makes the two targets clearly different
    expect(lateDistance(ps, own, 600)).toBeLessThan(0.045);
    expect(lateDistance(ps, own, 600)).toBeLessThan(lateDistance(ps, star, 600));
  });

  it('GRPO with the std division ends sharper than π*: higher reward, larger KL', async () => {
    const { ps } = await run('grpo', KNOBS, 300);
    const star = target(PROBLEM.reference, PROBLEM.rewards, KNOBS.beta);
    const p = ps.at(-1)!;
    const er = (q: number[]) => q.reduce((s, v, i) => s + v * PROBLEM.rewards[i]!, 0);
    expect(er(p)).toBeGreaterThan(er(star) + 0.1);
    expect(kl(p, PROBLEM.reference)).toBeGreaterThan(kl(star, PROBLEM.reference) + 0.5);
  });

  it.each(['ppo', 'dpo', 'grpo'] as const)('%s gives the same run for the same seed and another for another seed', async (mode) => {
    const a = await run(mode, KNOBS, 5, 42);
    const b = await run(mode, KNOBS, 5, 42);
    const c = await run(mode, KNOBS, 5, 43);
    expect(a.s.theta).toEqual(b.s.theta);
    expect(a.s.theta).not.toEqual(c.s.theta);
    expect(a.s.step).toBe(5);
  });

  it('train(n) runs n steps of a rule from a state, step t drawing from rngFor(t)', async () => {
    const direct = await run('ppo', KNOBS, 7);
    const viaTrain = await train('ppo', initialState(PROBLEM), PROBLEM, KNOBS, 7, (t) => createRng(42, `ppo:${t}`));
    expect(viaTrain).toEqual(direct.s);
  });

  it('keeps KL(π‖π_ref) small when β is large', async () => {
    const { s } = await run('ppo', { ...KNOBS, beta: 5 }, 200);
    expect(kl(softmax(s.theta), PROBLEM.reference)).toBeLessThan(0.05);
  });

  it('fits PPO\'s critic V towards the mean reward of the batches', async () => {
    const { s, ps } = await run('ppo', KNOBS, 200);
    const er = ps.at(-1)!.reduce((acc, v, i) => acc + v * PROBLEM.rewards[i]!, 0);
    expect(Math.abs(s.value - er)).toBeLessThan(0.15);
  });
});

describe('summarise', () => {
  it('reads out π, E[r], KL(π‖π_ref) and the distance to a target as plain float64 sums do', async () => {
    const theta = [0.3, -0.1, 0.5, 0, 0.2, -0.4, 0.1, 0.9, -0.7, 0.05];
    const star = target(PROBLEM.reference, PROBLEM.rewards, 0.3);
    const start = tf.memory().numTensors;
    const s = await summarise(theta, PROBLEM, star);
    const p = softmax(theta);
    s.policy.forEach((v, i) => expect(v).toBeCloseTo(p[i]!, 6));
    expect(s.expectedReward).toBeCloseTo(p.reduce((acc, v, i) => acc + v * PROBLEM.rewards[i]!, 0), 5);
    expect(s.kl).toBeCloseTo(kl(p, PROBLEM.reference), 5);
    expect(s.distance).toBeCloseTo(tv(p, star), 5);
    expect(tf.memory().numTensors).toBe(start);
  });
});
