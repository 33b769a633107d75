import { css, html, svg, nothing } from 'lit';
import { scaleBand, scaleLog } from 'd3-scale';
import { palette } from '../charts/colors.js';
import {
  BLOCK_ACTIVATIONS,
  gradientRegime,
  highwayGradients,
  makeHighwayData,
  MAX_BATCH,
  MAX_DEPTH,
  MAX_WIDTH,
  MIN_WIDTH,
  NORMS,
  type BlockActivation,
  type GradientRegime,
  type HighwayConfig,
  type HighwayData,
  type HighwayResult,
  type NormPlacement,
} from '../models/residual-highway.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

/** PyTorch's default nn.Linear initialisation, U(±1/√fan_in), has standard deviation 1/√(3·fan_in). */
export const DEFAULT_SCALE = 1 / Math.sqrt(3);
const MAX_SCALE = 2;

const PARAMS = {
  depth: param.int({ fallback: 50, min: 1, cap: MAX_DEPTH }),
  residual: param.boolean(false),
  norm: param.oneOf(NORMS, 'none'),
  activation: param.oneOf(BLOCK_ACTIVATIONS, 'tanh'),
  scale: param.number({ fallback: DEFAULT_SCALE, min: 0, max: MAX_SCALE }),
  width: param.int({ fallback: 32, min: MIN_WIDTH, cap: MAX_WIDTH }),
  batch: param.int({ fallback: 16, min: 1, cap: MAX_BATCH }),
};

const W = 1000;
const H = 300;
const M = { top: 12, right: 14, bottom: 56, left: 86 };
const SUP = '⁻⁰¹²³⁴⁵⁶⁷⁸⁹';

/** 5.2e-13 → "5.2 × 10⁻¹³" (plain decimals between 0.01 and 1000). */
export function formatSci(v: number): string {
  if (!Number.isFinite(v)) return 'overflow (∞)';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1000) return v.toPrecision(3);
  const e = Math.floor(Math.log10(a));
  return `${(v / 10 ** e).toFixed(1)} × 10${String(e).replace(/[-0-9]/g, (c) => SUP['-0123456789'.indexOf(c)])}`;
}

const powerLabel = (e: number) => (e === 0 ? '1' : `10${String(e).replace(/[-0-9]/g, (c) => SUP['-0123456789'.indexOf(c)])}`);

type Wiring = Omit<HighwayConfig, 'depth' | 'scale'>;

/** The update each layer applies, as a formula. */
export function layerFormula({ residual, norm, activation }: Wiring): string {
  const f = activation === 'tanh' ? 'tanh' : 'relu';
  const inner = norm === 'pre' ? `${f}(LN(h)·W)` : `${f}(h·W)`;
  const update = residual ? `h + ${inner}` : inner;
  return `h ← ${norm === 'post' ? `LN(${update})` : update}`;
}

interface Shown {
  key: string;
  config: HighwayConfig;
  result: HighwayResult;
  ms: number;
}

/**
 * `<residual-highway>` — why depth needs the residual highway (and a
 * normaliser): the gradient of one seeded batch's loss at the input of every
 * layer of a 1–100-layer stack, computed by TensorFlow.js (tf.grads), drawn as
 * bars on a log scale relative to the last layer's.
 *
 * Each layer is one small dense block f(u) = tanh(u·W) or relu(u·W), width 32,
 * W ~ N(0, σ²/width) from a seeded stream (layer ℓ keeps its weights when the
 * depth changes). Wiring: plain h ← f(h) or residual h ← h + f(h); LayerNorm
 * none, pre-norm h ← h + f(LN(h)) or post-norm h ← LN(h + f(h)). The readout
 * gives first-layer / last-layer gradient norm and names it (vanishing < 10⁻²,
 * exploding > 10², else healthy), the forward signal's size at the top, and the
 * time the forward + backward pass took.
 *
 * Default (depth 50, plain, no LayerNorm, tanh, σ = 1/√3 = PyTorch's default
 * nn.Linear scale): first/last = 6.4 × 10⁻¹³, vanishing. "residual" alone:
 * 11.5; residual + pre-norm: 3.4; residual + post-norm: 1.5. σ = 0 makes every
 * branch f = 0: with the residual every bar is exactly 1 (∂y/∂x = I).
 *
 * Size: full slide width (≥ 900 px keeps its chart text ≥ 16 px), about 520 px tall.
 *
 * @attr depth - layers, 1 to 100 (default 50; larger values are capped)
 * @attr residual - boolean: add the highway h + f(…) (default off)
 * @attr norm - "none" (default) | "pre" | "post": where LayerNorm sits
 * @attr activation - "tanh" (default) | "relu": the block's nonlinearity
 * @attr scale - weight scale σ, 0 to 2 (default 1/√3 ≈ 0.577; 1 = Xavier, 1.41 = He; 0 = zero branches)
 * @attr width - features per layer, 4 to 64 (default 32)
 * @attr batch - rows in the seeded batch, 1 to 64 (default 16)
 * @attr seed - weights, inputs and targets (default 42)
 * @prop gradients - number[]: ‖∂L/∂h_ℓ‖ at the input of layer ℓ + 1, ℓ = 0 … depth − 1
 * @prop topRms - number: RMS of the last layer's output (the forward signal at the top)
 * @prop ratio - number: first / last of `gradients`; regime - "vanishing" | "healthy" | "exploding" | "zero"
 * @prop loss - number; computeMs - milliseconds of the last forward + backward pass (with its read-back)
 * @prop config - {depth, residual, norm, activation, scale}: the wiring shown
 * @method setConfig(partial) - change any of depth, residual, norm, activation, scale (as a click would)
 * @fires residual-highway-change - detail {config, ratio, regime} after a user change
 * @csspart frame - the box; controls - the controls; chart - the bars; readout - the lines below
 * @cssprop --demo-accent - buttons and sliders
 */
