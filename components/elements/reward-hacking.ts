import { css, html, svg } from 'lit';
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { palette } from '../charts/colors.js';
import {
  DEFAULT_REWARD_HACKING, FEATURES, logGrid, runRewardHacking, TRUE_WEIGHTS, type BestOfN, type RewardHackingResult,
} from '../models/reward-hacking.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  bias: param.number({ fallback: DEFAULT_REWARD_HACKING.bias, min: 0, max: 3 }),
  pairs: param.int({ fallback: DEFAULT_REWARD_HACKING.pairs, min: 50, max: 50_000 }),
  pool: param.int({ fallback: DEFAULT_REWARD_HACKING.pool, min: 50, max: 20_000 }),
  maxN: param.int({ fallback: 256, min: 4, max: 4096, attribute: 'max-n' }),
};

/** The pairs slider's stops (labelled comparisons). */
const PAIR_STOPS = [250, 500, 1000, 2000, 4000, 8000, 16000] as const;
const BIAS_MAX = 2;

/** Best-of-n chart, viewBox units ≈ CSS px at a 1180 px wide demo. */
const W = 700;
const H = 330;
const M = { top: 16, right: 96, bottom: 58, left: 66 };

const LABELS: Record<(typeof FEATURES)[number], string> = { correct: 'correct', length: 'length', citations: 'citations' };

const signed = (v: number, digits = 2) => `${v < 0 ? '−' : v > 0 ? '+' : ''}${Math.abs(v).toFixed(digits)}`;

export interface RewardHackingChangeDetail {
  bias: number;
  pairs: number;
  learned: number[];
  peak: BestOfN;
  last: BestOfN;
}

/**
 * `<reward-hacking>` — Goodhart's law on a learned reward (chapter 17).
 *
 * Answers have three features: correct (0/1), length (hundreds of words,
 * heavy-tailed) and citations (0–3). The true reward is w* = (2, −0.3, 0.4):
 * correctness matters, verbosity costs the reader. Labellers compare random
 * pairs of answers by w* plus a liking for length (`bias`) and prefer one
 * with Bradley–Terry probability σ(r_a − r_b); a reward model is fitted to
 * their `pairs` choices by Newton's method (`models/reward-hacking.ts`).
 *
 * Left: the true, the labellers' and the learned weights per feature (the
 * learned length weight follows the labellers, not the truth). Right:
 * best-of-n against the learned reward, exact expectations over a pool of
 * `pool` answers, on a log-n axis: the proxy (learned) reward of the pick
 * keeps rising, the true reward rises, peaks (marked) and falls as the
 * search finds ever longer answers. At bias 0 the true reward keeps rising.
 * Sliders: the labellers' length bias and the number of labelled pairs.
 *
 * No training loop: each setting is fitted at once (a few tens of ms), so
 * the first screen and the still state are the fitted default (bias 1).
 *
 * @attr bias - the labellers' extra weight on length, 0 to 3 (default 1; the slider goes to 2)
 * @attr pairs - labelled comparisons, 50 to 50,000 (default 4000; the slider offers 250 … 16,000)
 * @attr pool - answers in the best-of-n pool, 50 to 20,000 (default 2000)
 * @attr max-n - largest n on the axis, 4 to 4096 (default 256)
 * @attr seed - seed of the answers, the labels and the pool (default 42)
 * @prop result - {learned, labeller, curve: [{n, proxy, truth}], peak}; peak - the n with the highest true reward; last - the point at max-n
 * @prop currentBias, currentPairs - the setting shown now
 * @method setBias(b), setPairs(n) - change the setting (as the sliders do)
 * @fires reward-hacking-change - detail {bias, pairs, learned, peak, last} after a user change
 * @csspart weights - the weights table; chart - the best-of-n chart; controls - the sliders; readout - the peak sentence
 * @cssprop --demo-accent - sliders
 */
