/**
 * A presenter's remote steps through a demo before it changes the slide.
 *
 * A deck declares how many clicker steps a demo takes on its slide with the
 * `clicker-steps="N"` attribute. On that slide, the keys a remote sends
 * (PageDown / PageUp, and the arrow keys and Space that bespoke treats alike)
 * first advance the demo one step at a time (the demo's own `clickerStep()`:
 * a character sampled, an example learned, a merge made) and only then move
 * the slide; going back undoes the steps one by one, then moves back. Each step
 * is recorded as the demo's sync state before it, so stepping back restores
 * exactly what was shown, and every step is published so the presenter and
 * audience windows stay in step. Bespoke's fragments come first: while the
 * slide has hidden fragments the keys are bespoke's.
 *
 * One capturing listener on the window sees the key before bespoke's listener
 * on the document. Keys typed inside a demo are left alone (the demo uses them;
 * input isolation keeps them from the deck).
 */
export interface ClickerStepper extends HTMLElement {
  /** Steps the deck asked for on this slide (attribute `clicker-steps`, 0 = none). */
  readonly clickerSteps: number;
  /** Steps taken so far. */
  readonly clickerPosition: number;
  /** Takes one step; false when the demo has none left to take. */
  clickerForward(): boolean;
  /** Undoes the last step; false when none was taken. */
  clickerBack(): boolean;
}

const NEXT_KEYS = new Set(['PageDown', 'ArrowRight', 'ArrowDown', ' ']);
const PREV_KEYS = new Set(['PageUp', 'ArrowLeft', 'ArrowUp']);

const isStepper = (el: Element): el is ClickerStepper =>
  typeof (el as Partial<ClickerStepper>).clickerForward === 'function' && ((el as ClickerStepper).clickerSteps ?? 0) > 0;

/** The demos with clicker steps on the slide on screen, in document order. */
export function activeSteppers(doc: Document = document): ClickerStepper[] {
  const slide = doc.querySelector('svg.bespoke-marp-slide.bespoke-marp-active');
  return slide ? [...slide.querySelectorAll('*')].filter(isStepper) : [];
}

/** Which way a key moves, or null for keys the clicker leaves to others. */
function direction(event: KeyboardEvent): 1 | -1 | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  if (event.key === ' ') return event.shiftKey ? -1 : 1;
  if (event.shiftKey) return null; // shift + arrow skips fragments in bespoke: leave it so
  if (NEXT_KEYS.has(event.key)) return 1;
  if (PREV_KEYS.has(event.key)) return -1;
  return null;
}

function onKey(event: KeyboardEvent): void {
  const dir = direction(event);
  if (dir === null || event.defaultPrevented) return;
  const view = document.body?.getAttribute('data-bespoke-view');
  if (view === 'overview' || view === 'next') return;
  // A key pressed inside a demo belongs to the demo (a slider, a text field).
  if (event.composedPath().some((t) => t instanceof HTMLElement && 'ready' in t)) return;
  const slide = document.querySelector('svg.bespoke-marp-slide.bespoke-marp-active');
  if (!slide) return;
  const steppers = activeSteppers();
  if (!steppers.length) return;
  let consumed = false;
  if (dir === 1) {
    if (slide.querySelector('[data-bespoke-marp-fragment="inactive"]')) return;
    consumed = steppers.some((s) => s.clickerPosition < s.clickerSteps && s.clickerForward());
  } else {
    consumed = [...steppers].reverse().some((s) => s.clickerPosition > 0 && s.clickerBack());
  }
  if (consumed) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}

let installed = false;

/** Installs the page's one clicker listener (idempotent). */
export function installClicker(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  window.addEventListener('keydown', onKey, { capture: true });
}
