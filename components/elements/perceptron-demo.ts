import { css, html, nothing, svg, unsafeCSS } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette } from '../charts/colors.js';
import {
  countMistakes,
  makeClasses,
  PerceptronRun,
  randomStart,
  type Label,
  type LabelledPoint,
  type Update,
  type Weights,
} from '../models/perceptron.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  bias: param.boolean(true),
  layout: param.oneOf(['offset', 'centred'] as const, 'offset'),
  points: param.int({ fallback: 30, min: 2, max: 200 }),
  learningRate: param.number({ fallback: 1, min: 0.01, max: 5, attribute: 'learning-rate' }),
  epochs: param.int({ fallback: 0, min: 0, max: 100 }),
};

/** Epochs the still (print) state trains for at most. */
const STILL_EPOCHS = 20;
/** Milliseconds per example while playing. */
const TICK_MS = 220;
const W = 560;
const H = 440;
const M = { top: 10, right: 10, bottom: 40, left: 48 };

/** A lecturer's action, replayed in order to rebuild the state (also what sync sends). */
type Action = number | { x: [number, number]; y: Label };

const CLASS_COLOR = { 1: palette.blue, 0: palette.orange } as const;
const fmt = (v: number) => v.toFixed(2).replace('-', '−');
const vec = (v: readonly number[]) => `(${v.map(fmt).join(', ')})`;

/**
 * `<perceptron-demo>` — Rosenblatt's hand-written learning rule, example by example.
 *
 * Two seeded classes of points and the perceptron's decision line
 * w₁·x₁ + w₂·x₂ + b = 0 (shaded on the side it calls class 1). Each step shows
 * one example to the rule w ← w + η·(y − ŷ)·x (b ← b + η·(y − ŷ)): nothing
 * moves when the guess is right, the line tilts and shifts when it is wrong.
 * Mistakes are counted per epoch until a clean epoch. Click the plot to add a
 * point of the chosen class. With bias="off" the line is pinned to the origin,
 * and on the default "offset" layout it can never split the classes.
 *
 * @attr bias - "on" (default) or "off": off fixes b = 0, so the line passes through (0, 0)
 * @attr layout - "offset" (classes split by a line that misses the origin; default) or "centred" (split through the origin)
 * @attr points - number of seeded points, 2 to 200 (default 30)
 * @attr learning-rate - η, 0.01 to 5 (default 1, Rosenblatt's rule)
 * @attr epochs - epochs already run when the slide opens, 0 to 100 (default 0). Print shows training until a clean epoch (at most 20).
 * @attr seed - points, starting line and visiting order (default 42)
 * @prop weights - [w₁, w₂, b]; epochMistakes - mistakes per finished epoch; converged - a clean epoch happened
 * @prop lastUpdate - {point, yHat, error, before, delta, after} of the last example shown
 * @prop data - the points {x: [x₁, x₂], y: 0 | 1}
 * @fires perceptron-change - detail {weights, epochMistakes, converged} after each step
 * @csspart frame - the box; plot - the scatter plot; readout - the rule and numbers; controls - buttons
 * @cssprop --demo-accent - buttons
 */
