/**
 * The SIR epidemic model, integrated with classical Runge–Kutta (RK4) in
 * TensorFlow.js so that autodiff can run back through every step.
 *
 *   dS/dt = −β·S·I/N        susceptible only drain
 *   dI/dt =  β·S·I/N − γ·I  infected gain the newly sick, lose the recovered
 *   dR/dt =  γ·I            recovered only fill
 *
 * β is contacts-times-transmission per day, γ the recovery rate per day
 * (1/γ = days infectious), R₀ = β/γ. S + I + R = N at every step.
 *
 * Daily new cases (the number the NYC series reports) are the people who left
 * S during the day: S(k) − S(k+1).
 */
import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered separately in tfjs-core; the fit needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export interface SirParams {
  /** Transmission rate per day. */
  beta: number;
  /** Recovery rate per day. */
  gamma: number;
  /** Total population N (S + I + R). */
  population: number;
  /** Infected on day 0 (S starts at N − I₀, R at 0). */
  initialInfected: number;
}

export interface SirRun {
  /** Day k = 0 … days, length days + 1. */
  S: number[];
  I: number[];
  R: number[];
  /** New infections during day k (k = 0 … days − 1): S(k) − S(k+1). */
  newCases: number[];
}

/** The basic reproduction number: people one case infects in a fully susceptible city. */
export function reproductionNumber(beta: number, gamma: number): number {
  return beta / gamma;
}

/** (s, i, r) as fractions of N, scalar tensors; r is null when the caller does not need it. */
interface SirState {
  s: tf.Scalar;
  i: tf.Scalar;
  r: tf.Scalar | null;
}

/**
 * One classical RK4 step of size h on the SIR equations in fractions of N.
 *
 * Flows at (s, i): infection = β·s·i leaves S for I, recovery = γ·i leaves I
 * for R. Only element-wise add/sub/mul on scalars: TensorFlow.js's WebGL
 * backend runs those on the CPU for tiny tensors (CPU forwarding), so a
 * 123-day integration is ~5,000 cheap scalar ops instead of 5,000 shader
 * launches. (addN, div and square have no CPU path there; they are avoided.)
 */
export function rk4Step(beta: tf.Scalar, gamma: tf.Scalar, y: SirState, h: number): SirState {
  const flows = (s: tf.Scalar, i: tf.Scalar) => {
    const infection = tf.mul(beta, tf.mul(s, i)) as tf.Scalar;
    const recovery = tf.mul(gamma, i) as tf.Scalar;
    return { infection, recovery, di: tf.sub(infection, recovery) as tf.Scalar };
  };
  // h/6 · (k1 + 2·k2 + 2·k3 + k4)
  const weighted = (a: tf.Scalar, b: tf.Scalar, c: tf.Scalar, d: tf.Scalar) =>
    tf.add(tf.mul(tf.add(a, d), h / 6), tf.mul(tf.add(b, c), h / 3)) as tf.Scalar;
  const { s, i, r } = y;
  // Stage j evaluates the flows at y + c·k_{j−1} with c = h/2, h/2, h; ds = −infection.
  const k1 = flows(s, i);
  const k2 = flows(tf.sub(s, tf.mul(k1.infection, h / 2)), tf.add(i, tf.mul(k1.di, h / 2)));
  const k3 = flows(tf.sub(s, tf.mul(k2.infection, h / 2)), tf.add(i, tf.mul(k2.di, h / 2)));
  const k4 = flows(tf.sub(s, tf.mul(k3.infection, h)), tf.add(i, tf.mul(k3.di, h)));
  return {
    s: tf.sub(s, weighted(k1.infection, k2.infection, k3.infection, k4.infection)),
    i: tf.add(i, weighted(k1.di, k2.di, k3.di, k4.di)),
    // R is integrated too (not taken as N − S − I) so conservation is a real check.
    r: r && (tf.add(r, weighted(k1.recovery, k2.recovery, k3.recovery, k4.recovery)) as tf.Scalar),
  };
}