export class RewardHacking extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 0.8fr) minmax(0, 1.2fr); gap: 0 1em; align-items: start; }
      svg.plot { display: block; width: 100%; height: auto; }
      svg.plot text { font-size: 18px; fill: currentColor; }
      svg.plot .axis line, svg.plot .axis path { stroke: currentColor; }
      svg.plot .grid { stroke: currentColor; opacity: 0.12; }
      table { border-collapse: collapse; font-size: max(16px, 0.85em); font-variant-numeric: tabular-nums; width: 100%; }
      th, td { padding: 0.1em 0.4em; text-align: right; white-space: nowrap; }
      th:first-child, td:first-child { text-align: left; }
      th { font-weight: 600; border-bottom: 2px solid var(--border); }
      tr.length td { background: color-mix(in srgb, var(--bad) 12%, transparent); }
      td.learned { font-weight: 700; }
      .readout { margin: 0.5em 0 0; font-size: max(16px, 0.85em); }
      .readout p { margin: 0.25em 0; }
      .fall { color: var(--bad); font-weight: 700; }
      .rise { color: var(--good); font-weight: 700; }
      .controls label { font-size: max(16px, 0.85em); }
      .controls input[type='range'] { width: 11em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _bias: { state: true },
    _pairs: { state: true },
    _result: { state: true },
  };

  declare bias: string | number | undefined;
  declare pairs: string | number | undefined;
  declare pool: string | number | undefined;
  declare maxN: string | number | undefined;
  /** Slider settings; null = the attribute. */
  declare _bias: number | null;
  declare _pairs: number | null;
  declare _result: RewardHackingResult | null;

  private p!: ParamValues<typeof PARAMS>;
  private key = '';
  private attrKey = '';
  private readonly cache = new Map<string, RewardHackingResult>();

  constructor() {
    super();
    this._bias = null;
    this._pairs = null;
    this._result = null;
  }

  get currentBias(): number {
    return this._bias ?? (this.p ?? this.readParams(PARAMS)).bias;
  }

  get currentPairs(): number {
    return this._pairs ?? (this.p ?? this.readParams(PARAMS)).pairs;
  }

  get result(): RewardHackingResult | null {
    return this._result;
  }

  get peak(): BestOfN | null {
    return this._result?.peak ?? null;
  }

  get last(): BestOfN | null {
    return this._result?.curve.at(-1) ?? null;
  }

  setBias(b: number): void {
    if (!Number.isFinite(b)) return;
    this._bias = Math.min(3, Math.max(0, b));
    this.changed();
  }

  setPairs(n: number): void {
    if (!Number.isFinite(n)) return;
    this._pairs = Math.round(Math.min(50_000, Math.max(50, n)));
    this.changed();
  }

  private changed(): void {
    this.publishState();
    void this.updateComplete.then(() => {
      const r = this._result;
      if (!r) return;
      this.dispatchEvent(new CustomEvent<RewardHackingChangeDetail>('reward-hacking-change', {
        detail: { bias: this.currentBias, pairs: this.currentPairs, learned: [...r.learned], peak: r.peak, last: r.curve.at(-1)! },
        bubbles: true, composed: true,
      }));
    });
  }

  /** The n grid: 4 points per doubling up to max-n, max-n itself last. */
  private grid(): number[] {
    const maxN = this.p.maxN;
    const ns = logGrid(Math.ceil(Math.log2(maxN)), 4).filter((n) => n <= maxN);
    if (ns.at(-1) !== maxN) ns.push(maxN);
    return ns;
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const attrKey = JSON.stringify([this.p, this.seed]);
    if (attrKey !== this.attrKey) {
      this.attrKey = attrKey;
      this._bias = null;
      this._pairs = null;
      this.cache.clear();
    }
    const key = JSON.stringify([this.currentBias, this.currentPairs]);
    if (key !== this.key || !this._result) {
      this.key = key;
      const known = this.cache.get(key);
      if (known) this._result = known;
      else {
        this.markBusy();
        void this.guard(async () => {
          await this.tf();
          if (key !== this.key) return;
          const r = runRewardHacking({ bias: this.currentBias, pairs: this.currentPairs, pool: this.p.pool }, (s) => this.rng(s), this.grid());
          this.cache.set(key, r);
          if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
          if (key === this.key) this._result = r;
        });
      }
    }
  }

  override updated(): void {
    if (this._result && this.key === JSON.stringify([this.currentBias, this.currentPairs]) && this.cache.get(this.key) === this._result) this.markReady();
  }

  override getSyncState(): unknown {
    return { bias: this._bias, pairs: this._pairs };
  }

  override applySyncState(state: unknown): void {
    const s = state as { bias?: unknown; pairs?: unknown } | null;
    const okNum = (v: unknown, lo: number, hi: number) => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi);
    if (!s || !okNum(s.bias, 0, 3) || !okNum(s.pairs, 50, 50_000)) return;
    this._bias = s.bias as number | null;
    this._pairs = s.pairs as number | null;
  }

  protected override renderDemo() {
    const r = this._result;
    if (!r) return html`<div class="muted">fitting the reward model…</div>`;
    const bias = this.currentBias;
    const pairs = this.currentPairs;
    const last = r.curve.at(-1)!;
    const first = r.curve[0]!;
    const falls = r.peak.n < last.n;
    const pairIndex = PAIR_STOPS.reduce((best, v, i) => (Math.abs(Math.log(v / pairs)) < Math.abs(Math.log(PAIR_STOPS[best]! / pairs)) ? i : best), 0);
    return html`
      <div class="layout">
        <div>
          <table part="weights">
            <thead><tr><th>feature</th><th>true</th><th>labellers</th><th>learned</th></tr></thead>
            <tbody>${FEATURES.map((f, i) => html`<tr class=${f} data-feature=${f}><td>${LABELS[f]}</td>
              <td>${signed(TRUE_WEIGHTS[i]!)}</td><td>${signed(r.labeller[i]!)}</td><td class="learned">${signed(r.learned[i]!)}</td></tr>`)}</tbody>
          </table>
          <div class="readout" part="readout">
            <p class="muted">An answer: correct 0 or 1, length in hundreds of words, citations 0–3.</p>
            <p>Reward model fitted to <span class="value">${pairs.toLocaleString('en-US')}</span> labelled pairs (Bradley–Terry);
              best of n from a pool of ${this.p.pool.toLocaleString('en-US')} answers.</p>
            ${falls
              ? html`<p class="peak-line">True reward peaks at <span class="value peak-n">n = ${r.peak.n}</span>
                  (<span class="value">${r.peak.truth.toFixed(2)}</span>; proxy ${r.peak.proxy.toFixed(2)}), then
                  <span class="fall">falls</span> to <span class="value last-truth">${last.truth.toFixed(2)}</span> at n = ${last.n}
                  while the proxy climbs to <span class="value">${last.proxy.toFixed(2)}</span>.</p>`
              : html`<p class="peak-line">True reward <span class="rise">keeps rising</span> with n: ${first.truth.toFixed(2)} at n = 1,
                  <span class="value last-truth">${last.truth.toFixed(2)}</span> at n = ${last.n} (proxy ${last.proxy.toFixed(2)}).</p>`}
          </div>
        </div>
        <div part="chart">${this.renderChart(r)}</div>
      </div>
      <div class="controls" part="controls">
        <label>labellers' liking for length = <span class="value bias">${bias.toFixed(1)}</span>
          <input class="bias" type="range" min="0" max=${BIAS_MAX} step="0.1" .value=${String(Math.min(BIAS_MAX, bias))} aria-label="labellers' liking for length"
            @input=${(e: Event) => this.setBias(Number((e.target as HTMLInputElement).value))} /></label>
        <label>labelled pairs = <span class="value pairs">${pairs.toLocaleString('en-US')}</span>
          <input class="pairs" type="range" min="0" max=${PAIR_STOPS.length - 1} step="1" .value=${String(pairIndex)} aria-label="labelled pairs"
            @input=${(e: Event) => this.setPairs(PAIR_STOPS[Number((e.target as HTMLInputElement).value)]!)} /></label>
      </div>`;
  }

  private renderChart(r: RewardHackingResult) {
    const curve = r.curve;
    const maxN = curve.at(-1)!.n;
    const x = scaleLog().base(2).domain([1, maxN]).range([M.left, W - M.right]);
    const values = curve.flatMap((c) => [c.proxy, c.truth]);
    const y = scaleLinear().domain([Math.min(0, ...values), Math.max(1, ...values)]).range([H - M.bottom, M.top]).nice();
    const path = (f: (c: BestOfN) => number) => line<BestOfN>().x((c) => x(c.n)).y((c) => y(f(c)))(curve) ?? '';
    const xTicks: number[] = [];
    const stride = maxN > 1024 ? 2 : 1;
    for (let e = 0; 2 ** e <= maxN; e += stride) xTicks.push(2 ** e);
    const last = curve.at(-1)!;
    const px = x(r.peak.n);
    const py = y(r.peak.truth);
    const falls = r.peak.n < last.n;
    // End labels, kept apart vertically.
    let proxyY = y(last.proxy);
    let truthY = y(last.truth);
    if (Math.abs(proxyY - truthY) < 22) [proxyY, truthY] = proxyY < truthY ? [truthY - 22, truthY] : [proxyY, proxyY - 22];
    return svg`<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="best-of-n: expected proxy and true reward of the pick against n">
      <g class="axis">
        ${xTicks.map((t) => svg`<line class="grid" x1=${x(t)} x2=${x(t)} y1=${M.top} y2=${H - M.bottom}></line>
          <text x=${x(t)} y=${H - M.bottom + 22} text-anchor="middle">${t}</text>`)}
        ${y.ticks(6).map((t) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
          <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${t < 0 ? `−${-t}` : t}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle">n, answers sampled; the top one by the learned reward kept (log scale)</text>
        <text transform="translate(18, ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">expected reward of the pick</text>
      </g>
      <path class="proxy" d=${path((c) => c.proxy)} fill="none" stroke=${palette.blue} stroke-width="3.5"></path>
      <path class="truth" d=${path((c) => c.truth)} fill="none" stroke=${palette.vermillion} stroke-width="3.5" stroke-dasharray="10 5"></path>
      <text x=${W - M.right + 8} y=${proxyY} dy="0.35em">proxy</text>
      <text x=${W - M.right + 8} y=${truthY} dy="0.35em">true</text>
      ${falls ? svg`<g class="peak">
        <line x1=${px} x2=${px} y1=${M.top} y2=${H - M.bottom} stroke="currentColor" stroke-width="2" stroke-dasharray="3 4"></line>
        <circle cx=${px} cy=${py} r="8" fill="white" stroke=${palette.vermillion} stroke-width="4"></circle>
        <text x=${px + 10} y=${Math.max(M.top + 18, py - 16)} font-weight="700">peak n = ${r.peak.n}</text></g>` : ''}
    </svg>`;
  }
}
