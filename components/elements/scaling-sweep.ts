import { css, html, nothing, svg } from 'lit';
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { palette } from '../charts/colors.js';
import { loadCorpus } from '../data/load-corpus.js';
import type { Corpus } from '../models/corpus.js';
import {
  DEFAULT_SWEEP, SWEEP_SNAPSHOT, SweepRun, fitOrNull, nonEmbeddingParams, powerLaw, snapshotPoints,
  type PowerLawFit, type SweepConfig, type SweepPoint,
} from '../models/scaling-sweep.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamSpec, type ParamValues } from '../runtime/params.js';

/** Kaplan et al. 2020's exponent of L(N) for non-embedding parameters (their eq. 1.1). */
export const KAPLAN_ALPHA_N = 0.076;

const MAX_WIDTH = 256;

/** Hidden widths: 3 to 8 whole numbers from 1 to 256, strictly increasing. */
function widthsParam(fallback: number[]): ParamSpec<number[]> {
  const base = param.numbers({ fallback, minLength: 3, maxLength: 8, min: 1, max: MAX_WIDTH });
  const expected = `3 to 8 increasing whole numbers from 1 to ${MAX_WIDTH}, comma-separated, e.g. "2, 6, 18, 54, 162"`;
  return {
    ...base,
    expected,
    parse(raw) {
      const r = base.parse(raw);
      if (!r.ok || !r.value.every((v, i) => Number.isInteger(v) && (i === 0 || v > r.value[i - 1]!))) return { ok: false, expected };
      return r;
    },
  };
}

const PARAMS = {
  widths: widthsParam([...DEFAULT_SWEEP.widths]),
  steps: param.int({ fallback: DEFAULT_SWEEP.steps, min: 50, cap: 5000 }),
  batchSize: param.int({ fallback: DEFAULT_SWEEP.batchSize, min: 8, max: 512, attribute: 'batch-size' }),
  learningRate: param.number({ fallback: DEFAULT_SWEEP.learningRate, min: 0.01, max: 1, attribute: 'learning-rate' }),
};

/** Target time of one live animation frame (steps + the frame's one read-back). */
const FRAME_MS = 45;
/** Steps per chunk while training at start-up (each chunk yields to the page). */
const STARTUP_CHUNK = 200;

type Source = 'recorded' | 'trained' | 'live';

interface View {
  points: SweepPoint[];
  source: Source;
  config: SweepConfig;
  /** N of every width, known before training. */
  sizes: number[];
  /** The model in training: its index and steps so far (null when none is). */
  training: { index: number; step: number } | null;
}

interface SyncState {
  live: boolean;
  /** Models the live sweep trains before it stops (clicker steps add one each). */
  target: number;
}

const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const decade = (v: number) => `10${[...String(Math.round(Math.log10(v)))].map((c) => SUP[Number(c)]).join('')}`;
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Chart box in viewBox units (laid out at about this many px on a 1280 × 720 slide). */
const W = 720;
const H = 392;
const M = { top: 16, right: 22, bottom: 62, left: 84 };

