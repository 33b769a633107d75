import { describe, expect, it } from 'vitest';
import {
  continuousSchedule, DEFAULT_QUEUE, makeQueue, schedule, staticSchedule, tokensPerStep, type Schedule,
} from '../../components/models/batch-scheduler';
import { createRng } from '../../components/runtime/rng';

/**
 * Independent reference: a slot × step occupancy grid filled cell by cell
 * (−1 = idle). Static: each batch's rows start at the batch's column; the next
 * batch begins after the longest. Continuous: walk the steps, and at each one
 * hand the next request to every slot whose cell is free.
 */
function referenceGrid(lengths: number[], slots: number, policy: 'static' | 'continuous'): number[][] {
  const total = lengths.reduce((s, l) => s + l, 0);
  const horizon = total + 1;
  const grid = Array.from({ length: slots }, () => new Array<number>(horizon).fill(-1));
  if (policy === 'static') {
    let t = 0;
    for (let b = 0; b * slots < lengths.length; b++) {
      const batch = lengths.slice(b * slots, (b + 1) * slots);
      batch.forEach((l, s) => { for (let k = 0; k < l; k++) grid[s]![t + k] = b * slots + s; });
      t += Math.max(...batch);
    }
  } else {
    let next = 0;
    const left = new Array<number>(slots).fill(0);
    const who = new Array<number>(slots).fill(-1);
    for (let t = 0; t < horizon; t++) {
      for (let s = 0; s < slots; s++) {
        if (left[s] === 0 && next < lengths.length) { who[s] = next; left[s] = lengths[next]!; next++; }
        if (left[s]! > 0) { grid[s]![t] = who[s]!; left[s]!--; }
      }
    }
  }
  let end = 0;
  for (const row of grid) row.forEach((v, t) => { if (v >= 0) end = Math.max(end, t + 1); });
  return grid.map((row) => row.slice(0, end));
}

function gridOf(s: Schedule): number[][] {
  const grid = Array.from({ length: s.slots }, () => new Array<number>(s.makespan).fill(-1));
  for (const b of s.bars) for (let t = b.start; t < b.end; t++) {
    expect(grid[b.slot]![t]).toBe(-1); // no slot runs two requests at once
    grid[b.slot]![t] = b.request;
  }
  return grid;
}

const queues = [1, 2, 3, 7, 42, 99].flatMap((seed) => [2, 4, 6, 8].map((slots) => ({ seed, slots })));

