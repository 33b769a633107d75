/**
 * Word-vector arithmetic: a − b + c, then the nearest word by cosine
 * similarity (the query words themselves excluded, as in word2vec's analogy
 * evaluation), plus a linear 2-D view of the space for drawing.
 *
 * The space is a labelled matrix E [V, D] (V words, D axes). Where the
 * vectors come from is the data module's business (data/word-vectors.ts:
 * hand-set axes); `buildWordSpace` only turns entries into rows and adds the
 * seeded noise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../runtime/rng.js';

export interface WordSpace {
  words: string[];
  /** Row i is the vector of words[i]; all rows have length axes.length. */
  vectors: number[][];
  axes: string[];
  /** groups[i] is the cluster of words[i]. */
  groups: string[];
}

export interface SpaceEntry {
  word: string;
  group: string;
  features: Partial<Record<string, number>>;
}

/**
 * Rows from hand-set features plus N(0, noise²) on every coordinate, drawn from
 * createRng(seed, 'word-vectors') so the same seed gives the same space.
 */
export function buildWordSpace(
  entries: readonly SpaceEntry[],
  axes: readonly string[],
  opts: { noise?: number; seed?: number } = {},
): WordSpace {
  const noise = opts.noise ?? 0.05;
  const rng = createRng(opts.seed ?? 42, 'word-vectors');
  const known = new Set(axes);
  const vectors = entries.map((e) => {
    for (const k of Object.keys(e.features)) {
      if (!known.has(k)) throw new Error(`word "${e.word}" uses unknown axis "${k}"`);
    }
    return axes.map((axis) => (e.features[axis] ?? 0) + noise * rng.normal());
  });
  return { words: entries.map((e) => e.word), vectors, axes: [...axes], groups: entries.map((e) => e.group) };
}

export interface Neighbour {
  word: string;
  cosine: number;
}

export interface AnalogyResult {
  /** a − b + c, length D. */
  target: number[];
  /** Nearest words to the target by cosine, best first, a/b/c excluded. */
  neighbours: Neighbour[];
}

/** Holds E [V, D] on the tfjs backend; call dispose() when done. */
export class EmbeddingSpace {
  readonly words: readonly string[];
  private readonly index = new Map<string, number>();
  private readonly matrix: tf.Tensor2D; // [V, D]
  private readonly unit: tf.Tensor2D; // [V, D], rows scaled to length 1

  constructor(readonly space: WordSpace) {
    this.words = space.words;
    space.words.forEach((w, i) => this.index.set(w.toLowerCase(), i));
    this.matrix = tf.tensor2d(space.vectors, [space.words.length, space.axes.length], 'float32');
    this.unit = tf.tidy(() => tf.div(this.matrix, tf.norm(this.matrix, 'euclidean', 1, true)) as tf.Tensor2D);
  }

  /** Row index of a word (case-insensitive), or −1. */
  indexOf(word: string): number {
    return this.index.get(word.trim().toLowerCase()) ?? -1;
  }

  /** The word as spelled in the space ("paris" → "Paris"); throws for unknown words. */
  canonical(word: string): string {
    const i = this.indexOf(word);
    if (i < 0) throw new Error(`"${word}" is not in the vocabulary (${this.words.join(', ')})`);
    return this.words[i]!;
  }

  vector(word: string): number[] {
    return this.space.vectors[this.indexOf(this.canonical(word))]!;
  }

  /**
   * a − b + c and its nearest `topK` words by cosine similarity
   * cos(t, e_i) = t·e_i / (|t| |e_i|), computed as E_unit · t / |t| → [V].
   */
  async analogy(a: string, b: string, c: string, topK = 5): Promise<AnalogyResult> {
    const ids = [a, b, c].map((w) => this.indexOf(this.canonical(w)));
    const [targetT, cosT] = tf.tidy(() => {
      const rows = tf.gather(this.matrix, ids); // [3, D]
      const signs = tf.tensor2d([[1, -1, 1]]); // [1, 3]
      const target = tf.reshape(tf.matMul(signs, rows), [-1]) as tf.Tensor1D; // [D]
      const dots = tf.reshape(tf.matMul(this.unit, tf.reshape(target, [-1, 1])), [-1]); // [V]
      const cos = tf.div(dots, tf.norm(target));
      return [target, cos] as const;
    });
    const [target, cos] = await Promise.all([targetT.data(), cosT.data()]);
    targetT.dispose();
    cosT.dispose();
    const excluded = new Set(ids);
    const neighbours = rankByCosine(Array.from(cos), excluded)
      .slice(0, topK)
      .map((i) => ({ word: this.words[i]!, cosine: cos[i]! }));
    return { target: Array.from(target), neighbours };
  }

  /** Cosine similarity of two words' vectors. */
  async cosine(a: string, b: string): Promise<number> {
    const [i, j] = [a, b].map((w) => this.indexOf(this.canonical(w)));
    const t = tf.tidy(() => tf.sum(tf.mul(tf.gather(this.unit, [i!]), tf.gather(this.unit, [j!]))));
    const v = (await t.data())[0]!;
    t.dispose();
    return v;
  }

