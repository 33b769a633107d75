import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../components/runtime/rng';
import {
  chunk,
  contourEllipse,
  LeastSquares,
  makeLineData,
  quadraticDescent,
  shuffledIndices,
  type Point,
} from '../../components/models/batch-paths';

const N = 256;
const data = makeLineData(N, createRng(42, 'data'));
let ls: LeastSquares;

/** Plain-JS gradient of the mean squared residual over idx. */
function refGradient([w, b]: Point, idx: number[]): Point {
  let gw = 0;
  let gb = 0;
  for (const i of idx) {
    const r = w * data.x[i] + b - data.y[i];
    gw += 2 * r * data.x[i];
    gb += 2 * r;
  }
  return [gw / idx.length, gb / idx.length];
}

const all = Array.from({ length: N }, (_, i) => i);
const dist = (p: Point, q: Point) => Math.hypot(p[0] - q[0], p[1] - q[1]);

beforeAll(async () => {
  await tf.setBackend('cpu');
  ls = new LeastSquares(data);
});
afterAll(() => ls.dispose());

describe('LeastSquares gradients', () => {
  it('match a plain-JS gradient on the full set and on a batch', async () => {
    for (const idx of [undefined, [3, 17, 99, 200]]) {
      const g = await ls.gradient([-1.5, -1.5], idx);
      const r = refGradient([-1.5, -1.5], idx ?? all);
      expect(g[0]).toBeCloseTo(r[0], 4);
      expect(g[1]).toBeCloseTo(r[1], 4);
    }
  });

  it.each([32, 16, 1])('average to the full gradient over equal batches of %i', async (size) => {
    const theta: Point = [0.3, -0.8];
    const batches = chunk(shuffledIndices(N, createRng(7, 'shuffle')), size);
    expect(batches.every((b) => b.length === size)).toBe(true);
    let sw = 0;
    let sb = 0;
    for (const b of batches) {
      const g = await ls.gradient(theta, b);
      sw += g[0];
      sb += g[1];
    }
    const full = await ls.gradient(theta);
    expect(sw / batches.length).toBeCloseTo(full[0], 4);
    expect(sb / batches.length).toBeCloseTo(full[1], 4);
  });

  it('equal the hand-written gradient the descent loop uses', async () => {
    for (const idx of [all, [0], [3, 17, 99, 200]]) {
      const auto = await ls.gradient([0.7, -0.2], idx);
      const hand = await ls.handGradient([0.7, -0.2], idx);
      expect(hand[0]).toBeCloseTo(auto[0], 4);
      expect(hand[1]).toBeCloseTo(auto[1], 4);
    }
  });

  it('differ from the full gradient for a single batch (the noise SGD lives with)', async () => {
    const full = await ls.gradient([0, 0]);
    const one = await ls.gradient([0, 0], [5]);
    expect(dist(full, one)).toBeGreaterThan(0.05);
  });
});

describe('LeastSquares.descend', () => {
  const start: Point = [-1.5, -1.5];
  const run = (batchSize: number, seed = 1) =>
    ls.descend(start, { eta: 0.1, batchSize, epochs: 5, rng: createRng(seed, 'batches') });

  it.each([
    [N, 1],
    [32, 8],
    [1, 256],
  ])('takes N/B steps per epoch for batch size %i (%i steps)', async (batchSize, perEpoch) => {
    const r = await run(batchSize);
    expect(r.points).toHaveLength(5 * perEpoch + 1);
    expect(r.epochEnds).toEqual([1, 2, 3, 4, 5].map((e) => e * perEpoch));
    expect(r.points[0]).toEqual(start);
  });

  it('follows θ ← θ − η∇C exactly for the full batch', async () => {
    const r = await run(N);
    let theta = start;
    for (let k = 1; k <= 5; k++) {
      const g = refGradient(theta, all);
      theta = [theta[0] - 0.1 * g[0], theta[1] - 0.1 * g[1]];
      expect(r.points[k][0]).toBeCloseTo(theta[0], 4);
      expect(r.points[k][1]).toBeCloseTo(theta[1], 4);
    }
  });

  it('gets closer to the minimum per epoch with smaller batches', async () => {
    const { center } = await ls.bowl();
    const [full, mini, sgd] = await Promise.all([run(N), run(32), run(1)]);
    const end = (r: { points: Point[] }) => dist(r.points.at(-1)!, center);
    expect(end(mini)).toBeLessThan(end(full));
    expect(end(sgd)).toBeLessThan(end(full));
    expect(end(full)).toBeGreaterThan(1); // one careful step per epoch: still far away
  });

  it('repeats a path for the same seed and changes it for another', async () => {
    const a = await run(1, 3);
    const b = await run(1, 3);
    const c = await run(1, 4);
    expect(a.points).toEqual(b.points);
    expect(a.points).not.toEqual(c.points);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await run(32);
    await ls.gradient([0, 0], [1, 2]);
    await ls.bowl();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bowl and contours', () => {
  it('puts the gradient to zero at the centre', async () => {
    const { center } = await ls.bowl();
    const g = await ls.gradient(center);
    expect(Math.hypot(...g)).toBeLessThan(1e-4);
    expect(center[0]).toBeCloseTo(1.5, 0); // the line the data was drawn around
    expect(center[1]).toBeCloseTo(0.5, 0);
  });

  it('draws contour points whose cost equals the level', async () => {
    const bowl = await ls.bowl();
    for (const level of [bowl.minCost + 0.1, bowl.minCost + 2]) {
      for (const p of contourEllipse(bowl, level, 12)) expect(await ls.cost(p)).toBeCloseTo(level, 3);
    }
    expect(contourEllipse(bowl, bowl.minCost - 0.01)).toEqual([]);
  });
});

describe('quadraticDescent on f(x) = x²', () => {
  it.each([0.01, 0.9, 1.05])('gives x_k = (1 − 2η)^k·x₀ for η = %f', async (eta) => {
    const xs = await quadraticDescent(3, eta, 30);
    xs.forEach((x, k) => expect(x).toBeCloseTo(3 * (1 - 2 * eta) ** k, 3));
  });

  it('is slow at η = 0.01, oscillates but converges at 0.9, diverges at 1.05', async () => {
    const slow = await quadraticDescent(3, 0.01, 30);
    const osc = await quadraticDescent(3, 0.9, 30);
    const div = await quadraticDescent(3, 1.05, 30);
    expect(slow.at(-1)!).toBeGreaterThan(1.5);
    expect(osc.slice(1, 6).map(Math.sign)).toEqual([-1, 1, -1, 1, -1]);
    expect(Math.abs(osc.at(-1)!)).toBeLessThan(0.01);
    expect(Math.abs(div.at(-1)!)).toBeGreaterThan(3 * 10);
  });
});
