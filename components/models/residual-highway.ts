/**
 * Why deep stacks need residuals and normalisation: the gradient that reaches
 * layer 1 of an L-layer stack is the loss gradient multiplied by L Jacobians.
 *
 * The stack: `depth` layers of one small dense block each, f(u) = act(u·W)
 * (width × width weights W ~ N(0, scale²/width), no bias), wired one of six ways:
 *
 *   residual off, norm none:  h ← f(h)
 *   residual off, norm pre:   h ← f(LN(h))
 *   residual off, norm post:  h ← LN(f(h))
 *   residual on,  norm none:  h ← h + f(h)             ∂/∂h = I + ∂f/∂h
 *   residual on,  norm pre:   h ← h + f(LN(h))         (GPT-2 and later: the highway is never normalised)
 *   residual on,  norm post:  h ← LN(h + f(h))         (the 2017 Transformer)
 *
 * LN(x) = (x − mean(x)) / √(var(x) + ε) over each row's features, ε = 1e-5. Its
 * learned scale and shift are 1 and 0 at initialisation, so they are left out.
 *
 * One seeded batch x (batch × width, standard normal) goes through the stack and
 * the loss is L = ½·Σ‖h_L − t‖² / batch against seeded targets t. TensorFlow.js
 * differentiates the whole stack (tf.grads); a zero "probe" added to every
 * layer's input turns ∂L/∂(probe ℓ) into ∂L/∂(input of layer ℓ), so one
 * backward pass gives the gradient at every depth (the weight gradients
 * ∂L/∂W_ℓ come from the same pass on request). Norms are Frobenius norms over
 * the batch. LayerNorm carries its own backward formula (`layerNormFast`,
 * tested equal to autodiff) so a 100-layer pre-norm stack runs ~3,700 kernels
 * instead of ~8,300: the cost is the number of kernels, not their size.
 *
 * With scale = 0 every branch is f = 0: a residual stack is then exactly the
 * identity and passes the gradient through unchanged (∂y/∂x = I), while a plain
 * stack passes back nothing at all.
 */
import * as tf from '@tensorflow/tfjs-core';
// tf.grads needs the gradient kernels, which tfjs-core does not register by itself.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Rng } from '../runtime/rng.js';

export const NORMS = ['none', 'pre', 'post'] as const;
export type NormPlacement = (typeof NORMS)[number];
export const BLOCK_ACTIVATIONS = ['tanh', 'relu'] as const;
export type BlockActivation = (typeof BLOCK_ACTIVATIONS)[number];

export const MAX_DEPTH = 100;
export const MIN_WIDTH = 4;
export const MAX_WIDTH = 64;
export const MAX_BATCH = 64;
export const LN_EPSILON = 1e-5;

export interface HighwayConfig {
  /** Number of layers, 1 … 100. */
  depth: number;
  residual: boolean;
  norm: NormPlacement;
  activation: BlockActivation;
  /** Weight scale σ: W ~ N(0, σ²/width). 1 is Xavier/Glorot, √2 He, 1/√3 PyTorch's default nn.Linear. */
  scale: number;
}

/**
 * The seeded raw material, drawn once for the largest depth so that layer ℓ's
 * weights do not change when the depth slider moves: standard normals, scaled
 * by σ/√width at compute time.
 */
export interface HighwayData {
  width: number;
  batch: number;
  /** Layers available (weights for layer ℓ are normals[ℓ·w² … (ℓ+1)·w²)). */
  layers: number;
  /** layers × width × width standard normals, row-major (input index first). */
  normals: Float32Array;
  /** batch × width inputs. */
  x: Float32Array;
  /** batch × width targets. */
  target: Float32Array;
}

export interface HighwayResult {
  /** inputGrad[ℓ] = ‖∂L/∂h_ℓ‖, the gradient at the input of layer ℓ + 1 (ℓ = 0 is the data). */
  inputGrad: number[];
  /** weightGrad[ℓ] = ‖∂L/∂W_ℓ‖ for layer ℓ + 1 (only with `weightGradients: true`, else empty). */
  weightGrad: number[];
  /** Root mean square of the last layer's output (the forward signal at the top). */
  topRms: number;
  loss: number;
}

