import { css, html, svg } from 'lit';
import { scaleBand, scaleLinear } from 'd3-scale';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import { DEFAULT_GROKKING, GROKKED_SNAPSHOT, GrokkingRun as Run, topShare, type GrokkingConfig } from '../models/grokking-run.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PRIMES = [11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59] as const;

const PARAMS = {
  modulus: param.int({ fallback: DEFAULT_GROKKING.modulus, min: 5, max: 97 }),
  trainFraction: param.number({ fallback: DEFAULT_GROKKING.trainFraction, min: 0.1, max: 0.9, attribute: 'train-fraction' }),
  weightDecay: param.number({ fallback: DEFAULT_GROKKING.weightDecay, min: 0, max: 5, attribute: 'weight-decay' }),
  learningRate: param.number({ fallback: DEFAULT_GROKKING.learningRate, min: 0.0005, max: 0.05, attribute: 'learning-rate' }),
  steps: param.int({ fallback: 700, min: 50, max: 5000 }),
};

/** Steps per animation frame while training live (a history point after each frame). */
const STEPS_PER_FRAME = 5;
const EVERY = 25;

type Knobs = Pick<GrokkingConfig, 'modulus' | 'trainFraction' | 'weightDecay'>;

interface View {
  /** [step, train acc, test acc] */
  history: [number, number, number][];
  spectrum: number[];
  source: 'snapshot' | 'trained' | 'live';
  config: GrokkingConfig;
}

/**
 * `<grokking-run>` — grokking (Power et al. 2022) live: (a + b) mod p learned
 * from a share of all p² pairs by an embedding MLP (shared p × 16 embedding,
 * 64 ReLU units, p logits), full-batch AdamW in TensorFlow.js (Adam plus
 * decoupled weight decay by hand; tfjs-core has no AdamW).
 *
 * Left: train and test accuracy against the step (dashed: chance, 1/p);
 * train accuracy reaches 100 % first, test accuracy follows only later, and
 * only with weight decay. Right: the Fourier spectrum of the learned
 * embedding (share of its power at each frequency k): after grokking a few
 * frequencies hold most of it (Nanda et al. 2023). Sliders for p, the
 * training fraction and the weight decay start a fresh run; "train live"
 * reruns from step 0; "reset" goes back to the first screen.
 *
 * First screen and print: the grokked default run (p = 47, half the pairs,
 * λ = 1, η = 0.01, seed 42, 700 steps) from a recorded snapshot
 * (GROKKED_SNAPSHOT, which the unit test retrains and checks). With other
 * attributes the element trains `steps` steps at start-up, in chunks, and
 * shows that run. Live on WebAssembly on a 2-core machine the default jump
 * (test accuracy past 95 %) came at step 440 after 13 s (33 steps/s)
 * (`npm run bench`).
 *
 * @attr modulus - p, 5 to 97 (default 47; the slider offers primes 11 … 59)
 * @attr train-fraction - share of the p² pairs trained on, 0.1 to 0.9 (default 0.5)
 * @attr weight-decay - decoupled weight decay λ, 0 to 5 (default 1; the slider goes to 2)
 * @attr learning-rate - Adam's η, 0.0005 to 0.05 (default 0.01)
 * @attr steps - steps of the first-screen run when it is not the snapshot, 50 to 5000 (default 700)
 * @attr seed - seed of the split and the initial weights (default 42)
 * @prop history - [step, train accuracy, test accuracy] every 25 steps (live: after every frame of 5); spectrum - power per frequency k = 1 … (p−1)/2
 * @prop step - steps of the run shown; source - 'snapshot' | 'trained' | 'live'; config - its settings; playing
 * @prop trainFitAt - first recorded step with 100 % train accuracy; grokAt - first with test accuracy over 95 % (or null)
 * @method trainLive() - a fresh run from step 0 with the sliders' settings; train(n) - n steps now (tests); pause(); reset()
 * @fires grokking-run-change - detail {step, trainAcc, testAcc} after each recorded point
 * @csspart curves - the accuracy chart; spectrum - the spectrum; controls - buttons and sliders
 * @cssprop --demo-accent - buttons and sliders
 */
