import { css, html, nothing, svg } from 'lit';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { quantile } from 'd3-array';
import { contours } from 'd3-contour';
import { interpolateViridis } from 'd3-scale-chromatic';
import { palette } from '../charts/colors.js';
import {
  LANDSCAPES,
  LANDSCAPE_IDS,
  descend,
  sampleLandscape,
  verdict,
  type DescentRun,
  type Landscape,
  type Verdict,
} from '../models/loss-landscape.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  landscape: param.oneOf(LANDSCAPE_IDS, 'double-well'),
  // −1 = "the landscape's own good rate" (each landscape has a different scale).
  learningRate: param.number({ fallback: -1, min: 0.0001, max: 3, attribute: 'learning-rate' }),
  start: param.numbers({ fallback: [], minLength: 1, maxLength: 2 }),
  steps: param.int({ fallback: 30, min: 1, max: 200 }),
};

/** Milliseconds between revealed steps while playing. */
const TICK_MS = 320;
/** Slider range of η, on a log scale. */
const ETA_MIN = 0.001;
const ETA_MAX = 2;
/** Plot size in SVG units. */
const W = 640;
const H = 440;
const M = { top: 12, right: 24, bottom: 46, left: 62 };

interface Drawing {
  id: string;
  /** 1-D: the curve's points; 2-D: contour band paths in grid units plus their fill. */
  curve: [number, number][];
  bands: { d: string; fill: string }[];
  /** y range of the 1-D curve. */
  lossRange: [number, number];
  /** grid size of the 2-D sample. */
  n: number;
}

const VERDICT_TEXT: Record<Verdict, string> = {
  slow: 'crawls: still far from the bottom',
  converged: 'settles where the slope is 0',
  oscillating: 'overshoots: zig-zags across the valley',
  diverged: 'diverges: every step lands higher',
};

/** Compact number: 3 significant figures, real minus sign, exponent when huge or tiny. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : 'NaN';
  const a = Math.abs(v);
  const s = a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(1) : v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
  return s.replace('-', '−');
}
const vec = (v: number[]) => (v.length === 1 ? fmt(v[0]) : `(${v.map(fmt).join(', ')})`);

/** A d3-contour MultiPolygon (grid units) as an SVG path, mapped through sx, sy. */
function polygonPath(coords: number[][][][], sx: (v: number) => number, sy: (v: number) => number): string {
  return coords
    .map((poly) => poly.map((ring) => 'M' + ring.map(([gx, gy]) => `${sx(gx).toFixed(1)},${sy(gy).toFixed(1)}`).join('L') + 'Z').join(''))
    .join('');
}

/**
 * `<loss-landscape>` — gradient descent as a ball walking downhill in fog.
 *
 * A 1-D loss curve (or a 2-D surface drawn as contours) and a ball that takes
 * steps w ← w − η·∂L/∂w, the slope coming from TensorFlow.js autodiff. Click
 * anywhere on the plot to drop the ball there; the learning-rate slider (log
 * scale) and the four preset buttons show slow progress, good convergence,
 * overshoot and divergence. A table lists each step's numbers: w, ∂L/∂w,
 * η·∂L/∂w and the new w. In print the whole path of `steps` steps is shown.
 *
 * @attr landscape - "bowl" (L = w²), "double-well" (tilted, two valleys; default), "ravine" (2-D stretched bowl),
 *   "two-valleys" (2-D double well), "rosenbrock" (2-D banana valley). 1-D ones draw a curve, 2-D ones contours.
 * @attr learning-rate - η, 0.0001 to 3 (default: the landscape's "good" rate, e.g. 0.05 for double-well)
 * @attr start - where the ball starts: one number (1-D) or "w₁, w₂" (2-D); default a start chosen per landscape
 * @attr steps - steps computed and shown in print, 1 to 200 (default 30)
 * @prop run - {steps: {k, w, loss, grad, step, next, nextLoss}[], diverged}: the whole computed walk
 * @prop shown - number of steps revealed so far
 * @prop verdict - "slow" | "converged" | "oscillating" | "diverged" for the whole walk
 * @prop currentRate - η in use; currentStart - the start in use
 * @fires loss-landscape-change - detail {eta, start, verdict} after each new walk
 * @csspart frame - the box; plot - the SVG plot; table - the step table; controls - slider and buttons
 * @cssprop --demo-accent - buttons and slider
 */
