import { css, html, nothing, svg } from 'lit';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { palette, series } from '../charts/colors.js';
import {
  DEFAULT_VALLEY, OPTIMIZERS, OptimizerRace as Race, valleyContour, valleyLoss,
  type OptimizerName, type Point, type RaceSettings, type Valley,
} from '../models/optimizer-race.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

/** The most steps a race runs (play stops there). */
const MAX_STEPS = 300;
/** Milliseconds between steps while playing: about 12 steps a second, slow enough to watch. */
const TICK_MS = 80;
/** Plot box in SVG units (drawn at about this size in px on a slide). */
const W = 640;
const H = 390;
const M = { top: 10, right: 12, bottom: 44, left: 52 };
/** The part of the valley on screen. */
const X_DOMAIN: Point = [-8, 2];
const Y_DOMAIN: Point = [-2.6, 2.6];

const PARAMS = {
  learningRate: param.number({ fallback: 0.2, min: 0.001, max: 1.5, attribute: 'learning-rate' }),
  beta1: param.number({ fallback: 0.9, min: 0, max: 0.999 }),
  beta2: param.number({ fallback: 0.999, min: 0.5, max: 0.99999 }),
  noise: param.number({ fallback: 0, min: 0, max: 2 }),
  biasCorrection: param.boolean(true, 'bias-correction'),
  steps: param.int({ fallback: 50, min: 0, max: MAX_STEPS }),
  start: param.numbers({ fallback: [...DEFAULT_VALLEY.start], minLength: 2, maxLength: 2, min: -8, max: 8 }),
};

const NAMES: Record<OptimizerName, string> = { sgd: 'SGD', momentum: 'Momentum', adam: 'Adam' };
const COLOURS: Record<OptimizerName, string> = { sgd: series[0], momentum: series[1], adam: series[2] };
const WIDTHS: Record<OptimizerName, number> = { sgd: 3.5, momentum: 3, adam: 3 };

type Knob = 'learningRate' | 'beta1' | 'beta2' | 'noise' | 'biasCorrection';

/** Loss for the legend: 3 significant digits, exponent below 0.001, "diverged" past 1e6. */
export function formatLoss(v: number): string {
  if (!Number.isFinite(v) || v > 1e6) return 'diverged';
  if (v !== 0 && v < 1e-3) return v.toExponential(1).replace('-', '−');
  return v.toPrecision(3);
}

export interface OptimizerRaceChangeDetail {
  step: number;
  losses: Record<OptimizerName, number>;
}

/**
 * `<optimizer-race>` — SGD, momentum and Adam racing down the same
 * ill-conditioned valley L = ½(0.05·θ₁² + 2·θ₂²) from one start.
 *
 * The valley's contours are drawn (×: the minimum, ●: the start), the three
 * paths in the project's series colours with a dot per step, and each
 * optimiser's current loss beside the plot. Sliders set the learning rate η
 * (shared by all three), β₁ (momentum's coefficient and Adam's first-moment
 * decay), β₂ (Adam's second-moment decay) and the gradient noise σ (a seeded
 * N(0, σ²) draw added to every gradient, the same draw for all three: what a
 * minibatch does); a checkbox switches Adam's bias correction. Play runs
 * about 12 steps a second on the visible slide (LoopController), "+1 step"
 * adds one, "reset" goes back to the start. Any change replays the race from
 * the start to the same step count. The still state (print, PDF, previews)
 * is `steps` seeded steps. Model: `models/optimizer-race.ts`.
 *
 * @attr learning-rate - η for all three, 0.001 to 1.5 (default 0.2; SGD diverges across the valley above 1)
 * @attr beta1 - momentum coefficient and Adam's β₁, 0 to 0.999 (default 0.9)
 * @attr beta2 - Adam's β₂, 0.5 to 0.99999 (default 0.999)
 * @attr noise - gradient noise σ, 0 to 2 (default 0)
 * @attr bias-correction - Adam's bias correction, true/false (default true)
 * @attr steps - steps shown before any click and in print, 0 to 300 (default 50)
 * @attr start - "θ₁, θ₂" where all three start, each −8 to 8 (default "-7, 2")
 * @attr seed - seed of the gradient noise (default 42)
 * @prop step - steps taken; losses - {sgd, momentum, adam}; positions - {sgd, momentum, adam}: [θ₁, θ₂]
 * @prop paths - {sgd, momentum, adam}: every position since the start; settings - the values applied
 * @prop playing - whether the race is running
 * @method advance(n) - n more steps; reset() - back to the start; play(), pause()
 * @fires optimizer-race-change - detail {step, losses} after each step or change
 * @csspart frame - the box; plot - the valley; legend - losses; controls - sliders and buttons
 * @cssprop --demo-accent - button colour
 */
