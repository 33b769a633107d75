import { css, html } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { NYC_CASES, NYC_SOURCE, nycDate } from '../data/nyc-spring-2020.js';
import { fitSirPlain, simulateSir, SirFitter, type SirFitState, type SirRun } from '../models/sir.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';
import { chartStyles } from '../runtime/styles.js';

const PARAMS = {
  beta: param.number({ fallback: 0.3, min: 0.01, max: 3 }),
  gamma: param.number({ fallback: 0.4, min: 0.01, max: 3 }),
  population: param.number({ fallback: 250_000, min: 1_000, max: 1e9 }),
  initialInfected: param.number({ fallback: 10, min: 0.1, max: 1e6, attribute: 'initial-infected' }),
  fitDays: param.int({ fallback: NYC_CASES.length, min: 10, max: NYC_CASES.length, attribute: 'fit-days' }),
  learningRate: param.number({ fallback: 0.2, min: 0.001, max: 1, attribute: 'learning-rate' }),
};

/** Days drawn: the whole NYC series, 29 Feb – 30 Jun 2020. */
const DAYS = NYC_CASES.length;
/** A fit stops by itself after this many Adam steps. */
export const MAX_FIT_STEPS = 100;
/** Slider ranges (the attributes may start anywhere in PARAMS' wider ranges). */
const BETA_MAX = 1.5;
const GAMMA_MAX = 1;
const LOG_N = [4, 7] as const; // 10,000 … 10,000,000
const LOG_I0 = [0, 4] as const; // 1 … 10,000

interface Knobs {
  beta: number;
  gamma: number;
  population: number;
  initialInfected: number;
}

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const shortDate = (day: number) => {
  const d = new Date(`${nycDate(Math.round(day))}T00:00:00Z`);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
};

/**
 * `<sir-model>` — the SIR epidemic model against New York City's spring 2020 wave.
 *
 * Left: new cases per day from the model (RK4, one step per day) over the
 * city's confirmed daily cases. Right: S, I and R as shares of N. Sliders for
 * β, γ, the population N and the infected on day 0; R₀ = β/γ is shown and the
 * wave grows only while it is above 1. "Fit" runs Adam on log β, log γ, log I₀
 * with TensorFlow.js gradients taken through every Runge–Kutta step, until the
 * curve sits on the data, and reports the fitted R₀ and the loss.
 *
 * First screen and print: the fitted state. The attributes are the fit's
 * starting guess; the element opens on the result of the same 100 Adam steps
 * from there, computed once in plain JavaScript (float64, forward-mode
 * gradients: milliseconds, where the TensorFlow.js fit takes seconds), so the
 * wave, its curves and its R₀ are on screen before any click. "reset" puts
 * the sliders back on the attributes (the unfitted guess) to drag or fit live.
 *
 * @attr beta - transmission rate per day of the starting guess, 0.01 to 3 (default 0.3)
 * @attr gamma - recovery rate per day of the starting guess, 0.01 to 3 (default 0.4)
 * @attr population - N, 1,000 to 1e9 (default 250,000: the people the case counts could see)
 * @attr initial-infected - infected on 29 Feb 2020, 0.1 to 1e6 (default 10)
 * @attr fit-days - how many days from 29 Feb the fit uses, 10 to 123 (default 123, the whole wave)
 * @attr learning-rate - Adam step on the log-parameters, 0.001 to 1 (default 0.2)
 * @prop knobs - {beta, gamma, population, initialInfected}: the values drawn now
 * @prop r0 - number: β/γ
 * @prop run - {S, I, R, newCases}: the curves drawn (people, per day)
 * @prop fitState - {beta, gamma, initialInfected, r0, loss, rmse, step} of the current or last fit (on first
 *   screen the fit from the attributes, 100 steps), else null (after reset or a slider move)
 * @prop loss - number: relative mean squared error of the drawn curve on the fitted days
 * @method fit(steps) - runs steps of the fit now (no animation), resolves to fitState
 * @fires sir-model-change - detail {beta, gamma, population, initialInfected, r0} after a user change
 * @csspart cases - the new-cases chart; compartments - the S, I, R chart; controls - the sliders
 * @cssprop --demo-accent - buttons and sliders
 */
