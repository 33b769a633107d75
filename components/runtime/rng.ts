/**
 * One seeded random generator for every random choice in the project, so a
 * demo, a test and a PDF page come out the same every time.
 *
 * mulberry32: 32-bit state, fast, good enough statistically for teaching demos
 * (not for cryptography). Streams derive independent generators from one seed
 * ("init", "batches", "sample" ...) so adding a draw in one place does not
 * shift every other random choice.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Index drawn from a discrete distribution (weights need not sum to 1). */
  choice(weights: ArrayLike<number>): number;
  /** The 32-bit seed this generator started from. */
  readonly seed: number;
}

/** FNV-1a hash of a string: turns stream names into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRng(seed: number, stream = ''): Rng {
  const start = (stream ? (seed ^ hashString(stream)) : seed) >>> 0;
  let state = start;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed: start,
    next,
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
    choice(weights: ArrayLike<number>) {
      let total = 0;
      for (let i = 0; i < weights.length; i++) total += weights[i];
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) return i;
      }
      // Rounding can leave r ≥ 0 after the loop: return the last non-zero weight.
      for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
      return weights.length - 1;
    },
  };
}

/** A seed for tfjs initialisers (tf.randomNormal(shape, 0, 1, 'float32', seed)). */
export function tfSeed(rng: Rng): number {
  return rng.int(2 ** 31);
}
