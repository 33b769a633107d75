import { css, html, nothing, svg, unsafeCSS } from 'lit';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { palette } from '../charts/colors.js';
import { NAMES_EN } from '../data/names.js';
import {
  buildDraftTarget, expectedTokensPerPass, runPasses, speedup, type DraftTarget, type Pass, type RunStats,
} from '../models/draft-verify.js';
import type { Rng } from '../runtime/rng.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const GAMMA_MAX = 8;
const COST_MAX = 0.5;

const PARAMS = {
  gamma: param.int({ fallback: 4, min: 1, max: GAMMA_MAX }),
  cost: param.number({ fallback: 0.05, min: 0, max: 1 }),
  passes: param.int({ fallback: 2000, min: 100, max: 20_000 }),
  names: param.int({ fallback: 7, min: 1, max: 12 }),
};

/** Chart, viewBox units ≈ CSS px. */
const W = 380;
const H = 290;
const M = { top: 14, right: 104, bottom: 50, left: 52 };

/** The models are the same for every instance: built once per page. */
let shared: Promise<DraftTarget> | null = null;
const models = () => (shared ??= buildDraftTarget(NAMES_EN).catch((e) => {
  shared = null;
  throw e;
}));

const glyph = (vocab: readonly string[], t: number) => (t === 0 ? '.' : vocab[t]!);
const fmt = (v: number, d = 2) => v.toFixed(d);

/** One character in the stream view. */
interface Cell {
  ch: string;
  kind: 'accepted' | 'rejected' | 'resampled' | 'bonus';
  pass: number;
}

/** The generated names (rows), grouped by pass, for the passes shown. */
interface Segment { pass: number; cells: Cell[] }

export interface DraftVerifyChangeDetail {
  gamma: number;
  cost: number;
  alpha: number;
  tokensPerPass: number;
  predicted: number;
  speedup: number;
  shownPasses: number;
}

/** The shown stream: one seeded run of passes, extended on demand. */
interface Stream { rng: Rng; history: number[]; passes: Pass[] }

/**
 * `<draft-verify>` — speculative decoding on names (chapter 28).
 *
 * A cheap draft model (the bigram table of the 8,405 names, add-one) proposes
 * γ characters; a stronger target (a Witten–Bell 4-gram over the same names)
 * scores all γ + 1 positions in one pass, accepts each draft with probability
 * min(1, p/q) and replaces the first rejected one by a draw from the
 * normalised residual max(0, p − q); if all γ pass it adds one bonus
 * character from p. The names come out exactly as the target alone would
 * write them (`models/draft-verify.ts`; the unit test enumerates it and runs χ²).
 *
 * Left: names generated pass by pass (each pass bracketed; accepted drafts
 * shaded and underlined, a rejected draft struck through, the resampled
 * character boxed, a bonus character marked +). Middle: the last verify pass,
 * draft by draft (q, p, min(1, p/q), the uniform u). Right: characters per
 * target pass against γ, measured over `passes` passes (dots) and the formula
 * (1 − α^{γ+1})/(1 − α) at each γ's measured α (line), and the speedup at
 * draft-to-target cost ratio c (dashed).
 * Buttons: "next pass" (one verify pass; the clicker's step) and "new names"
 * (a fresh draw). Sliders: γ (1–8) and c.
 *
 * No training loop: the counts take a fraction of a second, every setting is
 * computed at once; the first screen and the still state are the default.
 *
 * @attr gamma - drafts per pass γ, 1 to 8 (default 4)
 * @attr cost - cost ratio c of one draft step to one target pass, 0 to 1 (default 0.05; the slider goes to 0.5)
 * @attr passes - verify passes the statistics are measured over, 100 to 20,000 (default 2000)
 * @attr names - names shown, 1 to 12 (default 7)
 * @attr seed - seed of the draws (default 42)
 * @attr clicker-steps - presenter's remote steps: each is one verify pass
 * @prop stats - RunStats of the current γ: {gamma, passes, tokens, checked, accepted, alpha, tokensPerPass, predicted}
 * @prop allStats - RunStats for γ = 1 … 8 (the chart)
 * @prop currentSpeedup - measured tokens per pass / (γc + 1)
 * @prop predictedSpeedup - (1 − α^{γ+1})/((1 − α)(γc + 1)) at the measured α
 * @prop lastPass - the verify pass shown in the table
 * @prop shownNames - the names on screen (rows, '.' marks a finished name)
 * @prop currentGamma, currentCost, shownPasses - the setting shown now
 * @prop targetNll, draftNll - nats per character of the names under the target and the draft
 * @method setGamma(g), setCost(c), nextPass(), newNames() - as the controls do
 * @fires draft-verify-change - detail {gamma, cost, alpha, tokensPerPass, predicted, speedup, shownPasses} after a user change
 * @csspart stream - the names; pass - the last pass's table; chart - the chart; stats - the figures; controls - buttons and sliders
 * @cssprop --demo-accent - buttons and sliders
 */