export class OptimizerRace extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 600px) minmax(0, 1fr); gap: 0.3em 1em; align-items: start; }
      svg.plot { display: block; width: 100%; height: auto; }
      svg.plot text { font-size: 19px; fill: currentColor; }
      .legend { list-style: none; margin: 0 0 0.3em; padding: 0; }
      .legend li { display: grid; grid-template-columns: 1.5em 6.6em 1fr; align-items: center; margin: 0.05em 0; }
      .swatch { display: inline-flex; align-items: center; }
      .loss { font-variant-numeric: tabular-nums; font-weight: 600; }
      .loss.diverged { color: var(--bad); }
      .stepline { margin: 0 0 0.2em; }
      .knobs { display: grid; grid-template-columns: max-content minmax(3em, 1fr) max-content; gap: 0.05em 0.5em; align-items: center; margin: 0.2em 0; }
      .knobs input[type='range'] { width: 100%; min-width: 0; margin: 0; }
      .knobs .value { text-align: right; }
      .toggle { margin: 0.15em 0; }
      .toggle input { width: 1.1em; height: 1.1em; accent-color: var(--accent); }
      .note { font-size: 0.8em; color: var(--muted); line-height: 1.25; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _version: { state: true },
    _wanted: { state: true },
    _knobs: { state: true },
  };

  declare learningRate: string | number | undefined;
  declare beta1: string | number | undefined;
  declare beta2: string | number | undefined;
  declare noise: string | number | undefined;
  declare biasCorrection: string | boolean | undefined;
  declare steps: string | number | undefined;
  declare start: string | number[] | undefined;
  declare _version: number;
  /** Steps the lecturer asked for; null = the `steps` attribute. */
  declare _wanted: number | null;
  /** Slider values; a missing key = the attribute. */
  declare _knobs: Partial<Record<Knob, number | boolean>>;

  private p!: ParamValues<typeof PARAMS>;
  private race: Race | null = null;
  private raceKey = '';
  private busy = false;
  private lastTick = 0;
  private readonly loop = new LoopController(this, (now) => this.tick(now));

  constructor() {
    super();
    this._version = 0;
    this._wanted = null;
    this._knobs = {};
  }

  get step(): number {
    return this.race?.t ?? 0;
  }
  get losses(): Record<OptimizerName, number> | null {
    return this.race?.losses() ?? null;
  }
  get positions(): Record<OptimizerName, Point> | null {
    return this.race?.positions() ?? null;
  }
  get paths(): Record<OptimizerName, Point[]> | null {
    return this.race ? this.race.paths : null;
  }
  get playing(): boolean {
    return this.loop.playing;
  }
  get settings(): RaceSettings {
    const k = this._knobs;
    const p = this.p ?? this.readParams(PARAMS);
    return {
      learningRate: (k.learningRate as number | undefined) ?? p.learningRate,
      beta1: (k.beta1 as number | undefined) ?? p.beta1,
      beta2: (k.beta2 as number | undefined) ?? p.beta2,
      noise: (k.noise as number | undefined) ?? p.noise,
      biasCorrection: (k.biasCorrection as boolean | undefined) ?? p.biasCorrection,
    };
  }

  private get valley(): Valley {
    return { curvature: DEFAULT_VALLEY.curvature, start: [this.p.start[0]!, this.p.start[1]!] };
  }

  private get target(): number {
    return Math.min(MAX_STEPS, this._wanted ?? this.p.steps);
  }

  play(): void {
    if (this.target >= MAX_STEPS) this._wanted = 0;
    this.loop.play();
  }
  pause(): void {
    this.loop.pause();
  }

  /** n more steps (up to 300 in all); resolves once they are drawn. */
  async advance(n = 1): Promise<number> {
    this._wanted = Math.min(MAX_STEPS, this.target + Math.max(0, Math.floor(n)));
    this.publishState();
    await this.whenCurrent();
    return this.step;
  }

  async reset(): Promise<void> {
    this.loop.pause();
    this._wanted = 0;
    this.publishState();
    await this.whenCurrent();
  }

  private async whenCurrent(): Promise<void> {
    while ((!this.isCurrent() || this.busy) && this.isConnected && !this._failure) {
      await this.updateComplete;
      if (!this.isCurrent() || this.busy) await new Promise((r) => setTimeout(r, 10));
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.race?.dispose();
    this.race = null;
    this.raceKey = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.requestUpdate();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    // A new attribute value wins over the slider that set the same knob.
    for (const k of ['learningRate', 'beta1', 'beta2', 'noise', 'biasCorrection'] as const) {
      if (changed.has(k) && k in this._knobs) {
        const { [k]: _dropped, ...rest } = this._knobs;
        this._knobs = rest;
      }
    }
    if (changed.has('steps')) this._wanted = null;
    if (!this.isCurrent()) {
      this.markBusy();
      void this.guard(() => this.compute());
    }
  }

  private key(): string {
    return JSON.stringify([this.settings, this.valley.start, this.seed]);
  }

  private isCurrent(): boolean {
    return !!this.race && this.raceKey === this.key() && this.race.t === this.target;
  }

  private async compute(): Promise<void> {
    if (this.busy || !this.isConnected) return;
    this.busy = true;
    try {
      await this.tf();
      const key = this.key();
      if (!this.race || this.raceKey !== key || this.race.t > this.target) {
        this.race?.dispose();
        this.race = new Race(this.valley, this.settings, this.rng('noise'));
        this.raceKey = key;
      }
      const more = this.target - this.race.t;
      if (more > 0) await this.race.advance(more);
      this._version++;
    } finally {
      this.busy = false;
    }
    if (!this.isCurrent() && this.isConnected) await this.compute();
  }

  override updated(): void {
    if (this.isCurrent() && !this.busy) {
      this.markReady();
      this.dispatchEvent(new CustomEvent<OptimizerRaceChangeDetail>('optimizer-race-change', {
        detail: { step: this.step, losses: this.losses! },
        bubbles: true,
        composed: true,
      }));
    }
  }

  /** While playing: one more step every TICK_MS, until MAX_STEPS. */
  private tick(now: number): void {
    if (now - this.lastTick < TICK_MS || !this.isCurrent()) return;
    this.lastTick = now;
    if (this.target >= MAX_STEPS) {
      this.loop.pause();
      return;
    }
    this._wanted = this.target + 1;
  }

  private setKnob(k: Knob, value: number | boolean): void {
    this._knobs = { ...this._knobs, [k]: value };
    this.publishState();
  }

  override getSyncState(): unknown {
    return { wanted: this.target, knobs: this._knobs };
  }

  override applySyncState(state: unknown): void {
    const s = state as { wanted?: unknown; knobs?: unknown } | null;
    if (typeof s?.wanted === 'number' && Number.isInteger(s.wanted) && s.wanted >= 0 && s.wanted <= MAX_STEPS) this._wanted = s.wanted;
    if (s?.knobs && typeof s.knobs === 'object') {
      const knobs: Partial<Record<Knob, number | boolean>> = {};
      for (const [k, v] of Object.entries(s.knobs as Record<string, unknown>)) {
        if (k === 'biasCorrection' && typeof v === 'boolean') knobs.biasCorrection = v;
        else if (['learningRate', 'beta1', 'beta2', 'noise'].includes(k) && typeof v === 'number' && Number.isFinite(v)) knobs[k as Knob] = v;
      }
      this._knobs = knobs;
    }
  }

  protected override renderDemo() {
    const race = this.race;
    if (!race) return html`<div class="muted">setting up the race…</div>`;
    const s = this.settings;
    const losses = race.losses();
    return html`<div class="layout">
      ${this.renderPlot(race)}
      <div>
        <div class="stepline">step <span class="value">${race.t}</span> · loss now (start: ${formatLoss(valleyLoss(race.valley, race.valley.start))})</div>
        <ul class="legend" part="legend">
          ${OPTIMIZERS.map((name) => html`<li>
            <span class="swatch"><svg viewBox="0 0 24 10" width="24" height="10" aria-hidden="true"><rect width="24" height="10" rx="2" fill=${COLOURS[name]}></rect></svg></span>
            <span>${NAMES[name]}</span>
            <span><span class="loss ${formatLoss(losses[name]) === 'diverged' ? 'diverged' : ''}" data-optimizer=${name}>${formatLoss(losses[name])}</span></span>
          </li>`)}
        </ul>
        <div class="controls" part="controls">
          <button class="primary" @click=${() => (this.loop.playing ? this.pause() : this.play())} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ play'}</button>
          <button @click=${() => void this.advance(1)}>+1 step</button>
          <button @click=${() => void this.reset()}>reset</button>
        </div>
        <div class="knobs">
          ${this.slider('learningRate', 'η (rate)', 'learning rate η', 0.01, 1.2, 0.01, s.learningRate, 2)}
          ${this.slider('beta1', 'β₁', 'β₁', 0, 0.99, 0.01, s.beta1, 2)}
          ${this.slider('beta2', 'β₂', 'β₂', 0.9, 0.9999, 0.0001, s.beta2, 4)}
          ${this.slider('noise', 'noise σ', 'noise σ', 0, 1.5, 0.05, s.noise, 2)}
        </div>
        <label class="toggle"><input type="checkbox" aria-label="bias correction" .checked=${s.biasCorrection}
          @change=${(e: Event) => this.setKnob('biasCorrection', (e.target as HTMLInputElement).checked)} /> Adam's bias correction</label>
        <div class="note">Same η for all three; β₁ is also momentum's coefficient. Noise: one seeded draw per step, shared by all three.</div>
      </div>
    </div>`;
  }

  private slider(k: Knob, label: string, aria: string, min: number, max: number, step: number, value: number, digits: number) {
    return html`<span>${label}</span>
      <input type="range" min=${min} max=${max} step=${step} .value=${String(value)} aria-label=${aria}
        @input=${(e: Event) => this.setKnob(k, Number((e.target as HTMLInputElement).value))} />
      <span class="value">${value.toFixed(digits)}</span>`;
  }

  private renderPlot(race: Race) {
    const x = scaleLinear().domain(X_DOMAIN).range([M.left, W - M.right]);
    const y = scaleLinear().domain(Y_DOMAIN).range([H - M.bottom, M.top]);
    const inView = (p: Point) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]) < 1e3 && Math.abs(p[1]) < 1e3;
    const path = line<Point>().defined(inView).x((p) => x(p[0])).y((p) => y(p[1]));
    const startLoss = valleyLoss(race.valley, race.valley.start);
    // Contours at the start's loss and halving from there.
    const levels = Array.from({ length: 9 }, (_, k) => startLoss * 0.5 ** k);
    const start = race.valley.start;
    return html`<svg class="plot" part="plot" viewBox="0 0 ${W} ${H}" role="img"
      aria-label="contours of the valley with the paths of SGD, momentum and Adam">
      <defs><clipPath id="race-area"><rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom}></rect></clipPath></defs>
      <g class="axis">
        ${x.ticks(5).map((t) => svg`<text x=${x(t)} y=${H - M.bottom + 22} text-anchor="middle">${String(t).replace('-', '−')}</text>`)}
        ${y.ticks(5).map((t) => svg`<text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${String(t).replace('-', '−')}</text>`)}
        <text x=${(M.left + W - M.right) / 2} y=${H - 4} text-anchor="middle">θ₁ (flat: curvature 0.05)</text>
        <text transform="translate(16, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">θ₂ (steep: 2)</text>
        <rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom} fill="none" stroke="currentColor" opacity="0.4"></rect>
      </g>
      <g clip-path="url(#race-area)">
        ${levels.map((l) => svg`<path d=${path(valleyContour(race.valley, l)) ?? ''} fill="none" stroke=${palette.grey} stroke-width="1.2" opacity="0.7"></path>`)}
        ${[...OPTIMIZERS].reverse().map((name) => {
          const pts = race.paths[name].filter(inView);
          return svg`<g class="run" data-optimizer=${name}>
            <path d=${path(race.paths[name]) ?? ''} fill="none" stroke=${COLOURS[name]} stroke-width=${WIDTHS[name]} stroke-linejoin="round" opacity="0.9"></path>
            ${pts.length < 160 ? pts.slice(1).map((p) => svg`<circle cx=${x(p[0])} cy=${y(p[1])} r="2.6" fill=${COLOURS[name]}></circle>`) : nothing}
            ${pts.length ? svg`<circle cx=${x(pts.at(-1)![0])} cy=${y(pts.at(-1)![1])} r="7" fill="white" stroke=${COLOURS[name]} stroke-width="3.5"></circle>` : nothing}
          </g>`;
        })}
        <circle cx=${x(start[0])} cy=${y(start[1])} r="6" fill=${palette.black}></circle>
        <text x=${x(start[0]) + 10} y=${y(start[1]) - 8}>start</text>
        <path d="M${x(0) - 8},${y(0) - 8}l16,16m0,-16l-16,16" stroke=${palette.black} stroke-width="3"></path>
      </g>
    </svg>`;
  }
}
