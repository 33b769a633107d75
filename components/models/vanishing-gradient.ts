/**
 * Why plain RNNs forget: backpropagation through time multiplies the gradient
 * by the recurrent weight once per step.
 *
 * A one-unit RNN with recurrent weight w:
 *
 *   linear:  h_t = w · h_{t−1}            ∂h_n/∂h_{n−s} = w^s
 *   tanh:    h_t = tanh(w · h_{t−1})      ∂h_n/∂h_{n−s} = Π_{t=n−s+1..n} w · (1 − h_t²)
 *
 * so a signal from s steps back reaches the loss scaled by roughly w^s:
 * it vanishes when |w| < 1 and explodes when |w| > 1 (tanh adds the factor
 * 1 − h² ≤ 1, so saturation makes it vanish even for w > 1).
 *
 * The gradients are not written out by hand here: TensorFlow.js differentiates
 * the unrolled network (tf.grad), which is exactly backpropagation through
 * time. The tests compare against the closed forms above.
 */
import * as tf from '@tensorflow/tfjs-core';
// tf.grad needs the gradient kernels, which tfjs-core does not register by itself.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export const ACTIVATIONS = ['linear', 'tanh'] as const;
export type RnnActivation = (typeof ACTIVATIONS)[number];

export interface UnrollOptions {
  /** Recurrent weight w. */
  weight: number;
  /** Number of steps n (the sequence length the gradient travels back through). */
  steps: number;
  activation?: RnnActivation;
  /** Initial hidden state h_0. */
  h0?: number;
}

export interface UnrollResult {
  /** h_0 … h_n (length n + 1). */
  hidden: number[];
  /**
   * gradient[s] = ∂h_n / ∂h_{n−s} for s = 0 … n: how strongly the state s steps
   * back influences the last one. gradient[0] = 1; gradient[n] is w^n when linear.
   */
  gradient: number[];
}

export const MAX_STEPS = 500;

function checkOptions({ weight, steps }: UnrollOptions): void {
  if (!Number.isFinite(weight)) throw new Error(`weight must be a finite number, got ${weight}`);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw new Error(`steps must be a whole number from 1 to ${MAX_STEPS}, got ${steps}`);
  }
}

/**
 * Runs the RNN forward and backpropagates from h_n to every earlier state.
 * A zero "probe" e_k is added to each state (h_k ← f(w·h_{k−1}) + e_k), so
 * ∂h_n/∂e_k = ∂h_n/∂h_k; tf.grad with respect to the probes [n + 1] gives all
 * of them in one backward pass. Two read-backs in total.
 */
export async function unrollGradients(opts: UnrollOptions): Promise<UnrollResult> {
  checkOptions(opts);
  const { weight, steps, activation = 'linear', h0 = 1 } = opts;
  const act = (z: tf.Tensor) => (activation === 'tanh' ? tf.tanh(z) : z);

  // Forward pass that also records h_0..h_n: probes [n+1] → states [n+1].
  const forward = (probes: tf.Tensor1D): tf.Tensor1D => {
    const e = tf.unstack(probes); // n+1 scalars
    let h: tf.Tensor = tf.add(tf.scalar(h0), e[0]);
    const states = [h];
    for (let t = 1; t <= steps; t++) {
      h = tf.add(act(tf.mul(weight, h)), e[t]);
      states.push(h);
    }
    return tf.stack(states) as tf.Tensor1D;
  };

  const [hiddenT, gradT] = tf.tidy(() => {
    const probes = tf.zeros([steps + 1]) as tf.Tensor1D;
    const last = (p: tf.Tensor) => tf.gather(forward(p as tf.Tensor1D), steps); // scalar h_n
    const dProbes = tf.grad(last)(probes); // [n+1]: ∂h_n/∂h_k, k = 0..n
    return [forward(probes), tf.reverse(dProbes)]; // reversed: index s = steps back
  });
  const [hidden, gradient] = await Promise.all([hiddenT.data(), gradT.data()]);
  hiddenT.dispose();
  gradT.dispose();
  return { hidden: Array.from(hidden), gradient: Array.from(gradient) };
}

export type Regime = 'vanishing' | 'stable' | 'exploding';

/**
 * Names what happened to the signal from the first step: below `small` it has
 * vanished, above `large` (or not finite, e.g. float32 overflow) it has exploded.
 */
export function regimeOf(gradientAtStart: number, small = 1e-2, large = 1e2): Regime {
  const g = Math.abs(gradientAtStart);
  if (!Number.isFinite(g) || g > large) return 'exploding';
  if (g < small) return 'vanishing';
  return 'stable';
}

/** Steps until w^s first drops below `threshold` (|w| < 1), or Infinity when it never does. */
export function stepsToVanish(weight: number, threshold = 1e-2): number {
  const a = Math.abs(weight);
  if (a >= 1) return Infinity;
  let s = 0;
  for (let v = 1; v >= threshold; v *= a) s++;
  return s;
}
