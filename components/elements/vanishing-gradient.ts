import { css, html, svg } from 'lit';
import { scaleBand, scaleLog } from 'd3-scale';
import { palette } from '../charts/colors.js';
import { ACTIVATIONS, regimeOf, stepsToVanish, unrollGradients, type Regime, type RnnActivation } from '../models/vanishing-gradient.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const MAX_WEIGHT = 2;
const MAX_STEPS = 100;

const PARAMS = {
  weight: param.number({ fallback: 0.9, min: 0, max: MAX_WEIGHT }),
  steps: param.int({ fallback: 50, min: 1, cap: MAX_STEPS }),
  activation: param.oneOf(ACTIVATIONS, 'linear'),
  h0: param.number({ fallback: 0.5, min: -1, max: 1 }),
};

const W = 1000;
const H = 330;
const M = { top: 14, right: 16, bottom: 50, left: 84 };

/** 5.2e-3 → "5.2 × 10⁻³" (plain decimals between 0.01 and 1000). */
export function formatMagnitude(v: number): string {
  if (!Number.isFinite(v)) return 'overflow (∞)';
  if (v === 0) return '0 (underflow)';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1000) return v.toPrecision(3);
  const e = Math.floor(Math.log10(a));
  const sup = String(e).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
  return `${(v / 10 ** e).toFixed(1)} × 10${sup}`;
}

/** Axis label for a power of ten: 1, 10⁸, 10⁻¹⁶. */
function powerLabel(exponent: number): string {
  if (exponent === 0) return '1';
  return `10${String(exponent).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)])}`;
}

interface Shown {
  key: string;
  weight: number;
  activation: RnnActivation;
  gradient: number[];
  hidden: number[];
}

/**
 * `<vanishing-gradient>` — why plain RNNs forget: the gradient that reaches a
 * state n steps back is multiplied by the recurrent weight n times.
 *
 * A one-unit RNN (linear, h_t = w·h_{t−1}, or tanh) is unrolled for n steps and
 * differentiated with TensorFlow.js (backpropagation through time). Bars show
 * |∂h_n/∂h_t| for every step t on a log scale around 1: below 1 they shrink
 * towards the past (vanishing), above 1 they grow (exploding).
 *
 * @attr weight - recurrent weight w, 0 to 2 (default 0.9)
 * @attr steps - number of steps n, 1 to 100 (default 50; larger values are capped)
 * @attr activation - "linear" (gradient exactly w^n, default) or "tanh"
 * @attr h0 - initial state for tanh, −1 to 1 (default 0.5)
 * @prop gradient - number[]: gradient[s] = ∂h_n/∂h_{n−s}, s = 0 … n
 * @prop regime - "vanishing" | "stable" | "exploding": what reaches the first step
 * @prop currentWeight, currentSteps, currentActivation - the values shown
 * @fires vanishing-gradient-change - detail {weight, steps, activation, regime} after a user change
 * @csspart frame - the box; chart - the bars; controls - the sliders; readout - the sentence below
 * @cssprop --demo-accent - vanishing bars; --demo-bad - exploding bars
 */
