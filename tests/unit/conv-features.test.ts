import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../components/runtime/rng';
import { makeShapeSet, SHAPE_CLASSES, drawShape } from '../../components/models/shape-images';
import { HAND_FILTERS, handRules, handRulesBatch, ShapeTrainer, TinyCnn } from '../../components/models/conv-features';

/**
 * Plain-JS 'same' cross-correlation of one S×S image with one 3×3 kernel
 * (row-major), zero padding, plus a bias: the textbook definition.
 */
function conv3x3(image: ArrayLike<number>, S: number, kernel: ArrayLike<number>, bias = 0): number[] {
  const out: number[] = [];
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let sum = bias;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || yy >= S || xx < 0 || xx >= S) continue;
          sum += image[yy * S + xx] * kernel[(dy + 1) * 3 + (dx + 1)];
        }
      }
      out.push(sum);
    }
  }
  return out;
}

const S = 16;
const imageOf = (set: { pixels: Float32Array }, i: number) => set.pixels.subarray(i * S * S, (i + 1) * S * S);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('makeShapeSet', () => {
  it('draws the same images for the same seed and different ones for another', () => {
    const a = makeShapeSet(createRng(1, 'train'), 5);
    expect(makeShapeSet(createRng(1, 'train'), 5).pixels).toEqual(a.pixels);
    expect(makeShapeSet(createRng(2, 'train'), 5).pixels).not.toEqual(a.pixels);
  });

  it('gives every class equally often, pixels within [0, 1], with real ink on every image', () => {
    const set = makeShapeSet(createRng(3), 10);
    expect(set.labels).toHaveLength(10 * SHAPE_CLASSES.length);
    for (let c = 0; c < SHAPE_CLASSES.length; c++) expect(set.labels.filter((y) => y === c)).toHaveLength(10);
    expect(Math.min(...set.pixels)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...set.pixels)).toBeLessThanOrEqual(1);
    for (let i = 0; i < set.labels.length; i++) {
      const inked = Array.from(imageOf(set, i)).filter((v) => v > 0.5).length;
      expect(inked).toBeGreaterThan(8);
    }
  });

  it('draws a horizontal bar whose ink spreads along x, and a vertical one along y', () => {
    // Variance of the inked pixels' x over that of their y (noise below 0.5 ignored).
    const spread = (pixels: Float32Array) => {
      const img = pixels.map((v) => (v > 0.5 ? 1 : 0));
      let sx = 0, sy = 0, mx = 0, my = 0, t = 0;
      img.forEach((v, i) => ((t += v), (mx += v * (i % S)), (my += v * Math.floor(i / S))));
      mx /= t;
      my /= t;
      img.forEach((v, i) => ((sx += v * (i % S - mx) ** 2), (sy += v * (Math.floor(i / S) - my) ** 2)));
      return sx / sy;
    };
    for (const seed of [5, 6, 7]) {
      expect(spread(drawShape(createRng(seed), 0, S))).toBeGreaterThan(2);
      expect(spread(drawShape(createRng(seed), 1, S))).toBeLessThan(0.5);
    }
  });
});

