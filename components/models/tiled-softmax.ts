/**
 * Attention for one head, computed two ways (Dao et al. 2022, FlashAttention):
 *
 * - naive: S = QKᵀ/√d (N×N), P = softmax(S) row-wise, O = PV — S and P are
 *   whole matrices that a GPU writes to and reads back from HBM;
 * - tiled: the keys and values in blocks of B; per query row a running
 *   maximum m, a normaliser ℓ and an accumulator O, and for each key block
 *     m' = max(m, max_j s_j),  ℓ ← e^{m−m'}·ℓ + Σ_j e^{s_j−m'},
 *     O ← e^{m−m'}·O + Σ_j e^{s_j−m'}·v_j,  m ← m',
 *   and O/ℓ at the end. The same numbers summed in a different order, so the
 *   result equals the naive one to float32 rounding, not bit for bit.
 *
 * HBM traffic (4 bytes a number), the FlashAttention-2 loop order with query
 * and key blocks both B rows: each query block reads its Q once, streams every
 * K and V block through fast memory and writes its O once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../runtime/rng.js';

export const BYTES_PER_FLOAT = 4;

export interface Qkv {
  q: Float32Array; // [N, d]
  k: Float32Array; // [N, d]
  v: Float32Array; // [N, d]
  n: number;
  d: number;
}

/** Seeded standard-normal Q, K, V (the 'qkv' stream), drawn in the order Q, K, V, row-major. */
export function makeQkv(n: number, d: number, seed: number): Qkv {
  const rng = createRng(seed, 'qkv');
  const draw = () => Float32Array.from({ length: n * d }, () => rng.normal());
  const q = draw();
  const k = draw();
  const v = draw();
  return { q, k, v, n, d };
}

/** Naive attention on the tf backend: the full N×N S and P, then PV. Returns O [N, d] and S [N, N]. */
export function naiveAttention({ q, k, v, n, d }: Qkv): { o: Float32Array; s: Float32Array } {
  const [o, s] = tf.tidy(() => {
    const Q = tf.tensor2d(q, [n, d]);
    const K = tf.tensor2d(k, [n, d]);
    const V = tf.tensor2d(v, [n, d]);
    const S = tf.div(tf.matMul(Q, K, false, true), Math.sqrt(d));
    const P = tf.softmax(S);
    return [tf.matMul(P, V), S];
  });
  const out = { o: o.dataSync() as Float32Array, s: s.dataSync() as Float32Array };
  tf.dispose([o, s]);
  return out;
}

export interface TiledResult {
  /** Final output O/ℓ [N, d]. */
  o: Float32Array;
  block: number;
  /** Key blocks T = ⌈N/B⌉. */
  blocks: number;
  /** m after key block t (t = 0 … T−1), each [N]. */
  m: Float32Array[];
  /** ℓ after key block t, each [N]. */
  l: Float32Array[];
  /** The rescale factor e^{m_old − m_new} applied at key block t, each [N] (1 at t = 0). */
  rescale: Float32Array[];
  /** The output so far, accumulator/ℓ after key block t, each [N, d]. */
  partial: Float32Array[];
}

/**
 * Tiled attention with the online softmax on the tf backend. Every query row
 * is processed against one key block at a time; no N×N tensor is formed.
 */
export function tiledAttention({ q, k, v, n, d }: Qkv, block: number): TiledResult {
  if (!(block >= 1) || !Number.isInteger(block)) throw new Error('block must be a whole number ≥ 1');
  const T = Math.ceil(n / block);
  const keep: tf.Tensor[] = [];
  const trace: { m: tf.Tensor; l: tf.Tensor; r: tf.Tensor; o: tf.Tensor }[] = [];
  const o = tf.tidy(() => {
    const Q = tf.div(tf.tensor2d(q, [n, d]), Math.sqrt(d));
    const K = tf.tensor2d(k, [n, d]);
    const V = tf.tensor2d(v, [n, d]);
    let m: tf.Tensor = tf.fill([n, 1], -Infinity);
    let l: tf.Tensor = tf.zeros([n, 1]);
    let acc: tf.Tensor = tf.zeros([n, d]);
    for (let t = 0; t < T; t++) {
      const start = t * block;
      const size = Math.min(block, n - start);
      const Kt = tf.slice(K, [start, 0], [size, d]);
      const Vt = tf.slice(V, [start, 0], [size, d]);
      const S = tf.matMul(Q, Kt, false, true); // [N, size]: one tile column
      const mNew = tf.maximum(m, tf.max(S, 1, true));
      const r = t === 0 ? tf.onesLike(m) : tf.exp(tf.sub(m, mNew));
      const P = tf.exp(tf.sub(S, mNew));
      l = tf.add(tf.mul(r, l), tf.sum(P, 1, true));
      acc = tf.add(tf.mul(r, acc), tf.matMul(P, Vt));
      m = mNew;
      const kept = {
        m: tf.keep(tf.reshape(m, [n])), l: tf.keep(tf.reshape(l, [n])), r: tf.keep(tf.reshape(r, [n])), o: tf.keep(tf.div(acc, l)),
      };
      keep.push(kept.m, kept.l, kept.r, kept.o);
      trace.push(kept);
    }
    return tf.div(acc, l);
  });
  const result: TiledResult = {
    o: o.dataSync() as Float32Array,
    block,
    blocks: T,
    m: trace.map((x) => x.m.dataSync() as Float32Array),
    l: trace.map((x) => x.l.dataSync() as Float32Array),
    rescale: trace.map((x) => x.r.dataSync() as Float32Array),
    partial: trace.map((x) => x.o.dataSync() as Float32Array),
  };
  tf.dispose([o, ...keep]);
  return result;
}

export interface HbmBytes {
  /** Named transfers, each in bytes. */
  parts: { label: string; floats: number }[];
  bytes: number;
}

/**
 * Naive: read Q, K (2Nd); write S (N²); read S, write P for the softmax (2N²);
 * read P and V (N² + Nd); write O (Nd). 4Nd + 4N² numbers.
 */
export function naiveHbm(n: number, d: number): HbmBytes {
  const parts = [
    { label: 'read Q, K', floats: 2 * n * d },
    { label: 'write S = QKᵀ', floats: n * n },
    { label: 'read S, write P (softmax)', floats: 2 * n * n },
    { label: 'read P, V', floats: n * n + n * d },
    { label: 'write O', floats: n * d },
  ];
  return { parts, bytes: BYTES_PER_FLOAT * parts.reduce((s, p) => s + p.floats, 0) };
}

/**
 * Tiled (query and key blocks of B rows, T = ⌈N/B⌉): each of the T query
 * blocks reads its Q once (Nd in all) and every K and V block (2Nd per query
 * block, 2Nd·T in all); O is written once (Nd). m and ℓ stay in fast memory.
 */
export function tiledHbm(n: number, d: number, block: number): HbmBytes {
  const T = Math.ceil(n / block);
  const parts = [
    { label: 'read Q (once)', floats: n * d },
    { label: `read K, V (${T}× each)`, floats: 2 * n * d * T },
    { label: 'write O (once)', floats: n * d },
  ];
  return { parts, bytes: BYTES_PER_FLOAT * parts.reduce((s, p) => s + p.floats, 0) };
}

/** Fast memory one tile step needs, in bytes: Q, K, V blocks, the B×B tile of S, the accumulator and m, ℓ. */
export function sramBytes(d: number, block: number): number {
  return BYTES_PER_FLOAT * (3 * block * d + block * block + block * d + 2 * block);
}

/** Largest |a − b| over two arrays of one length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
