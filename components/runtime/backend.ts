/**
 * One TensorFlow.js initialisation for the whole page: WebGPU first, then
 * WebGL, then CPU. A software WebGPU adapter (isFallbackAdapter) is skipped:
 * on such an adapter WebGL (SwiftShader) is several times faster.
 * `?backend=webgpu|webgl|cpu` in the page URL forces one.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Why earlier choices were skipped, for the badge's tooltip and for tests. */
  skipped: string[];
  forced: boolean;
}

let pending: Promise<BackendInfo> | null = null;
let current: BackendInfo | null = null;

/** The backend named in the URL, if any. */
export function forcedBackend(search = globalThis.location?.search ?? ''): BackendName | null {
  const value = new URLSearchParams(search).get('backend');
  return value && (BACKENDS as readonly string[]).includes(value) ? (value as BackendName) : null;
}

async function hasHardwareWebGPU(): Promise<string | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return 'no navigator.gpu';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no WebGPU adapter';
  // Chrome ≥ 137 moved the flag to adapter.info; older builds had it on the adapter.
  const info = (adapter as unknown as { info?: { isFallbackAdapter?: boolean } }).info;
  const fallback = info?.isFallbackAdapter ?? (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return fallback ? 'software WebGPU adapter (slower than WebGL)' : null;
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** A small matmul + softmax read back once: compiles shaders before the first demo is clicked. */
async function warmUp(): Promise<void> {
  const out = tf.tidy(() => tf.softmax(tf.matMul(tf.ones([8, 8]), tf.ones([8, 8]))));
  await out.data();
  out.dispose();
}

async function choose(): Promise<BackendInfo> {
  const forced = forcedBackend();
  const skipped: string[] = [];
  const order: BackendName[] = forced ? [forced, ...BACKENDS.filter((b) => b !== forced)] : [...BACKENDS];
  for (const name of order) {
    if (name === 'webgpu' && !forced) {
      const reason = await hasHardwareWebGPU();
      if (reason) {
        skipped.push(`webgpu: ${reason}`);
        continue;
      }
    }
    if (await trySet(name)) {
      await tf.ready();
      return { name, skipped, forced: forced === name };
    }
    skipped.push(`${name}: failed to initialise`);
  }
  throw new Error(`No TensorFlow.js backend could start (${skipped.join('; ')})`);
}

/** Starts (once) and returns the page's backend. Safe to call from every demo. */
export function initBackend(): Promise<BackendInfo> {
  if (!pending) {
    pending = choose().then(async (info) => {
      await warmUp();
      current = info;
      return info;
    });
  }
  return pending;
}

/** The chosen backend once initialised, else null. */
export function backendInfo(): BackendInfo | null {
  return current;
}

export { tf };