/**
 * RK4 trajectory from s = 1 − i₀, i = i₀, r = 0: the state at the start of
 * each day 0 … days, `substeps` RK4 steps per day (h = 1/substeps; 1 is
 * accurate to ~1e-4 of N for β ≤ 1). beta, gamma, i0: scalar tensors, i0 a fraction of N.
 */
export function sirStates(beta: tf.Scalar, gamma: tf.Scalar, i0: tf.Scalar, days: number, substeps = 1): SirState[] {
  let y: SirState = { s: tf.sub(1, i0) as tf.Scalar, i: i0, r: tf.zerosLike(i0) as tf.Scalar };
  const states = [y];
  for (let day = 0; day < days; day++) {
    for (let k = 0; k < substeps; k++) y = rk4Step(beta, gamma, y, 1 / substeps);
    states.push(y);
  }
  return states;
}

/** The trajectory as one tensor [days + 1, 3]: (s, i, r) per day. */
export function sirTrajectory(beta: tf.Scalar, gamma: tf.Scalar, i0: tf.Scalar, days: number, substeps = 1): tf.Tensor2D {
  return tf.tidy(() =>
    tf.stack(sirStates(beta, gamma, i0, days, substeps).map((y) => tf.stack([y.s, y.i, y.r!]))) as tf.Tensor2D,
  );
}

/** Daily new cases in people from a [days + 1, 3] trajectory: N·(s(k) − s(k+1)), shape [days]. */
export function dailyNewCases(trajectory: tf.Tensor2D, population: number): tf.Tensor1D {
  return tf.tidy(() => {
    const s = tf.reshape(tf.slice(trajectory, [0, 0], [-1, 1]), [-1]); // [days + 1]
    const days = s.shape[0] - 1;
    return tf.mul(tf.sub(tf.slice(s, 0, days), tf.slice(s, 1, days)), population) as tf.Tensor1D;
  });
}

/** Runs the model for `days` days and reads S, I, R and daily new cases back once. */
export async function simulateSir(p: SirParams, days: number, substeps = 1): Promise<SirRun> {
  validate(p);
  const packed = tf.tidy(() => {
    const traj = sirTrajectory(
      tf.scalar(p.beta),
      tf.scalar(p.gamma),
      tf.scalar(p.initialInfected / p.population),
      days,
      substeps,
    );
    return tf.concat([tf.reshape(traj, [-1]), dailyNewCases(traj, p.population)]);
  });
  const v = await packed.data();
  packed.dispose();
  return unpackRun(v, days, p.population);
}

/** Splits a packed [(days + 1)·3 trajectory, days new cases] read-back into a SirRun in people. */
function unpackRun(v: ArrayLike<number> & { slice(a: number, b?: number): ArrayLike<number> }, days: number, population: number): SirRun {
  const S: number[] = [];
  const I: number[] = [];
  const R: number[] = [];
  for (let k = 0; k <= days; k++) {
    S.push(v[3 * k] * population);
    I.push(v[3 * k + 1] * population);
    R.push(v[3 * k + 2] * population);
  }
  const newCases = Array.from(v.slice(3 * (days + 1), 3 * (days + 1) + days));
  return { S, I, R, newCases };
}

function validate(p: SirParams): void {
  if (!(p.beta >= 0 && p.gamma > 0 && p.population > 0)) {
    throw new Error(`SIR: need β ≥ 0, γ > 0, N > 0 (got β=${p.beta}, γ=${p.gamma}, N=${p.population})`);
  }
  if (!(p.initialInfected > 0 && p.initialInfected < p.population)) {
    throw new Error(`SIR: initial infected must be in (0, N) (got ${p.initialInfected} of ${p.population})`);
  }
}

export interface SirFitOptions {
  /** Daily case counts to fit, day 0 = the model's day 0. */
  cases: readonly number[];
  /** N, fixed during the fit (the counts only see confirmed cases; see the deck). */
  population: number;
  /** Starting guess for β, γ, I₀. */
  start: { beta: number; gamma: number; initialInfected: number };
  /** Adam learning rate on the log-parameters. */
  learningRate?: number;
}

