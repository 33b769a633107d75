/**
 * RLHF in the small: one prompt, K candidate responses, a policy
 * π_θ = softmax(θ) over them (one logit per response), a reward r(y) per
 * response and a frozen reference policy π_ref (the SFT model the run starts
 * from). Three update rules train θ, each a row of UPDATE_RULES (Act VI adds
 * a sequence rule to the same table):
 *
 * PPO (Schulman et al. 2017, as used by InstructGPT): sample a batch of B
 * responses from π_old (the policy before this batch), advantage
 * A_i = r(y_i) − V, then E inner epochs of gradient ascent on
 *   L(θ) = mean_i min(ρ_i A_i, clip(ρ_i, 1 − ε, 1 + ε) A_i) − β·KL(π_θ ‖ π_ref),
 *   ρ_i = π_θ(y_i) / π_old(y_i).
 * The KL is a penalty in the loss, computed exactly over the K responses
 * (not reward shaping r − β log(π/π_ref), and not a per-sample estimate).
 * The critic: a bandit has one state, so the value net is one number V,
 * fitted to the rewards seen by a squared-error step V ← V + η_V·(mean r − V)
 * after each batch (η_V = 0.3, V starts at 0, an untrained critic). V comes
 * from earlier batches, so r − V is an unbiased advantage.
 *
 * DPO (Rafailov et al. 2023): pairs (a, b) drawn uniformly among the
 * K·(K − 1) ordered pairs of distinct responses, the winner by Bradley–Terry,
 * P(a ≻ b) = σ(r_a − r_b); one gradient step on
 *   −mean log σ(β·log(π_θ(w)/π_ref(w)) − β·log(π_θ(l)/π_ref(l))).
 *
 * GRPO (Shao et al. 2024, DeepSeekMath): a group of G responses from π_old,
 * A_i = (r_i − mean(r)) / (std(r) + 10⁻⁴) over the group (the mean and the
 * population std include the sample itself; the std division can be switched
 * off), then the same clipped objective and exact KL penalty as PPO, E inner
 * epochs. DeepSeekMath estimates the KL per sample (the k3 estimator); with
 * K responses the exact value is cheap.
 *
 * Where they head: the maximiser of E_π[r] − β·KL(π ‖ π_ref) is
 *   π*(y) = π_ref(y)·e^{r(y)/β} / Z
 * (klOptimal). PPO's expected update and DPO's expected loss on
 * Bradley–Terry data both have π* as their fixed point. GRPO's does not: its
 * mean includes the sample itself, so E[A_i ∇log π(y_i)] = (1 − 1/G)·∇E[r]
 * without the std division (fixed point π_ref·e^{(1−1/G)·r/β}/Z, grpoTarget),
 * and the std division scales each group's advantages by 1/std, which grows
 * as the policy concentrates, so it ends sharper than π*.
 *
 * Tensors: every update runs in one tf.tidy (gradients by tf.grad) and
 * returns the new logits as plain numbers with one read-back; no tensor
 * outlives a call.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Rng } from '../runtime/rng.js';

export const MODES = ['ppo', 'dpo', 'grpo'] as const;
export type ModeId = (typeof MODES)[number];

/** One prompt's responses: a reward each and the reference policy's probabilities (summing to 1). */
export interface BanditProblem {
  rewards: readonly number[];
  reference: readonly number[];
}

export interface BanditKnobs {
  /** PPO / GRPO clip range ε. */
  epsilon: number;
  /** KL strength β (PPO, GRPO: penalty weight; DPO: the β in the loss). */
  beta: number;
  learningRate: number;
  /** GRPO group size G. */
  groupSize: number;
  /** GRPO: divide the centred rewards by the group's std. */
  normalizeStd: boolean;
}

/** What a run carries from step to step (plain numbers: it is the demo's sync state). */
export interface BanditState {
  theta: number[];
  /** PPO's critic V (unused by DPO and GRPO). */
  value: number;
  step: number;
}

export interface StepStats {
  /** Responses sampled this step (DPO: winners then losers). */
  sampled: number[];
  /** Mean reward of the sampled responses (DPO: of the winners). */
  batchReward: number;
  /** Share of the samples whose ratio lay outside [1 − ε, 1 + ε] in the last inner epoch (PPO, GRPO). */
  clippedShare: number;
}