describe('batch-scheduler', () => {
  it('matches a hand count on lengths 2, 5, 1, 1 with 2 slots: static 6 steps at 9/12 = 75 %, continuous 5 steps at 9/10 = 90 %', () => {
    const lengths = [2, 5, 1, 1];
    const st = staticSchedule(lengths, 2);
    expect(st.makespan).toBe(6); // batch {2, 5} takes 5 steps, batch {1, 1} one more
    expect(st.busy).toBe(9);
    expect(st.utilisation).toBeCloseTo(9 / 12, 12);
    expect(st.throughput).toBeCloseTo(1.5, 12);
    expect(st.finish).toEqual([2, 5, 6, 6]);
    expect(st.batchStarts).toEqual([0, 5, 6]);
    const co = continuousSchedule(lengths, 2);
    expect(co.makespan).toBe(5); // slot 0: r0 steps 0–1, r2 step 2, r3 step 3; slot 1: r1 steps 0–4
    expect(co.utilisation).toBeCloseTo(9 / 10, 12);
    expect(co.throughput).toBeCloseTo(1.8, 12);
    expect(co.finish).toEqual([2, 5, 3, 4]);
    expect(co.meanFinish).toBeCloseTo(3.5, 12);
    expect(tokensPerStep(co)).toEqual([2, 2, 2, 2, 1]);
    expect(tokensPerStep(st)).toEqual([2, 2, 1, 1, 1, 2]);
  });

  it.each(queues)('gives the reference grid for both policies (seed $seed, $slots slots)', ({ seed, slots }) => {
    const lengths = makeQueue(DEFAULT_QUEUE, createRng(seed, 'queue'));
    for (const policy of ['static', 'continuous'] as const) expect(gridOf(schedule(lengths, slots, policy))).toEqual(referenceGrid(lengths, slots, policy));
  });

  it.each(queues)('produces every request\'s tokens exactly once (seed $seed, $slots slots)', ({ seed, slots }) => {
    const lengths = makeQueue(DEFAULT_QUEUE, createRng(seed, 'queue'));
    for (const policy of ['static', 'continuous'] as const) {
      const s = schedule(lengths, slots, policy);
      const produced = new Array<number>(lengths.length).fill(0);
      for (const row of gridOf(s)) for (const r of row) if (r >= 0) produced[r]!++;
      expect(produced).toEqual(lengths);
      expect(s.bars).toHaveLength(lengths.length);
      expect(tokensPerStep(s).reduce((a, b) => a + b, 0)).toBe(s.busy);
      expect(s.utilisation).toBeCloseTo(s.busy / (slots * s.makespan), 12);
      expect(s.throughput).toBeCloseTo(slots * s.utilisation, 12);
    }
  });

  it.each([{ slots: 1 }, { slots: 3 }, { slots: 4 }, { slots: 8 }])('gives identical timelines and throughput when every length is equal ($slots slots)', ({ slots }) => {
    const lengths = makeQueue({ ...DEFAULT_QUEUE, spread: 1 }, createRng(42, 'queue'));
    expect(new Set(lengths).size).toBe(1);
    const st = staticSchedule(lengths, slots);
    const co = continuousSchedule(lengths, slots);
    expect(co.bars).toEqual(st.bars);
    expect(co.throughput).toBe(st.throughput);
    expect(co.utilisation).toBe(st.utilisation);
    expect(co.makespan).toBe(Math.ceil(lengths.length / slots) * lengths[0]!);
  });

  it('never gives continuous batching a lower utilisation or a later finish than static (200 seeds × 2–8 slots × spreads)', () => {
    let strictlyBetter = 0;
    for (let seed = 0; seed < 200; seed++) {
      for (const spread of [1, 2, 5, 25, 100]) {
        const lengths = makeQueue({ requests: 5 + (seed % 30), short: 1 + (seed % 5), spread }, createRng(seed, 'queue'));
        for (let slots = 2; slots <= 8; slots++) {
          const st = staticSchedule(lengths, slots);
          const co = continuousSchedule(lengths, slots);
          expect(co.utilisation).toBeGreaterThanOrEqual(st.utilisation - 1e-12);
          expect(co.makespan).toBeLessThanOrEqual(st.makespan);
          // no request starts later than in its static batch
          co.bars.forEach((b, i) => expect(b.start).toBeLessThanOrEqual(st.bars[i]!.start));
          if (co.utilisation > st.utilisation + 1e-12) strictlyBetter++;
        }
      }
    }
    expect(strictlyBetter).toBeGreaterThan(1000);
  });

  it('shows the default queue (seed 42, 4 slots, spread 25) idling static slots: continuous finishes sooner', () => {
    const lengths = makeQueue(DEFAULT_QUEUE, createRng(42, 'queue'));
    expect(Math.min(...lengths)).toBe(DEFAULT_QUEUE.short);
    expect(Math.max(...lengths)).toBeGreaterThan(10 * DEFAULT_QUEUE.short);
    const st = staticSchedule(lengths, 4);
    const co = continuousSchedule(lengths, 4);
    expect(co.utilisation).toBeGreaterThan(st.utilisation + 0.2);
  });

  it.each([{ slots: 0 }, { slots: 1.5 }])('rejects slots = $slots', ({ slots }) => {
    expect(() => schedule([1, 2], slots, 'static')).toThrow(/slots/);
  });
});
