import { css, html, nothing, svg, unsafeCSS } from 'lit';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { palette, series } from '../charts/colors.js';
import { contourEllipse, LeastSquares, makeLineData, quadraticDescent, type Bowl, type Point } from '../models/batch-paths.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';
import type { Rng } from '../runtime/rng.js';

const PARAMS = {
  mode: param.oneOf(['batches', 'learning-rate'] as const, 'batches'),
  learningRate: param.number({ fallback: 0.1, min: 0.001, max: 0.5, attribute: 'learning-rate' }),
  batchSize: param.int({ fallback: 32, min: 2, max: 128, attribute: 'batch-size' }),
  points: param.int({ fallback: 256, min: 32, max: 1024 }),
  epochs: param.int({ fallback: 5, min: 0, max: 30 }),
  rates: param.numbers({ fallback: [0.01, 0.9, 1.05], minLength: 1, maxLength: 4, min: 0.001, max: 1.2 }),
  steps: param.int({ fallback: 12, min: 0, max: 40 }),
  start: param.number({ fallback: 1, min: -5, max: 5 }),
};

/** Where every path starts: far from the minimum near (1.5, 0.5), so the paths have room to differ. */
const THETA0: Point = [-1.5, -1.5];
/** Milliseconds between automatic epochs (or steps) while playing. */
const TICK_MS = 700;

interface Run {
  label: string;
  batchSize: number;
  color: string;
  width: number;
  rng: Rng;
  points: Point[];
  epochEnds: number[];
  cost: number;
}

interface Problem {
  key: string;
  ls: LeastSquares;
  bowl: Bowl;
  levels: number[];
  runs: Run[];
  epochs: number;
}

const fix = (v: number, d = 2) => v.toFixed(d).replace('-', '−');

/** What the step factor 1 − 2η does on f(x) = x². */
export function describeRate(eta: number): string {
  const f = 1 - 2 * eta;
  if (Math.abs(f) > 1) return 'diverges';
  if (Math.abs(f) === 1) return 'never settles';
  if (f === 0) return 'one step to the minimum';
  if (f < 0) return 'oscillates, converges';
  return f > 0.9 ? 'slow' : 'converges';
}

/**
 * `<batch-paths>` — gradient descent with different amounts of data per step.
 *
 * mode="batches": fitting a line y = w·x + b to N seeded points; the cost over
 * (w, b) is drawn as contours and three paths run over it from the same start:
 * the full batch (one step per epoch), mini-batches, and single examples (SGD).
 * "+1 epoch" runs one more pass for all three.
 * mode="learning-rate": gradient descent on f(x) = x² for a few step sizes η,
 * where x_k = (1 − 2η)^k·x₀: slow, oscillating, or diverging.
 *
 * @attr mode - "batches" (default) or "learning-rate"
 * @attr learning-rate - step size η for mode="batches", 0.001 to 0.5 (default 0.1)
 * @attr batch-size - mini-batch size, 2 to 128 (default 32)
 * @attr points - number of data points N, 32 to 1024 (default 256)
 * @attr epochs - epochs shown at first and in print, 0 to 30 (default 5)
 * @attr rates - comma-separated η values for mode="learning-rate", 1 to 4 in (0, 1.2] (default "0.01, 0.9, 1.05")
 * @attr steps - iterations shown at first and in print, 0 to 40 (default 12)
 * @attr start - x₀ for mode="learning-rate", −5 to 5 (default 1)
 * @attr seed - data and shuffling seed (default 42)
 * @prop epochsDone - number of epochs on screen (batches)
 * @prop paths - {label, batchSize, steps, end: [w, b], cost}[] (batches)
 * @prop minimum - [w, b] of the least-squares solution (batches)
 * @prop trails - {eta, xs}[]: the iterates per learning rate (learning-rate)
 * @csspart frame - the box; plot - the contour plot or panels; controls - buttons
 * @cssprop --demo-accent - button colour
 */
