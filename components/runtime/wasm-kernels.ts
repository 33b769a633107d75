/**
 * Fixes for the WebAssembly backend's kernels, applied once before it starts.
 *
 * 1. tfjs-backend-wasm 4.22's OneHot writes int32 ones and zeros into the
 *    output buffer whatever `dtype` asks for: `tf.oneHot(i, n, 1, 0, 'float32')`
 *    comes back as the float32 bit patterns of the integer 1 (1.4e-45), i.e.
 *    all zeros, and every model that multiplies by a one-hot (embedding
 *    lookups, cross-entropy targets) silently stops learning. The patched
 *    kernel asks the wasm kernel for int32 and casts.
 * 2. The wasm backend lacks kernels that training needs, e.g.
 *    UnsortedSegmentSum (the gradient of `tf.gather`) and Conv2DBackpropFilter
 *    (the gradient of a convolution's filter). Every kernel the CPU backend
 *    has and wasm lacks is registered for wasm as a call to the CPU backend's
 *    JavaScript kernel: inputs copied out of the wasm heap, the result copied
 *    back. Slower than a native kernel, but the same numbers as `?backend=cpu`,
 *    and only those few ops pay for it.
 *
 * No DOM here: the unit tests run it on the wasm backend in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of the wasm and cpu backends' public classes used here. */
interface WasmBackend {
  readSync(dataId: DataId): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): tf.backend_util.TypedArray;
  disposeData(dataId: DataId): boolean;
}
interface CpuBackend {
  write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): DataId;
  readSync(dataId: DataId): tf.backend_util.BackendValues;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

let patched = false;

export function patchWasmKernels(): void {
  if (patched || !tf.getKernel(tf.OneHot, 'wasm')) return; // done, or no wasm backend in this build
  patched = true;
  fixOneHot();
  for (const { kernelName } of tf.getKernelsForBackend('cpu')) {
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: onCpu(kernelName) });
    }
  }
}

function fixOneHot(): void {
  const original = tf.getKernel(tf.OneHot, 'wasm');
  const cast = tf.getKernel(tf.Cast, 'wasm');
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as NamedAttrMap & { dtype: tf.DataType };
    if (attrs.dtype === 'int32') return original.kernelFunc(args);
    const ints = original.kernelFunc({ ...args, attrs: { ...attrs, dtype: 'int32' } }) as TensorInfo;
    const out = cast.kernelFunc({ inputs: { x: ints }, attrs: { dtype: attrs.dtype }, backend: args.backend }) as TensorInfo;
    (args.backend as WasmBackend).disposeData(ints.dataId);
    return out;
  };
  tf.unregisterKernel(tf.OneHot, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}

/** A wasm kernel that runs the CPU backend's kernel of the same name on copies of its inputs. */
function onCpu(kernelName: string): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const wasm = backend as WasmBackend;
    const cpu = tf.engine().findBackend('cpu') as unknown as CpuBackend | null;
    if (!cpu) throw new Error(`${kernelName}: the wasm backend borrows it from the cpu backend, which did not start`);
    const cpuInputs: Record<string, TensorInfo> = {};
    const written: DataId[] = [];
    for (const [name, t] of Object.entries(inputs as Record<string, TensorInfo | undefined>)) {
      if (!t) continue;
      const dataId = cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype);
      written.push(dataId);
      cpuInputs[name] = { dataId, shape: t.shape, dtype: t.dtype };
    }
    const kernel = tf.getKernel(kernelName, 'cpu');
    const result = kernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu as unknown as tf.KernelBackend });
    const outputs = (Array.isArray(result) ? result : [result]).map((o) => {
      const out = wasm.makeOutput(o.shape, o.dtype);
      wasm.typedArrayFromHeap(out).set(cpu.readSync(o.dataId) as tf.backend_util.TypedArray);
      if (!written.includes(o.dataId)) cpu.disposeData(o.dataId, true);
      return out;
    });
    for (const dataId of written) cpu.disposeData(dataId, true);
    return Array.isArray(result) ? outputs : outputs[0]!;
  };
}