export interface HighwayOptions {
  /** Also differentiate with respect to every layer's weights (one more matrix product per layer). */
  weightGradients?: boolean;
}

/** Draws the seeded inputs, targets and weight normals (x and t from `rngData`, weights from `rngWeights`). */
export function makeHighwayData(rngWeights: Rng, rngData: Rng, width: number, batch = 16, layers = MAX_DEPTH): HighwayData {
  if (!Number.isInteger(width) || width < MIN_WIDTH || width > MAX_WIDTH) throw new Error(`width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH}, got ${width}`);
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) throw new Error(`batch must be a whole number from 1 to ${MAX_BATCH}, got ${batch}`);
  if (!Number.isInteger(layers) || layers < 1 || layers > MAX_DEPTH) throw new Error(`layers must be a whole number from 1 to ${MAX_DEPTH}, got ${layers}`);
  const draw = (rng: Rng, n: number) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = rng.normal();
    return out;
  };
  const x = draw(rngData, batch * width);
  const target = draw(rngData, batch * width);
  const normals = draw(rngWeights, layers * width * width);
  return { width, batch, layers, normals, x, target };
}

function checkConfig(cfg: HighwayConfig, data: HighwayData): void {
  if (!Number.isInteger(cfg.depth) || cfg.depth < 1 || cfg.depth > data.layers) {
    throw new Error(`depth must be a whole number from 1 to ${data.layers}, got ${cfg.depth}`);
  }
  if (!Number.isFinite(cfg.scale) || cfg.scale < 0) throw new Error(`scale must be a number ≥ 0, got ${cfg.scale}`);
  if (!NORMS.includes(cfg.norm)) throw new Error(`norm must be one of ${NORMS.join(', ')}, got ${cfg.norm}`);
  if (!BLOCK_ACTIVATIONS.includes(cfg.activation)) throw new Error(`activation must be one of ${BLOCK_ACTIVATIONS.join(', ')}, got ${cfg.activation}`);
}

/** LayerNorm over the last axis without learned scale/shift: (x − mean) / √(var + ε), differentiated by TensorFlow.js op by op. */
export function layerNorm(x: tf.Tensor, epsilon = LN_EPSILON): tf.Tensor {
  return tf.tidy(() => {
    const centred = tf.sub(x, tf.mean(x, -1, true));
    return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), epsilon)));
  });
}

/**
 * The same LayerNorm with its backward pass written out once, so that the
 * stack's tape holds one node per norm instead of a dozen:
 *   ∂L/∂x = (g − mean(g) − y · mean(g ⊙ y)) / √(var + ε),  g = ∂L/∂y.
 * (Autodiff of `layerNorm` runs about 55 kernels per norm, this about 7; the
 * unit tests hold the two gradients equal.)
 */
export const layerNormFast: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), LN_EPSILON));
  const y = tf.mul(centred, rstd);
  save([y, rstd]);
  return {
    value: y,
    gradFunc: (g: tf.Tensor, saved: tf.Tensor[]) => {
      const [yy, rs] = saved;
      const inner = tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(yy, tf.mean(tf.mul(g, yy), -1, true)));
      return [tf.mul(inner, rs)];
    },
  };
  // customGrad's type lists every argument as Tensor | GradSaveFunc; the last one is the save function.
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** One layer's map h → h′ for the chosen wiring. */
function layer(h: tf.Tensor2D, w: tf.Tensor2D, cfg: HighwayConfig): tf.Tensor2D {
  const act = cfg.activation === 'tanh' ? tf.tanh : tf.relu;
  const f = (u: tf.Tensor2D) => act(tf.matMul(u, w)) as tf.Tensor2D;
  const ln = (u: tf.Tensor2D) => layerNormFast(u) as tf.Tensor2D;
  if (cfg.residual) {
    if (cfg.norm === 'pre') return tf.add(h, f(ln(h)));
    if (cfg.norm === 'post') return ln(tf.add(h, f(h)));
    return tf.add(h, f(h));
  }
  if (cfg.norm === 'pre') return f(ln(h));
  if (cfg.norm === 'post') return ln(f(h));
  return f(h);
}