export class VanishingGradient extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .readout { font-size: 1.05em; margin-top: 0.2em; }
      .regime { font-weight: 700; }
      .regime.vanishing { color: #005b8f; }
      .regime.exploding { color: #a84300; }
      .regime.stable { color: #00684c; }
      input[type='range'] { width: 10em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _weight: { state: true },
    _steps: { state: true },
    _activation: { state: true },
    _shown: { state: true },
  };

  declare weight: string | number | undefined;
  declare steps: string | number | undefined;
  declare activation: string | undefined;
  declare h0: string | number | undefined;
  declare _weight: number | null;
  declare _steps: number | null;
  declare _activation: RnnActivation | null;
  declare _shown: Shown | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';

  constructor() {
    super();
    this._weight = null;
    this._steps = null;
    this._activation = null;
    this._shown = null;
  }

  get currentWeight(): number {
    return this._weight ?? this.p?.weight ?? 0.9;
  }

  get currentSteps(): number {
    return this._steps ?? this.p?.steps ?? 50;
  }

  get currentActivation(): RnnActivation {
    return this._activation ?? this.p?.activation ?? 'linear';
  }

  get gradient(): number[] {
    return this._shown?.key === this.wantedKey ? [...this._shown.gradient] : [];
  }

  get regime(): Regime | null {
    const g = this.gradient;
    return g.length ? regimeOf(g[g.length - 1]) : null;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('weight')) this._weight = null;
    if (changed.has('steps')) this._steps = null;
    if (changed.has('activation')) this._activation = null;
    const opts = { weight: this.currentWeight, steps: this.currentSteps, activation: this.currentActivation, h0: this.p.h0 };
    const key = JSON.stringify(opts);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(async () => {
        await this.tf();
        const { gradient, hidden } = await unrollGradients(opts);
        if (key === this.wantedKey) this._shown = { key, weight: opts.weight, activation: opts.activation, gradient, hidden };
      });
    }
  }

  override updated(): void {
    if (this._shown?.key === this.wantedKey) this.markReady();
  }

  private userChanged(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('vanishing-gradient-change', {
      detail: { weight: this.currentWeight, steps: this.currentSteps, activation: this.currentActivation },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { weight: this.currentWeight, steps: this.currentSteps, activation: this.currentActivation };
  }

  override applySyncState(state: unknown): void {
    const s = state as { weight?: unknown; steps?: unknown; activation?: unknown } | null;
    if (typeof s?.weight === 'number' && s.weight >= 0 && s.weight <= MAX_WEIGHT) this._weight = s.weight;
    if (typeof s?.steps === 'number' && Number.isInteger(s.steps) && s.steps >= 1 && s.steps <= MAX_STEPS) this._steps = s.steps;
    if (s?.activation === 'linear' || s?.activation === 'tanh') this._activation = s.activation;
  }

  /**
   * Bars of |∂h_n/∂h_t| for t = 0 … n (the output on the right), drawn from
   * the line at 1 on a log scale whose range is symmetric around 1.
   */
  private renderChart(gradient: number[]) {
    const n = gradient.length - 1;
    const mags = gradient.map((g, s) => ({ t: n - s, v: Math.abs(g) }));
    const finite = mags.map((m) => m.v).filter((v) => v > 0 && Number.isFinite(v));
    const decades = Math.max(2, ...finite.map((v) => Math.ceil(Math.abs(Math.log10(v)))));
    const y = scaleLog().domain([10 ** -decades, 10 ** decades]).range([H - M.bottom, M.top]).clamp(true);
    const x = scaleBand<number>().domain(mags.map((m) => m.t).sort((a, b) => a - b)).range([M.left, W - M.right]).padding(0.15);
    const one = y(1);
    const yExponents = Array.from(new Set([-decades, -Math.round(decades / 2), 0, Math.round(decades / 2), decades]));
    const xTicks = x.domain().filter((t) => t % Math.max(1, Math.ceil(n / 10)) === 0 || t === n);
    const bar = (m: { t: number; v: number }) => {
      const v = Number.isFinite(m.v) ? m.v : 10 ** decades;
      const top = y(Math.max(v, 10 ** -decades));
      const color = v > 1 ? palette.vermillion : palette.blue;
      return svg`<rect x=${x(m.t)} width=${x.bandwidth()} y=${Math.min(top, one)} height=${Math.max(1, Math.abs(top - one))} fill=${color}>
        <title>t = ${m.t}: |∂hₙ/∂hₜ| = ${formatMagnitude(m.v)}</title></rect>`;
    };
    return html`<svg class="chart" part="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="gradient magnitude at each time step, log scale">
      <g class="axis">
        ${yExponents.map((e) => svg`<line x1=${M.left} x2=${W - M.right} y1=${y(10 ** e)} y2=${y(10 ** e)} opacity="0.15"></line>
          <text x=${M.left - 10} y=${y(10 ** e)} dy="0.35em" text-anchor="end" font-size="17">${powerLabel(e)}</text>`)}
        <text x=${W - M.right} y=${M.top + 16} text-anchor="end" font-size="17" fill=${palette.vermillion}>↑ exploding (&gt; 1)</text>
        <text x=${W - M.right} y=${H - M.bottom - 8} text-anchor="end" font-size="17" fill=${palette.blue}>↓ vanishing (&lt; 1)</text>
        ${xTicks.map((t) => svg`<text x=${x(t)! + x.bandwidth() / 2} y=${H - M.bottom + 20} text-anchor="middle" font-size="17">${t}</text>`)}
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle" font-size="17">time step t (the loss is read at t = ${n}, on the right)</text>
      </g>
      ${mags.map(bar)}
      <line x1=${M.left} x2=${W - M.right} y1=${one} y2=${one} stroke="currentColor" stroke-width="2"></line>
    </svg>`;
  }

  /** The sentence under the chart, about the state drawn (not a newer one still computing). */
  private renderReadout({ gradient, hidden, weight: w, activation }: Shown) {
    const n = gradient.length - 1;
    const g = gradient[n];
    const regime = regimeOf(g);
    const lin = activation === 'linear';
    const formula = lin ? html`w<sup>n</sup> = ${w.toFixed(2)}<sup>${n}</sup>` : html`Π w·(1 − h<sub>t</sub><sup>2</sup>)`;
    const vanish = lin ? stepsToVanish(w) : Infinity;
    return html`<div class="readout" part="readout">
      The signal from step 0 reaches the loss scaled by ${formula} = <span class="value">${formatMagnitude(g)}</span>:
      <span class="regime ${regime}">${regime}</span>.
      <span class="muted">${lin && Number.isFinite(vanish) ? `Below 1 % after ${vanish} steps.` : ''}
      ${!lin ? `tanh settles at h ≈ ${hidden[n].toFixed(2)}, so each step also multiplies by 1 − h² ≤ 1.` : ''}</span>
    </div>`;
  }

  protected override renderDemo() {
    const shown = this._shown;
    const w = this.currentWeight;
    return html`
      <div class="controls" part="controls">
        <label>weight w <input type="range" min="0" max=${MAX_WEIGHT} step="0.01" .value=${String(w)}
          @input=${(e: Event) => { this._weight = Number((e.target as HTMLInputElement).value); this.userChanged(); }} aria-label="recurrent weight" /></label>
        <span class="value">${w.toFixed(2)}</span>
        <label>steps n <input type="range" min="1" max=${MAX_STEPS} step="1" .value=${String(this.currentSteps)}
          @input=${(e: Event) => { this._steps = Number((e.target as HTMLInputElement).value); this.userChanged(); }} aria-label="number of steps" /></label>
        <span class="value">${this.currentSteps}</span>
        ${ACTIVATIONS.map((a) => html`<button aria-pressed=${a === this.currentActivation ? 'true' : 'false'}
          @click=${() => { this._activation = a; this.userChanged(); }}>${a === 'linear' ? 'h = w·h' : 'h = tanh(w·h)'}</button>`)}
      </div>
      ${shown ? this.renderChart(shown.gradient) : html`<div class="muted">computing…</div>`}
      ${shown ? this.renderReadout(shown) : ''}
    `;
  }
}