  dispose(): void {
    this.matrix.dispose();
    this.unit.dispose();
  }
}

/** Indices sorted by cosine, highest first, skipping `excluded`; ties → lower index. */
export function rankByCosine(cos: readonly number[], excluded: ReadonlySet<number>): number[] {
  return cos
    .map((_, i) => i)
    .filter((i) => !excluded.has(i))
    .sort((x, y) => cos[y]! - cos[x]! || x - y);
}

export interface Pca {
  /** components[k] is the k-th principal direction (unit length, length D). */
  components: number[][];
  /** Variance along each component (eigenvalues of the covariance), descending. */
  variances: number[];
  /** Mean of the rows, length D. */
  mean: number[];
  /** Row i projected: (x_i − mean) · components, length k. */
  coords: number[][];
}

/**
 * Principal components of the rows of X [n, D] by power iteration with
 * deflation on the covariance C = X̃ᵀX̃ / n [D, D].
 *
 * Instead of 1,000 products C·v we square C ten times (C → C², rescaled so it
 * stays finite): C^1024·v0 points along the top eigenvector unless two
 * eigenvalues are almost equal, in which case any vector of their plane is an
 * equally valid principal direction. Then C ← C − λ v vᵀ removes that
 * direction and the next one is found the same way. Signs are fixed so each
 * component's largest entry is positive (PCA's sign is otherwise arbitrary,
 * and a plot should not flip between runs).
 */
export async function pca(rows: readonly (readonly number[])[], k = 2): Promise<Pca> {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (n < 2 || d < k) throw new Error(`PCA needs at least 2 rows and ${k} columns, got ${n}×${d}`);
  const x = tf.tensor2d(rows as number[][], [n, d], 'float32');
  const meanT = tf.mean(x, 0); // [D]
  const centred = tf.sub(x, meanT) as tf.Tensor2D; // [n, D]
  let cov = tf.tidy(() => tf.div(tf.matMul(centred, centred, true, false), n) as tf.Tensor2D); // [D, D]
  const start = tf.tensor2d(Array.from({ length: d }, (_, i) => [1 + i / d]), [d, 1]); // fixed, not random
  const components: number[][] = [];
  const variances: number[] = [];
  for (let c = 0; c < k; c++) {
    const [vT, lambdaT] = tf.tidy(() => {
      let p = cov as tf.Tensor2D;
      for (let s = 0; s < 10; s++) {
        p = tf.matMul(p, p);
        p = tf.div(p, tf.add(tf.max(tf.abs(p)), 1e-30));
      }
      let v = tf.matMul(p, start); // [D, 1]
      v = tf.div(v, tf.add(tf.norm(v), 1e-30));
      const lambda = tf.reshape(tf.matMul(tf.matMul(v, cov, true, false), v), []); // Rayleigh quotient vᵀCv
      return [v, lambda] as const;
    });
    const v = Array.from(await vT.data());
    const lambda = (await lambdaT.data())[0]!;
    const flip = v.reduce((m, e) => (Math.abs(e) > Math.abs(m) ? e : m), 0) < 0 ? -1 : 1;
    components.push(v.map((e) => e * flip));
    variances.push(Math.max(0, lambda));
    const next = tf.tidy(() => tf.sub(cov, tf.mul(tf.matMul(vT, vT, false, true), lambda)) as tf.Tensor2D);
    cov.dispose();
    cov = next;
    vT.dispose();
    lambdaT.dispose();
  }
  const coordsT = tf.tidy(() => tf.matMul(centred, tf.tensor2d(components), false, true)); // [n, k]
  const coords = (await coordsT.array()) as number[][];
  const mean = Array.from(await meanT.data());
  tf.dispose([x, meanT, centred, cov, start, coordsT]);
  return { components, variances, mean, coords };
}

/** Any vector (e.g. a − b + c) in the same PCA coordinates as the rows. */
export function projectPoint(p: Pca, v: readonly number[]): number[] {
  return p.components.map((comp) => comp.reduce((s, w, j) => s + w * (v[j]! - p.mean[j]!), 0));
}

/**
 * The drawing plane: x = PC1 + 0.5·PC3, y = PC2 + 0.6·PC3.
 *
 * Why not just PC1 × PC2: in the people cluster the top three directions are
 * gender, royalty and youth, and a flat PC1 × PC2 view draws "prince" exactly
 * on top of "king". Tilting the third component into the plane (an oblique
 * view, like a 3-D sketch of a cube) keeps every word apart. The view is still
 * a LINEAR map, so a − b + c lands where the parallelogram says it should:
 * view(a) − view(b) + view(c) = view(a − b + c).
 */
export const VIEW_TILT: readonly [number, number] = [0.5, 0.6];

export function view2d(p: Pca, v: readonly number[]): [number, number] {
  const [c1 = 0, c2 = 0, c3 = 0] = projectPoint(p, v);
  return [c1 + VIEW_TILT[0] * c3, c2 + VIEW_TILT[1] * c3];
}