export class GrokkingRun extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .charts { display: grid; grid-template-columns: 1.25fr 1fr; gap: 0 0.8em; }
      svg.spectrum { display: block; width: 100%; height: auto; }
      svg.spectrum text { font-size: 17px; fill: currentColor; }
      .sliders { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.1em 1em; }
      .sliders label { display: flex; flex-direction: column; align-items: stretch; gap: 0; font-size: max(16px, 0.85em); }
      .sliders input[type='range'] { width: 100%; }
      .status { font-size: max(16px, 0.85em); }
      .grokked { color: var(--good); font-weight: 700; }
      .memorised { color: var(--bad); font-weight: 700; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _view: { state: true },
    _knobs: { state: true },
  };

  declare modulus: string | number | undefined;
  declare trainFraction: string | number | undefined;
  declare weightDecay: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare steps: string | number | undefined;
  declare _view: View | null;
  declare _knobs: Knobs | null;

  private p!: ParamValues<typeof PARAMS>;
  private run: Run | null = null;
  private attrKey = '';
  private generation = 0;
  private busy = false;
  private readonly loop = new LoopController(this, () => this.frame());

  constructor() {
    super();
    this._view = null;
    this._knobs = null;
  }

  get history() { return this._view?.history ?? []; }
  get spectrum() { return this._view?.spectrum ?? []; }
  get source() { return this._view?.source ?? null; }
  get config() { return this._view?.config ?? null; }
  get step(): number { return this._view?.history.at(-1)?.[0] ?? 0; }
  get playing(): boolean { return this.loop.playing; }
  get trainFitAt(): number | null { return this.history.find((h) => h[1] === 1)?.[0] ?? null; }
  get grokAt(): number | null {
    const fit = this.trainFitAt;
    return fit === null ? null : this.history.find((h) => h[0] >= fit && h[2] > 0.95)?.[0] ?? null;
  }

  private knobsNow(): Knobs {
    const p = this.p ?? this.readParams(PARAMS);
    return this._knobs ?? { modulus: p.modulus, trainFraction: p.trainFraction, weightDecay: p.weightDecay };
  }

  private configNow(): GrokkingConfig {
    return { ...DEFAULT_GROKKING, learningRate: this.p.learningRate, ...this.knobsNow() };
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const key = JSON.stringify([this.p, this.seed]);
    if (key !== this.attrKey) {
      this.attrKey = key;
      this._knobs = null;
      void this.guard(() => this.firstScreen());
    }
  }

  override updated(): void {
    if (this._view && !this.busy) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  private stop(): void {
    this.loop.pause();
    this.generation++;
    this.run?.dispose();
    this.run = null;
  }

  private isSnapshotConfig(c: GrokkingConfig): boolean {
    const s = GROKKED_SNAPSHOT;
    return this.seed === s.seed && this.p.steps === s.history.at(-1)![0]
      && (Object.keys(s.config) as (keyof GrokkingConfig)[]).every((k) => s.config[k] === c[k]);
  }

  /** The snapshot, or `steps` steps trained now in chunks (each chunk yields to the page). */
  private async firstScreen(): Promise<void> {
    this.stop();
    this.markBusy();
    const config = this.configNow();
    if (this.isSnapshotConfig(config)) {
      this._view = { history: GROKKED_SNAPSHOT.history.map((h) => [...h] as [number, number, number]), spectrum: [...GROKKED_SNAPSHOT.spectrum], source: 'snapshot', config };
      return;
    }
    this.busy = true;
    try {
      await this.tf();
      const gen = this.generation;
      const run = new Run(config, this.rng('grok'));
      this.run = run;
      while (run.step < this.p.steps) {
        await run.advance(Math.min(50, this.p.steps - run.step), EVERY);
        if (gen !== this.generation) return;
        this._view = { history: this.points(run), spectrum: await run.spectrum(), source: 'trained', config };
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      this.busy = false;
    }
    this.requestUpdate();
  }

  private points(run: Run): [number, number, number][] {
    return run.history.map((h) => [h.step, h.trainAcc, h.testAcc]);
  }

  /** A fresh run from step 0 with the current sliders, playing. */
  trainLive(): void {
    void this.guard(async () => {
      this.stop();
      await this.tf();
      const config = this.configNow();
      this.run = new Run(config, this.rng('grok'));
      await this.run.advance(0, EVERY);
      this._view = { history: [], spectrum: await this.run.spectrum(), source: 'live', config };
      this.loop.play();
      this.publishState();
    });
  }

  pause(): void {
    this.loop.pause();
  }

  async reset(): Promise<void> {
    this._knobs = null;
    await this.guard(() => this.firstScreen());
    await this.updateComplete;
    this.publishState();
  }

  /** n steps now (tests, scripted use): continues the live run, or starts one. */
  async train(n: number): Promise<number> {
    this.loop.pause();
    if (!this.run || this._view?.source !== 'live') {
      this.stop();
      await this.tf();
      const config = this.configNow();
      this.run = new Run(config, this.rng('grok'));
      this._view = { history: [], spectrum: [], source: 'live', config };
    }
    await this.guard(async () => {
      const run = this.run!;
      await run.advance(Math.max(1, Math.floor(n)), EVERY);
      this._view = { ...this._view!, history: this.points(run), spectrum: await run.spectrum() };
    });
    await this.updateComplete;
    return this.step;
  }

  private async frame(): Promise<void> {
    const run = this.run;
    if (!run || this.busy) return;
    this.busy = true;
    const gen = this.generation;
    try {
      const before = run.history.length;
      await run.advance(STEPS_PER_FRAME, EVERY);
      if (gen !== this.generation) return;
      if (run.history.length !== before) {
        this._view = { ...this._view!, history: this.points(run), spectrum: await run.spectrum() };
        const last = run.history.at(-1)!;
        this.dispatchEvent(new CustomEvent('grokking-run-change', { detail: { step: last.step, trainAcc: last.trainAcc, testAcc: last.testAcc }, bubbles: true, composed: true }));
      }
      if (run.step >= 5000 || (this.grokAt !== null && run.step >= this.grokAt + 200)) this.loop.pause();
    } finally {
      this.busy = false;
    }
  }

  private setKnob(k: keyof Knobs, v: number): void {
    this._knobs = { ...this.knobsNow(), [k]: v };
    this.trainLive();
  }

  override getSyncState(): unknown {
    return { knobs: this._knobs };
  }

  override applySyncState(state: unknown): void {
    const k = (state as { knobs?: Knobs | null } | null)?.knobs;
    if (k && [k.modulus, k.trainFraction, k.weightDecay].every((v) => typeof v === 'number' && Number.isFinite(v))) this._knobs = { ...k };
  }

  protected override renderDemo() {
    const v = this._view;
    if (!v) return html`<div class="muted">preparing the run…</div>`;
    const p = v.config.modulus;
    const last = v.history.at(-1);
    const maxStep = Math.max(100, last?.[0] ?? 0);
    const curves = lineChart({
      series: [
        { name: 'train accuracy', points: v.history.map((h) => [h[0], 100 * h[1]] as const), color: palette.blue },
        { name: 'test accuracy', points: v.history.map((h) => [h[0], 100 * h[2]] as const), color: palette.vermillion },
      ],
      width: 620,
      height: 330,
      xDomain: [0, maxStep],
      yDomain: [0, 100],
      xLabel: 'step (full batch)',
      yLabel: 'accuracy (%)',
      marks: [{ y: 100 / p, label: `chance 1/${p}`, color: palette.grey }],
      formatY: (t) => `${t}`,
      title: 'train and test accuracy against the step',
    });
    const fit = this.trainFitAt;
    const grok = this.grokAt;
    const k = this.knobsNow();
    return html`
      <div class="charts">
        <div part="curves">${curves}</div>
        <div part="spectrum">${this.renderSpectrum(v.spectrum)}</div>
      </div>
      <div class="controls" part="controls">
        <button class="primary live" @click=${() => (this.loop.playing ? this.pause() : this.trainLive())} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ train live'}</button>
        <button class="reset" @click=${() => void this.reset()}>reset</button>
        <span class="status">step <span class="value step">${last?.[0] ?? 0}</span> ·
          train <span class="value">${last ? (100 * last[1]).toFixed(0) : 0} %</span> ·
          test <span class="value test">${last ? (100 * last[2]).toFixed(0) : 0} %</span>
          ${fit === null ? '' : grok === null
            ? html` · <span class="memorised">train 100 % at step ${fit}; test not yet</span>`
            : html` · <span class="grokked">train 100 % at step ${fit}, test > 95 % at step ${grok}</span>`}
          ${v.source === 'snapshot' ? html` <span class="muted">(recorded run)</span>` : ''}</span>
      </div>
      <div class="sliders">
        <label><span>p = <span class="value">${k.modulus}</span> (${k.modulus * k.modulus} pairs)</span>
          <input type="range" min="0" max=${PRIMES.length - 1} step="1" aria-label="modulus p"
            .value=${String(Math.max(0, PRIMES.findIndex((q) => q >= k.modulus)))}
            @change=${(e: Event) => this.setKnob('modulus', PRIMES[Number((e.target as HTMLInputElement).value)]!)} /></label>
        <label><span>training fraction = <span class="value">${(100 * k.trainFraction).toFixed(0)} %</span></span>
          <input type="range" min="0.2" max="0.8" step="0.05" aria-label="training fraction" .value=${String(k.trainFraction)}
            @change=${(e: Event) => this.setKnob('trainFraction', Number((e.target as HTMLInputElement).value))} /></label>
        <label><span>weight decay λ = <span class="value">${k.weightDecay.toFixed(1)}</span></span>
          <input type="range" min="0" max="2" step="0.1" aria-label="weight decay" .value=${String(k.weightDecay)}
            @change=${(e: Event) => this.setKnob('weightDecay', Number((e.target as HTMLInputElement).value))} /></label>
      </div>`;
  }

  private renderSpectrum(power: number[]) {
    const W = 500;
    const H = 330;
    const M = { top: 40, right: 10, bottom: 58, left: 56 };
    const total = power.reduce((s, x) => s + x, 0) || 1;
    const share = power.map((x) => (100 * x) / total);
    const x = scaleBand<number>().domain(share.map((_, i) => i + 1)).range([M.left, W - M.right]).padding(0.15);
    const y = scaleLinear().domain([0, Math.max(20, ...share)]).range([H - M.bottom, M.top]).nice();
    const top3 = topShare(power, 3);
    return svg`<svg class="spectrum" viewBox="0 0 ${W} ${H}" role="img" aria-label="Fourier spectrum of the embedding">
      <text x=${M.left} y="22">embedding power by frequency: top 3 hold <tspan class="top3" font-weight="700">${(100 * top3).toFixed(0)} %</tspan></text>
      ${y.ticks(4).map((t) => svg`<line x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)} stroke="currentColor" opacity="0.12"></line>
        <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${t}</text>`)}
      ${share.map((s, i) => svg`<rect class="bar" x=${x(i + 1)} y=${y(s)} width=${x.bandwidth()} height=${y(0) - y(s)} fill=${palette.green}></rect>`)}
      ${share.map((_, i) => ((i + 1) % 5 === 0 || i === 0 ? svg`<text x=${x(i + 1)! + x.bandwidth() / 2} y=${H - M.bottom + 22} text-anchor="middle">${i + 1}</text>` : ''))}
      <text x=${(M.left + W - M.right) / 2} y=${H - 8} text-anchor="middle">frequency k</text>
      <text transform="translate(16, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">% of power</text>
    </svg>`;
  }
}
