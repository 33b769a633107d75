/**
 * One TensorFlow.js initialisation for the whole page: the GPU first (WebGPU,
 * then WebGL), then the CPU (WebAssembly SIMD kernels, then plain JavaScript).
 *
 * A GPU that is really a software rasteriser is skipped: a fallback WebGPU
 * adapter (isFallbackAdapter) and a WebGL context that reports a major
 * performance caveat (SwiftShader, llvmpipe). For the small models of these
 * lectures such a "GPU" loses to the WebAssembly backend by 2–5× (training
 * steps, attention recompute, slider repaint: see `npm run bench`), because
 * every kernel is a software draw call and every read-back a copy.
 * `?backend=webgpu|webgl|wasm|cpu` in the page URL forces one.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { provideWasmBinary } from './wasm-binary.js';
import { patchWasmKernels } from './wasm-kernels.js';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

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
  return fallback ? 'software WebGPU adapter, slower than WebAssembly here' : null;
}

/** Renderers that are software rasterisers on the CPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/**
 * Why WebGL should be skipped (a software renderer, or none), else null.
 * Chromium does not always flag SwiftShader with failIfMajorPerformanceCaveat
 * (not when it was chosen on the command line), so the renderer name decides too.
 */
function softwareWebGL(): string | null {
  if (typeof document === 'undefined') return 'no document';
  const fast = document.createElement('canvas').getContext('webgl2', { failIfMajorPerformanceCaveat: true });
  const gl = fast ?? document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL 2 context';
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = debug ? String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  if (fast && !SOFTWARE_RENDERER.test(renderer)) return null;
  return `software WebGL (${renderer}), slower than WebAssembly here`;
}

/** Why an unforced backend is skipped before trying it (a software GPU), else null. */
function skipReason(name: BackendName): Promise<string | null> | string | null {
  if (name === 'webgpu') return hasHardwareWebGPU();
  if (name === 'webgl') return softwareWebGL();
  return null;
}

/** Readies a backend before it is tried, forced or not; returns why it cannot run, else null. */
async function prepare(name: BackendName): Promise<string | null> {
  if (name !== 'wasm') return null;
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) return 'no WebAssembly SIMD';
  provideWasmBinary();
  patchWasmKernels();
  return null;
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
    const reason = (name !== forced ? await skipReason(name) : null) ?? (await prepare(name));
    if (reason) {
      skipped.push(`${name}: ${reason}`);
      continue;
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
