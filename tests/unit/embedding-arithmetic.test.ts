import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  buildWordSpace, EmbeddingSpace, pca, projectPoint, rankByCosine, view2d,
} from '../../components/models/embedding-arithmetic';
import { ANALOGIES, AXES, WORD_ENTRIES } from '../../components/data/word-vectors';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS reference cosine, independent of tfjs. */
function cosineRef(u: readonly number[], v: readonly number[]): number {
  let dot = 0, nu = 0, nv = 0;
  for (let i = 0; i < u.length; i++) {
    dot += u[i]! * v[i]!;
    nu += u[i]! ** 2;
    nv += v[i]! ** 2;
  }
  return dot / Math.sqrt(nu * nv);
}

/** Plain-JS symmetric eigen-decomposition (cyclic Jacobi rotations), eigenvalues descending. */
function jacobiEigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((r) => [...r]);
  const v: number[][] = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p]![q]!) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!, akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!, aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!, vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = a.map((_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return { values: order.map((i) => a[i]![i]!), vectors: order.map((i) => v.map((row) => row[i]!)) };
}

function covariance(rows: number[][]): number[][] {
  const n = rows.length, d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  return Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / n));
}

const space = (seed = 42, noise = 0.05) => new EmbeddingSpace(buildWordSpace(WORD_ENTRIES, AXES, { seed, noise }));

describe('EmbeddingSpace.analogy', () => {
  it.each(ANALOGIES.map((a) => [a.a, a.b, a.c, a.expected]))('gives %s − %s + %s → %s in the default space', async (a, b, c, expected) => {
    const s = space();
    const r = await s.analogy(a!, b!, c!);
    expect(r.neighbours[0]!.word).toBe(expected);
    s.dispose();
  });

  it('keeps king − man + woman → queen and Berlin − Germany + France → Paris for 20 different noise seeds', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const s = space(seed);
      expect((await s.analogy('king', 'man', 'woman')).neighbours[0]!.word).toBe('queen');
      expect((await s.analogy('Berlin', 'Germany', 'France')).neighbours[0]!.word).toBe('Paris');
      s.dispose();
    }
  });

  it('does not give Paris for the reversed order Germany − Berlin + France', async () => {
    const s = space();
    const r = await s.analogy('Germany', 'Berlin', 'France', 40);
    // (place − capital + France) leans to the countries: Paris scores only ≈ 1/3
    expect(['Italy', 'Japan', 'Spain']).toContain(r.neighbours[0]!.word);
    const right = await s.analogy('Berlin', 'Germany', 'France');
    expect(right.neighbours[0]!.cosine - r.neighbours.find((n) => n.word === 'Paris')!.cosine).toBeGreaterThan(0.4);
    s.dispose();
  });

  it('never returns a, b or c themselves, and ranks by the plain-JS cosine', async () => {
    const s = space();
    const r = await s.analogy('King', 'MAN', 'woman', 40);
    const target = s.vector('king').map((v, i) => v - s.vector('man')[i]! + s.vector('woman')[i]!);
    r.target.forEach((v, i) => expect(v).toBeCloseTo(target[i]!, 5));
    const ref = s.space.vectors.map((row) => cosineRef(target, row));
    const expectedOrder = rankByCosine(ref, new Set(['king', 'man', 'woman'].map((w) => s.indexOf(w))));
    expect(r.neighbours.map((n) => n.word)).toEqual(expectedOrder.map((i) => s.words[i]));
    r.neighbours.forEach((n) => expect(n.cosine).toBeCloseTo(ref[s.indexOf(n.word)]!, 5));
    expect(r.neighbours.map((n) => n.word)).not.toContain('king');
    s.dispose();
  });

  it('reproduces the lecture toy example: [0.8,0.3,0.9] − [0.1,0.3,0.5] + [0.1,0.9,0.5] = [0.8,0.9,0.9]', async () => {
    const axes = ['royalty', 'female', 'power'];
    const entries = [
      { word: 'king', group: 'x', features: { royalty: 0.8, female: 0.3, power: 0.9 } },
      { word: 'man', group: 'x', features: { royalty: 0.1, female: 0.3, power: 0.5 } },
      { word: 'woman', group: 'x', features: { royalty: 0.1, female: 0.9, power: 0.5 } },
      { word: 'queen', group: 'x', features: { royalty: 0.8, female: 0.9, power: 0.9 } },
      { word: 'table', group: 'x', features: { royalty: 0, female: 0, power: 0.1 } },
    ];
    const s = new EmbeddingSpace(buildWordSpace(entries, axes, { noise: 0 }));
    const r = await s.analogy('king', 'man', 'woman');
    r.target.forEach((v, i) => expect(v).toBeCloseTo([0.8, 0.9, 0.9][i]!, 6));
    expect(r.neighbours[0]).toEqual({ word: 'queen', cosine: expect.closeTo(1, 6) });
    s.dispose();
  });
});