export interface SirFitState {
  beta: number;
  gamma: number;
  initialInfected: number;
  r0: number;
  /** Mean squared error over the fitted days divided by the mean squared count (1 = as bad as predicting 0). */
  loss: number;
  /** Root mean squared miss in cases per day. */
  rmse: number;
}

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Fits β, γ and I₀ to daily case counts by gradient descent through the RK4
 * integration. The gradient of the loss with respect to log β, log γ, log I₀
 * comes from TensorFlow.js autodiff (tf.valueAndGrads) through every step;
 * Adam's update on those three numbers is done in plain JS (tfjs's optimiser
 * would push the parameters to the GPU, and every op after them, under WebGL).
 * Log-parameters make steps relative (a 5% nudge whether β is 0.2 or 2) and
 * keep the rates positive.
 */
export class SirFitter {
  readonly population: number;
  /** Days the loss covers. */
  readonly days: number;
  /** Adam steps taken. */
  steps = 0;
  /** log β, log γ, log I₀ (I₀ in people). */
  private theta: number[];
  private readonly m = [0, 0, 0];
  private readonly v = [0, 0, 0];
  private readonly target: number[]; // cases / scale
  private readonly scale: number; // sqrt(mean(cases²)): the loss is relative to it
  private readonly learningRate: number;

  constructor(o: SirFitOptions) {
    if (o.cases.length < 2) throw new Error('SIR fit: need at least two days of counts');
    validate({ ...o.start, population: o.population });
    this.population = o.population;
    this.days = o.cases.length;
    const meanSquare = o.cases.reduce((a, c) => a + c * c, 0) / o.cases.length;
    this.scale = Math.sqrt(meanSquare) || 1;
    this.target = o.cases.map((c) => c / this.scale);
    this.theta = [Math.log(o.start.beta), Math.log(o.start.gamma), Math.log(o.start.initialInfected)];
    this.learningRate = o.learningRate ?? 0.05;
  }

  /**
   * Loss at (log β, log γ, log I₀), integrating `days` ≥ this.days days; the
   * states of every day are pushed to `keep` (kept past the gradient's tidy)
   * when the caller wants to draw them. Scalar element-wise ops only (see rk4Step).
   */
  private loss(lb: tf.Scalar, lg: tf.Scalar, li: tf.Scalar, days: number, keep?: tf.Scalar[]): tf.Scalar {
    const beta = tf.exp(lb) as tf.Scalar;
    const gamma = tf.exp(lg) as tf.Scalar;
    const i0 = tf.mul(tf.exp(li), 1 / this.population) as tf.Scalar;
    let y: SirState = { s: tf.sub(1, i0) as tf.Scalar, i: i0, r: keep ? (tf.zerosLike(i0) as tf.Scalar) : null };
    let total: tf.Scalar | null = null;
    const record = (st: SirState) => keep?.push(tf.keep(st.s), tf.keep(st.i), tf.keep(st.r!));
    record(y);
    for (let d = 0; d < days; d++) {
      const next = rk4Step(beta, gamma, y, 1);
      record(next);
      if (d < this.days) {
        // new cases on day d, in units of `scale`, minus the count: squared with mul (no square on the CPU path).
        const miss = tf.sub(tf.mul(tf.sub(y.s, next.s), this.population / this.scale), this.target[d]) as tf.Scalar;
        const sq = tf.mul(miss, miss) as tf.Scalar;
        total = total ? (tf.add(total, sq) as tf.Scalar) : sq;
      }
      y = next;
    }
    return tf.mul(total!, 1 / this.days);
  }

  private stateFrom(theta: number[], loss: number): SirFitState {
    const [beta, gamma, initialInfected] = theta.map(Math.exp);
    return { beta, gamma, initialInfected, r0: beta / gamma, loss, rmse: Math.sqrt(loss) * this.scale };
  }

