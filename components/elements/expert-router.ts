import { css, html, svg } from 'lit';
import { scaleLinear } from 'd3-scale';
import { palette } from '../charts/colors.js';
import { formatCount } from '../models/model-calculator.js';
import {
  DEFAULT_ROUTER, DEFAULT_STEPS, DEFAULT_TOKENS, ExpertRouter as Router, makeTokens, presetParameters, toyParameters,
  type RouterSnapshot, type Tokens,
} from '../models/expert-router.js';
import { DemoElement } from '../runtime/demo-element.js';
import { LoopController } from '../runtime/loop.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  experts: param.int({ fallback: DEFAULT_ROUTER.experts, min: 2, max: 8 }),
  k: param.int({ fallback: DEFAULT_ROUTER.k, min: 1, max: 2 }),
  aux: param.oneOf(['on', 'off'] as const, 'on'),
  steps: param.int({ fallback: DEFAULT_STEPS, min: 10, max: 400 }),
  clusters: param.int({ fallback: DEFAULT_TOKENS.clusters, min: 2, max: 8 }),
};

type Mode = 'on' | 'off';
/** Expert colours (Okabe & Ito); each expert is also named (E1 …) on both charts. */
const EXPERT_COLORS = [palette.blue, palette.orange, palette.green, palette.vermillion, palette.purple, palette.sky, '#8a6d00', palette.grey];
const STEPS_PER_FRAME = 2;
const EVERY = 10;

interface Run { history: RouterSnapshot[]; source: 'trained' | 'live' }

export interface ExpertRouterChangeDetail { aux: Mode; k: number; step: number; load: number[]; auxLoss: number; used: number }

/**
 * `<expert-router>` — a mixture-of-experts router in the small (chapter 30).
 * Toy tokens are 2-D points in a few seeded clusters, each cluster with its
 * own linear target; a linear router (softmax over E experts) sends each
 * token to its top-k experts (tiny linear maps), weighted by the router
 * probability (Switch style). Router and experts train together with Adam
 * in TensorFlow.js (`models/expert-router.ts`), twice from the same start:
 * with the task loss alone, and with the Switch auxiliary load-balancing
 * loss L_aux = E · Σᵢ fᵢ · Pᵢ added (Fedus et al. 2021; fᵢ share of the
 * assignments to expert i, Pᵢ its mean router probability; 1 at an even load).
 *
 * Left: the tokens coloured by their first expert, each expert's name at the
 * centre of its tokens. Middle and right: the per-expert load (share of the
 * token→expert assignments) of the two runs, a dashed line at the even
 * share 1/E: without L_aux the load collapses onto a few experts, with it
 * every expert gets about 1/E. Below: total against active parameters of
 * Mixtral 8×7B from `<model-calculator>`'s preset and count (46.7 B and
 * 12.9 B), and of the toy layer.
 *
 * Both runs (`steps` steps each, 100 by default) train at start-up in chunks
 * (about a second or two on WebAssembly), so the first screen and the still
 * state show the trained loads. "train live" replays the chosen run from
 * step 0; the toggle chooses which run the token map shows; top-1 / top-2
 * retrain both.
 *
 * @attr experts - E, 2 to 8 (default 8)
 * @attr k - experts per token, 1 or 2 (default 2, as Mixtral)
 * @attr aux - "on" | "off": the run the token map shows first (default "on")
 * @attr steps - Adam steps per run, 10 to 400 (default 100)
 * @attr clusters - token clusters, 2 to 8 (default 6)
 * @attr seed - seed of the tokens and the initial weights (default 42)
 * @prop off, on - the last snapshot of each run {step, load, meanProb, aux, task, used, top1}; historyOff, historyOn - every 10 steps
 * @prop mode - the run on the token map; currentK; mixtral - {label, total, active, experts, activeExperts} from the shared calculator; playing
 * @method setMode('on' | 'off'), setK(k), trainLive(), pause()
 * @fires expert-router-change - detail {aux, k, step, load, auxLoss, used} after a user change and while training live
 * @csspart tokens - the token map; load-off, load-on - the load histograms; controls - buttons; params - the parameter line
 * @cssprop --demo-accent - buttons
 */
