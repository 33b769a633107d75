import { css, html, svg } from 'lit';
import { scaleBand, scaleLinear } from 'd3-scale';
import { lineChart } from '../charts/line-chart.js';
import { palette } from '../charts/colors.js';
import {
  buildTarget, DEFAULT_LORA, energyShare, fullParams, LoraFit, loraParams, singularValues, truncationError,
  type LoraTargetConfig, type Matrix,
} from '../models/lora-rank.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  d: param.int({ fallback: DEFAULT_LORA.d, min: 4, max: 128 }),
  k: param.int({ fallback: DEFAULT_LORA.k, min: 4, max: 128 }),
  rank: param.int({ fallback: DEFAULT_LORA.rank, min: 1, max: 64 }),
  directions: param.int({ fallback: DEFAULT_LORA.directions, min: 1, max: 16 }),
  noise: param.number({ fallback: DEFAULT_LORA.noise, min: 0, max: 1 }),
  learningRate: param.number({ fallback: DEFAULT_LORA.learningRate, min: 0.001, max: 0.2, attribute: 'learning-rate' }),
  steps: param.int({ fallback: 400, min: 20, max: 3000 }),
};

/** Adam steps per animation frame while fitting live (one read-back per frame). */
const STEPS_PER_FRAME = 1;
/** The rank slider's top. */
const SLIDER_MAX = 16;
/** "At the floor": within this much (absolute, relative error) of the SVD truncation. */
export const FLOOR_TOLERANCE = 0.001;