export class ResidualHighway extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .controls { gap: 0.35em 0.8em; }
      .group { display: inline-flex; align-items: center; gap: 0.3em; }
      .group > .name { color: var(--muted); font-size: 0.9em; }
      button { font-size: 0.85em; }
      input[type='range'] { width: 9em; }
      .value { min-width: 2.4em; display: inline-block; }
      .ticks text { font-size: 18px; fill: currentColor; }
      .ticks line { stroke: currentColor; opacity: 0.15; }
      .readout { display: flex; flex-wrap: wrap; gap: 0.1em 1.4em; font-size: 0.95em; margin-top: 0.1em; }
      .formula { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.95em; }
      .regime { font-weight: 700; }
      .regime.vanishing { color: #005b8f; }
      .regime.exploding { color: #a84300; }
      .regime.healthy { color: #00684c; }
      .regime.zero { color: #5b6470; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _user: { state: true },
    _shown: { state: true },
  };

  declare depth: string | number | undefined;
  declare residual: string | boolean | undefined;
  declare norm: string | undefined;
  declare activation: string | undefined;
  declare scale: string | number | undefined;
  declare width: string | number | undefined;
  declare batch: string | number | undefined;
  /** Values the lecturer set by clicking (override the attributes until an attribute changes). */
  declare _user: Partial<HighwayConfig>;
  declare _shown: Shown | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';
  private running = false;
  private data: { key: string; data: HighwayData } | null = null;

  constructor() {
    super();
    this._user = {};
    this._shown = null;
  }

  /** The wiring and depth to show: attributes, overridden by clicks. */
  get config(): HighwayConfig {
    const p = this.p ?? { depth: 50, residual: false, norm: 'none', activation: 'tanh', scale: DEFAULT_SCALE };
    return {
      depth: this._user.depth ?? p.depth,
      residual: this._user.residual ?? p.residual,
      norm: this._user.norm ?? p.norm,
      activation: this._user.activation ?? p.activation,
      scale: this._user.scale ?? p.scale,
    };
  }

  private get current(): Shown | null {
    return this._shown?.key === this.wantedKey ? this._shown : null;
  }

  get gradients(): number[] {
    return this.current ? [...this.current.result.inputGrad] : [];
  }

  get topRms(): number | null {
    return this.current?.result.topRms ?? null;
  }

  get loss(): number | null {
    return this.current?.result.loss ?? null;
  }

  get ratio(): number | null {
    const g = this.gradients;
    return g.length ? g[0] / g[g.length - 1] : null;
  }

  get regime(): GradientRegime | null {
    const g = this.gradients;
    return g.length ? gradientRegime(g[0], g[g.length - 1]) : null;
  }

  get computeMs(): number | null {
    return this._shown?.ms ?? null;
  }

  /** Changes the shown wiring as a click would (values outside the ranges are ignored). */
  setConfig(partial: Partial<HighwayConfig>): void {
    const next: Partial<HighwayConfig> = { ...this._user };
    const d = partial.depth;
    if (typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= MAX_DEPTH) next.depth = d;
    if (typeof partial.residual === 'boolean') next.residual = partial.residual;
    if (partial.norm && NORMS.includes(partial.norm)) next.norm = partial.norm;
    if (partial.activation && BLOCK_ACTIVATIONS.includes(partial.activation)) next.activation = partial.activation;
    const s = partial.scale;
    if (typeof s === 'number' && Number.isFinite(s) && s >= 0 && s <= MAX_SCALE) next.scale = s;
    this._user = next;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    // An attribute set from outside wins over an earlier click on the same control.
    const user = { ...this._user };
    let dropped = false;
    for (const k of ['depth', 'residual', 'norm', 'activation', 'scale'] as const) {
      if (changed.has(k) && k in user) {
        delete user[k];
        dropped = true;
      }
    }
    if (dropped) this._user = user;
    const key = JSON.stringify({ ...this.config, width: this.p.width, batch: this.p.batch, seed: this.seed });
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      this.computeLatest();
    }
  }

  /** One computation at a time; while it runs, newer requests collapse into the latest. */
  private computeLatest(): void {
    if (this.running) return;
    this.running = true;
    void this.guard(async () => {
      try {
        await this.tf();
        while (this._shown?.key !== this.wantedKey) {
          const key = this.wantedKey;
          const config = this.config;
          const data = this.dataFor(this.p.width, this.p.batch);
          const t0 = performance.now();
          const result = await highwayGradients(config, data);
          const ms = performance.now() - t0;
          this._shown = { key, config, result, ms };
          if (key !== this.wantedKey) await this.updateComplete;
        }
      } finally {
        this.running = false;
      }
    });
  }

  private dataFor(width: number, batch: number): HighwayData {
    const key = `${this.seed}|${width}|${batch}`;
    if (this.data?.key !== key) {
      this.data = { key, data: makeHighwayData(this.rng('weights'), this.rng('batch'), width, batch, MAX_DEPTH) };
    }
    return this.data.data;
  }

  override updated(): void {
    if (this._shown?.key === this.wantedKey) this.markReady();
  }

  private change(partial: Partial<HighwayConfig>): void {
    this.setConfig(partial);
    this.publishState();
    this.updateComplete.then(() => {
      this.dispatchEvent(new CustomEvent('residual-highway-change', {
        detail: { config: this.config },
        bubbles: true,
        composed: true,
      }));
    });
  }

  override getSyncState(): unknown {
    return { ...this._user };
  }

  override applySyncState(state: unknown): void {
    if (state && typeof state === 'object') {
      this._user = {};
      this.setConfig(state as Partial<HighwayConfig>);
    }
  }

  private renderChart({ result, config }: Shown) {
    const g = result.inputGrad;
    const n = g.length;
    const last = g[n - 1];
    const rel = g.map((v) => (last > 0 && Number.isFinite(last) ? v / last : v === 0 ? 0 : Infinity));
    const finite = rel.filter((v) => v > 0 && Number.isFinite(v));
    // A fixed range, 10⁻¹⁵ … 10⁵, so toggling the wiring compares like with like; it grows
    // in steps of five decades only when a bar falls outside.
    const logs = finite.map((v) => Math.log10(v));
    const loE = Math.min(-15, 5 * Math.floor(Math.min(0, ...logs) / 5));
    const hiE = Math.max(5, 5 * Math.ceil(Math.max(0, ...logs) / 5));
    const lo = 10 ** loE;
    const hi = 10 ** hiE;
    const y = scaleLog().domain([lo, hi]).range([H - M.bottom, M.top]).clamp(true);
    const layers = Array.from({ length: n }, (_, i) => i + 1);
    const x = scaleBand<number>().domain(layers).range([M.left, W - M.right]).padding(n > 60 ? 0.1 : 0.18);
    const one = y(1);
    const step = hiE - loE > 30 ? 10 : 5;
    const exps: number[] = [];
    for (let e = 0; e >= loE; e -= step) exps.push(e);
    for (let e = step; e <= hiE; e += step) exps.push(e);
    const every = n <= 12 ? 1 : n <= 30 ? 5 : 10;
    const xTicks = layers.filter((l) => l === 1 || l === n || (l % every === 0 && n - l >= every / 2));
    const bars = rel.map((v, i) => {
      const l = i + 1;
      const bx = x(l)!;
      const tip = `layer ${l}: ‖∂L/∂h‖ = ${formatSci(g[i])} (${formatSci(v)} × the last layer's)`;
      if (v === 0) {
        return svg`<rect class="bar zero" x=${bx} width=${x.bandwidth()} y=${H - M.bottom - 4} height="4" fill=${palette.grey}><title>${tip}</title></rect>`;
      }
      const top = y(Number.isFinite(v) ? Math.max(v, lo) : hi);
      // the readout's colours: within 100× of the last layer healthy, below vanishing, above exploding
      const color = v < 1e-2 ? palette.blue : v > 1e2 ? palette.vermillion : palette.green;
      return svg`<rect class="bar" x=${bx} width=${x.bandwidth()} y=${Math.min(top, one)} height=${Math.max(1.5, Math.abs(top - one))} fill=${color}><title>${tip}</title></rect>`;
    });
    return html`<svg class="chart" part="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img"
      aria-label="gradient norm at each layer's input, relative to the last layer, log scale">
      <g class="ticks">
        ${exps.map((e) => svg`<line x1=${M.left} x2=${W - M.right} y1=${y(10 ** e)} y2=${y(10 ** e)}></line>
          <text x=${M.left - 10} y=${y(10 ** e)} dy="0.35em" text-anchor="end">${powerLabel(e)}</text>`)}
        ${xTicks.map((l) => svg`<text x=${x(l)! + x.bandwidth() / 2} y=${H - M.bottom + 22} text-anchor="middle">${l}</text>`)}
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle">layer (data enters layer 1; the loss is read after layer ${config.depth})</text>
        <text x=${16} y=${(M.top + H - M.bottom) / 2} text-anchor="middle" transform="rotate(-90 16 ${(M.top + H - M.bottom) / 2})">‖∂L/∂h‖ ÷ layer ${config.depth}'s</text>
      </g>
      ${bars}
      <line x1=${M.left} x2=${W - M.right} y1=${one} y2=${one} stroke="currentColor" stroke-width="2"></line>
    </svg>`;
  }

  private renderReadout({ result, config, ms }: Shown) {
    const g = result.inputGrad;
    const first = g[0];
    const last = g[g.length - 1];
    const regime = gradientRegime(first, last);
    const ratio = last > 0 ? first / last : NaN;
    const words: Record<GradientRegime, string> = {
      vanishing: 'vanishing',
      healthy: 'healthy (within 100×)',
      exploding: 'exploding',
      zero: 'nothing gets back',
    };
    return html`<div class="readout" part="readout">
      <span>first / last layer gradient: <span class="value ratio">${Number.isNaN(ratio) ? '0 / 0' : formatSci(ratio)}</span>
        <span class="regime ${regime}">${words[regime]}</span></span>
      <span class="formula">${layerFormula(config)}</span>
      <span class="muted" title=${`forward + backward: ${ms.toFixed(0)} ms on ${this.backend ?? '…'}`}>signal at the top: RMS ${formatSci(result.topRms)}</span>
    </div>`;
  }

  protected override renderDemo() {
    const c = this.config;
    const shown = this._shown;
    const pressed = (b: boolean) => (b ? 'true' : 'false');
    return html`
      <div class="controls" part="controls">
        <label>depth <input type="range" min="1" max=${MAX_DEPTH} step="1" .value=${String(c.depth)} aria-label="depth"
          @input=${(e: Event) => this.change({ depth: Number((e.target as HTMLInputElement).value) })} /><span class="value">${c.depth}</span></label>
        <label>weight scale σ <input type="range" min="0" max=${MAX_SCALE} step="0.01" .value=${String(c.scale)} aria-label="weight scale"
          @input=${(e: Event) => this.change({ scale: Number((e.target as HTMLInputElement).value) })} /><span class="value">${c.scale.toFixed(2)}</span></label>
        <span class="group" role="group" aria-label="nonlinearity"><span class="name">block f =</span>
          ${BLOCK_ACTIVATIONS.map((a: BlockActivation) => html`<button aria-pressed=${pressed(c.activation === a)} @click=${() => this.change({ activation: a })}>${a === 'tanh' ? 'tanh' : 'ReLU'}</button>`)}
        </span>
      </div>
      <div class="controls" part="controls">
        <span class="group" role="group" aria-label="wiring">
          <button aria-pressed=${pressed(!c.residual)} @click=${() => this.change({ residual: false })}>plain h ← f(h)</button>
          <button aria-pressed=${pressed(c.residual)} @click=${() => this.change({ residual: true })}>residual h ← h + f(h)</button>
        </span>
        <span class="group" role="group" aria-label="LayerNorm"><span class="name">LayerNorm</span>
          ${NORMS.map((nm: NormPlacement) => html`<button aria-pressed=${pressed(c.norm === nm)} @click=${() => this.change({ norm: nm })}>${nm === 'none' ? 'none' : nm === 'pre' ? 'pre-norm' : 'post-norm'}</button>`)}
        </span>
      </div>
      ${shown ? this.renderChart(shown) : html`<div class="muted">computing…</div>`}
      ${shown ? this.renderReadout(shown) : nothing}
    `;
  }
}
