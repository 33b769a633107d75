import { css, html, svg } from 'lit';
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { palette } from '../charts/colors.js';
import { MAX_SHOTS, sweep, TRIALS, type Sweep } from '../models/context-learner.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  shots: param.int({ fallback: 16, min: 1, max: MAX_SHOTS }),
  dims: param.int({ fallback: 2, min: 2, max: 3 }),
  learningRate: param.number({ fallback: 1, min: 0.05, max: 2 }),
  noise: param.number({ fallback: 0.1, min: 0, max: 2 }),
};

const W = 660;
const H = 400;
const M = { top: 14, right: 20, bottom: 54, left: 78 };

export interface ContextLearnerChangeDetail {
  shots: number;
  learningRate: number;
  lsaPrediction: number;
  gdPrediction: number;
  trueY: number;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));
const sci = (v: number) => {
  if (v === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(v)));
  return `${(v / 10 ** e).toFixed(1)}·10${[...String(e)].map((c) => ({ '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' } as Record<string, string>)[c] ?? c).join('')}`;
};

/**
 * `<context-learner>` — in-context learning as one step of gradient descent
 * (von Oswald et al. 2023). A linear self-attention layer (no softmax) with
 * hand-constructed weights W_K = W_Q = [[I, 0], [0, 0]], W_V = [[0, 0], [0, −1]],
 * P = (η/N)·I reads N examples (x_j, y_j) of y = w·x + noise and a query
 * (x_q, 0); its output y-slot, sign flipped, is the query's prediction. Beside
 * it, one explicit GD step from w₀ = 0: w₁ = (η/N) Σ y_j x_j, prediction w₁·x_q.
 * The chart plots the mean squared error of both against N = 1 … 64, averaged
 * over 50 seeded tasks (each its own w, context and query); the readout gives
 * the first task's two predictions, their difference (float32 rounding) and
 * the true y. Computed at once (LSA in TensorFlow.js, GD in float64 JS); no
 * training loop, so the print state is the same as the first live screen.
 *
 * @attr shots - N, the number of in-context examples, 1 to 64 (default 16)
 * @attr dims - d, the input dimension, 2 or 3 (default 2)
 * @attr learning-rate - η of the GD step and of P = (η/N)·I, 0.05 to 2 (default 1: near-optimal for unit-variance x)
 * @attr noise - standard deviation of the label noise, 0 to 2 (default 0.1)
 * @attr seed - seeds the tasks (default the project's seed)
 * @prop shotsShown - N now; eta - η now; result - {lsaPrediction, gdPrediction, difference, trueY, lsaError, gdError} at N
 * @prop lsaError - mean squared error for N = 1 … 64 (LSA); gdError - the same for GD
 * @method setShots(n) - sets N (1 … 64); setLearningRate(eta) - sets η (0.05 … 2)
 * @fires context-learner-change - detail {shots, learningRate, lsaPrediction, gdPrediction, trueY} after a user change
 * @csspart chart - the error curve; controls - the sliders; readout - the numbers at N
 * @cssprop --demo-accent - sliders
 */
