/**
 * A mixture-of-experts layer in the small (chapter 30): 2-D toy tokens in a
 * few seeded clusters, a linear router (softmax over E experts), top-k
 * routing, and the Switch Transformer's auxiliary load-balancing loss
 * (Fedus, Zoph & Shazeer 2021, eq. 4):
 *
 *   L_aux = E · Σᵢ fᵢ · Pᵢ,
 *   fᵢ = share of the token→expert assignments that go to expert i
 *        (top-k: each token counts k times, so Σ fᵢ = 1),
 *   Pᵢ = mean over the tokens of the router probability pᵢ(x).
 *
 * At a uniform load (fᵢ = Pᵢ = 1/E) L_aux = E · E · 1/E² = 1, its minimum
 * under balanced routing; it grows as the load gathers on few experts. fᵢ
 * comes from an argmax and carries no gradient; Pᵢ does.
 *
 * The layer: each expert is a small linear map ℝ² → ℝ, the token's output
 * is Σ_{i ∈ top-k} pᵢ(x) · expertᵢ(x) (the gate is the router probability
 * itself, as in Switch, so the task loss trains the router too), and the
 * task is a different linear target per cluster (mean squared error).
 * Router and experts train together with Adam, full batch. Without the
 * auxiliary loss the experts that happen to win the first steps get the
 * gradient, improve, and win more tokens: the load collapses onto a few.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Rng } from '../runtime/rng.js';
import { presetById } from '../data/model-presets.js';
import { configFromPreset, countParameters } from './model-calculator.js';

/**
 * Total and active parameters of a preset of `<model-calculator>` (the same
 * data and the same count, components/models/model-calculator.ts): Mixtral
 * 8×7B gives 46.7 B total and 12.9 B active per token.
 */
export function presetParameters(id = 'mixtral-8x7b'): { label: string; total: number; active: number; experts: number; activeExperts: number; source: string } {
  const p = presetById(id);
  if (!p) throw new Error(`no model preset "${id}"`);
  const counts = countParameters(configFromPreset(p));
  return { label: p.label, total: counts.total, active: counts.active, experts: p.experts, activeExperts: p.activeExperts, source: p.source };
}

/** The toy layer's own count: router 2·E + E, experts E·(2 + 1) of which k run per token. */
export function toyParameters(experts: number, k: number): { total: number; active: number } {
  const router = 3 * experts;
  return { total: router + 3 * experts, active: router + 3 * k };
}

export interface Tokens {
  /** n × 2 points, row-major. */
  x: Float32Array;
  /** Target per token. */
  y: Float32Array;
  /** Cluster of each token. */
  cluster: Int32Array;
  n: number;
  clusters: number;
  centres: [number, number][];
}

export interface RouterConfig {
  experts: number;
  k: number;
  /** Weight of L_aux in the total loss (0 = off). */
  auxWeight: number;
  learningRate: number;
  /** Standard deviation of the router's initial weights. */
  initScale: number;
}

export const DEFAULT_ROUTER: RouterConfig = { experts: 8, k: 2, auxWeight: 1, learningRate: 0.1, initScale: 0.5 };
export const DEFAULT_STEPS = 100;
export const DEFAULT_TOKENS = { n: 192, clusters: 6, spread: 0.35, diversity: 0.3 };

/** Seeded clusters on a ring of radius 2, each with its own linear target y = a·x + b. */
export function makeTokens(n: number, clusters: number, spread: number, rng: Rng, diversity = DEFAULT_TOKENS.diversity): Tokens {
  const centres: [number, number][] = [];
  const coef: [number, number, number][] = [];
  const shared = [rng.normal(), rng.normal(), rng.normal()];
  for (let c = 0; c < clusters; c++) {
    const angle = (2 * Math.PI * c) / clusters + 0.3 * (rng.next() - 0.5);
    centres.push([2 * Math.cos(angle), 2 * Math.sin(angle)]);
    coef.push([0, 1, 2].map((j) => shared[j]! + diversity * rng.normal()) as [number, number, number]);
  }
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  const cluster = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const c = t % clusters;
    const px = centres[c]![0] + spread * rng.normal();
    const py = centres[c]![1] + spread * rng.normal();
    x[2 * t] = px;
    x[2 * t + 1] = py;
    cluster[t] = c;
    const [a, b, d] = coef[c]!;
    y[t] = a * px + b * py + d;
  }
  return { x, y, cluster, n, clusters, centres };
}

/** Indices of the k largest values of each row (ties: lower index first), plain JS. */
export function topK(values: ArrayLike<number>, rows: number, cols: number, k: number): Int32Array {
  const out = new Int32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const idx = Array.from({ length: cols }, (_, j) => j);
    idx.sort((a, b) => values[r * cols + b]! - values[r * cols + a]! || a - b);
    for (let j = 0; j < k; j++) out[r * k + j] = idx[j]!;
  }
  return out;
}

/** f (share of assignments per expert) from top-k choices. */
export function loadShares(choices: ArrayLike<number>, experts: number): number[] {
  const f = new Array<number>(experts).fill(0);
  for (let i = 0; i < choices.length; i++) f[choices[i]!]! += 1;
  return f.map((v) => v / Math.max(1, choices.length));
}

/** L_aux = E · Σ fᵢ Pᵢ from the two vectors (plain JS). */
export function switchAuxLoss(f: readonly number[], P: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += f[i]! * P[i]!;
  return f.length * s;
}