/**
 * `<scaling-sweep>` — a scaling law measured live (Kaplan et al. 2020 in
 * miniature): five character-level MLP language models of growing hidden
 * width H (the model of `<mlp-trainer>`: 3 characters of context, 10-dim
 * embeddings, one tanh layer) train one after the other on the project's
 * 8,405 English first names; each model's validation loss is plotted against
 * its parameter count N on log–log axes, and L(N) = a·N^(−b) + L∞ is fitted
 * to the points (solid over the measured sizes, dotted beyond them), with L∞
 * as a dashed asymptote: a power law that bends towards an irreducible loss.
 * The readout sets the fitted b beside Kaplan et al.'s α_N ≈ 0.076 (tiny
 * models on a tiny corpus give a different exponent; the shape is the point).
 *
 * N counts NON-embedding parameters, as Kaplan et al. do: W1, b1, W2, b2,
 * N = H·(3·10 + 1 + 27) + 27 = 58·H + 27; the 270 numbers of the character
 * table are left out (each point's `totalParams` adds them). Every model takes the
 * same `steps` SGD steps on the same minibatches of `batch-size` windows
 * (one seed: one split, one batch order, each width its own seeded initial
 * weights): a fixed data budget, so the compute grows with N and the biggest
 * models are the furthest from convergence.
 *
 * First screen and print: the default sweep as trained on WebAssembly
 * (widths 2, 6, 18, 54, 162; 1,000 steps of 128; η = 0.2; seed 42),
 * recorded in `SWEEP_SNAPSHOT`, which the unit test retrains and checks:
 * validation losses 2.619, 2.480, 2.372, 2.322, 2.283 at N = 143 … 9,423, fit
 * b = 0.49, L∞ = 2.23. With other attributes the sweep is trained at
 * start-up, in chunks, and shown when done. "▶ run sweep" trains all five
 * live from scratch, the points appearing as each model finishes, with a
 * progress bar per model; "reset" returns to the first screen. A clicker
 * step trains the next model live and stops (clicker-steps="5" walks the
 * sweep model by model). Live on WebAssembly on this project's 2-core
 * machine (shared, loaded) the fifth point lands 9–19 s after ▶, 31 s at
 * the worst load seen (`npm run bench`, "scaling-sweep").
 *
 * @attr widths - hidden widths H, 3 to 8 increasing whole numbers from 1 to 256 (default "2, 6, 18, 54, 162")
 * @attr steps - SGD steps per model, at least 50, capped at 5000 (default 1000)
 * @attr batch-size - windows per step, 8 to 512 (default 128)
 * @attr learning-rate - SGD step size, 0.01 to 1 (default 0.2)
 * @attr seed - the split, the batch order and every model's initial weights (default 42)
 * @attr clicker-steps - clicker steps on the slide: each trains the next model live (0 to the number of widths)
 * @prop points - finished models [{hidden, params (N, non-embedding), totalParams, valLoss}]; sizes - N of every width
 * @prop fit - {a, b, lInf, rss} of L(N) = a·N^(−b) + L∞ (null under three points); source - 'recorded' | 'trained' | 'live'
 * @prop training - {index, step} of the model in training, or null; config - the sweep's settings; playing
 * @prop liveSeconds - wall time of the last complete live sweep while it was playing (▶ to its last point, pauses excluded), or null
 * @method runLive() - a fresh live sweep of every width; pause(); reset() - back to the first screen
 * @fires scaling-sweep-change - detail {source, points, fit} when a model finishes, a sweep starts, or the first screen is drawn
 * @csspart chart - the log–log chart; readout - the fit beside Kaplan's exponent; models - the table of models; controls - buttons and status
 * @cssprop --demo-accent - buttons and progress bars
 */
