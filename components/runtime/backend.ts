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
 * `?backend=webgpu|webgl|wasm|cpu` in the page URL forces one; if it cannot
 * start, the next one is chosen and the badge says why.
 *
 * A GPU can also drop out mid-lecture (a lost WebGL context, a lost WebGPU
 * device): the page then moves to the next backend that starts, without a
 * reload, and fires BACKEND_CHANGE on window; every demo rebuilds itself on
 * the new backend (see DemoElement.backendChanged) and says so in its box.
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
  /** The backend named in the URL when it could not start (this one was chosen instead). */
  forcedFailed?: BackendName;
  /** Set when the page moved to this backend because another one was lost mid-lecture. */
  lost?: { from: BackendName; reason: string };
}

/** Fired on window (a CustomEvent<BackendChange>) once the page runs on a new backend after losing one. */
export const BACKEND_CHANGE = 'demo-backend-change';
export interface BackendChange {
  from: BackendName;
  to: BackendName;
  reason: string;
}

let pending: Promise<BackendInfo> | null = null;
let current: BackendInfo | null = null;
/** Backends lost during this page's life: never chosen again. */
const lostBackends = new Set<BackendName>();

/** The backend named in the URL, if any. */
export function forcedBackend(search = globalThis.location?.search ?? ''): BackendName | null {
  const value = new URLSearchParams(search).get('backend');
  return value && (BACKENDS as readonly string[]).includes(value) ? (value as BackendName) : null;
}

async function webgpuAdapter(): Promise<GPUAdapter | string> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return 'no navigator.gpu';
  return (await gpu.requestAdapter().catch(() => null)) ?? 'no WebGPU adapter';
}

async function hasHardwareWebGPU(): Promise<string | null> {
  const adapter = await webgpuAdapter();
  if (typeof adapter === 'string') return adapter;
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
  if (name === 'webgpu') {
    const adapter = await webgpuAdapter();
    return typeof adapter === 'string' ? adapter : null;
  }
  if (name === 'webgl') {
    if (typeof document === 'undefined') return 'no document';
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return 'no WebGL 2 context';
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return null;
  }
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
    if (lostBackends.has(name)) {
      skipped.push(`${name}: lost earlier on this page`);
      continue;
    }
    const reason = (name !== forced ? await skipReason(name) : null) ?? (await prepare(name));
    if (reason) {
      skipped.push(`${name}: ${reason}`);
      continue;
    }
    if (await trySet(name)) {
      await tf.ready();
      const info: BackendInfo = { name, skipped, forced: forced === name };
      if (forced && forced !== name && !lostBackends.has(forced)) info.forcedFailed = forced;
      return info;
    }
    skipped.push(`${name}: failed to initialise`);
  }
  throw new Error(`No TensorFlow.js backend could start (${skipped.join('; ')})`);
}

/** Starts (once) and returns the page's backend. Safe to call from every demo. */
export function initBackend(): Promise<BackendInfo> {
  if (!pending) pending = start();
  return pending;
}

async function start(lost?: BackendInfo['lost']): Promise<BackendInfo> {
  const info = await choose();
  await warmUp();
  if (lost) info.lost = lost;
  current = info;
  watchForLoss(info.name);
  return info;
}

/** Listens for the GPU dropping out under the chosen backend. */
function watchForLoss(name: BackendName): void {
  const backend = tf.backend() as unknown as {
    gpgpu?: { gl?: { canvas?: EventTarget } };
    device?: { lost?: Promise<{ reason?: string; message?: string }> };
  };
  if (name === 'webgl') {
    backend.gpgpu?.gl?.canvas?.addEventListener('webglcontextlost', () => void backendLost('webgl', 'the WebGL context was lost'), { once: true });
  } else if (name === 'webgpu') {
    void backend.device?.lost?.then((info) =>
      backendLost('webgpu', `the WebGPU device was lost${info?.message ? ` (${info.message})` : ''}`));
  }
}

/**
 * Moves the page off a lost backend: the next backend that starts becomes the
 * page's backend, then BACKEND_CHANGE tells every demo to rebuild on it.
 * Returns the new backend (rejects if none can start; demos then show why).
 */
export async function backendLost(name: BackendName, reason: string): Promise<BackendInfo> {
  if (lostBackends.has(name) || (current && current.name !== name)) return initBackend();
  lostBackends.add(name);
  console.warn(`TensorFlow.js: ${reason}; moving the demos to another backend.`);
  pending = start({ from: name, reason });
  const info = await pending;
  globalThis.dispatchEvent?.(new CustomEvent<BackendChange>(BACKEND_CHANGE, { detail: { from: name, to: info.name, reason } }));
  return info;
}

/** The chosen backend once initialised, else null. */
export function backendInfo(): BackendInfo | null {
  return current;
}

export { tf };

/** The badge's tooltip: why the page runs on this backend (a lost one, a forced one that failed, skipped ones). */
export function backendSummary(info: BackendInfo | null): string {
  if (!info) return 'TensorFlow.js backend';
  const parts: string[] = [];
  if (info.lost) parts.push(`${info.lost.reason}; moved to ${info.name}`);
  if (info.forcedFailed) parts.push(`?backend=${info.forcedFailed} could not start`);
  if (info.skipped.length) parts.push(`skipped ${info.skipped.join('; ')}`);
  return parts.join('. ') || 'TensorFlow.js backend';
}