  /**
   * One Adam step. Returns the state at the parameters before the step (its
   * loss is the one the gradient was taken at) and, when `drawDays` is given,
   * the S, I, R curves over that many days from the same pass: one read-back.
   */
  async step(drawDays?: number): Promise<{ state: SirFitState; run: SirRun | null }> {
    const days = Math.max(this.days, drawDays ?? 0);
    const kept: tf.Scalar[] = [];
    const packed = tf.tidy(() => {
      const f = (lb: tf.Tensor, lg: tf.Tensor, li: tf.Tensor) =>
        this.loss(lb as tf.Scalar, lg as tf.Scalar, li as tf.Scalar, days, drawDays ? kept : undefined);
      const { value, grads } = tf.valueAndGrads(f)(this.theta.map((t) => tf.scalar(t)));
      return tf.concat([tf.stack([value, ...grads]), ...(kept.length ? [tf.stack(kept)] : [])]);
    });
    tf.dispose(kept);
    const v = await packed.data();
    packed.dispose();
    const before = [...this.theta];
    this.adam([v[1], v[2], v[3]]);
    const run = drawDays ? unpackRun(withNewCases(v.subarray(4), drawDays, this.population), drawDays, this.population) : null;
    return { state: this.stateFrom(before, v[0]), run };
  }

