import { css } from 'lit';

/**
 * Shared look of every demo: readable on a projector, colours from the deck
 * theme's CSS custom properties (with fallbacks for standalone pages).
 */
export const baseStyles = css`
  :host {
    display: block;
    position: relative;
    box-sizing: border-box;
    margin: 0.3em auto;
    max-width: 100%;
    font-family: var(--demo-font, system-ui, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
    font-size: var(--demo-font-size, 20px);
    line-height: 1.3;
    color: var(--demo-fg, #1b1f24);
    --accent: var(--demo-accent, #0072b2);
    --muted: var(--demo-muted, #5b6470);
    --surface: var(--demo-surface, #f3f5f8);
    --border: var(--demo-border, #c9d1db);
    --good: var(--demo-good, #009e73);
    --bad: var(--demo-bad, #d55e00);
  }
  :host([hidden]) { display: none; }
  *, *::before, *::after { box-sizing: border-box; }
  .frame { position: relative; }
  .messages {
    margin: 0 0 0.4em;
    padding: 0.35em 0.6em;
    border-left: 5px solid var(--bad);
    background: color-mix(in srgb, var(--bad) 10%, white);
    font-size: 0.85em;
    list-style: none;
  }
  .messages li + li { margin-top: 0.2em; }
  .messages .note { color: var(--muted); }
  .failure {
    padding: 0.8em 1em;
    border: 2px solid var(--bad);
    border-radius: 8px;
    background: color-mix(in srgb, var(--bad) 8%, white);
  }
  .failure strong { color: var(--bad); }
  .badge {
    position: absolute;
    right: 0;
    /* Just under the box, reaching no further below it than the old 12 px badge did. */
    bottom: -16px;
    /* Readable from the back like every other text (16 px at 1280 × 720), only faint. */
    font: 16px/1 ui-monospace, SFMono-Regular, Menlo, monospace;
    color: var(--muted);
    opacity: 0.7;
    pointer-events: auto;
    user-select: none;
  }
  .row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em 0.9em; }
  .controls { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4em 0.9em; margin: 0.3em 0; }
  label { display: inline-flex; align-items: center; gap: 0.4em; }
  button {
    font: inherit;
    font-size: max(16px, 0.9em);
    padding: 0.2em 0.75em;
    border: 2px solid var(--accent);
    border-radius: 6px;
    background: white;
    color: var(--accent);
    cursor: pointer;
  }
  button.primary, button[aria-pressed='true'] { background: var(--accent); color: white; }
  button:disabled { opacity: 0.45; cursor: default; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #e69f00; outline-offset: 2px; }
  input[type='range'] { accent-color: var(--accent); width: 12em; }
  input[type='text'], input[type='number'], select {
    font: inherit;
    font-size: max(16px, 0.9em);
    padding: 0.15em 0.4em;
    border: 2px solid var(--border);
    border-radius: 6px;
  }
  .value { font-variant-numeric: tabular-nums; font-weight: 600; }
  /* Subscripts and superscripts (d_k, W_Q, x²) stay readable: the browser's "smaller" goes under 16 px. */
  sub, sup { font-size: max(16px, 0.75em); }
  .muted { color: var(--muted); }
  .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
  svg text { font-family: inherit; }
`;

/** Charts scale to their container's width, keeping their aspect ratio. */
export const chartStyles = css`
  svg.chart { display: block; max-width: 100%; height: auto; overflow: visible; }
  /* Heatmap: cells on a canvas under an SVG of labels; hover and clicks reach the canvas. */
  .heatmap-frame { position: relative; }
  .heatmap-frame canvas.cells { position: absolute; display: block; cursor: crosshair; }
  .heatmap-frame svg.heatmap { position: relative; pointer-events: none; }
  .heatmap-frame svg.heatmap .row-label { pointer-events: auto; cursor: pointer; }
  /* Chart text is sized in viewBox units: 17, so a chart drawn a few per cent under its own width still shows 16 px. */
  svg.chart .axis text { font-size: 17px; fill: currentColor; }
  svg.chart .axis path, svg.chart .axis line { stroke: currentColor; opacity: 0.5; }
`;

/**
 * Marp's on-screen page controller ("Page N of M", shown while the mouse
 * moves) floats over the slide 50 px above its bottom edge, right where
 * demos put their buttons. On deck pages it is moved down into the slide's
 * bottom padding and hidden while the pointer is over a demo (its keys and
 * clicks belong to the demo then). A constructed stylesheet, so the pages'
 * Content-Security-Policy (no inline styles) allows it. Idempotent.
 */
export function keepPageControllerOffDemos(doc: Document | undefined = globalThis.document): void {
  if (!doc?.body || (doc as Document & { __oscTamed?: boolean }).__oscTamed) return;
  (doc as Document & { __oscTamed?: boolean }).__oscTamed = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`
    body:not([data-bespoke-view='presenter']) .bespoke-marp-parent > .bespoke-marp-osc { bottom: 0 !important; }
    body[data-pointer-on-demo] .bespoke-marp-parent > .bespoke-marp-osc { opacity: 0 !important; pointer-events: none !important; }
  `);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  const isDemo = (n: EventTarget) => n instanceof HTMLElement && 'ready' in n && 'still' in n;
  doc.addEventListener('pointerover', (e) => {
    const over = e.composedPath().some(isDemo);
    if (over !== doc.body.hasAttribute('data-pointer-on-demo')) doc.body.toggleAttribute('data-pointer-on-demo', over);
  }, { passive: true });
  doc.documentElement.addEventListener('pointerleave', () => doc.body.removeAttribute('data-pointer-on-demo'), { passive: true });
}