export class ExpertRouter extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .charts { display: grid; grid-template-columns: minmax(0, 360fr) minmax(0, 390fr) minmax(0, 390fr); gap: 0 0.6em; align-items: start; }
      svg.plot { display: block; width: 100%; height: auto; }
      svg.plot text { font-size: 17px; fill: currentColor; }
      svg.plot .title { font-weight: 600; }
      .selected svg.plot .frame-rect { stroke: var(--accent); stroke-width: 3; }
      .figures { margin: 0.1em 0 0; font-size: max(16px, 0.8em); font-variant-numeric: tabular-nums; }
      .collapsed { color: var(--bad); font-weight: 700; }
      .even { color: var(--good); font-weight: 700; }
      .params { margin: 0.2em 0 0; font-size: max(16px, 0.85em); }
      .controls button { min-height: 44px; }
      svg.plot .label-bg { fill: var(--demo-bg, #fff); fill-opacity: 0.85; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _runs: { state: true },
    _mode: { state: true },
    _k: { state: true },
  };

  declare experts: string | number | undefined;
  declare k: string | number | undefined;
  declare aux: string | undefined;
  declare steps: string | number | undefined;
  declare clusters: string | number | undefined;
  declare _runs: { off: Run; on: Run } | null;
  declare _mode: Mode | null;
  declare _k: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private tokensData: Tokens | null = null;
  private key = '';
  private generation = 0;
  private busy = false;
  private live: Router | null = null;
  private readonly loop = new LoopController(this, () => this.frame());

  constructor() {
    super();
    this._runs = null;
    this._mode = null;
    this._k = null;
  }

  private params(): ParamValues<typeof PARAMS> { return this.p ?? this.readParams(PARAMS); }
  get mode(): Mode { return this._mode ?? this.params().aux; }
  get currentK(): number { return Math.min(this._k ?? this.params().k, this.params().experts); }
  get off(): RouterSnapshot | null { return this._runs?.off.history.at(-1) ?? null; }
  get on(): RouterSnapshot | null { return this._runs?.on.history.at(-1) ?? null; }
  get historyOff(): RouterSnapshot[] { return this._runs?.off.history ?? []; }
  get historyOn(): RouterSnapshot[] { return this._runs?.on.history ?? []; }
  get mixtral() { return presetParameters('mixtral-8x7b'); }
  get playing(): boolean { return this.loop.playing; }

  private config(mode: Mode) {
    return { ...DEFAULT_ROUTER, experts: this.params().experts, k: this.currentK, auxWeight: mode === 'on' ? DEFAULT_ROUTER.auxWeight : 0 };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('aux')) this._mode = null;
    const attrKey = JSON.stringify([this.p.experts, this.p.k, this.p.steps, this.p.clusters, this.seed]);
    if (attrKey !== this.key.split('|')[0]) this._k = null;
    const key = `${attrKey}|${this.currentK}`;
    if (key !== this.key) {
      this.key = key;
      void this.guard(() => this.trainBoth());
    }
  }

  override updated(): void {
    if (this._runs && !this.busy) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopLive();
    this.generation++;
  }

  private stopLive(): void {
    this.loop.pause();
    this.live?.dispose();
    this.live = null;
  }

  /** Both runs, `steps` steps each, in chunks that yield to the page. */
  private async trainBoth(): Promise<void> {
    this.stopLive();
    const gen = ++this.generation;
    this.markBusy();
    this.busy = true;
    try {
      await this.tf();
      const p = this.params();
      this.tokensData = makeTokens(DEFAULT_TOKENS.n, p.clusters, DEFAULT_TOKENS.spread, this.rng('tokens'));
      const runs = {} as { off: Run; on: Run };
      for (const mode of ['off', 'on'] as const) {
        const r = new Router(this.tokensData, this.config(mode), this.rng('router'));
        try {
          while (r.step < p.steps) {
            r.advance(Math.min(EVERY, p.steps - r.step), EVERY);
            await new Promise((res) => setTimeout(res, 0));
            if (gen !== this.generation) return;
          }
          if (r.history.at(-1)!.step !== r.step) r.history.push(r.snapshot());
          runs[mode] = { history: r.history, source: 'trained' };
        } finally {
          r.dispose();
        }
      }
      this._runs = runs;
    } finally {
      if (gen === this.generation) this.busy = false;
    }
    this.requestUpdate();
  }

  setMode(mode: Mode): void {
    if (mode !== 'on' && mode !== 'off') return;
    this._mode = mode;
    this.changed();
  }

  setK(k: number): void {
    if (k !== 1 && k !== 2) return;
    this._k = k;
    this.publishState();
    this.requestUpdate();
  }

  /** Replays the chosen run from step 0, a few steps per frame. */
  trainLive(): void {
    void this.guard(async () => {
      if (!this._runs || !this.tokensData) return;
      this.stopLive();
      await this.tf();
      const mode = this.mode;
      this.live = new Router(this.tokensData, this.config(mode), this.rng('router'));
      this._runs = { ...this._runs, [mode]: { history: [...this.live.history], source: 'live' } };
      this.loop.play();
      this.publishState();
    });
  }

  pause(): void { this.loop.pause(); }

  private async frame(): Promise<void> {
    const r = this.live;
    if (!r || this.busy || !this._runs) return;
    const mode = r.config.auxWeight > 0 ? 'on' : 'off';
    r.train(STEPS_PER_FRAME);
    const history = [...(this._runs[mode].history.filter((h) => h.step % EVERY === 0 && h.step < r.step)), r.snapshot()];
    this._runs = { ...this._runs, [mode]: { history, source: 'live' } };
    this.changed();
    if (r.step >= this.params().steps) {
      this.loop.pause();
      this.live = null;
      r.dispose();
    }
  }

  private changed(): void {
    this.publishState();
    const s = this.mode === 'on' ? this.on : this.off;
    if (!s) return;
    this.dispatchEvent(new CustomEvent<ExpertRouterChangeDetail>('expert-router-change', {
      detail: { aux: this.mode, k: this.currentK, step: s.step, load: [...s.load], auxLoss: s.aux, used: s.used }, bubbles: true, composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { mode: this._mode, k: this._k };
  }

  override applySyncState(state: unknown): void {
    const s = state as { mode?: unknown; k?: unknown } | null;
    if (!s) return;
    if (s.mode === null || s.mode === 'on' || s.mode === 'off') this._mode = s.mode as Mode | null;
    if (s.k === null || s.k === 1 || s.k === 2) this._k = s.k as number | null;
  }

  protected override renderDemo() {
    const runs = this._runs;
    if (!runs || !this.tokensData) return html`<div class="muted">training the router…</div>`;
    const mode = this.mode;
    const shown = runs[mode].history.at(-1)!;
    const m = this.mixtral;
    const toy = toyParameters(this.params().experts, this.currentK);
    const E = this.params().experts;
    return html`
      <div class="charts">
        <div part="tokens">${this.renderTokens(this.tokensData, shown, mode)}</div>
        ${(['off', 'on'] as const).map((r) => {
          const s = runs[r].history.at(-1)!;
          return html`<div part=${`load-${r}`} class=${r === mode ? 'selected' : ''} data-run=${r}>
            ${this.renderLoad(s, r)}
            <p class="figures">L<sub>aux</sub> = <span class="value aux-loss">${s.aux.toFixed(2)}</span> ·
              <span class=${s.used === E ? 'even used' : 'collapsed used'}>${s.used} of ${E} experts used</span><br />
              task loss (squared error) <span class="value">${s.task.toFixed(3)}</span></p>
          </div>`;
        })}
      </div>
      <div class="controls" part="controls">
        <button class="mode" aria-pressed=${mode === 'on' ? 'true' : 'false'} @click=${() => this.setMode(mode === 'on' ? 'off' : 'on')}>load-balancing loss: ${mode}</button>
        <button class="live primary" ?disabled=${this.still} @click=${() => (this.loop.playing ? this.pause() : this.trainLive())}>${this.loop.playing ? '❚❚ pause' : `▶ train live (loss ${mode})`}</button>
        ${[1, 2].map((k) => html`<button class="k k${k}" aria-pressed=${this.currentK === k ? 'true' : 'false'} @click=${() => this.setK(k)}>top-${k}</button>`)}
        <span class="muted">step <span class="value step">${shown.step}</span></span>
      </div>
      <p class="params" part="params">${m.label}: <span class="value mixtral-total">${formatCount(m.total)}</span> parameters in all,
        <span class="value mixtral-active">${formatCount(m.active)}</span> active per token (${m.activeExperts} of ${m.experts} experts; counted as in &lt;model-calculator&gt;).
        This toy layer: ${toy.total} in all, ${toy.active} active.</p>`;
  }

  private renderTokens(t: Tokens, s: RouterSnapshot, mode: Mode) {
    const W = 360;
    const H = 330;
    const top = 30;
    const x = scaleLinear().domain([-3.3, 3.3]).range([8, W - 8]);
    const y = scaleLinear().domain([-3.3, 3.3]).range([H - 8, top + 4]);
    const E = this.params().experts;
    const sums = Array.from({ length: E }, () => [0, 0, 0]);
    for (let i = 0; i < t.n; i++) {
      const e = s.top1[i]!;
      sums[e]![0]! += t.x[2 * i]!;
      sums[e]![1]! += t.x[2 * i + 1]!;
      sums[e]![2]!++;
    }
    return svg`<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="tokens coloured by their first expert">
      <text class="title" x="4" y="20">tokens by first expert (loss ${mode})</text>
      <rect class="frame-rect" x="2" y=${top} width=${W - 4} height=${H - top - 2} fill="none" stroke="currentColor" stroke-opacity="0.3"></rect>
      ${Array.from({ length: t.n }, (_, i) => svg`<circle cx=${x(t.x[2 * i]!)} cy=${y(t.x[2 * i + 1]!)} r="4.5" fill=${EXPERT_COLORS[s.top1[i]!]} fill-opacity="0.85"></circle>`)}
      ${sums.map(([sx, sy, c], e) => (c! > 0 ? svg`<g class="expert-label">
        <rect x=${x(sx! / c!) - 19} y=${y(sy! / c!) - 13} width="38" height="26" rx="5" class="label-bg" stroke=${EXPERT_COLORS[e]} stroke-width="2.5"></rect>
        <text x=${x(sx! / c!)} y=${y(sy! / c!)} dy="0.35em" text-anchor="middle" font-weight="700">E${e + 1}</text></g>` : ''))}
    </svg>`;
  }

  private renderLoad(s: RouterSnapshot, run: Mode) {
    const W = 390;
    const H = 300;
    const M = { top: 74, right: 8, bottom: 30, left: 8 };
    const E = s.load.length;
    const max = Math.max(0.3, ...s.load);
    const y = scaleLinear().domain([0, max]).range([H - M.bottom, M.top]);
    const band = (W - M.left - M.right) / E;
    const even = y(1 / E);
    return svg`<svg class="plot load" viewBox="0 0 ${W} ${H}" role="img" aria-label=${`load per expert, load-balancing loss ${run}`}>
      <text class="title" x="4" y="20">load per expert, L<tspan baseline-shift="sub" font-size="17">aux</tspan> ${run}</text>
      <text x="4" y="42" opacity="0.85">% of assignments; ╌ even share ${(100 / E).toFixed(1)} %</text>
      <rect class="frame-rect" x="1" y="1" width=${W - 2} height=${H - 2} fill="none" stroke="none"></rect>
      ${s.load.map((f, e) => svg`<g class="bar" data-expert=${e}>
        <rect x=${M.left + e * band + band * 0.12} y=${y(f)} width=${band * 0.76} height=${Math.max(0, y(0) - y(f))} fill=${EXPERT_COLORS[e]}></rect>
        <text x=${M.left + e * band + band / 2} y=${y(f) - 6} text-anchor="middle" font-weight="600">${(100 * f).toFixed(0)}</text>
        <text x=${M.left + e * band + band / 2} y=${H - 8} text-anchor="middle">E${e + 1}</text></g>`)}
      <line x1=${M.left} x2=${W - M.right} y1=${y(0)} y2=${y(0)} stroke="currentColor" stroke-width="1.5"></line>
      <line class="even-line" x1=${M.left} x2=${W - M.right} y1=${even} y2=${even} stroke="currentColor" stroke-width="2" stroke-dasharray="7 5"></line>
    </svg>`;
  }
}