export class SirModel extends DemoElement {
  static override styles = [
    DemoElement.styles,
    chartStyles,
    css`
      .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1em; }
      .sliders { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.1em 1em; margin-top: 0.2em; }
      .sliders label { display: flex; flex-direction: column; align-items: stretch; gap: 0; font-size: 0.9em; }
      .sliders input[type='range'] { width: 100%; }
      .readout { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 1.1em; }
      .status { font-size: 0.8em; }
      .grows { color: var(--bad); font-weight: 700; }
      .dies { color: var(--good); font-weight: 700; }
      .source { font-size: max(16px, 0.62em); color: var(--muted); margin-top: 0.2em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _knobs: { state: true },
    _run: { state: true },
    _fit: { state: true },
  };

  declare beta: string | number | undefined;
  declare gamma: string | number | undefined;
  declare population: string | number | undefined;
  declare initialInfected: string | number | undefined;
  declare fitDays: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare _knobs: Knobs | null;
  declare _run: SirRun | null;
  declare _fit: (SirFitState & { step: number }) | null;

  private p!: ParamValues<typeof PARAMS>;
  private fitter: SirFitter | null = null;
  private readonly loop = new LoopController(this, () => this.fitFrame());
  private attrKey = '';
  private wantedKey = '';
  private shownKey = '';

  constructor() {
    super();
    this._knobs = null;
    this._run = null;
    this._fit = null;
  }

  get knobs(): Knobs {
    return { ...(this._knobs ?? this.fromParams()) };
  }

  get r0(): number {
    const k = this.knobs;
    return k.beta / k.gamma;
  }

  get run(): SirRun | null {
    return this._run;
  }

  get fitState() {
    return this._fit ? { ...this._fit } : null;
  }

  /** Relative MSE of the drawn new-cases curve on the fitted days (same definition as the fit). */
  get loss(): number | null {
    if (!this._run) return null;
    const n = this.p.fitDays;
    let se = 0;
    let ss = 0;
    for (let d = 0; d < n; d++) {
      se += (this._run.newCases[d] - NYC_CASES[d]) ** 2;
      ss += NYC_CASES[d] ** 2;
    }
    return se / ss;
  }

  private fromParams(): Knobs {
    const p = this.p ?? this.readParams(PARAMS);
    return {
      beta: p.beta,
      gamma: p.gamma,
      population: p.population,
      initialInfected: Math.min(p.initialInfected, p.population / 2),
    };
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const attrKey = JSON.stringify(this.p);
    if (attrKey !== this.attrKey) {
      // New attributes: start over from them, showing where the fit from them ends.
      this.attrKey = attrKey;
      this.stopFit();
      this.showFitted();
    }
    const key = JSON.stringify(this._knobs);
    if (key !== this.wantedKey && !this.loop.playing) {
      this.wantedKey = key;
      this.markBusy();
      const knobs = this._knobs!;
      void this.guard(() => this.simulate(key, knobs));
    }
  }

  private async simulate(key: string, k: Knobs): Promise<void> {
    await this.tf();
    const run = await simulateSir(k, DAYS);
    if (key !== this.wantedKey) return;
    this.shownKey = key;
    this._run = run;
  }

  override updated(): void {
    if (this._run && this.shownKey === this.wantedKey) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopFit();
  }

  private stopFit(): void {
    this.loop.pause();
    this.fitter = null;
  }

  /**
   * The fitted state: MAX_FIT_STEPS Adam steps from the attributes, in plain
   * JavaScript (the same loss and update as the live fit; see fitSirPlain).
   */
  private showFitted(): void {
    const start = this.fromParams();
    const fit = fitSirPlain({
      cases: NYC_CASES.slice(0, this.p.fitDays),
      population: start.population,
      start: { beta: start.beta, gamma: start.gamma, initialInfected: start.initialInfected },
      learningRate: this.p.learningRate,
    }, MAX_FIT_STEPS);
    this._fit = fit;
    this._knobs = { beta: fit.beta, gamma: fit.gamma, population: start.population, initialInfected: Math.min(fit.initialInfected, start.population / 2) };
  }

  /** Starts a fit from the current slider values. */
  private startFit(): SirFitter {
    this.stopFit();
    const k = this.knobs;
    this.fitter = new SirFitter({
      cases: NYC_CASES.slice(0, this.p.fitDays),
      population: k.population,
      start: { beta: k.beta, gamma: k.gamma, initialInfected: k.initialInfected },
      learningRate: this.p.learningRate,
    });
    this._fit = null;
    return this.fitter;
  }

  /** One animation frame of fitting: one Adam step and one read-back (loss, gradient, curves), then a redraw. */
  private async fitFrame(): Promise<void> {
    await this.tf();
    const fitter = this.fitter ?? this.startFit();
    if (fitter.steps < MAX_FIT_STEPS) {
      const { state, run } = await fitter.step(DAYS);
      if (fitter !== this.fitter) return; // reset or restarted meanwhile
      this._fit = { ...state, step: fitter.steps };
      this._knobs = { beta: state.beta, gamma: state.gamma, population: fitter.population, initialInfected: state.initialInfected };
      this._run = run;
      this.wantedKey = this.shownKey = JSON.stringify(this._knobs);
    }
    if (fitter.steps >= MAX_FIT_STEPS) {
      this.loop.pause();
      this.publishState();
    }
  }

  /** Runs `steps` fit steps now (tests, scripted demos); continues a paused fit. */
  async fit(steps: number): Promise<(SirFitState & { step: number }) | null> {
    await this.guard(async () => {
      this.loop.pause();
      const fitter = this.fitter ?? this.startFit();
      const target = Math.min(MAX_FIT_STEPS, fitter.steps + Math.max(0, Math.floor(steps)));
      while (this.fitter === fitter && fitter.steps < target) await this.fitFrame();
    });
    await this.updateComplete;
    return this.fitState;
  }

  private toggleFit(): void {
    if (this.loop.playing) {
      this.loop.pause();
    } else {
      if (!this.fitter || this.fitter.steps >= MAX_FIT_STEPS) this.startFit();
      this.loop.play();
    }
    this.changed();
  }

  private reset(): void {
    this.stopFit();
    this._fit = null;
    this._knobs = this.fromParams();
    this.changed();
  }

  private setKnob(name: keyof Knobs, value: number): void {
    this.stopFit();
    this._fit = null;
    const k = { ...this.knobs, [name]: value };
    k.initialInfected = Math.min(k.initialInfected, k.population / 2);
    this._knobs = k;
    this.changed();
  }

  private changed(): void {
    this.publishState();
    const k = this.knobs;
    this.dispatchEvent(new CustomEvent('sir-model-change', { detail: { ...k, r0: k.beta / k.gamma }, bubbles: true, composed: true }));
  }

  override getSyncState(): unknown {
    return { knobs: this.knobs, fitting: this.loop.playing };
  }

  override applySyncState(state: unknown): void {
    const s = state as { knobs?: Knobs; fitting?: boolean } | null;
    const k = s?.knobs;
    if (!k || ![k.beta, k.gamma, k.population, k.initialInfected].every((v) => typeof v === 'number' && v > 0)) return;
    if (s?.fitting) return; // the other window is fitting: its knobs arrive when it stops
    this.stopFit();
    this._knobs = { ...k };
  }

  protected override renderDemo() {
    const k = this.knobs;
    const run = this._run;
    const r0 = k.beta / k.gamma;
    const fitted = NYC_CASES.slice(0, this.p.fitDays).map((c, d) => [d, c] as const);
    const unused = NYC_CASES.slice(this.p.fitDays).map((c, d) => [d + this.p.fitDays, c] as const);
    const model = run ? run.newCases.map((c, d) => [d + 0.5, c] as const) : [];
    const peak = Math.max(...NYC_CASES);
    const casesChart = lineChart({
      series: [
        { name: 'NYC confirmed', points: fitted, style: 'dots', color: palette.blue },
        ...(unused.length ? [{ name: 'not fitted', points: unused, style: 'dots' as const, color: palette.grey }] : []),
        { name: 'SIR new cases', points: model.map(([d, c]) => [d, Math.min(c, peak * 1.6)] as const), color: palette.vermillion },
      ],
      width: 560,
      height: 280,
      xDomain: [0, DAYS],
      yDomain: [0, peak * 1.15],
      yLabel: 'new cases per day',
      formatX: shortDate,
      formatY: (v) => fmt(v),
      title: 'new cases per day: model and New York City',
    });
    const share = (xs: number[] | undefined) => (xs ?? []).map((v, d) => [d, (100 * v) / k.population] as const);
    const compartmentsChart = lineChart({
      series: [
        { name: 'S', points: share(run?.S), color: palette.blue },
        { name: 'I', points: share(run?.I), color: palette.vermillion },
        { name: 'R', points: share(run?.R), color: palette.green },
      ],
      width: 560,
      height: 280,
      xDomain: [0, DAYS],
      yDomain: [0, 100],
      yLabel: '% of N',
      formatX: shortDate,
      title: 'susceptible, infected and recovered as shares of N',
    });
    const fit = this._fit;
    const loss = fit?.loss ?? this.loss;
    return html`
      <div class="charts">
        <div part="cases">${casesChart}</div>
        <div part="compartments">${compartmentsChart}</div>
      </div>
      <div class="sliders" part="controls">
        ${this.slider('β', 'beta', k.beta, 0.01, BETA_MAX, 0.01, k.beta.toFixed(2))}
        ${this.slider('γ', 'gamma', k.gamma, 0.01, GAMMA_MAX, 0.01, k.gamma.toFixed(2))}
        ${this.logSlider('N', 'population', k.population, LOG_N, fmt(k.population))}
        ${this.logSlider('I₀ (29 Feb)', 'initialInfected', k.initialInfected, LOG_I0, fmt(k.initialInfected, k.initialInfected < 10 ? 1 : 0))}
      </div>
      <div class="readout">
        <span class="value">R₀ = β/γ = ${r0.toFixed(2)}</span>
        ${r0 > 1
          ? html`<span class="grows">&gt; 1: each case more than replaces itself, the wave grows</span>`
          : html`<span class="dies">≤ 1: the outbreak dies out</span>`}
      </div>
      <div class="controls">
        <button class="primary fit" @click=${this.toggleFit}>${this.loop.playing ? '❚❚ pause' : '▶ fit to NYC'}</button>
        <button class="reset" @click=${this.reset} title="back to the starting guess β = ${this.p.beta}, γ = ${this.p.gamma}">reset</button>
        <span class="value loss">loss ${loss == null ? '…' : loss.toFixed(3)}</span>
        ${fit
          ? html`<span class="muted status fit-status">Adam step ${fit.step}${fit.step >= MAX_FIT_STEPS ? ' (done)' : ''} · typical miss ${fmt(fit.rmse)} cases/day · fitted R₀ = ${fit.r0.toFixed(2)}</span>`
          : html`<span class="muted status">fit on ${this.p.fitDays < DAYS ? `the first ${this.p.fitDays} days (grey: not fitted)` : 'all 123 days'} · loss = mean squared miss ÷ mean squared count</span>`}
      </div>
      <div class="source">Data: ${NYC_SOURCE}, 29 Feb – 30 Jun 2020.</div>
    `;
  }

  private slider(label: string, name: keyof Knobs, value: number, min: number, max: number, step: number, shown: string) {
    return html`<label><span>${label} = <span class="value">${shown}</span></span>
      <input type="range" min=${min} max=${max} step=${step} .value=${String(Math.min(max, value))} aria-label=${name}
        @input=${(e: Event) => this.setKnob(name, Number((e.target as HTMLInputElement).value))} /></label>`;
  }

  private logSlider(label: string, name: keyof Knobs, value: number, range: readonly [number, number], shown: string) {
    const v = Math.min(range[1], Math.max(range[0], Math.log10(value)));
    return html`<label><span>${label} = <span class="value">${shown}</span></span>
      <input type="range" min=${range[0]} max=${range[1]} step="0.01" .value=${String(v)} aria-label=${name}
        @input=${(e: Event) => this.setKnob(name, Math.round(10 ** Number((e.target as HTMLInputElement).value)))} /></label>`;
  }
}