describe('TinyCnn.conv', () => {
  it('matches a plain-JS 3×3 convolution with zero padding and bias, for every filter', async () => {
    const model = new TinyCnn({ seed: 7 });
    const rng = createRng(11, 'weights');
    const kernel = Float32Array.from({ length: 9 * 4 }, () => rng.normal());
    const bias = Float32Array.from([0.1, -0.2, 0.3, 0]);
    model.setWeights({ kernel, bias });
    const image = makeShapeSet(createRng(9), 1).pixels.subarray(0, S * S);
    const out = tf.tidy(() => model.conv(tf.tensor4d(image, [1, S, S, 1])));
    const got = await out.data(); // [1, S, S, 4] row-major: filter is the fastest axis
    out.dispose();
    for (let f = 0; f < 4; f++) {
      // The kernel tensor is [3, 3, 1, 4]: filter f's tap (r, c) is at (r·3 + c)·4 + f.
      const k = Array.from({ length: 9 }, (_, t) => kernel[t * 4 + f]);
      const want = conv3x3(image, S, k, bias[f]);
      want.forEach((v, p) => expect(got[p * 4 + f]).toBeCloseTo(v, 4));
    }
    model.dispose();
  });

  it('shows the same filters and feature maps through inspect() as its weights', async () => {
    const model = new TinyCnn({ seed: 3 });
    const { kernel, bias } = await model.getWeights();
    const image = makeShapeSet(createRng(4), 1).pixels.subarray(S * S, 2 * S * S);
    const view = await model.inspect(image);
    expect(view.filters).toHaveLength(4);
    view.filters.forEach((k, f) => k.forEach((v, t) => expect(v).toBeCloseTo(kernel[t * 4 + f], 6)));
    view.maps.forEach((m, f) => {
      const k = Array.from({ length: 9 }, (_, t) => kernel[t * 4 + f]);
      const want = conv3x3(image, S, k, bias[f]).map((v) => Math.max(0, v));
      want.forEach((v, p) => expect(m[p]).toBeCloseTo(v, 4));
    });
    expect(view.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
  });
});

describe('handRules', () => {
  it('sums the absolute Sobel responses exactly as a plain-JS convolution does', async () => {
    const set = makeShapeSet(createRng(21), 1);
    for (let i = 0; i < set.labels.length; i++) {
      const img = imageOf(set, i);
      const r = await handRules(img, S);
      const abssum = (k: readonly number[]) => conv3x3(img, S, k).reduce((s, v) => s + Math.abs(v), 0);
      expect(r.horizontal).toBeCloseTo(abssum(HAND_FILTERS.horizontalEdges), 2);
      expect(r.vertical).toBeCloseTo(abssum(HAND_FILTERS.verticalEdges), 2);
    }
  });

  it('gives the same verdicts on a whole batch as image by image', async () => {
    const set = makeShapeSet(createRng(23), 3);
    const batch = await handRulesBatch(set.pixels, set.labels.length, S);
    for (let i = 0; i < set.labels.length; i++) expect(batch[i]).toEqual(await handRules(imageOf(set, i), S));
  });

  it.each([
    [15, 0.9, 1],
    [35, 0, 0.85],
  ])('labels tilt-%i° shapes with accuracy between %f and %f', async (tilt, lo, hi) => {
    const set = makeShapeSet(createRng(42, 'test'), 30, S, tilt);
    const verdicts = await handRulesBatch(set.pixels, set.labels.length, S);
    const acc = verdicts.filter((v, i) => v.label === set.labels[i]).length / set.labels.length;
    expect(acc).toBeGreaterThanOrEqual(lo);
    expect(acc).toBeLessThanOrEqual(hi);
  });
});

describe('ShapeTrainer', () => {
  const made: { dispose(): void }[] = [];
  afterAll(() => made.forEach((m) => m.dispose()));

  it.each([
    [15, 40],
    [35, 80],
  ])('trains the CNN to ≥ 90%% on held-out tilt-%i° shapes within %i steps', async (tilt, steps) => {
    const train = makeShapeSet(createRng(42, 'train'), 80, S, tilt);
    const test = makeShapeSet(createRng(42, 'test'), 30, S, tilt);
    const model = new TinyCnn({ seed: 42 });
    const trainer = new ShapeTrainer(model, train, createRng(42, 'batches'));
    made.push(model, trainer);
    const before = await model.accuracy(test);
    const t0 = performance.now();
    const loss = await trainer.run(steps);
    const acc = await model.accuracy(test);
    console.info(`tilt ${tilt}°: ${steps} steps in ${(performance.now() - t0).toFixed(0)} ms, loss ${loss.toFixed(3)}, accuracy ${before.toFixed(2)} → ${acc.toFixed(3)}`);
    expect(before).toBeLessThan(0.6);
    expect(acc).toBeGreaterThanOrEqual(0.9);
  });

  it('leaks no tensors per training step', async () => {
    const model = new TinyCnn({ seed: 1 });
    const trainer = new ShapeTrainer(model, makeShapeSet(createRng(1), 4), createRng(1, 'b'), 8);
    made.push(model, trainer);
    (await trainer.run(1), 0);
    const n = tf.memory().numTensors;
    await trainer.run(3);
    expect(tf.memory().numTensors).toBe(n);
  });
});