  /** θ ← θ − η·m̂/(√v̂ + ε), the Adam update (Kingma & Ba 2015), on three numbers. */
  private adam(grad: number[]): void {
    this.steps++;
    const { beta1, beta2, epsilon } = ADAM;
    this.theta = this.theta.map((t, j) => {
      this.m[j] = beta1 * this.m[j] + (1 - beta1) * grad[j];
      this.v[j] = beta2 * this.v[j] + (1 - beta2) * grad[j] * grad[j];
      const mHat = this.m[j] / (1 - beta1 ** this.steps);
      const vHat = this.v[j] / (1 - beta2 ** this.steps);
      return t - (this.learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
    });
  }

  /** Loss and its gradient with respect to (log β, log γ, log I₀) at the current parameters, no step. */
  async gradient(): Promise<{ loss: number; grad: number[] }> {
    const packed = tf.tidy(() => {
      const f = (lb: tf.Tensor, lg: tf.Tensor, li: tf.Tensor) => this.loss(lb as tf.Scalar, lg as tf.Scalar, li as tf.Scalar, this.days);
      const { value, grads } = tf.valueAndGrads(f)(this.theta.map((t) => tf.scalar(t)));
      return tf.stack([value, ...grads]);
    });
    const [loss, ...grad] = Array.from(await packed.data());
    packed.dispose();
    return { loss, grad };
  }

  /** Current parameters and loss (no step), read back once. */
  async state(): Promise<SirFitState> {
    const t = tf.tidy(() => this.loss(...(this.theta.map((x) => tf.scalar(x)) as [tf.Scalar, tf.Scalar, tf.Scalar]), this.days));
    const [loss] = await t.data();
    t.dispose();
    return this.stateFrom(this.theta, loss);
  }
}

/** Kept states come as s, i, r per day; unpackRun wants the first days + 1 of them plus the new cases. */
function withNewCases(v: Float32Array | Int32Array | Uint8Array, days: number, population: number): Float32Array {
  const out = new Float32Array(3 * (days + 1) + days);
  out.set(v.subarray(0, 3 * (days + 1)));
  for (let d = 0; d < days; d++) out[3 * (days + 1) + d] = (v[3 * d] - v[3 * (d + 1)]) * population;
  return out;
}

/**
 * A number with its derivatives with respect to (log β, log γ, log I₀):
 * forward-mode differentiation in float64, for the plain-JS fit below.
 */
type Dual = [number, number, number, number];
const dAdd = (a: Dual, b: Dual): Dual => [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
const dSub = (a: Dual, b: Dual): Dual => [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]];
const dScale = (a: Dual, c: number): Dual => [a[0] * c, a[1] * c, a[2] * c, a[3] * c];
const dMul = (a: Dual, b: Dual): Dual => [a[0] * b[0], a[1] * b[0] + a[0] * b[1], a[2] * b[0] + a[0] * b[2], a[3] * b[0] + a[0] * b[3]];

/**
 * SirFitter's loss and its gradient with respect to (log β, log γ, log I₀),
 * computed in plain JavaScript (float64): the same RK4 steps and the same
 * relative mean squared error, differentiated forward through every step.
 * No tensors, so the hundred steps of a whole fit take a few milliseconds
 * (the TensorFlow.js fit is op-bound: hundreds of ms a step).
 */
export function sirLossAndGradient(theta: readonly number[], cases: readonly number[], population: number): { loss: number; grad: number[] } {
  const meanSquare = cases.reduce((a, c) => a + c * c, 0) / cases.length;
  const scale = Math.sqrt(meanSquare) || 1;
  const beta: Dual = [Math.exp(theta[0]), Math.exp(theta[0]), 0, 0];
  const gamma: Dual = [Math.exp(theta[1]), 0, Math.exp(theta[1]), 0];
  const i0v = Math.exp(theta[2]) / population;
  let s: Dual = [1 - i0v, 0, 0, -i0v];
  let i: Dual = [i0v, 0, 0, i0v];
  const flows = (sv: Dual, iv: Dual) => {
    const infection = dMul(beta, dMul(sv, iv));
    return { infection, di: dSub(infection, dMul(gamma, iv)) };
  };
  let total: Dual = [0, 0, 0, 0];
  for (let d = 0; d < cases.length; d++) {
    const k1 = flows(s, i);
    const k2 = flows(dSub(s, dScale(k1.infection, 0.5)), dAdd(i, dScale(k1.di, 0.5)));
    const k3 = flows(dSub(s, dScale(k2.infection, 0.5)), dAdd(i, dScale(k2.di, 0.5)));
    const k4 = flows(dSub(s, k3.infection), dAdd(i, k3.di));
    const weighted = (a: Dual, b: Dual, c: Dual, e: Dual) => dAdd(dScale(dAdd(a, e), 1 / 6), dScale(dAdd(b, c), 1 / 3));
    const sNext = dSub(s, weighted(k1.infection, k2.infection, k3.infection, k4.infection));
    const iNext = dAdd(i, weighted(k1.di, k2.di, k3.di, k4.di));
    const miss = dSub(dScale(dSub(s, sNext), population / scale), [cases[d] / scale, 0, 0, 0]);
    total = dAdd(total, dMul(miss, miss));
    s = sNext;
    i = iNext;
  }
  const loss = dScale(total, 1 / cases.length);
  return { loss: loss[0], grad: [loss[1], loss[2], loss[3]] };
}

/**
 * The whole fit in plain JavaScript: `steps` Adam steps from `start`, the
 * same update as SirFitter's (same learning rate and constants), on the
 * float64 loss and gradient of sirLossAndGradient. Returns the parameters
 * after the last step with their loss. This is what a demo shows as its
 * fitted state before any click, and prints.
 */
export function fitSirPlain(o: SirFitOptions, steps: number): SirFitState & { step: number } {
  if (o.cases.length < 2) throw new Error('SIR fit: need at least two days of counts');
  validate({ ...o.start, population: o.population });
  const learningRate = o.learningRate ?? 0.05;
  let theta = [Math.log(o.start.beta), Math.log(o.start.gamma), Math.log(o.start.initialInfected)];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  const { beta1, beta2, epsilon } = ADAM;
  for (let t = 1; t <= steps; t++) {
    const { grad } = sirLossAndGradient(theta, o.cases, o.population);
    theta = theta.map((th, j) => {
      m[j] = beta1 * m[j] + (1 - beta1) * grad[j];
      v[j] = beta2 * v[j] + (1 - beta2) * grad[j] * grad[j];
      return th - (learningRate * (m[j] / (1 - beta1 ** t))) / (Math.sqrt(v[j] / (1 - beta2 ** t)) + epsilon);
    });
  }
  const { loss } = sirLossAndGradient(theta, o.cases, o.population);
  const [beta, gamma, initialInfected] = theta.map(Math.exp);
  const scale = Math.sqrt(o.cases.reduce((a, c) => a + c * c, 0) / o.cases.length) || 1;
  return { beta, gamma, initialInfected, r0: beta / gamma, loss, rmse: Math.sqrt(loss) * scale, step: steps };
}
