/**
 * Softmax with temperature over TensorFlow.js, numerically stable.
 *
 * p_i = exp((z_i − max z) / T) / Σ_j exp((z_j − max z) / T)
 * Subtracting the max changes nothing mathematically and keeps exp() finite
 * for logits like 1e4. T = 0 is the limit T → 0: all mass on the argmax
 * (ties share it equally).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Probabilities as a tensor of the logits' shape [V] (caller disposes). */
export function softmaxTensor(logits: tf.Tensor1D, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const max = tf.max(logits);
    if (temperature <= 0) {
      const isMax = tf.cast(tf.equal(logits, max), 'float32');
      return tf.div(isMax, tf.sum(isMax)) as tf.Tensor1D;
    }
    return tf.softmax(tf.div(tf.sub(logits, max), temperature)) as tf.Tensor1D;
  });
}

/** Probabilities for plain numbers; one async read-back. */
export async function softmax(logits: readonly number[], temperature = 1): Promise<number[]> {
  const z = tf.tensor1d(logits as number[], 'float32');
  const p = softmaxTensor(z, temperature);
  const values = Array.from(await p.data());
  z.dispose();
  p.dispose();
  return values;
}