export class DraftVerify extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 0.8fr) minmax(0, 1.05fr) minmax(0, 0.95fr); gap: 0 1em; align-items: start; }
      h3 { font-size: max(16px, 0.85em); margin: 0 0 0.25em; font-weight: 600; }
      .names { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 22px; line-height: 1.55; }
      .name { white-space: nowrap; min-height: 1.55em; }
      .seg { display: inline-block; padding: 0 3px; border-left: 2px solid var(--muted); }
      .seg:first-child { border-left-color: transparent; padding-left: 0; }
      .seg.latest { background: color-mix(in srgb, var(--accent) 10%, transparent); }
      .c { display: inline-block; min-width: 0.62em; text-align: center; }
      .accepted { background: color-mix(in srgb, var(--good) 24%, transparent); text-decoration: underline 2px; text-underline-offset: 3px; font-weight: 700; }
      .rejected { text-decoration: line-through 2px; color: var(--muted); }
      .resampled { outline: 2px solid var(--bad); outline-offset: -2px; font-weight: 700; }
      .bonus { outline: 2px dashed var(--accent); outline-offset: -2px; font-weight: 700; }
      .bonus::after { content: '+'; font-size: 16px; vertical-align: super; line-height: 0; margin-left: 1px; }
      .legend { font-size: 16px; margin-top: 0.3em; display: flex; flex-wrap: wrap; gap: 0.1em 0.8em; }
      .legend .c { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 18px; }
      table { border-collapse: collapse; font-size: 18px; font-variant-numeric: tabular-nums; }
      th, td { padding: 0.05em 0.35em; text-align: right; white-space: nowrap; }
      th { font-weight: 600; border-bottom: 2px solid var(--border); }
      td.ch { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; text-align: center; font-weight: 700; }
      td.verdict { text-align: left; }
      tr.no td { background: color-mix(in srgb, var(--bad) 16%, transparent); }
      tr.no td.verdict { font-weight: 700; }
      tr.final td { border-top: 2px solid var(--border); }
      .note { font-size: 16px; margin: 0.25em 0 0; }
      svg.plot { display: block; width: 100%; height: auto; }
      svg.plot text { font-size: 17px; fill: currentColor; }
      svg.plot .axis path { stroke: currentColor; }
      svg.plot .grid { stroke: currentColor; opacity: 0.12; }
      .stats { font-size: 18px; margin: 0.5em 0 0; }
      .chart-legend { font-size: 16px; margin: 0.1em 0 0; }
      .chart-legend .dot { color: ${unsafeCSS(palette.blue)}; font-weight: 700; }
      .chart-legend .dash { color: ${unsafeCSS(palette.vermillion)}; font-weight: 700; }
      .stats p { margin: 0.1em 0; }
      .controls { margin-top: 0.35em; }
      .controls label { font-size: 18px; }
      .controls input[type='range'] { width: 9em; min-height: 44px; }
      .controls button { min-height: 44px; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _gamma: { state: true },
    _cost: { state: true },
    _draw: { state: true },
    _shown: { state: true },
    _models: { state: true },
  };

  declare gamma: string | number | undefined;
  declare cost: string | number | undefined;
  declare passes: string | number | undefined;
  declare names: string | number | undefined;
  /** Slider settings; null = the attribute. */
  declare _gamma: number | null;
  declare _cost: number | null;
  /** "new names" presses (0: the default draw). */
  declare _draw: number;
  /** Passes shown; null = the default (as many as the first `names` names take). */
  declare _shown: number | null;
  declare _models: DraftTarget | null;

  private p!: ParamValues<typeof PARAMS>;
  private attrKey = '';
  private statsCache = new Map<number, RunStats>();
  private stream: Stream | null = null;
  private streamKey = '';
  /** Passes the first `names` names take in the current stream. */
  private defaultShown = 0;

  constructor() {
    super();
    this._gamma = null;
    this._cost = null;
    this._draw = 0;
    this._shown = null;
    this._models = null;
  }

  get currentGamma(): number {
    return this._gamma ?? (this.p ?? this.readParams(PARAMS)).gamma;
  }

  get currentCost(): number {
    return this._cost ?? (this.p ?? this.readParams(PARAMS)).cost;
  }

  get shownPasses(): number {
    return this._shown ?? this.defaultShown;
  }

  get stats(): RunStats | null {
    return this._models ? this.statsFor(this.currentGamma) : null;
  }

  get allStats(): RunStats[] {
    return this._models ? Array.from({ length: GAMMA_MAX }, (_, i) => this.statsFor(i + 1)) : [];
  }

  get currentSpeedup(): number | null {
    const s = this.stats;
    return s ? s.tokensPerPass / (s.gamma * this.currentCost + 1) : null;
  }

  get predictedSpeedup(): number | null {
    const s = this.stats;
    return s ? speedup(s.alpha, s.gamma, this.currentCost) : null;
  }

  get lastPass(): Pass | null {
    const st = this.ensureStream();
    return st ? st.passes[this.shownPasses - 1] ?? null : null;
  }

  get shownNames(): string[] {
    return this.rows().map((r) => r.flatMap((s) => s.cells.filter((c) => c.kind !== 'rejected').map((c) => c.ch)).join(''));
  }

  get targetNll(): number | null {
    return this._models?.targetNll ?? null;
  }

  get draftNll(): number | null {
    return this._models?.draftNll ?? null;
  }

  setGamma(g: number): void {
    if (!Number.isFinite(g)) return;
    this._gamma = Math.round(Math.min(GAMMA_MAX, Math.max(1, g)));
    this._shown = null;
    this.changed();
  }

  setCost(c: number): void {
    if (!Number.isFinite(c)) return;
    this._cost = Math.min(1, Math.max(0, c));
    this.changed();
  }

  /** One more verify pass in the names view (the clicker's step). */
  nextPass(): void {
    this._shown = this.shownPasses + 1;
    this.changed();
  }

  /** A fresh draw of names (same γ). */
  newNames(): void {
    this._draw += 1;
    this._shown = null;
    this.changed();
  }

  protected override clickerStep(): boolean {
    if (!this._models) return false;
    this.nextPass();
    return true;
  }

  private changed(): void {
    this.publishState();
    void this.updateComplete.then(() => {
      const s = this.stats;
      if (!s) return;
      this.dispatchEvent(new CustomEvent<DraftVerifyChangeDetail>('draft-verify-change', {
        detail: {
          gamma: s.gamma, cost: this.currentCost, alpha: s.alpha, tokensPerPass: s.tokensPerPass, predicted: s.predicted,
          speedup: this.currentSpeedup!, shownPasses: this.shownPasses,
        },
        bubbles: true, composed: true,
      }));
    });
  }

  private statsFor(gamma: number): RunStats {
    let s = this.statsCache.get(gamma);
    if (!s) {
      const m = this._models!;
      s = runPasses(gamma, this.p.passes, m.draft, m.target, this.rng(`stats-${gamma}`)).stats;
      this.statsCache.set(gamma, s);
    }
    return s;
  }

  /** The names stream of the current γ and draw, long enough for the passes shown. */
  private ensureStream(): Stream | null {
    const m = this._models;
    if (!m) return null;
    const gamma = this.currentGamma;
    const key = JSON.stringify([gamma, this._draw, this.seed, this.p.names]);
    if (key !== this.streamKey || !this.stream) {
      this.streamKey = key;
      const rng = this.rng(`names-${this._draw}`);
      const stream: Stream = { rng, history: [], passes: [] };
      // The default view: the passes that finish the first `names` names (at most 400).
      let finished = 0;
      while (finished < this.p.names && stream.passes.length < 400) {
        const { passes } = runPasses(gamma, 1, m.draft, m.target, rng, stream.history);
        stream.passes.push(passes[0]!);
        finished += passes[0]!.emitted.filter((t) => t === 0).length;
      }
      this.stream = stream;
      this.defaultShown = stream.passes.length;
    }
    const st = this.stream;
    const want = Math.min(this.shownPasses, 100_000);
    if (st.passes.length < want) {
      const { passes } = runPasses(gamma, want - st.passes.length, m.draft, m.target, st.rng, st.history);
      st.passes.push(...passes);
    }
    return st;
  }

  /** The last `names` rows of the stream up to the passes shown, as pass segments. */
  private rows(): Segment[][] {
    const st = this.ensureStream();
    const m = this._models;
    if (!st || !m) return [];
    const rows: Segment[][] = [[]];
    const n = this.shownPasses;
    for (let i = 0; i < n; i++) {
      const pass = st.passes[i]!;
      let seg: Segment = { pass: i, cells: [] };
      rows.at(-1)!.push(seg);
      const put = (t: number, kind: Cell['kind']) => {
        seg.cells.push({ ch: glyph(m.vocab, t), kind, pass: i });
        if (t === 0 && kind !== 'rejected') {
          rows.push([]);
          seg = { pass: i, cells: [] };
          rows.at(-1)!.push(seg);
        }
      };
      for (const c of pass.checks) {
        if (c.accepted) put(c.token, 'accepted');
        else put(c.token, 'rejected');
      }
      put(pass.final.token, pass.final.kind);
    }
    const clean = rows.map((r) => r.filter((s) => s.cells.length)).filter((r, i, all) => r.length || i < all.length - 1);
    return clean.slice(-this.p.names);
  }

  override willUpdate(): void {
    this.p = this.readParams(PARAMS);
    const attrKey = JSON.stringify([this.p, this.seed]);
    if (attrKey !== this.attrKey) {
      this.attrKey = attrKey;
      this._gamma = null;
      this._cost = null;
      this._shown = null;
      this._draw = 0;
      this.statsCache.clear();
      this.stream = null;
    }
    if (!this._models) {
      this.markBusy();
      void this.guard(async () => {
        await this.tf();
        this._models = await models();
      });
    }
  }

  override updated(): void {
    if (this._models) this.markReady();
  }

  override getSyncState(): unknown {
    return { gamma: this._gamma, cost: this._cost, draw: this._draw, shown: this._shown };
  }

  override applySyncState(state: unknown): void {
    const s = state as { gamma?: unknown; cost?: unknown; draw?: unknown; shown?: unknown } | null;
    const okNum = (v: unknown, lo: number, hi: number, int = false) =>
      v === null || (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi && (!int || Number.isInteger(v)));
    if (!s || !okNum(s.gamma, 1, GAMMA_MAX, true) || !okNum(s.cost, 0, 1) || !okNum(s.shown, 1, 100_000, true)) return;
    if (typeof s.draw !== 'number' || !Number.isInteger(s.draw) || s.draw < 0) return;
    this._gamma = s.gamma as number | null;
    this._cost = s.cost as number | null;
    this._draw = s.draw;
    this._shown = s.shown as number | null;
  }

  protected override renderDemo() {
    const m = this._models;
    if (!m) return html`<div class="muted">counting the names…</div>`;
    const s = this.stats!;
    const gamma = this.currentGamma;
    const cost = this.currentCost;
    const rows = this.rows();
    const last = this.lastPass;
    const latest = this.shownPasses - 1;
    return html`
      <div class="layout">
        <div part="stream">
          <h3>Names; | starts a new pass</h3>
          <div class="names" aria-label="generated names">
            ${rows.map((r) => html`<div class="name">${r.map((seg) => html`<span class="seg ${seg.pass === latest ? 'latest' : ''}">${seg.cells.map((c) =>
              html`<span class="c ${c.kind}" title=${c.kind}>${c.ch}</span>`)}</span>`)}</div>`)}
          </div>
          <div class="legend">
            <span><span class="c accepted">a</span> accepted draft</span>
            <span><span class="c rejected">a</span> rejected</span>
            <span><span class="c resampled">a</span> resampled</span>
            <span><span class="c bonus">a</span> bonus</span>
          </div>
        </div>
        <div>
          <div part="pass">${last ? this.renderPass(last, m.vocab) : nothing}</div>
          <div class="stats" part="stats">
            <p class="muted">measured over <span class="value">${s.passes.toLocaleString('en-US')}</span> passes at γ = ${gamma}:</p>
            <p>drafts accepted α = <span class="value alpha">${fmt(s.alpha)}</span></p>
            <p>characters per target pass <span class="value tpp">${fmt(s.tokensPerPass)}</span></p>
            <p>formula (1 − α<sup>γ+1</sup>)/(1 − α) = <span class="value predicted">${fmt(s.predicted)}</span></p>
            <p>speedup at c = ${fmt(cost)}: ${fmt(s.tokensPerPass)} / (γc + 1) = <span class="value speedup">${fmt(this.currentSpeedup!)}×</span></p>
          </div>
        </div>
        <div>
          <div part="chart">${this.renderChart(cost, gamma)}</div>
          <p class="chart-legend"><span class="dot">●</span> measured, <span class="dot">—</span> (1 − α<sup>γ+1</sup>)/(1 − α) at each γ's α;
            <span class="dash">- -</span> speedup at c = ${fmt(cost)}</p>
        </div>
      </div>
      <div class="controls" part="controls">
        <button class="next primary" @click=${() => this.nextPass()}>next pass</button>
        <button class="new" @click=${() => this.newNames()}>new names</button>
        <label>drafts per pass γ = <span class="value gamma">${gamma}</span>
          <input class="gamma" type="range" min="1" max=${GAMMA_MAX} step="1" .value=${String(gamma)} aria-label="drafts per pass γ"
            @input=${(e: Event) => this.setGamma(Number((e.target as HTMLInputElement).value))} /></label>
        <label>draft cost c = <span class="value cost">${fmt(cost)}</span>
          <input class="cost" type="range" min="0" max=${COST_MAX} step="0.01" .value=${String(Math.min(COST_MAX, cost))} aria-label="draft cost c, as a fraction of a target pass"
            @input=${(e: Event) => this.setCost(Number((e.target as HTMLInputElement).value))} /></label>
      </div>`;
  }

  private renderPass(pass: Pass, vocab: readonly string[]) {
    const ch = (t: number) => glyph(vocab, t);
    return html`
      <h3>Pass ${this.shownPasses}: ${pass.gamma} drafts, one target pass</h3>
      <table>
        <thead><tr><th>draft</th><th>q</th><th>p</th><th>min(1, p/q)</th><th>u</th><th></th></tr></thead>
        <tbody>
          ${pass.checks.map((c) => html`<tr class=${c.accepted ? 'yes' : 'no'}>
            <td class="ch">${ch(c.token)}</td><td>${fmt(c.q, 3)}</td><td>${fmt(c.p, 3)}</td><td>${fmt(c.ratio)}</td><td>${fmt(c.u)}</td>
            <td class="verdict">${c.accepted ? '✓ keep' : '✗ reject'}</td></tr>`)}
          <tr class="final"><td class="ch">${ch(pass.final.token)}</td>
            <td colspan="5" class="verdict">${pass.final.kind === 'resampled' ? 'drawn from max(0, p − q), renormalised' : 'bonus: drawn from p'}</td></tr>
        </tbody>
      </table>
      <p class="note muted">${pass.discarded.length
        ? html`never checked: <span class="mono">${pass.discarded.map((t) => `‘${ch(t)}’`).join(' ')}</span>; `
        : nothing}${pass.emitted.length} character${pass.emitted.length === 1 ? '' : 's'} from this pass</p>`;
  }

  private renderChart(cost: number, gamma: number) {
    const all = this.allStats;
    const x = scaleLinear().domain([1, GAMMA_MAX]).range([M.left, W - M.right]);
    const top = Math.max(3, ...all.map((s) => Math.max(s.tokensPerPass, s.predicted)));
    const y = scaleLinear().domain([0, top]).range([H - M.bottom, M.top]).nice();
    const formula = line<RunStats>().x((s) => x(s.gamma)).y((s) => y(expectedTokensPerPass(s.alpha, s.gamma)))(all) ?? '';
    const speed = line<RunStats>().x((s) => x(s.gamma)).y((s) => y(speedup(s.alpha, s.gamma, cost)))(all) ?? '';
    const lastS = all.at(-1)!;
    let tY = y(lastS.predicted);
    let sY = y(speedup(lastS.alpha, lastS.gamma, cost));
    if (Math.abs(tY - sY) < 40) [tY, sY] = tY < sY ? [tY, tY + 40] : [sY + 40, sY];
    return svg`<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="characters per target pass and speedup against γ">
      <g class="axis">
        ${all.map((s) => svg`<text x=${x(s.gamma)} y=${H - M.bottom + 22} text-anchor="middle">${s.gamma}</text>`)}
        ${y.ticks(5).map((t) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
          <text x=${M.left - 8} y=${y(t)} dy="0.35em" text-anchor="end">${t}</text>`)}
        <path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none"></path>
        <text x=${(M.left + W - M.right) / 2} y=${H - 6} text-anchor="middle">γ, drafts per pass</text>
      </g>
      <line class="current" x1=${x(gamma)} x2=${x(gamma)} y1=${M.top} y2=${H - M.bottom} stroke="currentColor" stroke-width="2" stroke-dasharray="3 4"></line>
      <path class="formula" d=${formula} fill="none" stroke=${palette.blue} stroke-width="3"></path>
      <path class="speedup" d=${speed} fill="none" stroke=${palette.vermillion} stroke-width="3" stroke-dasharray="9 5"></path>
      ${all.map((s) => svg`<circle class="measured" cx=${x(s.gamma)} cy=${y(s.tokensPerPass)} r=${s.gamma === gamma ? 7 : 5}
        fill=${s.gamma === gamma ? palette.blue : 'white'} stroke=${palette.blue} stroke-width="2.5"></circle>`)}
      <text x=${W - M.right + 8} y=${tY - 9} dy="0.35em">chars per</text>
      <text x=${W - M.right + 8} y=${tY + 10} dy="0.35em">pass</text>
      <text x=${W - M.right + 8} y=${sY - 9} dy="0.35em">speedup</text>
      <text x=${W - M.right + 8} y=${sY + 10} dy="0.35em">at c</text>
    </svg>`;
  }
}