export interface UpdateRule {
  id: ModeId;
  /** Button label. */
  label: string;
  /** Which knobs the rule reads (the demo shows only these). */
  knobs: readonly (keyof BanditKnobs)[];
  /** Default learning rate for this rule. */
  learningRate: number;
  /** One update from `state`, with this step's randomness drawn from `rng`. */
  step(state: BanditState, problem: BanditProblem, knobs: BanditKnobs, rng: Rng): Promise<{ state: BanditState; stats: StepStats }>;
}

/** PPO batch size B and inner epochs E (GRPO's batch is its group). */
export const PPO_BATCH = 16;
export const INNER_EPOCHS = 4;
export const DPO_PAIRS = 256;
export const VALUE_RATE = 0.3;
export const STD_EPS = 1e-4;

/** Probabilities from logits in float64 (for sampling and display; the training math is in tf below). */
export function softmaxOf(theta: readonly number[]): number[] {
  const m = Math.max(...theta);
  const e = theta.map((t) => Math.exp(t - m));
  const z = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / z);
}

/** Logits that reproduce a probability vector (log p), the usual start: π_θ = π_ref. */
export const logitsOf = (p: readonly number[]): number[] => p.map((v) => Math.log(v));

/** log π for logits θ. */
const logPolicy = (theta: tf.Tensor1D) => tf.logSoftmax(theta) as tf.Tensor1D;

/** KL(π_θ ‖ π_ref) = Σ π (log π − log π_ref), exact over the K responses. */
export function klToReference(theta: tf.Tensor1D, logRef: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = logPolicy(theta);
    return tf.sum(tf.mul(tf.exp(logp), tf.sub(logp, logRef))) as tf.Scalar;
  });
}

/** The PPO clip term per sample: min(ρA, clip(ρ, 1 − ε, 1 + ε)·A). At a tie (ρ on a boundary) tf.minimum's gradient goes to ρA. */
export function clippedTerm(ratio: tf.Tensor, advantage: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => tf.minimum(tf.mul(ratio, advantage), tf.mul(tf.clipByValue(ratio, 1 - epsilon, 1 + epsilon), advantage)));
}

/** A batch of sampled responses for the clipped objective. */
export interface SampleBatch {
  /** Response index of each sample. */
  samples: readonly number[];
  /** log π_old of each sample's response. */
  logOld: readonly number[];
  advantages: readonly number[];
}

function oneHot(indices: readonly number[], k: number): tf.Tensor2D {
  const data = new Float32Array(indices.length * k);
  indices.forEach((y, i) => (data[i * k + y] = 1));
  return tf.tensor2d(data, [indices.length, k]);
}

/** ρ_i = π_θ(y_i) / π_old(y_i) for the batch. */
export function ratios(theta: tf.Tensor1D, batch: SampleBatch): tf.Tensor1D {
  return tf.tidy(() => {
    const k = theta.shape[0];
    const picked = tf.sum(tf.mul(oneHot(batch.samples, k), logPolicy(theta)), 1);
    return tf.exp(tf.sub(picked, tf.tensor1d([...batch.logOld]))) as tf.Tensor1D;
  });
}

/** The clipped surrogate mean_i min(ρ_i A_i, clip(ρ_i, 1 ± ε) A_i), to be maximised. */
export function clippedSurrogate(theta: tf.Tensor1D, batch: SampleBatch, epsilon: number): tf.Scalar {
  return tf.tidy(() => tf.mean(clippedTerm(ratios(theta, batch), tf.tensor1d([...batch.advantages]), epsilon)) as tf.Scalar);
}

/** PPO's and GRPO's objective: the clipped surrogate minus β·KL(π_θ ‖ π_ref). */
export function clippedObjective(theta: tf.Tensor1D, batch: SampleBatch, logRef: tf.Tensor1D, epsilon: number, beta: number): tf.Scalar {
  return tf.tidy(() => tf.sub(clippedSurrogate(theta, batch, epsilon), tf.mul(beta, klToReference(theta, logRef))) as tf.Scalar);
}