describe('EmbeddingSpace.cosine', () => {
  it('matches the plain-JS cosine for every pair of a dozen words', async () => {
    const s = space();
    const words = s.words.slice(0, 12);
    for (const a of words) {
      for (const b of words) {
        expect(await s.cosine(a, b)).toBeCloseTo(cosineRef(s.vector(a), s.vector(b)), 5);
      }
    }
    s.dispose();
  });

  it('throws a message naming the unknown word and the vocabulary', async () => {
    const s = space();
    await expect(s.analogy('king', 'man', 'wizard')).rejects.toThrow(/"wizard" is not in the vocabulary \(king, queen/);
    s.dispose();
  });
});

describe('buildWordSpace', () => {
  it('gives the same vectors for the same seed and different ones for another seed', () => {
    const a = buildWordSpace(WORD_ENTRIES, AXES, { seed: 3 });
    const b = buildWordSpace(WORD_ENTRIES, AXES, { seed: 3 });
    const c = buildWordSpace(WORD_ENTRIES, AXES, { seed: 4 });
    expect(a.vectors).toEqual(b.vectors);
    expect(a.vectors).not.toEqual(c.vectors);
  });

  it('puts the hand-set features exactly on their axes when noise is 0', () => {
    const s = buildWordSpace(WORD_ENTRIES, AXES, { noise: 0 });
    const queen = s.vectors[s.words.indexOf('queen')]!;
    expect(queen[AXES.indexOf('royalty')]).toBe(1.2);
    expect(queen[AXES.indexOf('person')]).toBe(1);
    expect(queen.filter((v) => v !== 0)).toHaveLength(3);
  });

  it('rejects a feature on an axis that does not exist', () => {
    expect(() => buildWordSpace([{ word: 'x', group: 'g', features: { nope: 1 } }], ['a'])).toThrow(/unknown axis "nope"/);
  });
});

describe('pca', () => {
  const rows = buildWordSpace(WORD_ENTRIES, AXES, { seed: 42 }).vectors;

  it('finds the covariance eigenvalues and eigenvectors of a plain-JS Jacobi decomposition', async () => {
    const p = await pca(rows, 3);
    const ref = jacobiEigen(covariance(rows));
    p.variances.forEach((v, k) => expect(v).toBeCloseTo(ref.values[k]!, 4));
    p.components.forEach((c, k) => {
      const dot = c.reduce((s, x, j) => s + x * ref.vectors[k]![j]!, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 4);
    });
  });

  it('returns orthonormal components with the largest entry positive', async () => {
    const p = await pca(rows, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = p.components[i]!.reduce((s, x, k) => s + x * p.components[j]![k]!, 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
      const big = p.components[i]!.reduce((m, e) => (Math.abs(e) > Math.abs(m) ? e : m), 0);
      expect(big).toBeGreaterThan(0);
    }
  });

  it('puts gender first and royalty second among the people', async () => {
    const s = buildWordSpace(WORD_ENTRIES, AXES, { seed: 42 });
    const people = s.vectors.filter((_, i) => s.groups[i] === 'people');
    const p = await pca(people, 2);
    expect(Math.abs(p.components[0]![AXES.indexOf('gender (− male, + female)')]!)).toBeGreaterThan(0.9);
    expect(Math.abs(p.components[1]![AXES.indexOf('royalty')]!)).toBeGreaterThan(0.9);
  });

  it('keeps the analogy parallelogram: proj(a) − proj(b) + proj(c) = proj(a − b + c)', async () => {
    const p = await pca(rows, 2);
    const [a, b, c] = [0, 2, 3].map((i) => rows[i]!);
    const sum = a!.map((v, j) => v - b![j]! + c![j]!);
    const direct = projectPoint(p, sum);
    const viaCoords = [0, 1].map((k) => p.coords[0]![k]! - p.coords[2]![k]! + p.coords[3]![k]!);
    // projecting the target adds the mean once, the coordinates subtract it three times: off by mean·W
    direct.forEach((v, k) => expect(v).toBeCloseTo(viaCoords[k]!, 4));
    rows.forEach((r, i) => projectPoint(p, r).forEach((v, k) => expect(v).toBeCloseTo(p.coords[i]![k]!, 4)));
  });

  it('finds the single direction of points spread along a line', async () => {
    const line = [-2, -1, 0, 1, 2].map((t) => [3 * t, 4 * t, 0]);
    const p = await pca(line, 2);
    expect(p.components[0]!.map((x) => Math.abs(x))).toEqual([expect.closeTo(0.6, 5), expect.closeTo(0.8, 5), expect.closeTo(0, 5)]);
    expect(p.variances[0]).toBeCloseTo(50, 3);
    expect(p.variances[1]).toBeCloseTo(0, 4);
  });

  it('refuses fewer than two rows', async () => {
    await expect(pca([[1, 2, 3]], 2)).rejects.toThrow(/at least 2 rows/);
  });
});

describe('view2d', () => {
  it('is linear, so the analogy parallelogram survives the drawing', async () => {
    const s = buildWordSpace(WORD_ENTRIES, AXES, { seed: 42 });
    const people = s.vectors.filter((_, i) => s.groups[i] === 'people');
    const p = await pca(people, 3);
    const [king, man, woman] = [0, 2, 3].map((i) => people[i]!);
    const target = king!.map((v, j) => v - man![j]! + woman![j]!);
    const [vk, vm, vw, vt] = [king!, man!, woman!, target].map((v) => view2d(p, v));
    [0, 1].forEach((k) => expect(vt![k]).toBeCloseTo(vk![k]! - vm![k]! + vw![k]!, 4));
  });

  it('keeps prince away from king (a flat PC1 × PC2 view would stack them)', async () => {
    const s = buildWordSpace(WORD_ENTRIES, AXES, { seed: 42 });
    const idx = s.words.map((_, i) => i).filter((i) => s.groups[i] === 'people');
    const p = await pca(idx.map((i) => s.vectors[i]!), 3);
    const at = (w: string) => view2d(p, s.vectors[s.words.indexOf(w)]!);
    const flat = (w: string) => projectPoint(p, s.vectors[s.words.indexOf(w)]!).slice(0, 2);
    const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
    expect(dist(flat('king'), flat('prince'))).toBeLessThan(0.25);
    for (const [a, b] of [['king', 'prince'], ['man', 'boy'], ['queen', 'princess'], ['woman', 'girl']]) {
      expect(dist(at(a!), at(b!))).toBeGreaterThan(0.4);
    }
  });
});
