import { css, html, unsafeCSS } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { RecallRace, isAha, longLagAccuracy, type GradientProfile } from '../models/rnn-recall.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  maxLag: param.int({ fallback: 20, min: 2, max: 30, attribute: 'max-lag' }),
  vocab: param.int({ fallback: 4, min: 2, max: 8 }),
  units: param.int({ fallback: 24, min: 4, max: 32 }),
  lag: param.int({ fallback: 20, min: 1, max: 30 }),
  steps: param.int({ fallback: 150, min: 10, max: 1000 }),
  learningRate: param.number({ fallback: 0.005, min: 0.0005, max: 0.05, attribute: 'learning-rate' }),
  batchSize: param.int({ fallback: 32, min: 4, max: 128, attribute: 'batch-size' }),
};

/** Held-out accuracy and the gradient profile are refreshed every this many training steps. */
const EVAL_EVERY = 15;
/** Training never goes past this many steps in total. */
const MAX_TOTAL = 1500;
/** Time per animation frame spent on training steps (at least one step a frame). */
const FRAME_MS = 40;

interface Shown {
  key: string;
  steps: number;
  accuracy: { rnn: number[]; lstm: number[] };
  lag: number;
  gradients: { rnn: GradientProfile; lstm: GradientProfile };
}

const SUP = '⁻⁰¹²³⁴⁵⁶⁷⁸⁹';
const power = (e: number) => (e === 0 ? '1' : `10${String(e).replace(/[-0-9]/g, (c) => SUP['-0123456789'.indexOf(c)]!)}`);
/** 3.2e-4 → "3 × 10⁻⁴" (plain decimals from 0.01 to 100). */
export function formatSmall(v: number): string {
  if (!Number.isFinite(v) || v <= 0) return String(v);
  if (v >= 0.01 && v < 100) return v.toPrecision(2);
  const e = Math.floor(Math.log10(v));
  return `${Math.round(v / 10 ** e)} × ${power(e)}`;
}

/**
 * `<rnn-recall>` — the puzzle of long sentences, live: a simple (tanh) RNN and
 * an LSTM, the same size, learn to recall a token across L distracting steps.
 *
 * Each sequence is a marked symbol (remember this), L random symbols from the
 * same alphabet, then a query step; the answer is the marked symbol. Both
 * networks are written with TensorFlow.js ops (`models/rnn-recall.ts`) and
 * trained on the same seeded batches (each step one lag, cycling 1 … max-lag;
 * Adam, gradient clipped to norm 1). Left: held-out accuracy at every lag
 * (chance = 1/vocab). Right: ‖∂ℓ/∂h_t‖ for every step t of a lag-L sequence
 * (t = 0 is the marked token, t = L + 1 the query), divided by its value at
 * the query, log scale: the share of the gradient that makes it back to step t;
 * dashed, the LSTM's cell state ‖∂ℓ/∂c_t‖, the additive path that stays flat.
 * Before any click it shows the untrained networks: chance accuracy, and at
 * L = 20 only ~1% of the RNN's gradient reaches the token versus ~4% of the
 * LSTM's, so the RNN's learning signal for long lags starts weaker. ▶ train
 * runs `steps` steps and pauses (press again for more). With the defaults the
 * LSTM is at 100% on every lag within ~100 steps while the RNN stays near 50%
 * on lags 11–20 (the "aha"); trained much longer, the RNN slowly catches up
 * part of the way. After training the LSTM's raw gradients are small
 * everywhere (its loss is near 0), which is why the chart normalises; its
 * h_t curve then dips (×0.09 at L = 20) while its cell-state curve stays
 * near 1 (×1.2): the memory rides on c, not on h.
 * Still state (print, PDF): `steps` seeded steps.
 *
 * @attr max-lag - longest lag trained and evaluated, 2 to 30 (default 20)
 * @attr vocab - symbols, 2 to 8 (default 4; chance = 1/vocab)
 * @attr units - hidden units of each network, 4 to 32 (default 24; not HTML's `hidden`)
 * @attr lag - the lag whose gradient profile is drawn, 1 to max-lag (default 20; the slider changes it)
 * @attr steps - training steps per ▶ and in the still state, 10 to 1000 (default 150)
 * @attr learning-rate - Adam step size, 0.0005 to 0.05 (default 0.005)
 * @attr batch-size - sequences per step, 4 to 128 (default 32)
 * @attr seed - initial weights, batches, held-out sequences (default 42)
 * @prop trainedSteps - steps done; playing - training in progress
 * @prop accuracy - {rnn, lstm}: held-out accuracy at lags 1 … max-lag (24 sequences each)
 * @prop gradients - {lag, rnn, lstm, lstmCell}: raw mean ‖∂ℓ/∂h_t‖ per step t = 0 … lag + 1 over 32 sequences (lstmCell: ‖∂ℓ/∂c_t‖)
 * @prop longLag - {rnn, lstm}: mean accuracy over the longer half of the lags
 * @prop aha - true once the LSTM is ≥ 90% on the longer half and the RNN ≥ 25 points behind; ahaStep - first step it held
 * @prop currentLag - the lag drawn
 * @fires rnn-recall-change - detail {steps, lag, longLag, aha} after each refresh
 * @csspart frame - the box; charts - the two charts; readout - the sentence under them; controls - buttons and slider
 * @cssprop --demo-accent - buttons and slider
 */
