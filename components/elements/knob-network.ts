import { css, html } from 'lit';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { NYC_CASES, NYC_SOURCE, nycDate } from '../data/nyc-spring-2020.js';
import { KnobNetwork as KnobModel, MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS } from '../models/knob-network.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';
import { chartStyles } from '../runtime/styles.js';

const DAYS = NYC_CASES.length;
const PEAK = Math.max(...NYC_CASES);
/**
 * The wave as the network sees it: t ∈ [−1, 1] over the 123 days and y ∈ [−1, 1]
 * (0 cases ↦ −1, the peak ↦ +1), zero-centred like its random start.
 */
const T = NYC_CASES.map((_, d) => (2 * d) / (DAYS - 1) - 1);
const Y = NYC_CASES.map((c) => (2 * c) / PEAK - 1);
const toCases = (y: number) => ((y + 1) / 2) * PEAK;
const CURVE_DAYS = Array.from({ length: 160 }, (_, j) => (j * (DAYS - 1)) / 159);
const CURVE_T = CURVE_DAYS.map((d) => (2 * d) / (DAYS - 1) - 1);
/** α values where the walk's loss is drawn. */
const WALK = Array.from({ length: 51 }, (_, j) => j / 50);
/** Optimiser steps per training chunk (one read-back each). */
const CHUNK = 25;

const PARAMS = {
  layers: param.numbers({ fallback: [16, 16], minLength: 1, maxLength: MAX_HIDDEN_LAYERS, min: 1, max: MAX_HIDDEN_UNITS }),
  alpha: param.number({ fallback: 0, min: 0, max: 1 }),
  learningRate: param.number({ fallback: 0.03, min: 0.0001, max: 1, attribute: 'learning-rate' }),
  trainSteps: param.int({ fallback: 200, min: 1, cap: 3000, attribute: 'train-steps' }),
};

interface View {
  key: string;
  alpha: number | null; // null while gradient descent is walking its own path
  loss: number;
  curve: number[];
  walk: number[];
  steps: number;
}