/**
 * Forward and backward through the stack on the page's TensorFlow.js backend;
 * one read-back. Every intermediate tensor is freed before it returns.
 */
export async function highwayGradients(cfg: HighwayConfig, data: HighwayData, options: HighwayOptions = {}): Promise<HighwayResult> {
  checkConfig(cfg, data);
  const { depth } = cfg;
  const { width: w, batch: b } = data;
  const packed = tf.tidy(() => {
    const x = tf.tensor2d(data.x, [b, w]);
    const t = tf.tensor2d(data.target, [b, w]);
    const weights = tf.mul(tf.tensor3d(data.normals.subarray(0, depth * w * w), [depth, w, w]), cfg.scale / Math.sqrt(w)) as tf.Tensor3D;
    const probes = tf.zeros([depth, b, w]) as tf.Tensor3D;
    const withWeights = options.weightGradients === true;
    // The forward signal is measured inside the taped pass; tf.keep lets it outlive the pass's own scope.
    let top: tf.Tensor | null = null;
    const forward = (p: tf.Tensor, ws: tf.Tensor): tf.Scalar => {
      const ps = tf.unstack(p) as tf.Tensor2D[];
      const wl = tf.unstack(ws) as tf.Tensor2D[];
      let h = x;
      for (let l = 0; l < depth; l++) h = layer(tf.add(h, ps[l]), wl[l], cfg);
      top = tf.keep(tf.sqrt(tf.mean(tf.square(h))));
      return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(h, t)))), b) as tf.Scalar;
    };
    const { value, grads } = withWeights
      ? tf.valueAndGrads(forward)([probes, weights])
      : tf.valueAndGrads((p: tf.Tensor) => forward(p, weights))([probes]);
    // ‖g‖ = m·‖g/m‖ with m = max|g|: squaring a gradient of 1e-20 would underflow float32 to 0.
    const norms = (g: tf.Tensor) => {
      const m = tf.max(tf.abs(g), [1, 2], true);
      const safe = tf.where(tf.greater(m, 0), m, tf.onesLike(m));
      return tf.mul(tf.reshape(m, [-1]), tf.sqrt(tf.sum(tf.square(tf.div(g, safe)), [1, 2])));
    };
    const kept = top as unknown as tf.Tensor;
    const parts = [norms(grads[0]), ...(withWeights ? [norms(grads[1])] : []), tf.reshape(kept, [1]), tf.reshape(value, [1])];
    const out = tf.concat(parts);
    kept.dispose();
    return out;
  });
  const values = await packed.data();
  packed.dispose();
  const all = Array.from(values);
  const n = options.weightGradients === true ? 2 * depth : depth;
  return {
    inputGrad: all.slice(0, depth),
    weightGrad: all.slice(depth, n),
    topRms: all[n],
    loss: all[n + 1],
  };
}

export type GradientRegime = 'vanishing' | 'healthy' | 'exploding' | 'zero';

/**
 * Names what happened between the last layer and the first: first/last below
 * 1/100 is vanishing, above 100 exploding; exactly 0 (or underflow) is zero.
 */
export function gradientRegime(first: number, last: number, small = 1e-2, large = 1e2): GradientRegime {
  if (!(last > 0) || !Number.isFinite(last)) return first === 0 && last === 0 ? 'zero' : 'exploding';
  if (first === 0) return 'zero';
  const r = first / last;
  if (!Number.isFinite(r) || r > large) return 'exploding';
  if (r < small) return 'vanishing';
  return 'healthy';
}
