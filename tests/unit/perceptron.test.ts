import { describe, expect, it } from 'vitest';
import { createRng } from '../../components/runtime/rng';
import {
  applyRule,
  countMistakes,
  makeClasses,
  PerceptronRun,
  predict,
  randomStart,
  type LabelledPoint,
  type Weights,
} from '../../components/models/perceptron';

/** Plain-JS check: does ANY line through the origin split the points? Scans 7,200 directions. */
function splittableThroughOrigin(points: LabelledPoint[]): boolean {
  for (let i = 0; i < 7200; i++) {
    const t = (i / 7200) * 2 * Math.PI;
    const w = [Math.cos(t), Math.sin(t)];
    if (points.every((p) => (w[0] * p.x[0] + w[1] * p.x[1] > 0 ? 1 : 0) === p.y)) return true;
  }
  return false;
}

describe('applyRule', () => {
  // Hand-worked examples of w ← w + η·(y − ŷ)·x, b ← b + η·(y − ŷ).
  it.each([
    // w, x, y, η, bias, ŷ, after
    [[0.5, -1, 0.2], [2, 1], 1, 1, true, 1, [0.5, -1, 0.2]], // 1 − 1 + 0.2 > 0: right, no change
    [[0.5, -1, 0.2], [2, 1], 0, 1, true, 1, [-1.5, -2, -0.8]], // wrong: subtract x and 1
    [[0, 0, 0], [3, -2], 1, 1, true, 0, [3, -2, 1]], // score 0 is not > 0: guess 0, add x
    [[0, 0, 0], [3, -2], 1, 0.5, true, 0, [1.5, -1, 0.5]], // half a step
    [[1, 1, 0], [-1, -2], 1, 1, false, 0, [0, -1, 0]], // bias off: b stays 0
  ] as const)('turns w=%j on x=%j, y=%i (η=%f, bias %s) into ŷ=%i, w=%j', (w, x, y, eta, bias, yHat, after) => {
    const u = applyRule([...w] as Weights, { x: [...x] as [number, number], y }, 0, eta, bias);
    expect(u.yHat).toBe(yHat);
    expect(u.error).toBe(y - yHat);
    u.after.forEach((v, i) => expect(v).toBeCloseTo(after[i], 12));
    u.delta.forEach((d, i) => expect(d).toBeCloseTo(after[i] - w[i], 12));
  });
});

describe('makeClasses', () => {
  it.each(['offset', 'centred'] as const)('draws the same %s points for the same seed', (layout) => {
    expect(makeClasses(createRng(3, 'p'), 30, layout)).toEqual(makeClasses(createRng(3, 'p'), 30, layout));
  });

  it('puts two equal classes in the offset layout, split by x₁ + x₂ = 4 with a margin', () => {
    const pts = makeClasses(createRng(42, 'points'), 40, 'offset');
    expect(pts).toHaveLength(40);
    expect(pts.filter((p) => p.y === 1)).toHaveLength(20);
    for (const p of pts) {
      const d = (p.x[0] + p.x[1] - 4) / Math.SQRT2;
      expect(Math.abs(d)).toBeGreaterThanOrEqual(0.4);
      expect(p.y).toBe(d > 0 ? 1 : 0);
    }
  });

  it.each([1, 2, 42, 7])('makes offset classes no line through the origin can split (seed %i)', (seed) => {
    expect(splittableThroughOrigin(makeClasses(createRng(seed, 'points'), 40, 'offset'))).toBe(false);
  });

  it('makes centred classes a line through the origin can split', () => {
    expect(splittableThroughOrigin(makeClasses(createRng(42, 'points'), 40, 'centred'))).toBe(true);
  });
});

describe('PerceptronRun', () => {
  it.each([
    ['offset', true],
    ['centred', true],
    ['centred', false],
  ] as const)('reaches an epoch with zero mistakes on %s data (bias %s)', (layout, useBias) => {
    for (const seed of [1, 42, 99]) {
      const pts = makeClasses(createRng(seed, 'points'), 40, layout);
      const run = new PerceptronRun(pts, { useBias, rng: createRng(seed, 'order'), start: randomStart(createRng(seed, 'w'), useBias) });
      const mistakes = run.train(500);
      expect(run.converged).toBe(true);
      expect(mistakes[mistakes.length - 1]).toBe(0);
      expect(countMistakes(run.weights, pts, useBias)).toBe(0);
    }
  });

  it('makes no more mistakes than Novikoff’s bound (R/γ)² from w = 0', () => {
    const pts = makeClasses(createRng(5, 'points'), 60, 'offset');
    // Augmented inputs (x₁, x₂, 1); a known separator u = (1, 1, −4)/‖·‖ with margin γ.
    const u = [1, 1, -4].map((v) => v / Math.hypot(1, 1, 4));
    const R = Math.max(...pts.map((p) => Math.hypot(p.x[0], p.x[1], 1)));
    const gamma = Math.min(...pts.map((p) => (p.y ? 1 : -1) * (u[0] * p.x[0] + u[1] * p.x[1] + u[2])));
    const run = new PerceptronRun(pts, { useBias: true, rng: createRng(5, 'order') });
    const total = run.train(100_000).reduce((a, b) => a + b, 0);
    expect(run.converged).toBe(true);
    expect(total).toBeLessThanOrEqual((R / gamma) ** 2);
  });

  it('never clears an epoch without the bias on offset data, and keeps b at 0', () => {
    const pts = makeClasses(createRng(42, 'points'), 40, 'offset');
    const run = new PerceptronRun(pts, { useBias: false, rng: createRng(42, 'order'), start: [0.3, -0.2, 0.9] });
    const mistakes = run.train(200);
    expect(mistakes).toHaveLength(200);
    expect(Math.min(...mistakes)).toBeGreaterThan(0);
    expect(run.weights[2]).toBe(0);
  });

  it('counts one mistake per update within an epoch and changes nothing on a right guess', () => {
    const pts = makeClasses(createRng(8, 'points'), 20, 'offset');
    const run = new PerceptronRun(pts, { useBias: true, start: [-0.3, 0.2, 0.1] });
    let wrong = 0;
    for (let i = 0; i < pts.length; i++) {
      const u = run.step();
      expect(u.index).toBe(i); // no rng: visits in order
      if (u.error === 0) expect(u.after).toEqual(u.before);
      else wrong++;
      expect(u.yHat).toBe(predict(u.before, u.point.x, true));
    }
    expect(run.epochMistakes).toEqual([wrong]);
  });

  it('starts a fresh epoch count when a point is added', () => {
    const pts = makeClasses(createRng(8, 'points'), 20, 'centred');
    const run = new PerceptronRun(pts, { useBias: true, rng: createRng(1) });
    run.train(100);
    expect(run.converged).toBe(true);
    run.addPoint({ x: [2, 1.2], y: 1 }); // just above x₂ = 0.5·x₁, inside the old margin
    expect(run.converged).toBe(false);
    expect(run.points).toHaveLength(21);
    run.train(500);
    expect(countMistakes(run.weights, run.points, true)).toBe(0);
  });
});