/** A preference pair: response `winner` preferred to `loser`, counted `weight` times (1 for a sampled pair). */
export interface Preference {
  winner: number;
  loser: number;
  weight: number;
}

/** DPO loss −Σ w·log σ(β(h_w − h_l)) / Σ w, with h = log π_θ − log π_ref. */
export function dpoLoss(theta: tf.Tensor1D, pairs: readonly Preference[], logRef: tf.Tensor1D, beta: number): tf.Scalar {
  return tf.tidy(() => {
    const k = theta.shape[0];
    const h = tf.sub(logPolicy(theta), logRef);
    const hw = tf.sum(tf.mul(oneHot(pairs.map((p) => p.winner), k), h), 1);
    const hl = tf.sum(tf.mul(oneHot(pairs.map((p) => p.loser), k), h), 1);
    const w = tf.tensor1d(pairs.map((p) => p.weight));
    const total = pairs.reduce((s, p) => s + p.weight, 0);
    // −log σ(z) = softplus(−z) (tf.logSigmoid's custom gradient reads an input this tidy would dispose under tf.grad).
    return tf.div(tf.sum(tf.mul(w, tf.softplus(tf.neg(tf.mul(beta, tf.sub(hw, hl)))))), total) as tf.Scalar;
  });
}

/** The KL-regularised objective E_π[r] − β·KL(π_θ ‖ π_ref), exactly (no sampling). */
export function regularisedObjective(theta: tf.Tensor1D, rewards: readonly number[], logRef: tf.Tensor1D, beta: number): tf.Scalar {
  return tf.tidy(() => tf.sub(tf.sum(tf.mul(tf.softmax(theta), tf.tensor1d([...rewards]))), tf.mul(beta, klToReference(theta, logRef))) as tf.Scalar);
}

/** Gradient of `objective` at θ (plain numbers; for tests and inspection). */
export function gradientOf(theta: readonly number[], objective: (t: tf.Tensor1D) => tf.Scalar): number[] {
  return tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => objective(t as tf.Tensor1D))(tf.tensor1d([...theta])).dataSync()));
}

/** One exact-gradient ascent step on E_π[r] − β·KL (the expected update all three rules approximate). */
export function exactStep(theta: readonly number[], problem: BanditProblem, beta: number, learningRate: number): number[] {
  return tf.tidy(() => {
    const logRef = tf.log(tf.tensor1d([...problem.reference])) as tf.Tensor1D;
    const g = gradientOf(theta, (t) => regularisedObjective(t, problem.rewards, logRef, beta));
    return theta.map((v, i) => v + learningRate * g[i]!);
  });
}

/** π* = π_ref·e^{r/β} / Z, the maximiser of E_π[r] − β·KL(π ‖ π_ref). */
export function klOptimal(problem: BanditProblem, beta: number): number[] {
  return tf.tidy(() => Array.from(tf.softmax(tf.add(tf.log(tf.tensor1d([...problem.reference])), tf.div(tf.tensor1d([...problem.rewards]), beta))).dataSync()));
}

/** GRPO's fixed point without the std division: π_ref·e^{(1 − 1/G)·r/β} / Z (its group mean includes the sample itself). */
export function grpoTarget(problem: BanditProblem, beta: number, groupSize: number): number[] {
  return klOptimal(problem, beta / (1 - 1 / groupSize));
}

/**
 * GRPO advantages over one group: (r_i − mean) / (std + 10⁻⁴) with the
 * population std, or r_i − mean. The mean is taken as min + mean(r − min),
 * so a group of equal rewards gives advantages that are exactly 0.
 */
export function groupAdvantages(rewards: readonly number[], normalizeStd: boolean): number[] {
  const lo = Math.min(...rewards);
  const mean = lo + rewards.reduce((s, r) => s + (r - lo), 0) / rewards.length;
  const centred = rewards.map((r) => r - mean);
  if (!normalizeStd) return centred;
  const std = Math.sqrt(centred.reduce((s, c) => s + c * c, 0) / rewards.length);
  return centred.map((c) => c / (std + STD_EPS));
}

/** Numbers the demo reads out for a policy. */
export interface PolicySummary {
  policy: number[];
  expectedReward: number;
  /** KL(π ‖ π_ref) in nats. */
  kl: number;
  /** Total variation ½Σ|π − π*| to the KL-optimal target. */
  distance: number;
}

