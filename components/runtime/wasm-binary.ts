/**
 * Points tfjs-backend-wasm at its SIMD binary, which the bundle carries as
 * bytes (esbuild's `binary` loader, ~0.4 MB): a deck opened from disk cannot
 * fetch a `.wasm` file next to it, but it can fetch a blob: URL it made.
 * Threads stay off: they need a cross-origin-isolated page, which neither
 * file:// nor an ordinary static host gives, and a different binary.
 * Browsers without WebAssembly SIMD skip this backend (see backend.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';

let url: string | null = null;

export function provideWasmBinary(): void {
  if (url) return;
  url = URL.createObjectURL(new Blob([simd], { type: 'application/wasm' }));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // Every name maps to the one binary we ship; only the SIMD one is ever asked for.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': url,
    'tfjs-backend-wasm-simd.wasm': url,
    'tfjs-backend-wasm-threaded-simd.wasm': url,
  });
}
