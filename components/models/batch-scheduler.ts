/**
 * Static against continuous batching (Orca, Yu et al. 2022) as a discrete-event
 * simulation: S GPU slots serve a queue of requests, one decode step per tick,
 * each busy slot producing one token of its request per step.
 *
 * Static batching: take the next S requests of the queue, run them together,
 * and start the next batch only when the longest of them has finished (a slot
 * whose request is done sits idle until then). Continuous (iteration-level)
 * batching: at every step a free slot takes the next request of the queue at
 * once. Both serve the queue in the same first-in, first-out order; every
 * request is in the queue at step 0 (a busy server), and prefill is left out.
 *
 * Measures, over the run's makespan T (steps until the last token):
 *   utilisation = busy slot-steps / (S · T)   (busy slot-steps = Σ lengths)
 *   throughput  = tokens / T                  (tokens per step; = S · utilisation)
 *   finish      = the step at which each request's last token is out.
 * Continuous batching never starts a request later than static batching does
 * (at the end of a static batch every earlier request is done in both), so its
 * T is never longer and its utilisation never lower.
 *
 * Plain TypeScript on purpose: integer bookkeeping on a few dozen requests,
 * no tensors involved.
 */
import type { Rng } from '../runtime/rng.js';

export type Policy = 'static' | 'continuous';

export interface Bar {
  /** Index of the request in the queue. */
  request: number;
  slot: number;
  /** First step (0-based) and one past the last step it runs. */
  start: number;
  end: number;
}

export interface Schedule {
  policy: Policy;
  slots: number;
  bars: Bar[];
  /** Steps until the last token (T). */
  makespan: number;
  /** Σ lengths: slot-steps that produce a token. */
  busy: number;
  utilisation: number;
  /** Tokens per step. */
  throughput: number;
  /** Step at which each request finished (its bar's end), by request index. */
  finish: number[];
  meanFinish: number;
  /** Static only: the step each batch started at (and the makespan last). */
  batchStarts: number[];
}

export interface QueueConfig {
  requests: number;
  /** Length of a short answer, in tokens (steps). */
  short: number;
  /** Longest over shortest: lengths run from `short` to `short · spread`. */
  spread: number;
}

export const DEFAULT_QUEUE: QueueConfig = { requests: 24, short: 4, spread: 25 };

/**
 * A seeded queue: length = short · spread^(u⁴), u uniform in [0, 1), rounded.
 * u⁴ puts most requests near the short end and a few long ones near
 * short · spread (the book's many 50-token answers and a few 5,000-token ones,
 * scaled down). spread = 1 gives every request the same length.
 */
export function makeQueue(c: QueueConfig, rng: Rng): number[] {
  return Array.from({ length: c.requests }, () => {
    const u = rng.next();
    return Math.max(1, Math.round(c.short * c.spread ** (u ** 4)));
  });
}

function summarise(policy: Policy, slots: number, lengths: readonly number[], bars: Bar[], batchStarts: number[]): Schedule {
  const finish = new Array<number>(lengths.length).fill(0);
  for (const b of bars) finish[b.request] = b.end;
  const makespan = bars.reduce((m, b) => Math.max(m, b.end), 0);
  const busy = lengths.reduce((s, l) => s + l, 0);
  return {
    policy,
    slots,
    bars,
    makespan,
    busy,
    utilisation: makespan ? busy / (slots * makespan) : 0,
    throughput: makespan ? busy / makespan : 0,
    finish,
    meanFinish: lengths.length ? finish.reduce((s, f) => s + f, 0) / lengths.length : 0,
    batchStarts: policy === 'static' ? [...batchStarts, makespan] : [],
  };
}

/** Static batching: batches of `slots` consecutive requests, each waiting for its longest. */
export function staticSchedule(lengths: readonly number[], slots: number): Schedule {
  const bars: Bar[] = [];
  const batchStarts: number[] = [];
  let t = 0;
  for (let first = 0; first < lengths.length; first += slots) {
    batchStarts.push(t);
    let longest = 0;
    for (let s = 0; s < slots && first + s < lengths.length; s++) {
      const l = lengths[first + s]!;
      bars.push({ request: first + s, slot: s, start: t, end: t + l });
      longest = Math.max(longest, l);
    }
    t += longest;
  }
  return summarise('static', slots, lengths, bars, batchStarts);
}

/**
 * Continuous batching, simulated step by step: before each step every free
 * slot (lowest index first) takes the next queued request; each busy slot then
 * produces one token; a request whose last token is out frees its slot for
 * the next step.
 */
export function continuousSchedule(lengths: readonly number[], slots: number): Schedule {
  const bars: Bar[] = [];
  const running: ({ request: number; left: number; start: number } | null)[] = new Array(slots).fill(null);
  let next = 0;
  let t = 0;
  while (next < lengths.length || running.some((r) => r)) {
    for (let s = 0; s < slots; s++) {
      if (!running[s] && next < lengths.length) {
        running[s] = { request: next, left: lengths[next]!, start: t };
        next++;
      }
    }
    for (let s = 0; s < slots; s++) {
      const r = running[s];
      if (!r) continue;
      r.left--;
      if (r.left === 0) {
        bars.push({ request: r.request, slot: s, start: r.start, end: t + 1 });
        running[s] = null;
      }
    }
    t++;
  }
  bars.sort((a, b) => a.request - b.request);
  return summarise('continuous', slots, lengths, bars, []);
}

export function schedule(lengths: readonly number[], slots: number, policy: Policy): Schedule {
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`slots must be a whole number ≥ 1, got ${slots}`);
  if (lengths.some((l) => !Number.isInteger(l) || l < 1)) throw new Error('every request needs a whole number of tokens ≥ 1');
  return policy === 'static' ? staticSchedule(lengths, slots) : continuousSchedule(lengths, slots);
}

/** Tokens produced at each step (busy slots), from the bars. */
export function tokensPerStep(s: Schedule): number[] {
  const out = new Array<number>(s.makespan).fill(0);
  for (const b of s.bars) for (let t = b.start; t < b.end; t++) out[t]!++;
  return out;
}