/** π, E_π[r], KL(π ‖ π_ref) and the distance to π* in one read-back. */
export async function summarise(theta: readonly number[], problem: BanditProblem, target: readonly number[]): Promise<PolicySummary> {
  const k = theta.length;
  const out = tf.tidy(() => {
    const t = tf.tensor1d([...theta]);
    const p = tf.softmax(t);
    const er = tf.sum(tf.mul(p, tf.tensor1d([...problem.rewards])));
    const kl = klToReference(t, tf.log(tf.tensor1d([...problem.reference])) as tf.Tensor1D);
    const tv = tf.mul(0.5, tf.sum(tf.abs(tf.sub(p, tf.tensor1d([...target])))));
    return tf.concat([p, tf.stack([er, kl, tv])]);
  });
  const v = Array.from(await out.data());
  out.dispose();
  return { policy: v.slice(0, k), expectedReward: v[k]!, kl: v[k + 1]!, distance: v[k + 2]! };
}

/** E steps of gradient ascent on `objective` from θ, in one tidy; returns the new θ and the ratios of the last epoch. */
async function ascend(
  theta: readonly number[],
  epochs: number,
  learningRate: number,
  objective: (t: tf.Tensor1D) => tf.Scalar,
  lastRatios?: (t: tf.Tensor1D) => tf.Tensor1D,
): Promise<{ theta: number[]; ratios: number[] }> {
  const k = theta.length;
  const out = tf.tidy(() => {
    const grad = tf.grad((t: tf.Tensor) => objective(t as tf.Tensor1D));
    let t = tf.tensor1d([...theta]);
    let r: tf.Tensor1D = tf.tensor1d([]);
    for (let e = 0; e < epochs; e++) {
      if (lastRatios && e === epochs - 1) r = lastRatios(t);
      t = tf.add(t, tf.mul(learningRate, grad(t))) as tf.Tensor1D;
    }
    return tf.concat([t, r]);
  });
  const v = Array.from(await out.data());
  out.dispose();
  return { theta: v.slice(0, k), ratios: v.slice(k) };
}

function sampleFrom(probabilities: readonly number[], n: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => rng.choice(probabilities));
}

const clippedShareOf = (r: readonly number[], eps: number) => (r.length ? r.filter((x) => x < 1 - eps || x > 1 + eps).length / r.length : 0);