export class LossLandscape extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 620px minmax(0, 1fr); gap: 0.2em 1em; align-items: start; }
      svg.plot { display: block; width: 100%; height: auto; cursor: crosshair; touch-action: none; }
      svg.plot text { font-size: 17px; fill: currentColor; }
      .rule { font-size: 1.05em; margin: 0 0 0.2em; }
      .formula { color: var(--muted); font-size: 0.85em; margin-bottom: 0.3em; }
      table { border-collapse: collapse; font-size: 0.72em; font-variant-numeric: tabular-nums; width: 100%; }
      th, td { padding: 0.12em 0.35em; text-align: right; white-space: nowrap; }
      th { border-bottom: 2px solid var(--border); font-weight: 600; }
      tr.gap td { padding: 0 0.35em; line-height: 1; color: var(--muted); }
      tr.current td { background: color-mix(in srgb, var(--accent) 12%, white); font-weight: 600; }
      .verdict { margin: 0.35em 0; font-size: 0.9em; }
      .verdict.diverged, .verdict.oscillating { color: var(--bad); font-weight: 600; }
      .verdict.converged { color: var(--good); font-weight: 600; }
      .controls { gap: 0.35em 0.6em; }
      .controls button { font-size: 0.75em; }
      .presets button { font-size: max(16px, 0.66em); padding: 0.1em 0.45em; }
      .eta { min-width: 4.6em; display: inline-block; font-size: 0.9em; }
      .hint { font-size: 0.75em; }
      input[type='range'] { width: 6.5em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _run: { state: true },
    _shown: { state: true },
    _eta: { state: true },
    _start: { state: true },
    _drawing: { state: true },
  };

  declare landscape: string | undefined;
  declare learningRate: string | number | undefined;
  declare start: string | number[] | undefined;
  declare steps: string | number | undefined;
  declare _run: (DescentRun & { key: string }) | null;
  declare _shown: number;
  /** η and start chosen by the lecturer; null = from the attributes. */
  declare _eta: number | null;
  declare _start: number[] | null;
  declare _drawing: Drawing | null;

  private p!: ParamValues<typeof PARAMS>;
  private readonly loop = new LoopController(this, (now) => this.tick(now));
  private lastTick = 0;
  private wantedKey = '';

  constructor() {
    super();
    this._run = null;
    this._shown = 0;
    this._eta = null;
    this._start = null;
    this._drawing = null;
  }

  private get land(): Landscape {
    return LANDSCAPES[this.p.landscape];
  }

  get currentRate(): number {
    return this._eta ?? (this.p.learningRate > 0 ? this.p.learningRate : this.land.etas.good);
  }

  get currentStart(): number[] {
    if (this._start) return this._start;
    return this.p.start.length === this.land.dims ? this.p.start : this.land.start;
  }

  get run(): DescentRun | null {
    return this._run ? { steps: this._run.steps, diverged: this._run.diverged } : null;
  }

  get shown(): number {
    return this._shown;
  }

  get verdict(): Verdict | null {
    return this._run ? verdict(this._run) : null;
  }

  /** Drops the ball at w (1 or 2 numbers) and replays the walk from there. */
  setStart(w: number[]): void {
    this._start = [...w];
    this.replay();
  }

  /** Sets η and replays the walk. */
  setLearningRate(eta: number): void {
    this._eta = eta;
    this.replay();
  }

  private replay(): void {
    this._shown = 0;
    this.lastTick = 0;
    this.publishState();
    if (!this.still) this.loop.play();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('landscape')) this._start = null;
    if (changed.has('landscape') || changed.has('learningRate')) this._eta = null;
    this.reportStartShape();
    const key = JSON.stringify([this.p.landscape, this.currentStart, this.currentRate, this.p.steps]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key));
    }
  }

  /**
   * A start with the wrong number of coordinates for the landscape is reported
   * in the box like any bad attribute, and the landscape's own start is used.
   * (Runs in willUpdate, so the extra message causes no second update.)
   */
  private reportStartShape(): void {
    const s = this.p.start;
    if (!s.length || s.length === this.land.dims || this._paramErrors.some((e) => e.attribute === 'start')) return;
    const expected = `${this.land.dims === 1 ? 'one number' : 'two numbers "w₁, w₂"'} for the ${this.land.id} landscape`;
    this._paramErrors = [...this._paramErrors, { attribute: 'start', got: s.join(', '), expected, kind: 'error' }];
  }

  private async compute(key: string): Promise<void> {
    await this.tf();
    const land = this.land;
    if (this._drawing?.id !== land.id) this._drawing = await this.draw(land);
    const run = await descend(land, this.currentStart, this.currentRate, this.p.steps);
    if (key !== this.wantedKey) return;
    this._run = { ...run, key };
    // Print and first view show the whole walk; a lecturer's change replays it from step 0.
    if (this.still || !this.loop.playing) this._shown = run.steps.length;
    this._shown = Math.min(this._shown, run.steps.length);
    this.dispatchEvent(new CustomEvent('loss-landscape-change', {
      detail: { eta: this.currentRate, start: this.currentStart, verdict: verdict(run) },
      bubbles: true,
      composed: true,
    }));
  }

  /** Samples the landscape once: the curve (1-D) or filled contour bands (2-D). */
  private async draw(land: Landscape): Promise<Drawing> {
    const n = land.dims === 1 ? 161 : 72;
    const { xs, values } = await sampleLandscape(land, n);
    if (land.dims === 1) {
      const curve = xs.map((x, i) => [x, values[i]] as [number, number]);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      return { id: land.id, curve, bands: [], lossRange: [lo - 0.05 * (hi - lo), hi], n };
    }
    // Thresholds at quantiles of the sampled losses: equal areas per band, whatever the scale.
    const sorted = Float64Array.from(values).sort();
    const levels = Array.from({ length: 14 }, (_, i) => quantile(sorted, (i + 1) / 15)!);
    const sx = scaleLinear().domain([0, n - 1]).range([M.left, W - M.right]);
    const sy = scaleLinear().domain([0, n - 1]).range([H - M.bottom, M.top]);
    const bands = contours().size([n, n]).thresholds(levels)(Array.from(values)).map((c, i) => ({
      d: polygonPath(c.coordinates as number[][][][], sx, sy),
      fill: interpolateViridis(0.15 + (0.85 * i) / levels.length),
    }));
    return { id: land.id, curve: [], bands, lossRange: [sorted[0], sorted[sorted.length - 1]], n };
  }

  override updated(): void {
    if (this._run && this._run.key === this.wantedKey && this._drawing?.id === this.p.landscape) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
  }

  private tick(now: number): void {
    if (!this._run || this._run.key !== this.wantedKey || now - this.lastTick < TICK_MS) return;
    this.lastTick = now;
    if (this._shown >= this._run.steps.length) {
      this.loop.pause();
      return;
    }
    this._shown++;
  }

  override getSyncState(): unknown {
    return { eta: this._eta, start: this._start, shown: this._shown, playing: this.loop.playing };
  }

  override applySyncState(state: unknown): void {
    const s = state as { eta?: unknown; start?: unknown; shown?: unknown; playing?: unknown } | null;
    if (typeof s?.eta === 'number' && s.eta > 0 && s.eta <= 3) this._eta = s.eta;
    if (Array.isArray(s?.start) && s.start.every((v) => typeof v === 'number' && Number.isFinite(v))) this._start = s.start as number[];
    if (typeof s?.shown === 'number' && Number.isInteger(s.shown) && s.shown >= 0) this._shown = s.shown;
    // The audience window animates the same replay instead of jumping to the end.
    if (s?.playing === true && !this.still) this.loop.play();
    if (s?.playing === false) this.loop.pause();
  }

  /* ----------------------------- rendering ----------------------------- */

  private scales() {
    const land = this.land;
    const x = scaleLinear().domain(land.domain[0]).range([M.left, W - M.right]);
    const yDomain = land.dims === 1 ? (this._drawing?.lossRange ?? [0, 1]) : land.domain[1];
    const y = scaleLinear().domain(yDomain).range([H - M.bottom, M.top]);
    return { x, y };
  }

  private onPlotClick(event: MouseEvent): void {
    const el = event.currentTarget as SVGSVGElement;
    const box = el.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * W;
    const py = ((event.clientY - box.top) / box.height) * H;
    if (px < M.left || px > W - M.right || py < M.top || py > H - M.bottom) return;
    const { x, y } = this.scales();
    const w1 = Number(x.invert(px).toFixed(2));
    this.setStart(this.land.dims === 1 ? [w1] : [w1, Number(y.invert(py).toFixed(2))]);
  }

  protected override renderDemo() {
    const run = this._run;
    const d = this._drawing;
    if (!run || !d) return html`<div class="muted">drawing the landscape…</div>`;
    return html`<div class="layout">
      <div>
        ${this.renderPlot(run, d)}
        <div class="muted hint">Click the plot to drop the ball somewhere else.</div>
      </div>
      <div>
        <div class="rule">w ← w − η · ∂L/∂w</div>
        <div class="formula">${this.land.formula}</div>
        ${this.renderControls()}
        ${this.renderTable(run)}
        <div class="verdict ${verdict(run)}">After ${run.steps.length} step${run.steps.length === 1 ? '' : 's'}: ${this.verdictText(run, d)}</div>
      </div>
    </div>`;
  }

  /**
   * The verdict in words. On a 1-D curve a walk that comes to rest is compared
   * with the curve's deepest point (refined between samples by a parabola):
   * resting elsewhere is a local minimum, and the text says so with both places.
   */
  private verdictText(run: DescentRun, d: Drawing): string {
    const v = verdict(run);
    if (v !== 'converged') return VERDICT_TEXT[v];
    if (this.land.dims !== 1 || d.curve.length < 3) return 'settles where the slope is 0: the floor of a valley';
    const end = run.steps[run.steps.length - 1].next[0];
    const c = d.curve;
    let i = 1;
    for (let j = 1; j < c.length - 1; j++) if (c[j][1] < c[i][1]) i = j;
    const [x0, f0] = c[i - 1];
    const [x1, f1] = c[i];
    const f2 = c[i + 1][1];
    const bend = f0 - 2 * f1 + f2;
    const deepest = bend > 0 ? x1 - ((x1 - x0) / 2) * ((f2 - f0) / bend) : x1;
    const [lo, hi] = this.land.domain[0];
    // "w ≈ 0.96" never breaks across lines (no-break spaces).
    const at = (w: number) => `w\u00a0≈\u00a0${fmt(w)}`;
    if (Math.abs(end - deepest) < 0.05 * (hi - lo)) return `settles at the bottom of the deepest valley, ${at(end)}`;
    return `stops in a valley at ${at(end)}: a local minimum. The deepest valley, at ${at(deepest)}, is never reached`;
  }

  private renderPlot(run: DescentRun, d: Drawing) {
    const land = this.land;
    const { x, y } = this.scales();
    const shown = run.steps.slice(0, this._shown);
    const pos = (w: number[], loss: number) => (land.dims === 1 ? [x(w[0]), y(loss)] : [x(w[0]), y(w[1])]);
    const trail = [
      pos(run.steps[0].w, run.steps[0].loss),
      ...shown.map((s) => pos(s.next, s.nextLoss)),
    ] as [number, number][];
    const [bx, by] = trail[trail.length - 1];
    const path = line<[number, number]>();
    const current = shown.length ? shown[shown.length - 1] : null;
    const axisLabel = land.dims === 1 ? ['w', 'loss L(w)'] : ['w₁', 'w₂'];
    const fx = (t: number) => x.tickFormat(6)(t).replace('-', '−');
    const fy = (t: number) => y.tickFormat(5)(t).replace('-', '−');
    return html`<svg class="plot" part="plot" viewBox="0 0 ${W} ${H}" role="img" @click=${this.onPlotClick}
        aria-label=${`${land.label}: gradient descent path, ${shown.length} steps shown`}>
      <defs><clipPath id="area"><rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom}></rect></clipPath></defs>
      <g class="axis">
        ${x.ticks(6).map((t) => svg`<text x=${x(t)} y=${H - M.bottom + 20} text-anchor="middle">${fx(t)}</text>`)}
        ${y.ticks(5).map((t) => svg`<text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${fy(t)}</text>`)}
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle">${axisLabel[0]}</text>
        <text transform="translate(16, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${axisLabel[1]}</text>
        <rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom} fill="none" stroke="currentColor" opacity="0.35"></rect>
      </g>
      <g clip-path="url(#area)">
        ${land.dims === 2
          ? svg`<rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom} fill=${interpolateViridis(0.05)} fill-opacity="0.45"></rect>`
          : nothing}
        ${land.dims === 1
          ? svg`<path d=${line()(d.curve.map(([w, l]) => [x(w), y(l)] as [number, number])) ?? ''} fill="none" stroke=${palette.blue} stroke-width="3"></path>`
          : d.bands.map((b) => svg`<path d=${b.d} fill=${b.fill} fill-opacity="0.55" stroke="white" stroke-width="0.8"></path>`)}
        ${land.dims === 1 && current ? this.renderTangent(current.next, current.nextLoss, x, y) : nothing}
        <path d=${path(trail) ?? ''} fill="none" stroke="white" stroke-width="6" stroke-linejoin="round" opacity="0.8"></path>
        <path d=${path(trail) ?? ''} fill="none" stroke=${palette.vermillion} stroke-width="2.5" stroke-linejoin="round"></path>
        ${trail.slice(0, -1).map(([cx, cy]) => svg`<circle cx=${cx} cy=${cy} r="4" fill=${palette.vermillion} stroke="white" stroke-width="1.5"></circle>`)}
        <circle cx=${trail[0][0]} cy=${trail[0][1]} r="6" fill=${palette.black}></circle>
        <circle class="ball" cx=${bx} cy=${by} r="11" fill=${palette.orange} stroke="#111" stroke-width="2"></circle>
      </g>
      ${run.diverged && shown.length === run.steps.length
        ? svg`<text x=${W - M.right - 8} y=${M.top + 22} text-anchor="end" fill=${palette.vermillion} font-weight="700">the ball left the map</text>`
        : nothing}
    </svg>`;
  }

  /** Short tangent at the ball: the slope the ball "feels" (1-D only). */
  private renderTangent(w: number[], loss: number, x: (v: number) => number, y: (v: number) => number) {
    const g = (this._run?.steps[this._shown]?.grad ?? [NaN])[0];
    if (!Number.isFinite(g)) return nothing;
    const span = (this.land.domain[0][1] - this.land.domain[0][0]) * 0.08;
    return svg`<line x1=${x(w[0] - span)} y1=${y(loss - g * span)} x2=${x(w[0] + span)} y2=${y(loss + g * span)}
      stroke=${palette.black} stroke-width="2" stroke-dasharray="5 4"></line>`;
  }

  private renderControls() {
    const eta = this.currentRate;
    const toSlider = (v: number) => Math.log10(v);
    const etas = this.land.etas;
    return html`<div class="controls" part="controls">
        <label>η <input type="range" min=${toSlider(ETA_MIN)} max=${toSlider(ETA_MAX)} step="0.01" .value=${String(toSlider(eta))}
          aria-label="learning rate (log scale)" @input=${(e: Event) => this.setLearningRate(Number((10 ** Number((e.target as HTMLInputElement).value)).toPrecision(2)))} /></label>
        <span class="value eta">η = ${eta}</span>
        <button class="primary" @click=${() => this.togglePlay()} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ play'}</button>
        <button @click=${() => this.stepOnce()}>+1 step</button>
      </div>
      <div class="controls presets">
        ${(['slow', 'good', 'overshoot', 'diverge'] as const).map((k) => html`<button aria-pressed=${eta === etas[k] ? 'true' : 'false'}
          @click=${() => this.setLearningRate(etas[k])}>${k} ${etas[k]}</button>`)}
      </div>`;
  }

  private togglePlay(): void {
    if (!this._run) return;
    if (!this.loop.playing && this._shown >= this._run.steps.length) this._shown = 0;
    this.loop.toggle();
    this.publishState();
  }

  /**
   * A presenter's clicker reveals the walk one step at a time. The slide opens on
   * the whole walk, so the first click starts it over from its first step.
   */
  protected override clickerStep(): boolean {
    if (!this._run || !this._run.steps.length) return false;
    this.loop.pause();
    this._shown = this._shown >= this._run.steps.length ? 1 : this._shown + 1;
    return true;
  }

  private stepOnce(): void {
    if (!this._run) return;
    this.loop.pause();
    this._shown = this._shown >= this._run.steps.length ? 0 : this._shown + 1;
    this.publishState();
  }

  /**
   * Every number of the update for the revealed steps, newest last: the last
   * six while few are shown, else the first two, a gap and the last four (so
   * a finished walk still shows how it began).
   */
  private renderTable(run: DescentRun) {
    const shown = run.steps.slice(0, this._shown);
    const rows = shown.length <= 6 ? shown : [...shown.slice(0, 2), null, ...shown.slice(-4)];
    return html`<table part="table">
      <thead><tr><th>k</th><th>w</th><th>∂L/∂w</th><th>η·∂L/∂w</th><th>new w</th></tr></thead>
      <tbody>${rows.length
        ? rows.map((s, i) => s
            ? html`<tr class=${i === rows.length - 1 ? 'current' : ''}>
                <td>${s.k + 1}</td><td>${vec(s.w)}</td><td>${vec(s.grad)}</td><td>${vec(s.step)}</td><td>${vec(s.next)}</td></tr>`
            : html`<tr class="gap"><td>⋮</td><td colspan="4"></td></tr>`)
        : html`<tr><td colspan="5" class="muted">press play or +1 step</td></tr>`}</tbody>
    </table>`;
  }
}