export class PerceptronDemo extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 540px minmax(0, 1fr); gap: 0.2em 1.1em; align-items: start; }
      svg.plot { display: block; width: 100%; height: auto; cursor: crosshair; }
      svg.plot text { font-size: 17px; fill: currentColor; }
      .rule { font-size: 1.1em; margin-bottom: 0.25em; }
      .numbers { font-size: 0.74em; font-variant-numeric: tabular-nums; line-height: 1.45; min-height: 5.2em; }
      .numbers .wrong { color: var(--bad); font-weight: 700; }
      .numbers .right { color: var(--good); font-weight: 700; }
      .epochs { font-size: 0.8em; margin: 0.3em 0; font-variant-numeric: tabular-nums; }
      .epochs .clean { color: var(--good); font-weight: 700; }
      .stuck { color: var(--bad); font-weight: 600; font-size: 0.85em; }
      .controls button { font-size: 0.8em; }
      .hint { font-size: 0.72em; }
      .dot { display: inline-block; width: 0.75em; height: 0.75em; border-radius: 50%; vertical-align: -0.05em; background: ${unsafeCSS(palette.blue)}; box-shadow: 0 0 0 2px white; }
      .tri { display: inline-block; width: 0; height: 0; border-left: 0.42em solid transparent; border-right: 0.42em solid transparent;
        border-bottom: 0.75em solid ${unsafeCSS(palette.orange)}; vertical-align: -0.05em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _actions: { state: true },
    _addClass: { state: true },
  };

  declare bias: string | boolean | undefined;
  declare layout: string | undefined;
  declare points: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare epochs: string | number | undefined;
  /** Steps and added points since the start, in order; null = from the attributes. */
  declare _actions: Action[] | null;
  declare _addClass: Label;

  private p!: ParamValues<typeof PARAMS>;
  private runState: PerceptronRun | null = null;
  private last: Update | null = null;
  private builtKey = '';
  private readonly loop = new LoopController(this, (now) => this.tick(now));
  private lastTick = 0;

  constructor() {
    super();
    this._actions = null;
    this._addClass = 1;
  }

  get weights(): Weights | null {
    return this.runState ? [...this.runState.weights] as Weights : null;
  }
  get epochMistakes(): number[] {
    return this.runState ? [...this.runState.epochMistakes] : [];
  }
  get converged(): boolean {
    return this.runState?.converged ?? false;
  }
  get lastUpdate(): Update | null {
    return this.last;
  }
  get data(): LabelledPoint[] {
    return this.runState ? this.runState.points.map((p) => ({ x: [...p.x] as [number, number], y: p.y })) : [];
  }

  /** Shows the next example to the rule. */
  stepExample(): void {
    this.act(1);
  }

  /** A presenter's clicker shows the rule one example at a time, until an epoch is clean. */
  protected override clickerStep(): boolean {
    if (!this.runState || this.converged) return false;
    this.loop.pause();
    this.stepExample();
    return true;
  }

  /** Runs the rest of the current epoch (or a whole one). */
  runEpoch(): void {
    const run = this.runState;
    if (!run) return;
    const target = run.epoch + 1;
    let n = 0;
    // Count the steps to the end of the epoch on a throw-away replay, then record them as one action.
    const probe = this.build(this.actions).run;
    while (probe.epoch < target) {
      probe.step();
      n++;
    }
    this.act(n);
  }

  /** Adds a labelled point (a click on the plot does this with the chosen class). */
  addPoint(x1: number, x2: number, y: Label): void {
    this.act({ x: [x1, x2], y });
  }

  reset(): void {
    this.loop.pause();
    this._actions = [];
    this.publishState();
  }

  private get actions(): Action[] {
    return this._actions ?? (this.p.epochs > 0 ? [this.stepsForEpochs(this.p.epochs)] : []);
  }

  /** Steps that `epochs` whole epochs take on the seeded points (stops early at a clean epoch). */
  private stepsForEpochs(epochs: number): number {
    const { run } = this.build([]);
    let n = 0;
    while (run.epoch < epochs && !run.converged) {
      run.step();
      n++;
    }
    return n;
  }

  private act(a: Action): void {
    const list = [...this.actions];
    if (typeof a === 'number' && typeof list[list.length - 1] === 'number') list[list.length - 1] = (list[list.length - 1] as number) + a;
    else list.push(a);
    this._actions = list;
    this.publishState();
  }

  /** A fresh run on the seeded points (plus added ones) after replaying `actions`, and its last update. */
  private build(actions: Action[]): { run: PerceptronRun; last: Update | null } {
    const useBias = this.p.bias;
    const pts = makeClasses(this.rng('points'), this.p.points, this.p.layout);
    const run = new PerceptronRun(pts, {
      useBias,
      eta: this.p.learningRate,
      start: randomStart(this.rng('start'), useBias),
      rng: this.rng('order'),
    });
    let last: Update | null = null;
    for (const a of actions) {
      if (typeof a === 'number') for (let i = 0; i < a; i++) last = run.step();
      else run.addPoint({ x: [...a.x], y: a.y });
    }
    return { run, last };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (['bias', 'layout', 'points', 'learningRate', 'epochs', 'seed'].some((k) => changed.has(k))) this._actions = null;
    const actions = this.still ? [this.stillSteps()] : this.actions;
    const key = JSON.stringify([this.p, this.seed, actions]);
    if (key === this.builtKey) return;
    this.builtKey = key;
    ({ run: this.runState, last: this.last } = this.build(actions));
    this.dispatchEvent(new CustomEvent('perceptron-change', {
      detail: { weights: this.weights, epochMistakes: this.epochMistakes, converged: this.converged },
      bubbles: true,
      composed: true,
    }));
  }

  /** Print: train until a clean epoch, at most STILL_EPOCHS epochs. */
  private stillSteps(): number {
    return this.stepsForEpochs(STILL_EPOCHS);
  }

  override updated(): void {
    if (this.runState) this.markReady();
  }

  private tick(now: number): void {
    if (now - this.lastTick < TICK_MS) return;
    this.lastTick = now;
    if (this.converged || (this.runState?.epoch ?? 0) >= 100) {
      this.loop.pause();
      return;
    }
    this.stepExample();
  }

  override getSyncState(): unknown {
    return { actions: this._actions, addClass: this._addClass };
  }

  override applySyncState(state: unknown): void {
    const s = state as { actions?: unknown; addClass?: unknown } | null;
    if (s?.actions === null || Array.isArray(s?.actions)) this._actions = s.actions as Action[] | null;
    if (s?.addClass === 0 || s?.addClass === 1) this._addClass = s.addClass;
  }

  /* ----------------------------- rendering ----------------------------- */

  private scales() {
    const [lo, hi] = this.p.layout === 'offset' ? [-1, 5.5] : [-3.4, 3.4];
    return {
      x: scaleLinear().domain([lo, hi]).range([M.left, W - M.right]),
      y: scaleLinear().domain([lo, hi]).range([H - M.bottom, M.top]),
    };
  }

  private onPlotClick(event: MouseEvent): void {
    const el = event.currentTarget as SVGSVGElement;
    const box = el.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * W;
    const py = ((event.clientY - box.top) / box.height) * H;
    if (px < M.left || px > W - M.right || py < M.top || py > H - M.bottom) return;
    const { x, y } = this.scales();
    this.addPoint(Number(x.invert(px).toFixed(2)), Number(y.invert(py).toFixed(2)), this._addClass);
  }

  protected override renderDemo() {
    const run = this.runState;
    if (!run) return html`<div class="muted">drawing the points…</div>`;
    return html`<div class="layout">
      <div>${this.renderPlot(run)}</div>
      <div part="readout">
        <div class="rule">w ← w + η·(y − ŷ)·x${this.p.bias ? html`, &nbsp;b ← b + η·(y − ŷ)` : html` &nbsp;<span class="muted">(no bias: b = 0)</span>`}</div>
        ${this.renderNumbers(run)}
        ${this.renderEpochs(run)}
        ${this.renderControls()}
      </div>
    </div>`;
  }

  private renderPlot(run: PerceptronRun) {
    const { x, y } = this.scales();
    const [w1, w2, b0] = run.weights;
    const b = this.p.bias ? b0 : 0;
    const norm = Math.hypot(w1, w2);
    let boundary: ReturnType<typeof svg> | typeof nothing = nothing;
    if (norm > 1e-9) {
      // Closest point of the line to the origin, the line's direction, and a far corner on the ŷ = 1 side.
      const p0 = [(-b * w1) / norm ** 2, (-b * w2) / norm ** 2];
      const dir = [-w2 / norm, w1 / norm];
      const nrm = [w1 / norm, w2 / norm];
      const L = 100;
      const a = [p0[0] + dir[0] * L, p0[1] + dir[1] * L];
      const c = [p0[0] - dir[0] * L, p0[1] - dir[1] * L];
      const side = `M${x(a[0])},${y(a[1])}L${x(c[0])},${y(c[1])}L${x(c[0] + nrm[0] * L)},${y(c[1] + nrm[1] * L)}L${x(a[0] + nrm[0] * L)},${y(a[1] + nrm[1] * L)}Z`;
      boundary = svg`<path d=${side} fill=${palette.blue} opacity="0.09"></path>
        <line class="boundary" x1=${x(a[0])} y1=${y(a[1])} x2=${x(c[0])} y2=${y(c[1])} stroke="#111" stroke-width="3"></line>`;
    }
    const current = this.last?.point;
    const marker = (p: LabelledPoint, r: number) =>
      p.y === 1
        ? svg`<circle cx=${x(p.x[0])} cy=${y(p.x[1])} r=${r} fill=${CLASS_COLOR[1]} stroke="white" stroke-width="1.5"></circle>`
        : svg`<path d="M${x(p.x[0])},${y(p.x[1]) - r * 1.2}l${r * 1.1},${r * 1.9}h${-r * 2.2}z" fill=${CLASS_COLOR[0]} stroke="white" stroke-width="1.5"></path>`;
    return html`<svg class="plot" part="plot" viewBox="0 0 ${W} ${H}" role="img" @click=${this.onPlotClick}
        aria-label="two classes of points and the perceptron's decision line">
      <defs><clipPath id="pa"><rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom}></rect></clipPath></defs>
      <g class="axis">
        ${x.ticks(6).map((t) => svg`<text x=${x(t)} y=${H - M.bottom + 20} text-anchor="middle">${x.tickFormat(6)(t)}</text>`)}
        ${y.ticks(6).map((t) => svg`<text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${y.tickFormat(6)(t)}</text>`)}
        <text x=${(M.left + W - M.right) / 2} y=${H - 4} text-anchor="middle">x₁</text>
        <text transform="translate(14, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">x₂</text>
        <rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom} fill="none" stroke="currentColor" opacity="0.35"></rect>
      </g>
      <g clip-path="url(#pa)">
        <line x1=${x(0)} x2=${x(0)} y1=${M.top} y2=${H - M.bottom} stroke="currentColor" opacity="0.2"></line>
        <line x1=${M.left} x2=${W - M.right} y1=${y(0)} y2=${y(0)} stroke="currentColor" opacity="0.2"></line>
        ${boundary}
        ${run.points.map((p) => marker(p, 8.5))}
        ${current ? svg`<circle cx=${x(current.x[0])} cy=${y(current.x[1])} r="15" fill="none"
            stroke=${this.last!.error ? palette.vermillion : palette.green} stroke-width="3.5"></circle>` : nothing}
        <circle cx=${x(0)} cy=${y(0)} r="4" fill="#111"></circle>
        <text x=${x(0) + 7} y=${y(0) + 18} font-size="14">(0, 0)</text>
      </g>
    </svg>`;
  }

  private renderNumbers(run: PerceptronRun) {
    const u = this.last;
    if (!u) {
      return html`<div class="numbers">w = ${vec(run.weights.slice(0, 2))}${this.p.bias ? `, b = ${fmt(run.weights[2])}` : ''} &nbsp;<span class="muted">(seeded random start)</span><br />
        <span class="muted">Press ▶ or “+1 example” to show the rule one point.</span></div>`;
    }
    // w is the two input weights, b the bias: shown apart, as in the rule above.
    const bias = this.p.bias;
    return html`<div class="numbers">
      x = ${vec(u.point.x)}, &nbsp;y = ${u.point.y}, &nbsp;ŷ = ${u.yHat}
      &nbsp;→&nbsp; <span class=${u.error ? 'wrong' : 'right'}>y − ŷ = ${u.error}${u.error ? ' (mistake)' : ' (right, no change)'}</span><br />
      Δw = η·(y − ŷ)·x = ${vec(u.delta.slice(0, 2))}${bias ? `, Δb = η·(y − ŷ) = ${fmt(u.delta[2])}` : ''}<br />
      w: ${vec(u.before.slice(0, 2))} → <strong>${vec(u.after.slice(0, 2))}</strong>${bias ? html`, b: ${fmt(u.before[2])} → <strong>${fmt(u.after[2])}</strong>` : ''}
    </div>`;
  }

  private renderEpochs(run: PerceptronRun) {
    const list = run.epochMistakes;
    const wrongNow = countMistakes(run.weights, run.points, this.p.bias);
    const stuck = !this.p.bias && !run.converged && list.length >= 5;
    return html`<div class="epochs">
        Mistakes per epoch (${run.points.length} points):
        ${list.length ? list.slice(-12).map((m, i, a) => html`${i ? ' · ' : ''}<span class=${m === 0 ? 'clean' : ''}>${m}</span>`) : html`<span class="muted">none finished yet</span>`}
        ${list.length > 12 ? html` <span class="muted">(last 12 of ${list.length})</span>` : nothing}
        <br />${run.converged
          ? html`<span class="clean">Epoch ${list.length} made no mistake: the classes are split.</span>`
          : this.still
            ? html`Misclassified after ${list.length} epochs: <strong>${wrongNow}</strong> (the printed page stops here)`
            : html`Now misclassified: <strong>${wrongNow}</strong> · epoch ${run.epoch + 1} running`}
      </div>
      ${stuck ? html`<div class="stuck">No bias: the line must pass through (0, 0), and no such line splits these classes.</div>` : nothing}`;
  }

  private renderControls() {
    return html`<div class="controls" part="controls">
        <button class="primary" @click=${() => { this.loop.toggle(); }} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ play'}</button>
        <button @click=${() => this.stepExample()}>+1 example</button>
        <button @click=${() => this.runEpoch()}>+1 epoch</button>
        <button @click=${() => this.reset()}>reset</button>
      </div>
      <div class="controls">
        <span class="hint">Click adds:</span>
        <button aria-pressed=${this._addClass === 1 ? 'true' : 'false'} @click=${() => ((this._addClass = 1), this.publishState())}><span class="dot"></span> class 1</button>
        <button aria-pressed=${this._addClass === 0 ? 'true' : 'false'} @click=${() => ((this._addClass = 0), this.publishState())}><span class="tri"></span> class 0</button>
      </div>`;
  }
}