export class BatchPaths extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 600px minmax(0, 1fr); gap: 0.3em 1.2em; align-items: start; }
      svg.plot { display: block; width: 100%; height: auto; max-height: 430px; }
      svg.plot text { font-size: 17px; fill: currentColor; }
      .legend { list-style: none; margin: 0.2em 0; padding: 0; }
      .legend li { margin: 0.35em 0; line-height: 1.2; }
      .swatch { display: inline-block; width: 1.4em; height: 0.45em; vertical-align: middle; margin-right: 0.4em; }
      .detail { display: block; margin-left: 1.85em; font-size: 0.8em; color: var(--muted); font-variant-numeric: tabular-nums; }
      .panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(0, 1fr)); gap: 0.6em; }
      .panel h4 { margin: 0; font-size: 0.9em; }
      .panel .verdict { font-size: 0.85em; font-variant-numeric: tabular-nums; }
      .diverges { color: ${unsafeCSS(palette.vermillion)}; font-weight: 700; }
    `,
  ];

  static override properties = { ...DemoElement.properties, ...propertiesOf(PARAMS), _problem: { state: true }, _trails: { state: true }, _wanted: { state: true } };

  declare mode: string | undefined;
  declare learningRate: string | number | undefined;
  declare batchSize: string | number | undefined;
  declare points: string | number | undefined;
  declare epochs: string | number | undefined;
  declare rates: string | number[] | undefined;
  declare steps: string | number | undefined;
  declare start: string | number | undefined;
  declare _problem: Problem | null;
  declare _trails: { key: string; steps: number; trails: { eta: number; xs: number[] }[] } | null;
  /** Epochs (batches) or iterations (learning-rate) the lecturer asked for; null = the attribute. */
  declare _wanted: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private readonly loop = new LoopController(this, (now) => this.tick(now));
  private lastTick = 0;
  private busy = false;

  constructor() {
    super();
    this._problem = null;
    this._trails = null;
    this._wanted = null;
  }

  get epochsDone(): number {
    return this._problem?.epochs ?? 0;
  }

  get minimum(): Point | null {
    return this._problem?.bowl.center ?? null;
  }

  get paths() {
    return (this._problem?.runs ?? []).map((r) => ({ label: r.label, batchSize: r.batchSize, steps: r.points.length - 1, end: r.points.at(-1), cost: r.cost }));
  }

  get trails() {
    return this._trails?.trails ?? [];
  }

  private get target(): number {
    return this._wanted ?? (this.p.mode === 'batches' ? this.p.epochs : this.p.steps);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._problem?.ls.dispose();
    this._problem = null;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    // New attributes for what is shown first: forget the lecturer's stepping.
    if (['mode', 'epochs', 'steps'].some((k) => changed.has(k))) this._wanted = null;
    // Thousands of SGD steps: compute only once the slide is shown (or printed), not at deck load.
    if (!this.isCurrent() && (this.visible || this.still)) {
      this.markBusy();
      void this.guard(() => this.compute());
    }
  }

  private problemKey(): string {
    return JSON.stringify([this.p.learningRate, this.p.batchSize, this.p.points, this.seed]);
  }

  private trailKey(): string {
    return JSON.stringify([this.p.rates, this.p.start]);
  }

  /** True when what is on screen matches the attributes and the requested count. */
  private isCurrent(): boolean {
    if (this.p.mode === 'batches') return this._problem?.key === this.problemKey() && this._problem.epochs === this.target;
    return this._trails?.key === this.trailKey() && this._trails.steps === this.target;
  }

  private async compute(): Promise<void> {
    if (this.busy || !this.isConnected) return; // the running computation re-checks when it finishes; a removed demo computes nothing
    this.busy = true;
    try {
      await this.tf();
      if (this.p.mode === 'batches') await this.computeBatches();
      else await this.computeTrails();
    } finally {
      this.busy = false;
    }
    if (!this.isCurrent()) await this.compute();
  }

  private async computeBatches(): Promise<void> {
    let prob = this._problem;
    if (!prob || prob.key !== this.problemKey() || prob.epochs > this.target) {
      prob = await this.newProblem(this.problemKey());
      // Removed while it was being built: disconnectedCallback has run, so free it here.
      if (!this.isConnected) {
        prob.ls.dispose();
        return;
      }
      this._problem?.ls.dispose();
      this._problem = prob;
    }
    while (prob.epochs < this.target && prob.key === this.problemKey()) {
      await this.advance(prob);
      this._problem = { ...prob }; // a new object so Lit redraws after every epoch
    }
  }

  private async newProblem(key: string): Promise<Problem> {
    const n = this.p.points;
    const ls = new LeastSquares(makeLineData(n, this.rng('data')));
    const bowl = await ls.bowl();
    const startCost = await ls.cost(THETA0);
    // Contour levels spaced so the fifth passes through the start.
    const levels = [0.2, 0.4, 0.6, 0.8, 1, 1.2].map((f) => bowl.minCost + (startCost - bowl.minCost) * f * f);
    const kinds = [
      { label: `Full batch (all ${n})`, batchSize: n, width: 4.5 },
      { label: `Mini-batch of ${this.p.batchSize}`, batchSize: this.p.batchSize, width: 2.5 },
      { label: 'Single example (SGD)', batchSize: 1, width: 1.2 },
    ];
    const runs: Run[] = kinds.map((k, i) => ({
      ...k,
      color: series[i],
      rng: this.rng(`shuffle:${i}`),
      points: [THETA0],
      epochEnds: [0],
      cost: startCost,
    }));
    return { key, ls, bowl, levels, runs, epochs: 0 };
  }

  /** One more epoch for every run; each run's own seeded shuffles continue where they stopped. */
  private async advance(prob: Problem): Promise<void> {
    for (const run of prob.runs) {
      const r = await prob.ls.descend(run.points[run.points.length - 1], { eta: this.p.learningRate, batchSize: run.batchSize, epochs: 1, rng: run.rng });
      run.points = [...run.points, ...r.points.slice(1)];
      run.epochEnds = [...run.epochEnds, run.points.length - 1];
      run.cost = await prob.ls.cost(run.points[run.points.length - 1]);
    }
    prob.epochs++;
  }

  private async computeTrails(): Promise<void> {
    const key = this.trailKey();
    const steps = this.target;
    const trails = await Promise.all(this.p.rates.map(async (eta) => ({ eta, xs: await quadraticDescent(this.p.start, eta, steps) })));
    this._trails = { key, steps, trails };
  }

  override updated(): void {
    if (this.isCurrent()) this.markReady();
  }

  /** While playing: one more epoch (or step) every TICK_MS, until the maximum. */
  private tick(now: number): void {
    if (now - this.lastTick < TICK_MS || !this.isCurrent()) return;
    this.lastTick = now;
    const max = this.p.mode === 'batches' ? 30 : 40;
    if (this.target >= max) {
      this.loop.pause();
      return;
    }
    this._wanted = this.target + 1;
  }

  private more(): void {
    this._wanted = Math.min(this.p.mode === 'batches' ? 30 : 40, this.target + 1);
    this.publishState();
  }

  private reset(): void {
    this.loop.pause();
    this._wanted = 0;
    this.publishState();
  }

  private reseed(): void {
    this.seed = (Number.isFinite(this.seed) ? this.seed : 42) + 1;
    this.publishState();
  }

  override getSyncState(): unknown {
    return { wanted: this.target, seed: this.seed };
  }

  override applySyncState(state: unknown): void {
    const s = state as { wanted?: unknown; seed?: unknown } | null;
    if (typeof s?.wanted === 'number' && Number.isInteger(s.wanted) && s.wanted >= 0 && s.wanted <= 40) this._wanted = s.wanted;
    if (typeof s?.seed === 'number' && Number.isFinite(s.seed)) this.seed = s.seed;
  }

  private renderControls(unit: string) {
    return html`<div class="controls" part="controls">
      <button class="primary" @click=${() => this.loop.toggle()} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ play'}</button>
      <button @click=${this.more}>+1 ${unit}</button>
      <button @click=${this.reset}>reset</button>
      ${this.p.mode === 'batches' ? html`<button @click=${this.reseed}>new shuffle (seed ${this.seed})</button>` : nothing}
    </div>`;
  }

  protected override renderDemo() {
    return this.p.mode === 'batches' ? this.renderBatches() : this.renderRates();
  }

  private renderBatches() {
    const prob = this._problem;
    if (!prob) return html`<div class="muted">preparing the data…</div>`;
    return html`<div class="layout">
        ${this.renderContours(prob)}
        <div>
          <div><strong>${prob.epochs}</strong> epoch${prob.epochs === 1 ? '' : 's'}, η = ${this.p.learningRate}, N = ${this.p.points}</div>
          <ul class="legend">${prob.runs.map((r) => html`<li>
            <svg class="swatch" viewBox="0 0 24 8" aria-hidden="true"><rect width="24" height="8" rx="2" fill=${r.color}></rect></svg>${r.label}
            <span class="detail">${r.points.length - 1} steps · cost ${fix(r.cost, 3)}</span>
          </li>`)}</ul>
          <div class="muted">minimum cost ${fix(prob.bowl.minCost, 3)} at w = ${fix(prob.bowl.center[0])}, b = ${fix(prob.bowl.center[1])}</div>
          ${this.renderControls('epoch')}
        </div>
      </div>`;
  }

  /** Contours of C(w, b) with the three paths; circles mark where each epoch ended. */
  private renderContours(prob: Problem) {
    const W = 600;
    const H = 430;
    const m = { top: 10, right: 10, bottom: 44, left: 56 };
    const [cw, cb] = prob.bowl.center;
    const x = scaleLinear().domain([Math.min(THETA0[0], cw) - 1, Math.max(THETA0[0], cw) + 1]).range([m.left, W - m.right]);
    const y = scaleLinear().domain([Math.min(THETA0[1], cb) - 1, Math.max(THETA0[1], cb) + 1]).range([H - m.bottom, m.top]);
    const path = line<Point>().x((p) => x(p[0])).y((p) => y(p[1]));
    return html`<svg class="plot" part="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="cost contours over slope w and intercept b with three descent paths">
      <defs><clipPath id="plot-area"><rect x=${m.left} y=${m.top} width=${W - m.left - m.right} height=${H - m.top - m.bottom}></rect></clipPath></defs>
      <g class="axis">
        ${x.ticks(6).map((t) => svg`<text x=${x(t)} y=${H - m.bottom + 20} text-anchor="middle">${fix(t, 0)}</text>`)}
        ${y.ticks(5).map((t) => svg`<text x=${m.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${fix(t, 0)}</text>`)}
        <text x=${(m.left + W - m.right) / 2} y=${H - 6} text-anchor="middle">slope w</text>
        <text transform="translate(16, ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">intercept b</text>
        <rect x=${m.left} y=${m.top} width=${W - m.left - m.right} height=${H - m.top - m.bottom} fill="none" stroke="currentColor" opacity="0.4"></rect>
      </g>
      <g clip-path="url(#plot-area)">
        ${prob.levels.map((l) => svg`<path d=${path(contourEllipse(prob.bowl, l)) ?? ''} fill="none" stroke=${palette.grey} stroke-width="1.2" opacity="0.8"></path>`)}
        ${[...prob.runs].reverse().map((r) => svg`<g class="run">
          <path d=${path(r.points) ?? ''} fill="none" stroke=${r.color} stroke-width=${r.width} stroke-linejoin="round" opacity="0.9"></path>
          ${r.epochEnds.slice(1).map((i) => svg`<circle cx=${x(r.points[i][0])} cy=${y(r.points[i][1])} r="5" fill="white" stroke=${r.color} stroke-width="2.5"></circle>`)}
        </g>`)}
        <circle cx=${x(THETA0[0])} cy=${y(THETA0[1])} r="6" fill=${palette.black}></circle>
        <text x=${x(THETA0[0]) + 10} y=${y(THETA0[1]) + 5}>start</text>
        <path d="M${x(cw) - 7},${y(cb) - 7}l14,14m0,-14l-14,14" stroke=${palette.black} stroke-width="3"></path>
      </g>
    </svg>`;
  }

  private renderRates() {
    const t = this._trails;
    if (!t) return html`<div class="muted">computing…</div>`;
    return html`<div class="panels" part="plot">${t.trails.map((tr) => this.renderPanel(tr.eta, tr.xs))}</div>
      <div class="muted">f(x) = x²: x<sub>k+1</sub> = x<sub>k</sub> − η·2x<sub>k</sub> = (1 − 2η)·x<sub>k</sub>, the factor. Black dot: x<sub>0</sub> = ${this.p.start}; step ${t.steps}</div>
      ${this.renderControls('step')}`;
  }

  /** One learning rate: the parabola and the zig-zag of iterates (x_k, x_k²). */
  private renderPanel(eta: number, xs: number[]) {
    const W = 320;
    const H = 230;
    const m = { top: 8, right: 8, bottom: 22, left: 8 };
    const r = Math.max(Math.abs(xs[0]) * 1.15, ...xs.map((v) => Math.abs(v) * 1.08), 0.5);
    const x = scaleLinear().domain([-r, r]).range([m.left, W - m.right]);
    const y = scaleLinear().domain([0, r * r]).range([H - m.bottom, m.top]);
    const curve = Array.from({ length: 81 }, (_, i) => -r + (2 * r * i) / 80).map((v) => [v, v * v] as Point);
    const path = line<Point>().x((p) => x(p[0])).y((p) => y(p[1]));
    const verdict = describeRate(eta);
    const last = xs[xs.length - 1];
    return html`<div class="panel">
      <h4>η = ${eta}: factor ${fix(1 - 2 * eta)}</h4>
      <svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label=${`gradient descent on x squared with learning rate ${eta}`}>
        <path d=${path(curve) ?? ''} fill="none" stroke=${palette.grey} stroke-width="2"></path>
        <line x1=${m.left} x2=${W - m.right} y1=${H - m.bottom} y2=${H - m.bottom} stroke="currentColor" opacity="0.4"></line>
        <path d=${path(xs.map((v) => [v, v * v] as Point)) ?? ''} fill="none" stroke=${palette.vermillion} stroke-width="2"></path>
        ${xs.map((v, k) => svg`<circle cx=${x(v)} cy=${y(v * v)} r=${k === 0 ? 6 : 4} fill=${k === 0 ? palette.black : palette.vermillion}></circle>`)}
        <text x=${x(0)} y=${H - 4} text-anchor="middle">0</text>
      </svg>
      <div class="verdict"><span class=${verdict === 'diverges' ? 'diverges' : ''}>${verdict}</span> · x<sub>${xs.length - 1}</sub> = ${Math.abs(last) < 1e-3 && last !== 0 ? last.toExponential(1) : fix(last, 3)}</div>
    </div>`;
  }
}
