import { css, html } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import {
  crossing, exactMatch, FAMILY_LOG_N, perTokenAccuracy, SCALE_LAW, simulateExactMatch,
} from '../models/emergence-lens.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const MAX_K = 40;
const SLIDER_K = 30;

const PARAMS = {
  k: param.int({ fallback: 10, min: 1, max: MAX_K }),
  questions: param.int({ fallback: 200, min: 10, max: 5000 }),
};

/** The smooth curves: log10 N from 7 to 12 in 101 steps. */
const GRID = Array.from({ length: 101 }, (_, i) => 7 + (5 * i) / 100);

const SUP: Record<string, string> = { '-': '⁻', '.': '·', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const pow10 = (e: number) => `10${[...String(e)].map((ch) => SUP[ch] ?? ch).join('')}`;
/** 3.2e9 → "3.2·10⁹". */
const sci = (n: number) => {
  const e = Math.floor(Math.log10(n));
  return `${(n / 10 ** e).toFixed(1)}·${pow10(e)}`;
};

export interface EmergenceState {
  k: number;
  /** Per-token accuracy of each model of the family (log10 N in FAMILY_LOG_N). */
  perToken: number[];
  /** p^k of each model (tf.prod). */
  exact: number[];
  /** Share of `questions` seeded k-token answers that were exactly right. */
  measured: number[];
  /** The smooth curves on the grid. */
  curve: { logN: number[]; perToken: number[]; exact: number[] };
}

/**
 * `<emergence-lens>` — one smooth improvement seen through two metrics
 * (Schaeffer, Miranda & Koyejo 2023).
 *
 * A family of eleven models from 10⁷ to 10¹² parameters whose per-token
 * accuracy p rises smoothly (per-token loss a power law in N, p = e^(−L)).
 * Scored by exact match on k-token answers, the same models score p^k: a
 * flat line near zero that suddenly shoots up, the shape read as an
 * "emergent" ability. The k slider turns one into the other; at k = 1 the
 * curves coincide. Dots: exact match measured on `questions` seeded k-token
 * answers per model, each token right with probability p. The readout gives
 * where exact match passes 10 % and 50 %. Model: `models/emergence-lens.ts`
 * (p^k as tf.prod over a models × k tile). First screen and print: k = 10.
 *
 * @attr k - answer length in tokens, 1 to 40 (default 10; the slider goes to 30)
 * @attr questions - seeded answers per model for the measured dots, 10 to 5000 (default 200)
 * @attr seed - seed of the measured answers (default 42)
 * @prop state - {k, perToken, exact, measured, curve} as drawn; currentK - the k shown
 * @method setK(k) - shows answers of k tokens
 * @fires emergence-lens-change - detail {k} after a user change
 * @csspart chart - the plot; controls - the slider
 * @cssprop --demo-accent - slider colour
 */
export class EmergenceLens extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .controls input[type='range'] { width: 16em; }
      .readout { font-size: max(16px, 0.85em); margin: 0.1em 0; }
      .note { font-size: max(16px, 0.8em); color: var(--muted); }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _k: { state: true },
    _state: { state: true },
  };

  declare k: string | number | undefined;
  declare questions: string | number | undefined;
  /** k set by the slider; null = the attribute. */
  declare _k: number | null;
  declare _state: EmergenceState | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';
  private shownKey = '';

  constructor() {
    super();
    this._k = null;
    this._state = null;
  }

  get currentK(): number {
    return this._k ?? (this.p ?? this.readParams(PARAMS)).k;
  }

  get state(): EmergenceState | null {
    return this._state;
  }

  setK(k: number): void {
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) return;
    this._k = k;
    this.publishState();
    this.dispatchEvent(new CustomEvent('emergence-lens-change', { detail: { k }, bubbles: true, composed: true }));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('k')) this._k = null;
    const key = JSON.stringify([this.currentK, this.p.questions, this.seed]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      const k = this.currentK;
      const questions = this.p.questions;
      void this.guard(() => this.compute(key, k, questions));
    }
  }

  private async compute(key: string, k: number, questions: number): Promise<void> {
    await this.tf();
    const perToken = FAMILY_LOG_N.map((e) => perTokenAccuracy(10 ** e));
    const smooth = GRID.map((e) => perTokenAccuracy(10 ** e));
    const all = await exactMatch([...perToken, ...smooth], k);
    if (key !== this.wantedKey) return;
    const measured = simulateExactMatch(perToken, k, questions, this.rng(`answers-${k}`));
    this.shownKey = key;
    this._state = {
      k, perToken, exact: all.slice(0, perToken.length), measured,
      curve: { logN: GRID, perToken: smooth, exact: all.slice(perToken.length) },
    };
  }

  override updated(): void {
    if (this._state && this.shownKey === this.wantedKey) this.markReady();
  }

  override getSyncState(): unknown {
    return { k: this._k };
  }

  override applySyncState(state: unknown): void {
    const k = (state as { k?: unknown } | null)?.k;
    if (k === null || (typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= MAX_K)) this._k = k as number | null;
  }

  protected override renderDemo() {
    const s = this._state;
    if (!s) return html`<div class="muted">scoring the models…</div>`;
    const k = s.k;
    const pct = (xs: number[], at: readonly number[]) => xs.map((v, i) => [at[i]!, 100 * v] as const);
    const chart = lineChart({
      series: [
        { name: 'per-token accuracy p', points: pct(s.curve.perToken, s.curve.logN), color: palette.blue },
        { name: `exact match p${[...String(k)].map((ch) => SUP[ch] ?? ch).join('')}`, points: pct(s.curve.exact, s.curve.logN), color: palette.vermillion },
        { name: `measured on ${this.p.questions} answers`, points: pct(s.measured, FAMILY_LOG_N), color: palette.vermillion, style: 'dots' },
      ],
      width: 1100,
      height: 340,
      xDomain: [7, 12],
      yDomain: [0, 100],
      xLabel: 'model size N (parameters, log scale)',
      yLabel: 'accuracy (%)',
      formatX: (v) => (Number.isInteger(v) ? pow10(v) : ''),
      formatY: (v) => `${v}`,
      title: `per-token accuracy and exact match on ${k}-token answers against model size`,
    });
    const n10 = crossing(k, 0.1);
    const n50 = crossing(k, 0.5);
    return html`
      <div part="chart" class="chart-box">${chart}</div>
      <div class="controls" part="controls">
        <label>answer length k = <span class="value k-value">${k}</span> tokens
          <input type="range" min="1" max=${SLIDER_K} step="1" .value=${String(Math.min(SLIDER_K, k))} aria-label="answer length k"
            @input=${(e: Event) => this.setK(Number((e.target as HTMLInputElement).value))} /></label>
        <button aria-pressed=${k === 1 ? 'true' : 'false'} @click=${() => this.setK(1)}>k = 1</button>
        <button aria-pressed=${k === 10 ? 'true' : 'false'} @click=${() => this.setK(10)}>k = 10</button>
      </div>
      <div class="readout crossings">${k === 1
        ? html`k = 1: exact match <strong>is</strong> per-token accuracy; the two curves are one.`
        : html`Exact match passes 10 % at N ≈ <span class="value">${sci(n10)}</span> and 50 % at ≈ <span class="value">${sci(n50)}</span>,
          where per-token accuracy is already <span class="value">${(100 * 0.1 ** (1 / k)).toFixed(0)} %</span> and
          <span class="value">${(100 * 0.5 ** (1 / k)).toFixed(0)} %</span>.`}</div>
      <div class="note">Toy family: per-token loss (N/${sci(SCALE_LAW.c)})<sup>−${SCALE_LAW.alpha}</sup>, p = e<sup>−loss</sup>; all k tokens must be right (Schaeffer et al. 2023).</div>`;
  }
}
