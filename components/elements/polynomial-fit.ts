import { css, html } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { NYC_CASES, NYC_SOURCE, nycDate } from '../data/nyc-spring-2020.js';
import { evenlySpaced, fitPolynomials, MAX_DEGREE, normalise } from '../models/polynomial-fit.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';
import { chartStyles } from '../runtime/styles.js';

const DAYS = NYC_CASES.length;
const PEAK = Math.max(...NYC_CASES);
/** Samples along the drawn curve: enough to show the wiggles of degree 20 between dots. */
const CURVE_SAMPLES = 400;

const PARAMS = {
  degree: param.int({ fallback: 3, min: 0, max: MAX_DEGREE }),
  points: param.int({ fallback: 16, min: 2, max: DAYS }),
  maxDegree: param.int({ fallback: 15, min: 1, max: MAX_DEGREE, attribute: 'max-degree' }),
  extend: param.int({ fallback: 21, min: 0, max: 60 }),
};

/** Everything drawn for one choice of points: all degrees fitted at once. */
interface Fitted {
  key: string;
  /** Days used by the fit, and the rest (held out). */
  fitDays: number[];
  heldDays: number[];
  /** Days where the curves are sampled (the data range plus `extend` days). */
  curveDays: number[];
  /** Per degree: errors on fitted and held-out days and the sampled curve, all in cases/day. */
  fits: { degree: number; trainRmse: number; heldRmse: number; curve: number[] }[];
}

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
const shortDate = (day: number) =>
  new Date(`${nycDate(Math.round(day))}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const bends = (d: number) => (d <= 1 ? 'no bends' : d === 2 ? '1 bend' : `up to ${d - 1} bends`);

/**
 * `<polynomial-fit>` — least-squares polynomials of rising degree on New York City's spring 2020 wave.
 *
 * The fit uses `points` evenly spaced days of the real series (blue dots); the
 * other days are held out (grey). A degree slider shows each extra bend; the
 * side chart shows the error on the fitted dots falling with degree while the
 * error on the held-out days turns back up: overfitting, visible as swings
 * between the dots and beyond the last one. Fits are exact least squares
 * (orthogonal polynomials by Forsythe's recurrence, in TensorFlow.js), all degrees in one pass.
 *
 * @attr degree - starting degree, 0 to 20 (default 3)
 * @attr points - how many evenly spaced days the fit uses, 2 to 123 (default 16)
 * @attr max-degree - the slider's top, 1 to 20 and at most points − 1 (default 15)
 * @attr extend - days drawn past 30 June to show extrapolation, 0 to 60 (default 21)
 * @prop degree - the degree shown (set it, or use the slider)
 * @prop curve - number[]: the shown fit at curveDays (400 days from 29 Feb on, fractional), cases/day
 * @prop trainRmse - number: root mean squared miss on the fitted days, cases/day
 * @prop heldOutRmse - number: the same on the held-out days
 * @prop errorsByDegree - {degree, trainRmse, heldOutRmse}[] for every degree on the slider
 * @fires polynomial-fit-change - detail {degree, trainRmse, heldOutRmse} after a user change
 * @csspart fit - the main chart; errors - the error-by-degree chart; controls - the slider row
 * @cssprop --demo-accent - slider colour
 */
export class PolynomialFit extends DemoElement {
  static override styles = [
    DemoElement.styles,
    chartStyles,
    css`
      .charts { display: grid; grid-template-columns: 2fr 1fr; gap: 0 1em; align-items: start; }
      .readout { display: flex; flex-wrap: wrap; gap: 0.2em 1.2em; }
      .bad { color: var(--bad); font-weight: 700; }
      .source { font-size: max(16px, 0.62em); color: var(--muted); margin-top: 0.2em; }
      .d { min-width: 5.2em; display: inline-block; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _degree: { state: true },
    _fitted: { state: true },
  };

  declare degree: string | number | undefined;
  declare points: string | number | undefined;
  declare maxDegree: string | number | undefined;
  declare extend: string | number | undefined;
  declare _degree: number | null;
  declare _fitted: Fitted | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';

  constructor() {
    super();
    this._degree = null;
    this._fitted = null;
  }

  /** Highest degree the slider offers: a unique fit needs degree + 1 ≤ points. */
  private get topDegree(): number {
    return Math.min(this.p.maxDegree, this.p.points - 1);
  }

  get shownDegree(): number {
    return Math.min(this._degree ?? this.p.degree, this.topDegree);
  }

  private get shown() {
    return this._fitted?.fits[this.shownDegree] ?? null;
  }

  /** The shown fit at the sampled days (see curveDays), cases/day. */
  get curve(): number[] {
    return [...(this.shown?.curve ?? [])];
  }

  get curveDays(): number[] {
    return [...(this._fitted?.curveDays ?? [])];
  }

  get trainRmse(): number | null {
    return this.shown?.trainRmse ?? null;
  }

  get heldOutRmse(): number | null {
    return this.shown?.heldRmse ?? null;
  }

  get errorsByDegree() {
    return (this._fitted?.fits ?? []).map((f) => ({ degree: f.degree, trainRmse: f.trainRmse, heldOutRmse: f.heldRmse }));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('degree')) this._degree = null;
    const key = JSON.stringify([this.p.points, this.topDegree, this.p.extend]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key));
    }
  }

  /** Fits every degree up to the slider's top on the chosen days, and samples each curve. */
  private async compute(key: string): Promise<void> {
    await this.tf();
    const fitDays = evenlySpaced(DAYS, this.p.points);
    const isFit = new Set(fitDays);
    const heldDays = NYC_CASES.map((_, d) => d).filter((d) => !isFit.has(d));
    const last = DAYS - 1 + this.p.extend;
    const curveDays = Array.from({ length: CURVE_SAMPLES }, (_, j) => (j * last) / (CURVE_SAMPLES - 1));
    const t = (d: number) => normalise(d, 0, DAYS - 1);
    // Every degree in one pass, evaluated at the held-out days and along the curve.
    const fits = await fitPolynomials(fitDays.map(t), fitDays.map((d) => NYC_CASES[d] / PEAK), this.topDegree, [...heldDays, ...curveDays].map(t));
    if (key !== this.wantedKey) return;
    const rmse = (pred: number[], days: number[]) =>
      days.length ? PEAK * Math.sqrt(days.reduce((a, d, j) => a + (pred[j] - NYC_CASES[d] / PEAK) ** 2, 0) / days.length) : 0;
    this._fitted = {
      key,
      fitDays,
      heldDays,
      curveDays,
      fits: fits.at.map((values, degree) => ({
        degree,
        trainRmse: fits.rmse[degree] * PEAK,
        heldRmse: rmse(values.slice(0, heldDays.length), heldDays),
        curve: values.slice(heldDays.length).map((v) => v * PEAK),
      })),
    };
  }

  override updated(): void {
    if (this._fitted && this._fitted.key === this.wantedKey) this.markReady();
  }

  private onSlider(event: Event): void {
    this._degree = Number((event.target as HTMLInputElement).value);
    this.publishState();
    this.dispatchEvent(new CustomEvent('polynomial-fit-change', {
      detail: { degree: this.shownDegree, trainRmse: this.trainRmse, heldOutRmse: this.heldOutRmse },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { degree: this.shownDegree };
  }

  override applySyncState(state: unknown): void {
    const d = (state as { degree?: unknown } | null)?.degree;
    if (typeof d === 'number' && Number.isInteger(d) && d >= 0) this._degree = d;
  }

  protected override renderDemo() {
    const f = this._fitted;
    const shown = this.shown;
    const degree = this.shownDegree;
    const [lo, hi] = [-0.35 * PEAK, 1.35 * PEAK];
    // Off-chart stretches of the curve become gaps rather than lines drawn outside the frame.
    const inRange = (v: number) => (v >= lo && v <= hi ? v : NaN);
    const curve = f && shown ? f.curveDays.map((d, j) => [d, inRange(shown.curve[j])] as const) : [];
    const inData = curve.filter(([d]) => d <= DAYS - 1);
    const beyond = curve.filter(([d]) => d >= DAYS - 1);
    const main = lineChart({
      series: [
        { name: 'fitted days', points: (f?.fitDays ?? []).map((d) => [d, NYC_CASES[d]] as const), style: 'dots', color: palette.blue },
        { name: 'held out', points: (f?.heldDays ?? []).map((d) => [d, NYC_CASES[d]] as const), style: 'dots', color: '#b8c0ca' },
        { name: `degree ${degree}`, points: inData, color: palette.vermillion },
        { name: 'beyond the data', points: beyond, color: palette.vermillion, dashed: true },
      ],
      width: 720,
      height: 330,
      xDomain: [0, DAYS - 1 + this.p.extend],
      yDomain: [lo, hi],
      yLabel: 'cases per day',
      formatX: shortDate,
      formatY: (v) => fmt(v),
      title: `degree ${degree} polynomial through ${this.p.points} days of NYC cases`,
    });
    const errs = f?.fits ?? [];
    const cap = 0.5 * PEAK; // the error chart's ceiling: the top degrees' held-out error runs off it
    const errors = lineChart({
      series: [
        { name: 'fitted', points: errs.map((e, d) => [d, Math.min(e.trainRmse, cap)] as const), color: palette.blue },
        { name: 'held out', points: errs.map((e, d) => [d, Math.min(e.heldRmse, cap)] as const), color: palette.orange },
      ],
      width: 360,
      height: 330,
      xDomain: [0, Math.max(1, this.topDegree)],
      yDomain: [0, cap],
      xLabel: 'degree',
      yLabel: 'error, cases/day',
      formatX: (v) => (Number.isInteger(v) ? String(v) : ''),
      formatY: (v) => fmt(v),
      title: 'root mean squared error by degree',
    });
    // Overfitting: past the degree with the lowest held-out error, and clearly worse than it.
    const best = errs.reduce((b, e) => (e.heldRmse < b.heldRmse ? e : b), errs[0] ?? { degree: 0, heldRmse: Infinity });
    const overfit = !!shown && degree > best.degree && shown.heldRmse > 1.15 * best.heldRmse;
    return html`
      <div class="charts">
        <div part="fit">${main}</div>
        <div part="errors">${errors}</div>
      </div>
      <div class="controls" part="controls">
        <label>Degree
          <input type="range" min="0" max=${this.topDegree} step="1" .value=${String(degree)} @input=${this.onSlider} aria-label="degree" />
        </label>
        <span class="value d">d = ${degree}</span>
        <span class="muted">${bends(degree)}</span>
      </div>
      <div class="readout">
        <span>error on the ${this.p.points} fitted days: <span class="value train">${shown ? fmt(shown.trainRmse) : '…'}</span></span>
        <span>on the ${f?.heldDays.length ?? DAYS - this.p.points} held-out days: <span class="value held ${overfit ? 'bad' : ''}">${shown ? fmt(shown.heldRmse) : '…'}</span> cases/day</span>
        ${overfit ? html`<span class="bad">overfitting: better on the dots, worse everywhere else</span>` : ''}
      </div>
      <div class="source">Data: ${NYC_SOURCE}, 29 Feb – 30 Jun 2020.</div>
    `;
  }
}