const shortDate = (day: number) =>
  new Date(`${nycDate(Math.round(day))}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * `<knob-network>` — "drag the knob": a small tanh network f(t) fitted to New York City's spring 2020 wave.
 *
 * The network (1 → hidden → 1, seeded random start θ₀) is trained by Adam for
 * `train-steps` steps to θ*. One slider α moves every weight at once along
 * θ(α) = θ₀ + α·(θ* − θ₀); the curve and the loss update live, and a side
 * chart shows the loss along the whole walk. "Train" puts the knobs back at θ₀
 * and lets gradient descent walk its own path, drawn frame by frame.
 *
 * @attr layers - hidden layer widths, e.g. "16,16" (1 to 4 hidden layers of 1 to 64 units; default 16,16)
 * @attr alpha - where the slider starts, 0 (random knobs) to 1 (trained knobs); default 0. The still
 *   state (print, PDF, previews) is always α = 1, the trained knobs
 * @attr learning-rate - Adam learning rate (default 0.03)
 * @attr train-steps - Adam steps from θ₀ to θ* (default 200, capped at 3000)
 * @attr seed - the random start θ₀ (default 42)
 * @prop currentAlpha - number | null: the α shown (null while training live)
 * @prop loss - number: mean squared error of the shown curve (counts scaled so 0 ↦ −1, peak ↦ +1)
 * @prop walkLosses - number[]: loss at α = 0, 0.02, …, 1
 * @prop curve - number[]: f at 160 evenly spaced days, in cases/day
 * @prop knobCount - number: weights and biases
 * @prop steps - number: optimiser steps behind the trained knobs shown
 * @method setAlpha(a) - moves every knob to θ(a); resolves when drawn
 * @method trainFromStart(steps) - gradient descent from θ₀ for steps now; θ* becomes the result
 * @fires knob-network-change - detail {alpha, loss} after a user change
 * @csspart curve - the fit chart; walk - the loss-along-α chart; controls - slider and buttons
 * @cssprop --demo-accent - slider and buttons
 */
export class KnobNetwork extends DemoElement {
  static override styles = [
    DemoElement.styles,
    chartStyles,
    css`
      .charts { display: grid; grid-template-columns: 2fr 1fr; gap: 0 1em; align-items: start; }
      .knob { display: flex; align-items: center; gap: 0.6em; }
      .knob input[type='range'] { width: 22em; }
      .ends { color: var(--muted); font-size: 0.85em; }
      .readout { display: flex; flex-wrap: wrap; gap: 0.2em 1.2em; }
      .source { font-size: max(16px, 0.62em); color: var(--muted); margin-top: 0.2em; }
      .a { min-width: 5.4em; display: inline-block; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _view: { state: true },
    _progress: { state: true },
  };

  declare layers: string | number[] | undefined;
  declare alpha: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare trainSteps: string | number | undefined;
  declare _view: View | null;
  declare _progress: string | null;

  private p!: ParamValues<typeof PARAMS>;
  private net: KnobModel | null = null;
  private netKey = '';
  private wantedAlpha = 0;
  private shownStill = false;
  private walk: number[] = [];
  private readonly loop = new LoopController(this, () => this.trainFrame());

  constructor() {
    super();
    this._view = null;
    this._progress = null;
  }

  get currentAlpha(): number | null {
    return this._view ? this._view.alpha : null;
  }

  get loss(): number | null {
    return this._view?.loss ?? null;
  }

  get walkLosses(): number[] {
    return [...this.walk];
  }

  get curve(): number[] {
    return (this._view?.curve ?? []).map(toCases);
  }

  get knobCount(): number {
    return this.net?.parameterCount ?? 0;
  }

  get steps(): number {
    return this._view?.steps ?? 0;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    const key = JSON.stringify([this.p.layers, this.p.learningRate, this.p.trainSteps, this.seed]);
    if (key !== this.netKey) {
      this.netKey = key;
      // Printed (and in previews) the knobs are trained: α = 1, the curve on the data.
      this.wantedAlpha = this.still ? 1 : this.p.alpha;
      this.markBusy();
      void this.guard(() => this.prepare(key));
    } else if (changed.has('alpha')) {
      void this.setAlpha(this.still ? 1 : this.p.alpha);
    } else if (this.still !== this.shownStill && this.still) {
      void this.setAlpha(1); // printing or previewed: the trained knobs
    }
    this.shownStill = this.still;
  }

  /** Builds the network and trains θ* in chunks, yielding between them so the page stays responsive. */
  private async prepare(key: string): Promise<void> {
    await this.tf();
    this.loop.pause();
    this.net?.dispose();
    const net = new KnobModel(T, Y, { hidden: this.p.layers.map(Math.round), seed: this.seed, learningRate: this.p.learningRate });
    this.net = net;
    this._view = null;
    this.walk = [];
    while (net.steps < this.p.trainSteps) {
      const loss = net.trainSteps(Math.min(CHUNK, this.p.trainSteps - net.steps));
      const [value] = await loss.data(); // one read-back per chunk
      loss.dispose();
      if (this.net !== net) return; // rebuilt meanwhile
      // On the CPU backends data() resolves at once: give the page a turn (input, paint, other demos) between chunks.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.net !== net) return;
      this._progress = `training the end point θ*: step ${net.steps} of ${this.p.trainSteps}, loss ${value.toFixed(4)}`;
    }
    net.markTrained();
    this._progress = null;
    await this.show(key, this.wantedAlpha);
  }

  /** Puts the knobs at θ(α), reads the curve, loss and (if needed) the walk back, and draws. */
  private async show(key: string, alpha: number): Promise<void> {
    const net = this.net;
    if (!net) return;
    net.setAlpha(alpha);
    const [now, walk] = await Promise.all([net.evaluate(CURVE_T), this.walk.length ? Promise.resolve(this.walk) : net.lossAlongWalk(WALK)]);
    if (net !== this.net || key !== this.netKey) return;
    this.walk = walk;
    this._view = { key, alpha, loss: now.loss, curve: now.curve, walk, steps: net.steps };
  }

  /** Moves every knob to θ(a) and resolves once it is drawn. */
  async setAlpha(a: number): Promise<void> {
    const alpha = Math.min(1, Math.max(0, a));
    this.wantedAlpha = alpha;
    if (!this.net || this._progress || this.loop.playing) return;
    this.markBusy();
    await this.guard(() => this.show(this.netKey, alpha));
    await this.updateComplete;
  }

  /** One animation frame of live gradient descent from θ₀. */
  private async trainFrame(steps = 4): Promise<void> {
    const net = this.net;
    if (!net) return;
    const n = Math.min(steps, this.p.trainSteps - net.steps);
    if (n > 0) net.trainSteps(n).dispose();
    const now = await net.evaluate(CURVE_T); // the frame's one read-back
    if (net !== this.net) return;
    this._view = { key: this.netKey, alpha: null, loss: now.loss, curve: now.curve, walk: this.walk, steps: net.steps };
    if (net.steps >= this.p.trainSteps) await this.finishTraining();
  }

  /** Gradient descent's end point becomes θ*: the walk is redrawn and the slider sits at α = 1. */
  private async finishTraining(): Promise<void> {
    this.loop.pause();
    this.net!.markTrained();
    this.walk = [];
    this.wantedAlpha = 1;
    await this.show(this.netKey, 1);
    this.publishState();
  }

  /** Runs gradient descent from θ₀ for `steps` steps now (tests, scripted demos). */
  async trainFromStart(steps: number): Promise<void> {
    await this.guard(async () => {
      await this.ready;
      this.net!.resetToStart();
      while (this.net!.steps < steps) {
        this.net!.trainSteps(Math.min(CHUNK, steps - this.net!.steps)).dispose();
        await this.net!.evaluate([0]); // yield between chunks
      }
      await this.finishTraining();
    });
    await this.updateComplete;
  }

  private toggleTrain(): void {
    if (!this.net || this._progress) return;
    if (this.loop.playing) {
      this.loop.pause();
    } else {
      if (this._view?.alpha !== null || this.net.steps >= this.p.trainSteps) this.net.resetToStart();
      this.loop.play();
    }
    this.publishState();
  }

  private onSlider(event: Event): void {
    const a = Number((event.target as HTMLInputElement).value);
    void this.setAlpha(a).then(() => {
      this.publishState();
      this.dispatchEvent(new CustomEvent('knob-network-change', { detail: { alpha: a, loss: this.loss }, bubbles: true, composed: true }));
    });
  }

  override updated(): void {
    const v = this._view;
    if (v && v.key === this.netKey && !this._progress && (v.alpha === null || v.alpha === this.wantedAlpha)) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loop.pause();
    this.net?.dispose();
    this.net = null;
    this.netKey = ''; // rebuilt if the element is attached again
  }

  override getSyncState(): unknown {
    return { alpha: this.wantedAlpha };
  }

  override applySyncState(state: unknown): void {
    const a = (state as { alpha?: unknown } | null)?.alpha;
    if (typeof a === 'number' && a >= 0 && a <= 1) void this.setAlpha(a);
  }

  protected override renderDemo() {
    const v = this._view;
    const alpha = v?.alpha ?? null;
    const main = lineChart({
      series: [
        { name: 'NYC confirmed', points: NYC_CASES.map((c, d) => [d, c] as const), style: 'dots', color: palette.blue },
        { name: alpha === null && v ? 'network (gradient descent)' : 'network f(t)', points: (v?.curve ?? []).map((y, j) => [CURVE_DAYS[j], Math.max(-0.6 * PEAK, Math.min(1.6 * PEAK, toCases(y)))] as const), color: palette.vermillion },
      ],
      width: 720,
      height: 330,
      xDomain: [0, DAYS - 1],
      yDomain: [-0.3 * PEAK, 1.3 * PEAK],
      yLabel: 'cases per day',
      formatX: shortDate,
      formatY: (y) => Math.round(y).toLocaleString('en-US'),
      title: "the network's curve over New York City's daily cases",
    });
    const walk = lineChart({
      series: [
        { name: 'loss(α)', points: (v?.walk ?? []).map((l, j) => [WALK[j], l] as const), color: palette.blue },
        { name: 'now', points: v && alpha !== null ? [[alpha, v.loss] as const] : [], style: 'dots', color: '#111' },
      ],
      width: 360,
      height: 330,
      xDomain: [0, 1],
      yDomain: [0, Math.max(0.01, ...(v?.walk ?? [1])) * 1.05],
      xLabel: 'α',
      yLabel: 'loss',
      formatY: (y) => y.toFixed(2),
      title: 'loss along the straight walk from random to trained knobs',
    });
    const training = this.loop.playing || (v !== null && alpha === null);
    return html`
      <div class="charts">
        <div part="curve">${main}</div>
        <div part="walk">${walk}</div>
      </div>
      <div class="controls" part="controls">
        <span class="knob">
          <span class="ends">random θ₀</span>
          <input type="range" min="0" max="1" step="0.01" .value=${String(alpha ?? this.wantedAlpha)} ?disabled=${!v || this.loop.playing}
            @input=${this.onSlider} aria-label="alpha: every knob from random to trained" />
          <span class="ends">trained θ*</span>
        </span>
        <span class="value a">${alpha === null ? 'α: own path' : `α = ${alpha.toFixed(2)}`}</span>
        <button class="primary train" ?disabled=${!v || !!this._progress} @click=${this.toggleTrain}>
          ${this.loop.playing ? '❚❚ pause' : training ? '▶ resume' : '▶ train from θ₀'}</button>
      </div>
      <div class="readout">
        <span>loss <span class="value loss">${v ? v.loss.toFixed(4) : '…'}</span></span>
        <span class="muted">${this._progress ?? (training ? `gradient descent, step ${v?.steps ?? 0} of ${this.p.trainSteps}` : `${this.knobCount} knobs move together · θ* = ${v?.steps ?? 0} Adam steps from θ₀`)}</span>
      </div>
      <div class="source">Data: ${NYC_SOURCE}, 29 Feb – 30 Jun 2020. Loss: mean squared error, with 0 cases scaled to −1 and the peak to +1.</div>
    `;
  }
}