/** L_aux as a tensor: f from a constant 0/1 mask (n × E, k ones per row), P from the probabilities. */
export function switchAuxLossTensor(probs: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [n, E] = probs.shape;
    const k = tf.div(tf.sum(mask), n);
    const f = tf.div(tf.sum(mask, 0), tf.mul(k, n));
    const P = tf.mean(probs, 0);
    return tf.mul(E, tf.sum(tf.mul(f, P))) as tf.Scalar;
  });
}

/** 0/1 mask of each row's k largest entries, as a constant tensor (no gradient). */
export function topKMask(probs: tf.Tensor2D, k: number): tf.Tensor2D {
  return tf.tidy(() => {
    const { indices } = tf.topk(probs, k);
    return tf.cast(tf.sum(tf.oneHot(indices, probs.shape[1]), 1), 'float32') as tf.Tensor2D;
  });
}

export interface RouterSnapshot {
  step: number;
  /** Share of assignments per expert. */
  load: number[];
  /** Mean router probability per expert. */
  meanProb: number[];
  aux: number;
  task: number;
  /** Experts receiving at least half of a uniform share (1/2E). */
  used: number;
  /** Top-1 expert of each token. */
  top1: number[];
}

/** Router plus experts, trained together with Adam (full batch). */
export class ExpertRouter {
  readonly config: RouterConfig;
  step = 0;
  readonly history: RouterSnapshot[] = [];
  private readonly x: tf.Tensor2D;
  private readonly y: tf.Tensor1D;
  private readonly w: tf.Variable;
  private readonly b: tf.Variable;
  private readonly ew: tf.Variable;
  private readonly eb: tf.Variable;
  private readonly opt: tf.AdamOptimizer;

  constructor(readonly tokens: Tokens, config: RouterConfig, rng: Rng) {
    this.config = config;
    const E = config.experts;
    const init = (len: number, scale: number) => Float32Array.from({ length: len }, () => scale * rng.normal());
    this.x = tf.tensor2d(tokens.x, [tokens.n, 2]);
    this.y = tf.tensor1d(tokens.y);
    // tidy: the initial values are copied into the variables and disposed
    this.w = tf.tidy(() => tf.variable(tf.tensor2d(init(2 * E, config.initScale), [2, E])));
    this.b = tf.tidy(() => tf.variable(tf.zeros([E])));
    this.ew = tf.tidy(() => tf.variable(tf.tensor2d(init(2 * E, 0.1), [2, E])));
    this.eb = tf.tidy(() => tf.variable(tf.zeros([E])));
    this.opt = tf.train.adam(config.learningRate);
    this.history.push(this.snapshot());
  }

  private probs(): tf.Tensor2D {
    return tf.softmax(tf.add(tf.matMul(this.x, this.w), this.b)) as tf.Tensor2D;
  }

  /** Task loss and L_aux at the current weights (for a given mask). */
  private losses(mask: tf.Tensor2D): { task: tf.Scalar; aux: tf.Scalar } {
    const probs = this.probs();
    const expertOut = tf.add(tf.matMul(this.x, this.ew), this.eb); // n × E
    const out = tf.sum(tf.mul(tf.mul(probs, mask), expertOut), 1);
    const task = tf.mean(tf.square(tf.sub(out, this.y))) as tf.Scalar;
    return { task, aux: switchAuxLossTensor(probs, mask) };
  }

  /** n optimiser steps. */
  train(n: number): void {
    for (let i = 0; i < n; i++) {
      tf.tidy(() => {
        const mask = topKMask(this.probs(), this.config.k);
        this.opt.minimize(() => {
          const { task, aux } = this.losses(mask);
          return this.config.auxWeight > 0 ? tf.add(task, tf.mul(this.config.auxWeight, aux)) as tf.Scalar : task;
        });
      });
      this.step++;
    }
  }

  /** Trains n steps, recording a snapshot every `every` steps. */
  advance(n: number, every = 10): void {
    let left = n;
    while (left > 0) {
      const chunk = Math.min(left, every - (this.step % every));
      this.train(chunk);
      left -= chunk;
      if (this.step % every === 0) this.history.push(this.snapshot());
    }
  }

  snapshot(): RouterSnapshot {
    const { probs, task, aux } = tf.tidy(() => {
      const p = this.probs();
      const mask = topKMask(p, this.config.k);
      const l = this.losses(mask);
      return { probs: p.dataSync().slice(), task: l.task.dataSync()[0]!, aux: l.aux.dataSync()[0]! };
    });
    const E = this.config.experts;
    const n = this.tokens.n;
    const choices = topK(probs, n, E, this.config.k);
    const load = loadShares(choices, E);
    const meanProb = new Array<number>(E).fill(0);
    for (let t = 0; t < n; t++) for (let i = 0; i < E; i++) meanProb[i]! += probs[t * E + i]! / n;
    const top1 = Array.from({ length: n }, (_, t) => choices[t * this.config.k]!);
    return { step: this.step, load, meanProb, aux, task, used: load.filter((f) => f >= 0.5 / E).length, top1 };
  }

  dispose(): void {
    for (const t of [this.x, this.y, this.w, this.b, this.ew, this.eb]) t.dispose();
    this.opt.dispose();
  }
}