export class ContextLearner extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 660px 1fr; gap: 0 1.2em; align-items: start; }
      svg.plot { display: block; width: 660px; max-width: 100%; height: auto; }
      svg.plot text { font-size: 18px; fill: currentColor; }
      svg.plot .axis path { stroke: currentColor; }
      svg.plot .grid { stroke: currentColor; opacity: 0.12; }
      .side { font-size: max(16px, 0.85em); }
      .controls { display: flex; flex-direction: column; gap: 0.2em; }
      .controls label { display: block; }
      .controls input[type='range'] { display: block; width: 100%; min-height: 44px; margin: 0; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0.3em 0; }
      th, td { padding: 0.05em 0.5em; text-align: right; }
      th:first-child, td:first-child { text-align: left; font-weight: normal; }
      .lsa-key { color: #0072b2; } .gd-key { color: #b35a00; }
      .note { margin: 0.3em 0 0; }
      .myth { color: var(--bad); font-weight: 600; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _n: { state: true },
    _eta: { state: true },
    _sweep: { state: true },
  };

  declare shots: string | number | undefined;
  declare dims: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare noise: string | number | undefined;
  declare _n: number | null;
  declare _eta: number | null;
  declare _sweep: Sweep | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';

  constructor() {
    super();
    this._n = null;
    this._eta = null;
    this._sweep = null;
  }

  private get params() {
    return this.p ?? this.readParams(PARAMS);
  }

  get shotsShown(): number {
    return this._n ?? this.params.shots;
  }

  get eta(): number {
    return this._eta ?? this.params.learningRate;
  }

  get lsaError(): number[] {
    return this._sweep?.lsaError ?? [];
  }

  get gdError(): number[] {
    return this._sweep?.gdError ?? [];
  }

  get result() {
    const s = this._sweep;
    if (!s) return null;
    const i = this.shotsShown - 1;
    const lsaPrediction = s.lsa[i]![0]!;
    const gdPrediction = s.gd[i]![0]!;
    return {
      lsaPrediction, gdPrediction, difference: Math.abs(lsaPrediction - gdPrediction), trueY: s.tasks[0]!.yq,
      lsaError: s.lsaError[i]!, gdError: s.gdError[i]!,
    };
  }

  setShots(n: number): void {
    if (!Number.isFinite(n)) return;
    this._n = Math.min(MAX_SHOTS, Math.max(1, Math.round(n)));
    this.changed();
  }

  setLearningRate(eta: number): void {
    if (!Number.isFinite(eta)) return;
    this._eta = Math.min(2, Math.max(0.05, Math.round(eta * 100) / 100));
    this.changed();
  }

  private changed(): void {
    this.publishState();
    void this.updateComplete.then(() => {
      const r = this.result;
      if (!r) return;
      this.dispatchEvent(new CustomEvent<ContextLearnerChangeDetail>('context-learner-change', {
        detail: { shots: this.shotsShown, learningRate: this.eta, lsaPrediction: r.lsaPrediction, gdPrediction: r.gdPrediction, trueY: r.trueY },
        bubbles: true, composed: true,
      }));
    });
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('shots')) this._n = null;
    if (changed.has('learningRate')) this._eta = null;
    const key = JSON.stringify([this.seed, this.p.dims, this.p.noise, this.eta]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key));
    }
  }

  private async compute(key: string): Promise<void> {
    await this.tf();
    if (key !== this.wantedKey) return;
    const seed = Number.isFinite(this.seed) ? this.seed : this.rng().seed;
    const s = sweep(seed, this.p.dims, this.p.noise, this.eta);
    if (key !== this.wantedKey) return;
    this._sweep = s;
  }

  override updated(): void {
    const s = this._sweep;
    if (s && JSON.stringify([this.seed, s.dims, s.noise, s.eta]) === this.wantedKey) this.markReady();
  }

  override getSyncState(): unknown {
    return { n: this._n, eta: this._eta };
  }

  override applySyncState(state: unknown): void {
    const st = state as { n?: unknown; eta?: unknown } | null;
    if (st?.n === null || (typeof st?.n === 'number' && st.n >= 1 && st.n <= MAX_SHOTS)) this._n = st!.n as number | null;
    if (st?.eta === null || (typeof st?.eta === 'number' && st.eta >= 0.05 && st.eta <= 2)) this._eta = st!.eta as number | null;
  }

  protected override renderDemo() {
    const s = this._sweep;
    const r = this.result;
    const n = this.shotsShown;
    const eta = this.eta;
    return html`<div class="layout">
      <div part="chart">${s ? this.renderChart(s, n) : html`<p>computing the attention layer…</p>`}</div>
      <div class="side">
        <div class="controls" part="controls">
          <label>shots N = <span class="value shots">${n}</span>
            <input class="shots-slider" type="range" min="1" max=${MAX_SHOTS} step="1" .value=${String(n)} aria-label="number of in-context examples N"
              @input=${(e: Event) => this.setShots(Number((e.target as HTMLInputElement).value))} /></label>
          <label>learning rate η = <span class="value eta">${eta.toFixed(2)}</span>
            <input class="eta-slider" type="range" min="0.05" max="2" step="0.05" .value=${String(eta)} aria-label="learning rate eta"
              @input=${(e: Event) => this.setLearningRate(Number((e.target as HTMLInputElement).value))} /></label>
        </div>
        ${r ? html`<table part="readout" class="readout">
          <tr><th>task 1, N = ${n}</th><th>ŷ</th></tr>
          <tr><td class="lsa-key">● attention (LSA)</td><td class="value lsa">${fmt(r.lsaPrediction)}</td></tr>
          <tr><td class="gd-key">■ one GD step</td><td class="value gd">${fmt(r.gdPrediction)}</td></tr>
          <tr><td>|difference|</td><td class="value diff">${sci(r.difference)}</td></tr>
          <tr><td>true y</td><td class="value true-y">${fmt(r.trueY)}</td></tr>
          <tr><td>mean sq. error, ${TRIALS} tasks, N = ${n}</td><td class="value mse">${r.gdError.toFixed(3)}</td></tr>
        </table>` : ''}
        <p class="note">Real LLMs keep improving with many-shot prompts up to hundreds of shots (Agarwal et al. 2024):
          <span class="myth">a "peak at 5–20 shots" is wrong.</span></p>
      </div>
    </div>`;
  }

  private renderChart(s: Sweep, n: number) {
    const ns = Array.from({ length: MAX_SHOTS }, (_, i) => i + 1);
    const all = [...s.lsaError, ...s.gdError].filter((v) => v > 0);
    const lo = Math.max(1e-4, Math.min(...all));
    const hi = Math.max(...all);
    const x = scaleLinear().domain([1, MAX_SHOTS]).range([M.left, W - M.right]);
    const y = scaleLog().domain([lo / 1.3, hi * 1.3]).range([H - M.bottom, M.top]).nice();
    const path = (e: number[]) => line<number>().x((v) => x(v)).y((v) => y(Math.max(lo / 1.3, e[v - 1]!)))(ns) ?? '';
    const mantissa = (t: number) => Math.round(t / 10 ** Math.floor(Math.log10(t) + 1e-9));
    const yTicks = y.ticks().filter((t) => [1, 2, 5].includes(mantissa(t)));
    const cx = x(n);
    const cy = y(Math.max(lo / 1.3, s.gdError[n - 1]!));
    return html`<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="mean squared error of the attention layer and of one gradient step against the number of shots">
      <g class="axis">
        ${[1, 8, 16, 24, 32, 40, 48, 56, 64].map((t) => svg`<line class="grid" x1=${x(t)} x2=${x(t)} y1=${M.top} y2=${H - M.bottom}></line>
          <text x=${x(t)} y=${H - M.bottom + 22} text-anchor="middle">${t}</text>`)}
        ${yTicks.map((t) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
          <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${t >= 1 ? t.toFixed(0) : t >= 0.01 ? String(+t.toFixed(2)) : String(+t.toPrecision(1))}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle">shots N (in-context examples)</text>
        <text transform="translate(20, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">mean squared error of ŷ (log)</text>
      </g>
      <line class="current" x1=${cx} x2=${cx} y1=${M.top} y2=${H - M.bottom} stroke=${palette.grey} stroke-width="2.5" stroke-dasharray="6 4"></line>
      <path class="lsa-curve" d=${path(s.lsaError)} fill="none" stroke=${palette.blue} stroke-width="7" opacity="0.55"></path>
      <path class="gd-curve" d=${path(s.gdError)} fill="none" stroke=${palette.vermillion} stroke-width="2.5" stroke-dasharray="8 5"></path>
      <circle cx=${cx} cy=${cy} r="8" fill="white" stroke=${palette.blue} stroke-width="4"></circle>
      <rect x=${cx - 4} y=${cy - 4} width="8" height="8" fill=${palette.vermillion}></rect>
      <text x=${cx < W / 2 ? cx + 14 : cx - 14} y=${cy - 14} text-anchor=${cx < W / 2 ? 'start' : 'end'}>N = ${n}: ${s.gdError[n - 1]!.toFixed(3)}</text>
      <g transform="translate(${W - M.right - 300}, ${M.top + 8})">
        <line x1="0" x2="34" y1="0" y2="0" stroke=${palette.blue} stroke-width="7" opacity="0.55"></line>
        <text x="42" y="0" dy="0.35em">attention layer (thick)</text>
        <line x1="0" x2="34" y1="26" y2="26" stroke=${palette.vermillion} stroke-width="2.5" stroke-dasharray="8 5"></line>
        <text x="42" y="26" dy="0.35em">one GD step (dashed)</text>
      </g>
    </svg>`;
  }
}