export class ScalingSweep extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1.6fr) minmax(0, 1fr); gap: 0 1em; align-items: start; }
      svg.plot { display: block; width: 100%; height: auto; }
      svg.plot text { font-size: 18px; fill: currentColor; }
      svg.plot .axis line, svg.plot .axis path { stroke: currentColor; }
      svg.plot .grid { stroke: currentColor; opacity: 0.13; }
      .side { display: flex; flex-direction: column; align-items: flex-start; gap: 0.45em; font-size: max(16px, 0.85em); }
      .legend { display: flex; flex-direction: column; gap: 0.1em; }
      .legend svg { width: 1.6em; height: 0.9em; vertical-align: middle; margin-right: 0.35em; }
      .readout p { margin: 0; }
      .law { font-size: 1.05em; }
      .ours { font-weight: 700; font-size: 1.1em; }
      .kaplan { color: var(--muted); }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { padding: 0.05em 0.45em; text-align: right; white-space: nowrap; }
      th { font-weight: 600; border-bottom: 2px solid var(--border); }
      td.loss { min-width: 6.5em; }
      tr.pending td { color: var(--muted); }
      progress { width: 4em; height: 0.7em; vertical-align: middle; accent-color: var(--accent); }
      .status { font-size: max(16px, 0.8em); }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _view: { state: true },
  };

  declare widths: string | number[] | undefined;
  declare steps: string | number | undefined;
  declare batchSize: string | number | undefined;
  declare learningRate: string | number | undefined;
  declare _view: View | null;

  private p!: ParamValues<typeof PARAMS>;
  private corpus: Corpus | null = null;
  private run: SweepRun | null = null;
  private attrKey = '';
  private generation = 0;
  private busy = false;
  private target = 0;
  /** True from ▶ (or a clicker step) until reset: the synced state, set before the live run exists. */
  private live = false;
  private stepsPerFrame = 8;
  private clock = { total: 0, since: null as number | null };
  private _liveSeconds: number | null = null;
  /** The y range of the last finished sweep: live points land on a chart that does not rescale under them. */
  private yBase: [number, number] | null = null;
  /** The sweep trained at start-up for these attributes (deterministic): reset and a clicker step back show it again at once. */
  private trained: { key: string; points: SweepPoint[] } | null = null;
  private readonly loop = new LoopController(this, () => this.frame());

  constructor() {
    super();
    this._view = null;
  }

  get points(): SweepPoint[] { return this._view?.points ?? []; }
  get sizes(): number[] { return this._view?.sizes ?? []; }
  get fit(): PowerLawFit | null { return fitOrNull(this.points); }
  get source(): Source | null { return this._view?.source ?? null; }
  get config(): SweepConfig | null { return this._view?.config ?? null; }
  get training(): { index: number; step: number } | null { return this._view?.training ?? null; }
  get playing(): boolean { return this.loop.playing; }
  get liveSeconds(): number | null { return this._liveSeconds; }

  private configNow(): SweepConfig {
    const p = this.p ?? this.readParams(PARAMS);
    const seed = Number.isFinite(this.seed) ? this.seed : 42;
    return { ...DEFAULT_SWEEP, widths: p.widths, steps: p.steps, batchSize: p.batchSize, learningRate: p.learningRate, seed };
  }

  private isSnapshotConfig(c: SweepConfig): boolean {
    const s = SWEEP_SNAPSHOT.config;
    return JSON.stringify({ ...c, widths: [...c.widths] }) === JSON.stringify({ ...s, widths: [...s.widths] });
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const key = JSON.stringify([this.p, this.seed]);
    if (key !== this.attrKey) {
      this.attrKey = key;
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
    this.busy = false;
    this.loop.pause();
    this.stopClock();
    this.generation++;
    this.run?.dispose();
    this.run = null;
  }

  private async corpusNow(): Promise<Corpus> {
    this.corpus ??= await loadCorpus({ corpus: 'names-en', src: '', inline: '' });
    return this.corpus;
  }

  private sizesOf(c: SweepConfig, corpus: Corpus): number[] {
    return c.widths.map((hidden) => nonEmbeddingParams({ vocabSize: corpus.vocab.length, context: c.context, embedding: c.embedding, hidden }));
  }

  /** The recorded sweep, or the attributes' sweep trained now in chunks (each chunk yields to the page). */
  private async firstScreen(): Promise<void> {
    this.stop();
    this.live = false;
    this.markBusy();
    this.busy = true;
    const gen = this.generation;
    try {
      await this.tf();
      const corpus = await this.corpusNow();
      if (gen !== this.generation) return;
      const config = this.configNow();
      const sizes = this.sizesOf(config, corpus);
      if (this.isSnapshotConfig(config)) {
        this._view = { points: snapshotPoints(corpus.vocab.length), source: 'recorded', config, sizes, training: null };
      } else if (this.trained?.key === this.attrKey) {
        this._view = { points: this.trained.points, source: 'trained', config, sizes, training: null };
      } else {
        const run = new SweepRun(corpus, config);
        this.run = run;
        this._view = { points: [], source: 'trained', config, sizes, training: { index: 0, step: 0 } };
        await run.finish(STARTUP_CHUNK, async () => {
          if (gen !== this.generation) return;
          this._view = { ...this._view!, points: run.points, training: run.done ? null : run.progress };
          await new Promise((r) => setTimeout(r, 0));
        });
        if (gen !== this.generation) return;
        run.dispose();
        this.run = null;
        this.trained = { key: this.attrKey, points: run.points };
        this._view = { ...this._view!, points: run.points, training: null };
      }
      this.yBase = this.yDomain(this._view.points, fitOrNull(this._view.points));
      this.changed();
    } finally {
      if (gen === this.generation) this.busy = false;
    }
    this.requestUpdate();
  }

  /** A fresh live sweep that trains `target` models (all by default), playing. */
  runLive(target = Infinity): void {
    this.stop();
    const gen = this.generation;
    const config = this.configNow();
    this.target = Math.min(config.widths.length, target);
    this.live = true;
    this._liveSeconds = null;
    this.clock = { total: 0, since: null };
    void this.guard(async () => {
      await this.tf();
      const corpus = await this.corpusNow();
      if (gen !== this.generation) return;
      this.run = new SweepRun(corpus, config);
      this.stepsPerFrame = 8;
      this._view = { points: [], source: 'live', config, sizes: this.sizesOf(config, corpus), training: { index: 0, step: 0 } };
      this.changed();
      this.play();
    });
    this.publishState();
  }

  private play(): void {
    if (!this.run || this.run.done || this.run.points.length >= this.target) return;
    this.clock.since ??= performance.now();
    this.loop.play();
  }

  pause(): void {
    this.loop.pause();
    this.stopClock();
  }

  private stopClock(): void {
    if (this.clock.since !== null) this.clock.total += performance.now() - this.clock.since;
    this.clock.since = null;
  }

  async reset(): Promise<void> {
    this.target = 0;
    await this.guard(() => this.firstScreen());
    await this.updateComplete;
    this.publishState();
  }

  private async frame(): Promise<void> {
    const run = this.run;
    if (!run || this._view?.source !== 'live') return;
    if (run.done || run.points.length >= this.target) {
      this.pause();
      return;
    }
    const t0 = performance.now();
    const point = await run.advance(this.stepsPerFrame);
    if (run !== this.run) return;
    const elapsed = performance.now() - t0;
    // Adapt the steps per frame towards FRAME_MS (a finishing frame also evaluates: not a step's cost).
    if (!point) this.stepsPerFrame = Math.max(1, Math.min(400, Math.round(this.stepsPerFrame * Math.min(2, Math.max(0.5, FRAME_MS / Math.max(elapsed, 1))))));
    this._view = { ...this._view, points: run.points, training: run.done || run.points.length >= this.target ? null : run.progress };
    if (point) this.changed();
    if (run.done) {
      this.stopClock();
      this._liveSeconds = this.clock.total / 1000;
      this.yBase = this.yDomain(run.points, run.fit());
    }
    if (run.done || run.points.length >= this.target) this.pause();
  }

  private changed(): void {
    const fit = this.fit;
    this.dispatchEvent(new CustomEvent('scaling-sweep-change', {
      detail: { source: this.source, points: this.points.map((p) => ({ ...p })), fit: fit && { a: fit.a, b: fit.b, lInf: fit.lInf } },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): SyncState {
    return { live: this.live, target: this.target };
  }

  override applySyncState(state: unknown): void {
    const s = state as Partial<SyncState> | null;
    if (!s || typeof s.live !== 'boolean') return;
    if (!s.live) {
      if (this.live) void this.reset();
      return;
    }
    const target = Number.isInteger(s.target) ? Math.max(0, s.target!) : 0;
    if (!this.live) {
      this.runLive(target);
      return;
    }
    if (this._view?.source !== 'live' || !this.run) {
      this.target = target; // the run is being built: it trains this many
      this.runLive(target);
      return;
    }
    this.target = Math.min(this._view.config.widths.length, target);
    this.run.truncate(this.target);
    this._view = { ...this._view, points: this.run.points, training: this.run.points.length >= this.target ? null : this.run.progress };
    if (this.run.points.length < this.target) this.play();
    else this.pause();
  }

  /** One clicker step: the next model trains live (the first step starts a live sweep). */
  protected override clickerStep(): boolean {
    if (!this.live) {
      if (!this._view || this.busy) return false;
      this.runLive(1);
      return true;
    }
    if (this.target >= this.configNow().widths.length) return false;
    this.target++;
    this.play();
    return true;
  }

  private onRunButton(): void {
    if (this.loop.playing) {
      this.pause();
      return;
    }
    const run = this.run;
    if (this._view?.source === 'live' && run && !run.done) {
      this.target = this._view.config.widths.length;
      this.play();
    } else this.runLive();
    this.publishState();
  }

  /** Padded extent of the losses and the asymptote. */
  private yDomain(points: readonly SweepPoint[], fit: PowerLawFit | null): [number, number] | null {
    const ys = points.map((p) => p.valLoss).filter((l) => Number.isFinite(l) && l > 0);
    if (!ys.length) return null;
    let lo = Math.min(...ys);
    let hi = Math.max(...ys);
    // The asymptote is on the chart unless it lies far below the points (e.g. L∞ = 0 from a fit that found no floor).
    if (fit && fit.lInf > 0 && fit.lInf > lo - 2 * (hi - lo)) lo = fit.lInf;
    if (hi - lo < 0.05) [lo, hi] = [lo - 0.025, hi + 0.025];
    return [lo * 0.985, hi * 1.015];
  }

  /** The chart's y range: the shown points' during a live sweep widened to the last finished sweep's, so the axis holds still. */
  private yRange(v: View, fit: PowerLawFit | null): [number, number] {
    const own = this.yDomain(v.points, fit);
    const base = v.source === 'live' ? this.yBase : null;
    if (own && base) return [Math.min(own[0], base[0]), Math.max(own[1], base[1])];
    return own ?? base ?? [2, 3];
  }

  protected override renderDemo() {
    const v = this._view;
    if (!v) return html`<div class="muted">preparing the sweep…</div>`;
    const fit = fitOrNull(v.points);
    return html`
      <div class="layout">
        <div part="chart">${this.renderChart(v, fit)}</div>
        <div class="side">
          ${this.renderReadout(fit)}
          ${this.renderTable(v)}
          <div class="legend">
            <span><svg viewBox="0 0 32 14" aria-hidden="true"><circle cx="16" cy="7" r="6" fill=${palette.blue}></circle></svg>one trained model</span>
            <span><svg viewBox="0 0 32 14" aria-hidden="true"><line x1="0" x2="32" y1="7" y2="7" stroke=${palette.vermillion} stroke-width="3.5"></line></svg>fit (dotted: extrapolated)</span>
            <span><svg viewBox="0 0 32 14" aria-hidden="true"><line x1="0" x2="32" y1="7" y2="7" stroke=${palette.green} stroke-width="3" stroke-dasharray="7 4"></line></svg>L<sub>∞</sub>, the floor it bends to</span>
          </div>
        </div>
      </div>
      <div class="controls" part="controls">
        <button class="primary run" @click=${() => this.onRunButton()} ?disabled=${this.still || this.busy}>
          ${this.loop.playing ? '❚❚ pause' : v.source === 'live' && this.run && !this.run.done ? '▶ resume' : '▶ run sweep'}</button>
        <button class="reset" @click=${() => void this.reset()} ?disabled=${this.still}>reset</button>
        <span class="status">${this.statusText(v)}</span>
      </div>`;
  }

  private statusText(v: View) {
    const c = v.config;
    const budget = `${v.sizes.length} models × ${fmtInt(c.steps)} steps of ${c.batchSize}`;
    if (v.training) {
      const h = c.widths[v.training.index];
      const verb = v.source === 'live' ? (this.loop.playing ? 'training' : 'paused at') : 'training at start-up:';
      return html`${verb} model <span class="value">${v.training.index + 1}</span> of ${v.sizes.length} (H = ${h}), step
        <span class="value step">${fmtInt(v.training.step)}</span> / ${fmtInt(c.steps)}`;
    }
    if (v.source === 'live') {
      return this._liveSeconds !== null
        ? html`live: ${budget} in <span class="value seconds">${this._liveSeconds.toFixed(1)} s</span>`
        : html`live: <span class="value">${v.points.length}</span> of ${v.sizes.length} models trained`;
    }
    return html`${v.source === 'recorded' ? 'recorded sweep' : 'trained at start-up'}: ${budget}, seed ${c.seed}`;
  }

  private renderReadout(fit: PowerLawFit | null) {
    return html`<div class="readout" part="readout">
      <p class="law">fit: L(N) = a·N<sup>−b</sup> + L<sub>∞</sub></p>
      <p class="ours">ours: b = <span class="value fit-b">${fit ? fit.b.toFixed(2) : '…'}</span>,
        L<sub>∞</sub> = <span class="value fit-linf">${fit ? fit.lInf.toFixed(2) : '…'}</span></p>
      <p class="kaplan">Kaplan et al. 2020: α<sub>N</sub> ≈ ${KAPLAN_ALPHA_N}</p>
      ${fit ? nothing : html`<p class="muted">the fit needs three models</p>`}
    </div>`;
  }

  private renderTable(v: View) {
    const c = v.config;
    return html`<table part="models">
      <thead><tr><th>H</th><th>N</th><th>val loss</th></tr></thead>
      <tbody>${v.sizes.map((n, i) => {
        const p = v.points[i];
        const t = v.training;
        const cell = p
          ? html`<span class="value">${p.valLoss.toFixed(3)}</span>`
          : t && t.index === i
            ? html`<progress max=${c.steps} .value=${t.step} aria-label=${`model ${i + 1}: steps done`}></progress> <span class="value percent">${Math.round((100 * t.step) / c.steps)} %</span>`
            : html`waiting`;
        return html`<tr class=${p ? 'done' : 'pending'} data-index=${i}><td>${c.widths[i]}</td><td>${fmtInt(n)}</td><td class="loss">${cell}</td></tr>`;
      })}</tbody>
    </table>`;
  }

  private renderChart(v: View, fit: PowerLawFit | null) {
    const sizes = v.sizes;
    const xLo = 10 ** Math.floor(Math.log10(Math.min(...sizes) / 1.2));
    const xHi = 10 ** Math.ceil(Math.log10(Math.max(...sizes) * 3));
    const x = scaleLog().domain([xLo, xHi]).range([M.left, W - M.right]);
    const [yLo, yHi] = this.yRange(v, fit);
    const y = scaleLog().domain([yLo, yHi]).range([H - M.bottom, M.top]);
    const linear = scaleLinear().domain([yLo, yHi]);
    const yTicks = linear.ticks(5);
    const fy = linear.tickFormat(5);
    const decades: number[] = [];
    for (let d = xLo; d <= xHi * 1.0001; d *= 10) decades.push(d);
    const minors = decades.flatMap((d) => [2, 3, 4, 5, 6, 7, 8, 9].map((k) => d * k)).filter((t) => t < xHi);
    const nMin = Math.min(...v.points.map((p) => p.params));
    const nMax = Math.max(...v.points.map((p) => p.params));
    const curve = (from: number, to: number) => Array.from({ length: 60 }, (_, i) => from * (to / from) ** (i / 59)).map((n) => [n, powerLaw(fit!, n)] as [number, number]);
    const path = line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
    const training = v.training ? sizes[v.training.index] : null;
    const asymptote = fit && fit.lInf >= yLo ? y(fit.lInf) : null;
    return html`<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="validation loss against non-embedding parameters, log–log, with the fitted power law">
      <defs><clipPath id="sweep-area"><rect x=${M.left} y=${M.top} width=${W - M.left - M.right} height=${H - M.top - M.bottom}></rect></clipPath></defs>
      <g class="axis">
        ${decades.map((t) => svg`<line class="grid" x1=${x(t)} x2=${x(t)} y1=${M.top} y2=${H - M.bottom}></line>
          <text x=${x(t)} y=${H - M.bottom + 26} text-anchor="middle">${decade(t)}</text>`)}
        ${minors.map((t) => svg`<line x1=${x(t)} x2=${x(t)} y1=${H - M.bottom} y2=${H - M.bottom + 6} opacity="0.6"></line>`)}
        ${yTicks.map((t) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
          <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${fy(t)}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle">N = non-embedding parameters (log)</text>
        <text transform="translate(20, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">validation loss (nats, log)</text>
      </g>
      <g clip-path="url(#sweep-area)">
        ${training !== null ? svg`<line class="training" x1=${x(training)} x2=${x(training)} y1=${M.top} y2=${H - M.bottom} stroke=${palette.orange} stroke-width="3" stroke-dasharray="3 5"></line>` : nothing}
        ${fit && asymptote !== null ? svg`
          <line class="asymptote" x1=${M.left} x2=${W - M.right} y1=${asymptote} y2=${asymptote} stroke=${palette.green} stroke-width="2.5" stroke-dasharray="9 6"></line>
          <path class="fit" d=${path(curve(nMin, nMax)) ?? ''} fill="none" stroke=${palette.vermillion} stroke-width="3.5"></path>
          <path class="fit-beyond" d=${(path(curve(xLo, nMin)) ?? '') + (path(curve(nMax, xHi)) ?? '')} fill="none" stroke=${palette.vermillion} stroke-width="3" stroke-dasharray="2 6" stroke-linecap="round"></path>` : nothing}
        ${v.points.map((p) => svg`<circle class="point" cx=${x(p.params)} cy=${y(p.valLoss)} r="8" fill=${palette.blue} stroke="white" stroke-width="2"></circle>`)}
      </g>
      ${fit ? svg`<text class="linf-label" x=${M.left + 10} y=${asymptote !== null ? asymptote - 10 : H - M.bottom - 10}>L∞ = ${fit.lInf.toFixed(2)}${asymptote !== null ? '' : ', below the chart'}</text>` : nothing}
      ${training !== null ? svg`<text x=${x(training) + (x(training) > W / 2 ? -8 : 8)} y=${M.top + 22} text-anchor=${x(training) > W / 2 ? 'end' : 'start'}>training H = ${v.config.widths[v.training!.index]}</text>` : nothing}
    </svg>`;
  }
}