export class RnnRecall extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.2em; }
      h4 { margin: 0; font-size: 0.8em; font-weight: 600; color: var(--muted); }
      .readout { font-size: 0.85em; margin-top: 0.2em; }
      .rnn { color: ${unsafeCSS(palette.blue)}; font-weight: 700; }
      .lstm { color: #b77d00; font-weight: 700; }
      .cell { color: #c05400; font-weight: 700; }
      .hint { font-size: 0.8em; color: var(--muted); }
      input[type='range'] { width: 10em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _shown: { state: true },
    _lag: { state: true },
  };

  declare maxLag: string | number | undefined;
  declare vocab: string | number | undefined;
  declare units: string | number | undefined;
  declare lag: string | number | undefined;
  declare steps: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare batchSize: string | number | undefined;
  declare _shown: Shown | null;
  declare _lag: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private race: RecallRace | null = null;
  private raceKey = '';
  private wantedKey = '';
  /** Step count at which the loop pauses next. */
  private stopAt = 0;
  private firstAha: number | null = null;
  private readonly loop = new LoopController(this, () => this.trainFrame());

  constructor() {
    super();
    this._shown = null;
    this._lag = null;
  }

  get currentLag(): number {
    const max = this.p?.maxLag ?? 20;
    return Math.max(1, Math.min(max, this._lag ?? this.p?.lag ?? max));
  }
  get trainedSteps(): number {
    return this.race?.steps ?? 0;
  }
  get playing(): boolean {
    return this.loop.playing;
  }
  get accuracy(): { rnn: number[]; lstm: number[] } | null {
    return this._shown?.accuracy ?? null;
  }
  get gradients(): { lag: number; rnn: number[]; lstm: number[]; lstmCell: number[] } | null {
    const s = this._shown;
    return s ? { lag: s.lag, rnn: s.gradients.rnn.h, lstm: s.gradients.lstm.h, lstmCell: s.gradients.lstm.c ?? [] } : null;
  }
  get longLag(): { rnn: number; lstm: number } | null {
    const a = this.accuracy;
    return a ? { rnn: longLagAccuracy(a.rnn), lstm: longLagAccuracy(a.lstm) } : null;
  }
  get aha(): boolean {
    const a = this.accuracy;
    return a ? isAha(a) : false;
  }
  get ahaStep(): number | null {
    return this.firstAha;
  }

  /** Trains `count` more steps at once (tests, benches), then redraws. */
  async train(count: number): Promise<void> {
    const race = this.race;
    if (!race) return;
    this.markBusy();
    await race.train(Math.max(0, Math.min(count, MAX_TOTAL - race.steps)));
    await this.refresh();
  }

  play(): void {
    if (!this.race || this.race.steps >= MAX_TOTAL) return;
    this.stopAt = Math.min(MAX_TOTAL, this.race.steps + this.p.steps);
    this.loop.play();
  }

  pause(): void {
    this.loop.pause();
  }

  /** Back to the untrained networks (same seed). */
  reset(): void {
    this.loop.pause();
    this.raceKey = '';
    this.wantedKey = '';
    this.requestUpdate();
  }

  setLag(lag: number): void {
    this._lag = Math.max(1, Math.min(this.p.maxLag, Math.round(lag)));
    this.publishState();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('lag') || changed.has('maxLag')) this._lag = null;
    const raceKey = JSON.stringify([this.p.maxLag, this.p.vocab, this.p.units, this.p.learningRate, this.p.batchSize, this.seed, this.still ? this.p.steps : 0]);
    const key = JSON.stringify([raceKey, this.currentLag]);
    if (raceKey !== this.raceKey) {
      this.raceKey = raceKey;
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.build(raceKey));
    } else if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.refresh());
    }
  }

  private async build(raceKey: string): Promise<void> {
    this.loop.pause();
    await this.tf();
    if (raceKey !== this.raceKey) return;
    this.race?.dispose();
    this.firstAha = null;
    this._shown = null;
    const { maxLag, vocab, units, learningRate, batchSize } = this.p;
    this.race = new RecallRace({ task: { vocab, maxLag }, hidden: units, batch: batchSize, learningRate, seed: this.seed, evalPerLag: 24 });
    if (this.still) await this.race.train(this.p.steps);
    await this.refresh();
  }

  /** Evaluates both networks and the gradient profile at the chosen lag. */
  private async refresh(): Promise<void> {
    const race = this.race;
    if (!race) return;
    const lag = this.currentLag;
    const key = this.wantedKey;
    const [accuracy, gradients] = await Promise.all([race.accuracy(), race.gradients(lag)]);
    if (race !== this.race) return;
    if (this.firstAha === null && isAha(accuracy)) this.firstAha = race.steps;
    this._shown = { key, steps: race.steps, accuracy, lag, gradients };
    this.dispatchEvent(new CustomEvent('rnn-recall-change', {
      detail: { steps: race.steps, lag, longLag: this.longLag, aha: isAha(accuracy) }, bubbles: true, composed: true,
    }));
  }

  private async trainFrame(): Promise<void> {
    const race = this.race;
    if (!race) return;
    const t0 = performance.now();
    const until = Math.min(this.stopAt, MAX_TOTAL);
    while (race.steps < until) {
      const nextEval = Math.ceil((race.steps + 1) / EVAL_EVERY) * EVAL_EVERY;
      await race.train(1);
      if (race.steps === nextEval || performance.now() - t0 > FRAME_MS) break;
    }
    if (race.steps % EVAL_EVERY === 0 || race.steps >= until) await this.refresh();
    if (race.steps >= until) this.loop.pause();
    else this.requestUpdate();
  }

  override updated(): void {
    const s = this._shown;
    // Mid-training the last evaluated state is the one drawn (refreshed every EVAL_EVERY steps).
    if (s && s.key === this.wantedKey && s.lag === this.currentLag) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.race?.dispose();
    this.race = null;
    this.raceKey = '';
    this.wantedKey = '';
  }

  override getSyncState(): unknown {
    return { lag: this._lag };
  }

  override applySyncState(state: unknown): void {
    const s = state as { lag?: unknown } | null;
    if (s?.lag === null || (typeof s?.lag === 'number' && Number.isInteger(s.lag) && s.lag >= 1 && s.lag <= 30)) this._lag = s.lag as number | null;
  }

  /* ----------------------------- rendering ----------------------------- */

  protected override renderDemo() {
    const s = this._shown;
    if (!s || !this.race) return html`<div class="muted">building the two networks…</div>`;
    const { maxLag, vocab } = this.p;
    const chance = 1 / vocab;
    const lag = s.lag;
    const steps = this.race.steps;
    const g = s.gradients;
    // The chart shows each curve divided by its value at the query step: the share of the
    // query's gradient that reaches step t (the product of step Jacobians), so both start at 1.
    const norm = (h: number[]) => h.map((v) => v / h[h.length - 1]!);
    const nr = norm(g.rnn.h);
    const nl = norm(g.lstm.h);
    const nc = norm(g.lstm.c ?? g.lstm.h);
    const allG = [...nr, ...nl, ...nc].filter((v) => v > 0 && Number.isFinite(v));
    const lo = 10 ** Math.floor(Math.log10(Math.min(...allG)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...allG)));
    const ratio = (h: number[]) => h[0]! / h[h.length - 1]!;
    const accR = s.accuracy.rnn[lag - 1]!;
    const accL = s.accuracy.lstm[lag - 1]!;
    const long = this.longLag!;
    return html`
      <div class="charts" part="charts">
        <div>
          <h4>held-out accuracy after ${s.steps} steps, by lag L</h4>
          ${lineChart({
            series: [
              { name: 'simple RNN', points: s.accuracy.rnn.map((v, i) => [i + 1, v] as const), color: palette.blue },
              { name: 'LSTM', points: s.accuracy.lstm.map((v, i) => [i + 1, v] as const), color: palette.orange },
            ],
            width: 470, height: 250, xDomain: [1, maxLag], yDomain: [0, 1.3],
            xLabel: 'lag L (distractors between token and query)', yLabel: 'accuracy',
            marks: [{ y: chance, label: `chance ${Math.round(chance * 100)}%` }],
            formatY: (v) => (v <= 1 ? `${Math.round(v * 100)}%` : ''),
            title: 'accuracy by lag for the simple RNN and the LSTM',
          })}
        </div>
        <div>
          <h4>‖∂ℓ/∂h<sub>t</sub>‖ ÷ its value at the query, L = ${lag}</h4>
          ${lineChart({
            series: [
              { name: 'RNN h', points: nr.map((v, t) => [t, v] as const), color: palette.blue },
              { name: 'LSTM h', points: nl.map((v, t) => [t, v] as const), color: palette.orange },
              { name: 'LSTM cell c', points: nc.map((v, t) => [t, v] as const), color: palette.vermillion, dashed: true },
            ],
            width: 470, height: 250, xDomain: [0, lag + 1], yDomain: [lo, hi * 100], yLog: true,
            xLabel: 'step t (0 = the token, L + 1 = the query)', yLabel: 'share reaching t',
            formatY: (v) => {
              const e = Math.round(Math.log10(v));
              return Math.abs(Math.log10(v) - e) < 1e-6 && 10 ** e <= hi ? power(e) : '';
            },
            formatX: (v) => (Number.isInteger(v) ? String(v) : ''),
            title: 'gradient norm per step for the simple RNN and the LSTM',
          })}
        </div>
      </div>
      <div class="readout" part="readout">
        At L = <span class="value">${lag}</span>:
        <span class="rnn">RNN ${Math.round(accR * 100)}%</span>, <span class="lstm">LSTM ${Math.round(accL * 100)}%</span> correct;
        lags ${Math.floor(maxLag / 2) + 1}–${maxLag}: <span class="rnn">${Math.round(long.rnn * 100)}%</span> vs
        <span class="lstm">${Math.round(long.lstm * 100)}%</span>.
        From the query back to the token the gradient changes
        <span class="rnn">×${formatSmall(ratio(g.rnn.h))}</span> (RNN h), <span class="lstm">×${formatSmall(ratio(g.lstm.h))}</span> (LSTM h)
        and <span class="cell">×${formatSmall(ratio(g.lstm.c ?? g.lstm.h))}</span> (LSTM cell c).
      </div>
      <div class="controls" part="controls">
        <button class="primary" @click=${() => (this.loop.playing ? this.pause() : this.play())} ?disabled=${this.still || steps >= MAX_TOTAL}>
          ${this.loop.playing ? '❚❚ pause' : steps === 0 ? '▶ train' : '▶ train more'}</button>
        <button @click=${() => this.reset()} ?disabled=${this.still}>reset</button>
        <label>lag L <input type="range" min="1" max=${maxLag} step="1" .value=${String(lag)} aria-label="lag L"
          @input=${(e: Event) => this.setLag(Number((e.target as HTMLInputElement).value))} /></label>
        <span class="value">${lag}</span>
        <span class="hint">step ${steps}${this.loop.playing ? ` → ${this.stopAt}` : ''} · chance ${Math.round(chance * 100)}%</span>
      </div>
    `;
  }
}