interface View {
  rank: number;
  history: [number, number][];
  source: 'trained' | 'live';
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const pct = (v: number, digits = 2) => `${(100 * v).toFixed(digits)} %`;
const SUB: Record<string, string> = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉' };
const sub = (n: number) => [...String(n)].map((c) => SUB[c] ?? c).join('');

export interface LoraRankChangeDetail {
  rank: number;
  step: number;
  error: number;
  floor: number;
}

/**
 * `<lora-rank>` — LoRA (Hu et al. 2021, chapter 22): how much of a weight
 * update ΔW (d × k) a rank-r product B·A holds, B d × r and A r × k.
 *
 * ΔW is built from a few strong directions (`directions`, strengths 8, 4.8,
 * 2.9, 1.7, …) plus seeded noise in every entry. B starts at 0 and A random,
 * as in the paper, so the adapted layer W₀ + BA starts equal to the base
 * layer; Adam in TensorFlow.js then fits B·A to ΔW. Left: ΔW's singular
 * values (float64 Jacobi, `models/lora-rank.ts`), the first r filled and
 * bracketed "kept", the rest outlined. Right: the remaining relative error
 * ‖ΔW − BA‖_F / ‖ΔW‖_F against the step, with the Eckart–Young floor (the
 * SVD truncated at rank r, the best any rank-r matrix can do) dashed, so
 * the curve is seen to land on it. The readout gives the error, the floor,
 * the share of ‖ΔW‖² kept and the trainable numbers r·(d + k) against d·k,
 * also at a real layer's size (d = k = 4096, r = 16: 131,072 vs 16,777,216).
 *
 * First screen and print: the fit after `steps` seeded steps at rank
 * `rank`, trained at start-up (under a second). "▶ fit" refits from B = 0
 * live (1 step a frame); moving the rank slider does the same at the new r;
 * "reset" goes back to the first screen. A clicker step raises r by one.
 * Live on WebAssembly on a loaded 2-core machine (~55 steps/s) the default
 * fit came within 0.001 of the floor at step 88 after 1.6 s, and at r = 16
 * at step 296 after 5.1 s (`npm run bench`, "lora-rank").
 *
 * @attr d - rows of ΔW (the layer's outputs), 4 to 128 (default 64)
 * @attr k - columns of ΔW (the layer's inputs), 4 to 128 (default 48)
 * @attr rank - r, 1 to 64 and at most min(d, k) (default 4; the slider goes to 16)
 * @attr directions - strong directions in ΔW, 1 to 16 (default 4)
 * @attr noise - standard deviation of the noise in each entry, 0 to 1 (default 0.02)
 * @attr learning-rate - Adam's η, 0.001 to 0.2 (default 0.03)
 * @attr steps - steps of the first-screen fit and of a live fit, 20 to 3000 (default 400)
 * @attr seed - seed of ΔW and of A's initial values (default 42)
 * @prop rank - r shown now; step; error - ‖ΔW − BA‖_F/‖ΔW‖_F now; floor - the SVD truncation error at r; history - [step, error]
 * @prop sigma - ΔW's singular values, largest first; trainable - r·(d + k); full - d·k; source - 'trained' | 'live'; playing
 * @prop reachedAt - first step within 0.001 of the floor (or null)
 * @method fit() - refit from B = 0 live; pause(); reset(); setRank(r); train(n) - n steps now (tests)
 * @fires lora-rank-change - detail {rank, step, error, floor} after each live frame and each rank change
 * @csspart spectrum - the singular values; curve - the error curve; controls - buttons and slider; readout - the figures
 * @cssprop --demo-accent - buttons and slider
 */
export class LoraRank extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .charts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 0.8em; }
      svg.spectrum { display: block; width: 100%; height: auto; }
      svg.spectrum text { font-size: 18px; fill: currentColor; }
      .controls label { font-size: max(16px, 0.85em); }
      .controls input[type='range'] { width: 12em; }
      .readout { margin: 0.1em 0; font-size: max(16px, 0.85em); }
      .at-floor { color: var(--good); font-weight: 700; }
      .kept-key { font-weight: 700; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _view: { state: true },
    _rank: { state: true },
  };

  declare d: string | number | undefined;
  declare k: string | number | undefined;
  declare rank: string | number | undefined;
  declare directions: string | number | undefined;
  declare noise: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare steps: string | number | undefined;
  declare _view: View | null;
  /** Rank chosen with the slider (or the clicker); null = the attribute. */
  declare _rank: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private attrKey = '';
  private target: Matrix | null = null;
  private _sigma: number[] = [];
  private run: LoraFit | null = null;
  private generation = 0;
  private busy = false;
  private readonly loop = new LoopController(this, () => this.frame());

  constructor() {
    super();
    this._view = null;
    this._rank = null;
  }

  private get maxRank(): number {
    const p = this.p ?? this.readParams(PARAMS);
    return Math.min(p.d, p.k);
  }

  get currentRank(): number {
    const p = this.p ?? this.readParams(PARAMS);
    return Math.min(this.maxRank, this._rank ?? p.rank);
  }

  get sigma(): number[] { return [...this._sigma]; }
  get history(): [number, number][] { return this._view?.history ?? []; }
  get step(): number { return this._view?.history.at(-1)?.[0] ?? 0; }
  get error(): number | null { return this._view?.history.at(-1)?.[1] ?? null; }
  get floor(): number { return truncationError(this._sigma, this._view?.rank ?? this.currentRank); }
  get source() { return this._view?.source ?? null; }
  get playing(): boolean { return this.loop.playing; }
  get shownRank(): number { return this._view?.rank ?? this.currentRank; }
  get trainable(): number { return loraParams(this.p.d, this.p.k, this.shownRank); }
  get full(): number { return fullParams(this.p.d, this.p.k); }
  get reachedAt(): number | null {
    const f = this.floor;
    return this.history.find((h) => h[1] <= f + FLOOR_TOLERANCE)?.[0] ?? null;
  }

  private targetConfig(): LoraTargetConfig {
    return { ...DEFAULT_LORA, d: this.p.d, k: this.p.k, directions: this.p.directions, noise: this.p.noise };
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const key = JSON.stringify([this.p, this.seed]);
    if (key !== this.attrKey) {
      this.attrKey = key;
      this._rank = null;
      this.target = buildTarget(this.targetConfig(), this.rng('target'));
      this._sigma = singularValues(this.target);
      void this.guard(() => this.fitted());
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

  private newRun(rank: number): LoraFit {
    this.stop();
    this.run = new LoraFit(this.target!, rank, this.rng(`init-${rank}`), this.p.learningRate);
    return this.run;
  }

  private points(run: LoraFit): [number, number][] {
    return run.history.map((h) => [h.step, h.error]);
  }

  /** The fit after `steps` steps at the current rank, trained now in chunks (each yields to the page). */
  private async fitted(): Promise<void> {
    if (!this.target) return; // willUpdate builds the target and fits
    this.markBusy();
    this.busy = true;
    try {
      await this.tf();
      const rank = this.currentRank;
      const run = this.newRun(rank);
      const gen = this.generation;
      while (run.step < this.p.steps) {
        await run.advance(Math.min(100, this.p.steps - run.step));
        if (gen !== this.generation) return;
        await new Promise((r) => setTimeout(r, 0));
        if (gen !== this.generation) return;
      }
      this._view = { rank, history: this.points(run), source: 'trained' };
      this.run = null;
      run.dispose();
    } finally {
      this.busy = false;
    }
    this.requestUpdate();
  }

  /** Refits from B = 0 at the current rank, live. In still mode: the fitted state at once. */
  fit(): Promise<void> {
    return this.guard(async () => {
      if (this.still || !this.target) return this.fitted();
      await this.tf();
      const rank = this.currentRank;
      const run = this.newRun(rank);
      this._view = { rank, history: this.points(run), source: 'live' };
      this.loop.play();
      this.publishState();
    }).then(() => undefined);
  }

  pause(): void {
    this.loop.pause();
  }

  async reset(): Promise<void> {
    this._rank = null;
    this.stop();
    await this.guard(() => this.fitted());
    await this.updateComplete;
    this.publishState();
  }

  setRank(r: number): void {
    if (!Number.isFinite(r)) return;
    this._rank = Math.max(1, Math.min(this.maxRank, Math.round(r)));
    void this.fit().then(() => this.announce());
  }

  /** n steps now (tests, scripted use): continues the live fit, or starts one. */
  async train(n: number): Promise<number> {
    this.loop.pause();
    await this.tf();
    if (!this.run || this._view?.source !== 'live') {
      const rank = this.currentRank;
      this.newRun(rank);
      this._view = { rank, history: [], source: 'live' };
    }
    const run = this.run!;
    await this.guard(async () => {
      await run.advance(Math.max(1, Math.floor(n)));
      this._view = { ...this._view!, history: this.points(run) };
    });
    await this.updateComplete;
    return this.step;
  }

  private announce(): void {
    this.dispatchEvent(new CustomEvent<LoraRankChangeDetail>('lora-rank-change', {
      detail: { rank: this.shownRank, step: this.step, error: this.error ?? 1, floor: this.floor }, bubbles: true, composed: true,
    }));
  }

  private async frame(): Promise<void> {
    const run = this.run;
    if (!run || this.busy) return;
    this.busy = true;
    const gen = this.generation;
    try {
      await run.advance(Math.min(STEPS_PER_FRAME, this.p.steps - run.step));
      if (gen !== this.generation) return;
      this._view = { ...this._view!, history: this.points(run) };
      this.announce();
      if (run.step >= this.p.steps) this.loop.pause();
    } finally {
      this.busy = false;
    }
  }

  protected override clickerStep(): boolean {
    if (this.currentRank >= Math.min(SLIDER_MAX, this.maxRank)) return false;
    this.setRank(this.currentRank + 1);
    return true;
  }

  override getSyncState(): unknown {
    return { rank: this._rank, live: this.loop.playing };
  }

  override applySyncState(state: unknown): void {
    const s = state as { rank?: unknown; live?: unknown } | null;
    if (!s || !(s.rank === null || (typeof s.rank === 'number' && Number.isInteger(s.rank) && s.rank >= 1 && s.rank <= 64))) return;
    this._rank = s.rank as number | null;
    if (s.live === true && !this.still) void this.fit();
    else {
      this.stop();
      void this.guard(() => this.fitted());
    }
  }

  protected override renderDemo() {
    const v = this._view;
    if (!v) return html`<div class="muted">fitting B·A…</div>`;
    const { d, k } = this.p;
    const r = v.rank;
    const floor = truncationError(this._sigma, r);
    const err = v.history.at(-1)?.[1] ?? 1;
    const reached = this.reachedAt;
    const steps = this.p.steps;
    const curve = lineChart({
      series: [{ name: `‖ΔW − BA‖ / ‖ΔW‖, rank ${r}`, points: v.history.map((h) => [h[0], 100 * h[1]] as const), color: palette.blue }],
      width: 560,
      height: 300,
      xDomain: [0, steps],
      yDomain: [0, 100],
      xLabel: 'Adam step (B = 0 at step 0)',
      yLabel: 'error left (%)',
      marks: [{ y: 100 * floor, label: `SVD floor, rank ${r}: ${pct(floor, 1)}`, color: palette.vermillion }],
      formatY: (t) => `${t}`,
      title: 'relative error of B·A against the step, with the Eckart–Young floor',
    });
    const ratio = this.full / this.trainable;
    const big = { d: 4096, k: 4096, r: 16 };
    return html`
      <div class="charts">
        <div part="spectrum">${this.renderSpectrum(r)}</div>
        <div part="curve">${curve}</div>
      </div>
      <div class="controls" part="controls">
        <button class="primary fit" @click=${() => (this.loop.playing ? this.pause() : void this.fit())} ?disabled=${this.still}>${this.loop.playing ? '❚❚ pause' : '▶ fit'}</button>
        <button class="reset" @click=${() => void this.reset()}>reset</button>
        <label>rank r = <span class="value rank">${r}</span>
          <input class="rank" type="range" min="1" max=${Math.min(SLIDER_MAX, this.maxRank)} step="1" .value=${String(this.currentRank)} aria-label="rank r"
            @change=${(e: Event) => this.setRank(Number((e.target as HTMLInputElement).value))} /></label>
        <span class="readout">step <span class="value step">${v.history.at(-1)?.[0] ?? 0}</span> · error <span class="value error">${pct(err)}</span>
          · floor <span class="value floor">${pct(floor)}</span>
          ${reached !== null ? html` · <span class="at-floor">at the floor (step ${reached})</span>` : ''}</span>
      </div>
      <div class="readout params" part="readout">ΔW is ${d} × ${k}: B (${d} × ${r}) and A (${r} × ${k}) train
        <span class="value trainable">${fmtInt(this.trainable)}</span> numbers instead of <span class="value full">${fmtInt(this.full)}</span>
        (${ratio.toFixed(1)}× fewer), keeping ${pct(energyShare(this._sigma, r), 1)} of ‖ΔW‖².
        At d = k = 4096, r = 16: <span class="value">${fmtInt(loraParams(big.d, big.k, big.r))}</span> vs
        ${fmtInt(fullParams(big.d, big.k))} (${fullParams(big.d, big.k) / loraParams(big.d, big.k, big.r)}×).</div>`;
  }

  private renderSpectrum(r: number) {
    const W = 560;
    const H = 300;
    const M = { top: 66, right: 10, bottom: 58, left: 50 };
    const s = this._sigma;
    const x = scaleBand<number>().domain(s.map((_, i) => i)).range([M.left, W - M.right]).padding(s.length > 40 ? 0.1 : 0.2);
    const y = scaleLinear().domain([0, Math.max(1e-9, s[0] ?? 1)]).range([H - M.bottom, M.top]).nice();
    const bw = x.bandwidth();
    const edge = r < s.length ? x(r)! - (x.step() - bw) / 2 : W - M.right;
    const tickEvery = s.length > 64 ? 16 : s.length > 24 ? 8 : s.length > 12 ? 4 : 1;
    const labelX = Math.min(edge + 8, W - M.right - 190);
    return svg`<svg class="spectrum" viewBox="0 0 ${W} ${H}" role="img" aria-label="singular values of the update, the first r kept">
      <defs><pattern id="lora-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <line x1="0" y1="0" x2="0" y2="6" stroke=${palette.grey} stroke-width="2"></line></pattern></defs>
      <text x=${M.left - 40} y="20">singular values σᵢ of ΔW:</text>
      <rect x="262" y="6" width="18" height="18" fill=${palette.blue}></rect><text x="286" y="20">kept (first r)</text>
      <rect x="412" y="6" width="18" height="18" fill="url(#lora-hatch)" stroke=${palette.grey} stroke-width="1.5"></rect><text x="436" y="20">dropped</text>
      ${y.ticks(4).map((t) => svg`<line x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)} stroke="currentColor" opacity="0.12"></line>
        <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${t}</text>`)}
      ${s.map((v, i) => {
        const kept = i < r;
        const top = Math.min(y(v), y(0) - 1.5);
        return svg`<rect class="bar ${kept ? 'kept' : 'dropped'}" data-kept=${kept ? 'true' : 'false'} x=${x(i)} y=${top} width=${bw} height=${y(0) - top}
          fill=${kept ? palette.blue : 'url(#lora-hatch)'} stroke=${kept ? 'none' : palette.grey} stroke-width="1.5"></rect>`;
      })}
      <line x1=${M.left} x2=${W - M.right} y1=${y(0)} y2=${y(0)} stroke="currentColor" stroke-width="1.5"></line>
      <line class="cut" x1=${edge} x2=${edge} y1=${M.top - 18} y2=${y(0)} stroke="currentColor" stroke-width="2" stroke-dasharray="5 4"></line>
      <path d="M${M.left + 1},${M.top - 10}V${M.top - 18}H${edge}" fill="none" stroke="currentColor" stroke-width="2.5"></path>
      <text class="kept-label" x=${labelX} y=${M.top - 12} font-weight="700">kept: r = ${r} of ${s.length}</text>
      ${r < s.length ? svg`<text x=${labelX} y=${M.top + 14}>next: σ${sub(r + 1)} = ${(s[r] ?? 0).toFixed(2)}</text>` : ''}
      ${s.map((_, i) => ((i + 1) % tickEvery === 0 || i === 0 ? svg`<text x=${x(i)! + bw / 2} y=${H - M.bottom + 22} text-anchor="middle">${i + 1}</text>` : ''))}
      <text x=${(M.left + W - M.right) / 2} y=${H - 8} text-anchor="middle">i (largest first)</text>
    </svg>`;
  }
}