async function clippedUpdate(
  state: BanditState,
  problem: BanditProblem,
  knobs: BanditKnobs,
  samples: number[],
  advantages: number[],
): Promise<{ theta: number[]; clippedShare: number }> {
  const pOld = softmaxOf(state.theta);
  const batch: SampleBatch = { samples, logOld: samples.map((y) => Math.log(pOld[y]!)), advantages };
  const logRef = tf.tidy(() => tf.keep(tf.log(tf.tensor1d([...problem.reference])) as tf.Tensor1D));
  try {
    const out = await ascend(state.theta, INNER_EPOCHS, knobs.learningRate,
      (t) => clippedObjective(t, batch, logRef, knobs.epsilon, knobs.beta), (t) => ratios(t, batch));
    return { theta: out.theta, clippedShare: clippedShareOf(out.ratios, knobs.epsilon) };
  } finally {
    logRef.dispose();
  }
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

export const ppoRule: UpdateRule = {
  id: 'ppo',
  label: 'PPO',
  knobs: ['epsilon', 'beta', 'learningRate'],
  learningRate: 0.3,
  async step(state, problem, knobs, rng) {
    const samples = sampleFrom(softmaxOf(state.theta), PPO_BATCH, rng);
    const rewards = samples.map((y) => problem.rewards[y]!);
    const advantages = rewards.map((r) => r - state.value);
    const { theta, clippedShare } = await clippedUpdate(state, problem, knobs, samples, advantages);
    const batchReward = mean(rewards);
    return {
      state: { theta, value: state.value + VALUE_RATE * (batchReward - state.value), step: state.step + 1 },
      stats: { sampled: samples, batchReward, clippedShare },
    };
  },
};

/** `n` preference pairs: (a, b) uniform among ordered pairs of distinct responses, a wins with probability σ(r_a − r_b). */
export function samplePreferences(rewards: readonly number[], n: number, rng: Rng): Preference[] {
  const k = rewards.length;
  return Array.from({ length: n }, () => {
    const a = rng.int(k);
    const b = (a + 1 + rng.int(k - 1)) % k;
    const aWins = rng.next() < 1 / (1 + Math.exp(-(rewards[a]! - rewards[b]!)));
    return aWins ? { winner: a, loser: b, weight: 1 } : { winner: b, loser: a, weight: 1 };
  });
}

/** The same pairs as (winner, loser) with a count as weight: the same mean loss on at most K·(K − 1) rows. */
export function countPairs(pairs: readonly Preference[]): Preference[] {
  const counts = new Map<string, Preference>();
  for (const p of pairs) {
    const key = `${p.winner},${p.loser}`;
    const c = counts.get(key);
    if (c) c.weight += p.weight;
    else counts.set(key, { ...p });
  }
  return [...counts.values()];
}

/** All ordered pairs, each weighted by its Bradley–Terry probability σ(r_w − r_l): the infinite-data DPO loss. */
export function allPreferences(rewards: readonly number[]): Preference[] {
  const out: Preference[] = [];
  for (let w = 0; w < rewards.length; w++) {
    for (let l = 0; l < rewards.length; l++) {
      if (w !== l) out.push({ winner: w, loser: l, weight: 1 / (1 + Math.exp(-(rewards[w]! - rewards[l]!))) });
    }
  }
  return out;
}

export const dpoRule: UpdateRule = {
  id: 'dpo',
  label: 'DPO',
  knobs: ['beta', 'learningRate'],
  learningRate: 4,
  async step(state, problem, knobs, rng) {
    const pairs = samplePreferences(problem.rewards, DPO_PAIRS, rng);
    const counted = countPairs(pairs);
    const logRef = tf.tidy(() => tf.keep(tf.log(tf.tensor1d([...problem.reference])) as tf.Tensor1D));
    try {
      const { theta } = await ascend(state.theta, 1, knobs.learningRate, (t) => tf.neg(dpoLoss(t, counted, logRef, knobs.beta)) as tf.Scalar);
      return {
        state: { theta, value: state.value, step: state.step + 1 },
        stats: { sampled: [...pairs.map((p) => p.winner), ...pairs.map((p) => p.loser)], batchReward: mean(pairs.map((p) => problem.rewards[p.winner]!)), clippedShare: 0 },
      };
    } finally {
      logRef.dispose();
    }
  },
};

export const grpoRule: UpdateRule = {
  id: 'grpo',
  label: 'GRPO',
  knobs: ['epsilon', 'beta', 'learningRate', 'groupSize', 'normalizeStd'],
  learningRate: 0.3,
  async step(state, problem, knobs, rng) {
    const samples = sampleFrom(softmaxOf(state.theta), knobs.groupSize, rng);
    const rewards = samples.map((y) => problem.rewards[y]!);
    const advantages = groupAdvantages(rewards, knobs.normalizeStd);
    const { theta, clippedShare } = await clippedUpdate(state, problem, knobs, samples, advantages);
    return { state: { theta, value: state.value, step: state.step + 1 }, stats: { sampled: samples, batchReward: mean(rewards), clippedShare } };
  },
};

/** The update rules, one per mode (Act VI adds a sequence rule here). */
export const UPDATE_RULES: Record<ModeId, UpdateRule> = { ppo: ppoRule, dpo: dpoRule, grpo: grpoRule };

/** The first state of every run: π_θ = π_ref, V = 0, step 0. */
export const initialState = (problem: BanditProblem): BanditState => ({ theta: logitsOf(problem.reference), value: 0, step: 0 });

/** `n` steps of `mode` from `state`, step t drawing its randomness from rngFor(t) (same seed, same run). */
export async function train(mode: ModeId, state: BanditState, problem: BanditProblem, knobs: BanditKnobs, n: number, rngFor: (step: number) => Rng): Promise<BanditState> {
  let s = state;
  for (let i = 0; i < n; i++) s = (await UPDATE_RULES[mode].step(s, problem, knobs, rngFor(s.step))).state;
  return s;
}
