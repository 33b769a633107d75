import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { patchWasmKernels } from '../../components/runtime/wasm-kernels.js';

/** Runs `f` on a backend and returns its result as nested arrays. */
async function on<T>(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<T> {
  await tf.setBackend(backend);
  const t = f();
  const out = (await t.array()) as T;
  t.dispose();
  return out;
}

describe('patchWasmKernels', () => {
  beforeAll(async () => {
    patchWasmKernels();
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it.each([
    ['float32', 1, 0],
    ['float32', 5, -1],
    ['int32', 1, 0],
    ['int32', 3, 2],
  ] as const)('makes oneHot(%s, on %d, off %d) on wasm equal the cpu backend', async (dtype, on_, off) => {
    const f = () => tf.oneHot(tf.tensor1d([2, 0, 3, 1], 'int32'), 4, on_, off, dtype);
    const wasm = await on<number[][]>('wasm', f);
    expect(wasm).toEqual(await on<number[][]>('cpu', f));
    expect(wasm[0]).toEqual([off, off, on_, off]);
  });

  it('keeps the dtype the caller asked for', async () => {
    await tf.setBackend('wasm');
    const t = tf.oneHot(tf.tensor1d([1], 'int32'), 3, 1, 0, 'float32');
    expect(t.dtype).toBe('float32');
    t.dispose();
  });

  it('gives an embedding looked up by one-hot the same gradient as the cpu backend', async () => {
    // One-hot rows [6, 5] · table [5, 3]: the gradient reaches exactly the rows used.
    const grad = () => tf.grad((table: tf.Tensor) =>
      tf.sum(tf.square(tf.matMul(tf.oneHot(tf.tensor1d([4, 0, 4, 2, 1, 4], 'int32'), 5, 1, 0, 'float32'), table))),
    )(tf.reshape(tf.range(0, 15, 1, 'float32'), [5, 3]));
    const wasm = await on<number[][]>('wasm', grad);
    expect(wasm).toEqual(await on<number[][]>('cpu', grad));
    expect(wasm[3]).toEqual([0, 0, 0]); // row 3 is never looked up
    expect(wasm[4].every((g) => g > 0)).toBe(true);
  });

  it('leaves no tensor and no wasm buffer behind', async () => {
    await tf.setBackend('wasm');
    const buffers = () => tf.engine().backend.numDataIds();
    const before = [tf.memory().numTensors, buffers()];
    tf.tidy(() => {
      tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2, 1, 0, 'float32');
    });
    expect([tf.memory().numTensors, buffers()]).toEqual(before);
  });
});

describe('kernels the wasm backend lacks, borrowed from the cpu backend', () => {
  beforeAll(async () => {
    patchWasmKernels();
    await tf.setBackend('wasm');
  });

  it('leaves no cpu kernel missing on wasm', () => {
    const missing = tf.getKernelsForBackend('cpu').map((k) => k.kernelName).filter((name) => !tf.getKernel(name, 'wasm'));
    expect(missing).toEqual([]);
  });

  it.each([
    ['1-D values', [1, 2, 3, 4, 5], [5], [0, 2, 0, 1, 2], 3],
    ['rows of a matrix', [1, 2, 3, 4, 5, 6], [3, 2], [1, 1, 0], 2],
    ['ids out of range dropped', [1, 2, 3, 4], [4], [0, -1, 5, 1], 2],
    ['an empty segment stays 0', [7, 8], [2], [0, 0], 3],
  ])('unsortedSegmentSum matches the cpu backend for %s', async (_, values, shape, ids, n) => {
    const f = () => tf.unsortedSegmentSum(tf.tensor(values, shape), tf.tensor1d(ids, 'int32'), n);
    expect(await on('wasm', f)).toEqual(await on('cpu', f));
  });

  it('trains an embedding looked up by gather: the gradient matches the cpu backend', async () => {
    const grad = () => tf.grad((table: tf.Tensor) => tf.sum(tf.square(tf.gather(table, tf.tensor1d([4, 0, 4, 2], 'int32')))))(
      tf.reshape(tf.range(0, 15, 1, 'float32'), [5, 3]),
    );
    const wasm = await on<number[][]>('wasm', grad);
    expect(wasm).toEqual(await on<number[][]>('cpu', grad));
    expect(wasm[4]).toEqual([4 * 12, 4 * 13, 4 * 14]); // row 4 gathered twice: 2 · 2x each
  });

  it('trains a convolution: the filter gradient (Conv2DBackpropFilter) matches the cpu backend', async () => {
    const grad = () => tf.tidy(() => {
      const x = tf.reshape(tf.sin(tf.range(0, 2 * 5 * 5 * 2, 1, 'float32')), [2, 5, 5, 2]) as tf.Tensor4D;
      const filter = tf.reshape(tf.cos(tf.range(0, 3 * 3 * 2 * 4, 1, 'float32')), [3, 3, 2, 4]);
      return tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, 1, 'same'))))(filter);
    });
    const wasm = await on<number[][][][]>('wasm', grad);
    const cpu = await on<number[][][][]>('cpu', grad);
    expect(wasm.flat(3)).toHaveLength(72);
    wasm.flat(3).forEach((g, k) => expect(g).toBeCloseTo(cpu.flat(3)[k]!, 3));
  });

  it('leaves no buffer behind on either backend', async () => {
    await tf.setBackend('wasm');
    const cpu = tf.engine().findBackend('cpu')!;
    const before = [tf.memory().numTensors, tf.engine().backend.numDataIds(), cpu.numDataIds()];
    tf.tidy(() => {
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 1, 0], 'int32'), 2);
    });
    expect([tf.memory().numTensors, tf.engine().backend.numDataIds(), cpu.numDataIds()]).toEqual(before);
  });
});
