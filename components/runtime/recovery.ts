/**
 * What a demo does when the page's backend changes under it (a GPU lost
 * mid-lecture, see backend.ts): it is replaced by a fresh copy of itself —
 * same attributes, same light-DOM content — that builds on the new backend
 * exactly as on a page load, while the old one disposes its tensors on the
 * way out (disconnectedCallback). The state the lecturer set (the same state
 * presenter and audience mirror) is carried over, and loops that were
 * running start again. Demos on the slide in view say what happened.
 */
import type { BackendChange } from './backend.js';
import { loopsOf } from './loop.js';

export interface Rebuildable extends HTMLElement {
  readonly ready: Promise<void>;
  readonly visible: boolean;
  readonly still: boolean;
  getSyncState(): unknown;
  applySyncState(state: unknown): void;
  /** Shown in the box as a note (set on the fresh copy). */
  backendNotice: string | null;
}

const NAMES: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript' };

export function describeChange(change: BackendChange): string {
  const reason = change.reason.charAt(0).toUpperCase() + change.reason.slice(1);
  return `${reason}: this demo restarted on ${NAMES[change.to] ?? change.to} (${change.to}).`;
}

/** Replaces `old` with a fresh copy built on the new backend; returns the copy. */
export function rebuildOnNewBackend(old: Rebuildable, change: BackendChange): Rebuildable | null {
  if (!old.isConnected || !old.parentNode) return null;
  // A loop whose step failed just before the loss was reported failed because of it: it counts as running.
  const playing = loopsOf(old).map((loop) => loop.playing || loop.failed);
  let state: unknown = null;
  try {
    state = old.getSyncState();
  } catch {
    state = null;
  }
  const fresh = old.cloneNode(true) as Rebuildable;
  fresh.removeAttribute('data-ready');
  if (old.visible && !old.still) fresh.backendNotice = describeChange(change);
  old.replaceWith(fresh);
  void fresh.ready.then(() => {
    if (state !== null && state !== undefined) fresh.applySyncState(state);
    loopsOf(fresh).forEach((loop, i) => {
      if (playing[i]) loop.play();
    });
  });
  return fresh;
}
