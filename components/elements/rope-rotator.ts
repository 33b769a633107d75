import { css, html, svg, nothing } from 'lit';
import { heatmap } from '../charts/heatmap.js';
import { palette } from '../charts/colors.js';
import { dotAtDistance } from '../models/positional-encoding.js';
import { checkRope, pairAngle, ropeFrequencies, ropeView, scoreAtDistance, seenAngles, type RopeView } from '../models/rope-rotator.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  dims: param.int({ fallback: 16, min: 2, max: 64 }),
  base: param.number({ fallback: 10000, min: 2, max: 1e6 }),
  positions: param.int({ fallback: 32, min: 4, max: 64 }),
  trained: param.int({ fallback: 16, min: 2, max: 64 }),
  m: param.int({ fallback: 5, min: 0, max: 63 }),
  n: param.int({ fallback: 2, min: 0, max: 63 }),
  q: param.numbers({ fallback: [], maxLength: 64, min: -10, max: 10 }),
  k: param.numbers({ fallback: [], maxLength: 64, min: -10, max: 10 }),
};

/** Pairs drawn as arrows (the fastest ones; the rest are listed). */
const PAIRS_DRAWN = 4;

interface Shown {
  key: string;
  view: RopeView;
  q: number[];
  k: number[];
}

const deg = (r: number) => Math.round((r * 180) / Math.PI);

/** [2, 3, 4, 7] → "2–4, 7". */
function ranges(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    out.push(j > i ? `${xs[i]}–${xs[j]}` : String(xs[i]));
    i = j;
  }
  return out.join(', ');
}

/**
 * `<rope-rotator>` — rotary position embedding (RoPE, Su et al. 2021) as
 * arrows and a score matrix, beside the sinusoidal encoding.
 *
 * Left: the first four rotating pairs of a query q (blue) at position m and a
 * key k (orange) at position n; pair i turns by m·θ_i and n·θ_i, θ_i =
 * base^(−2i/d), fast pairs first. The grey sector is every relative angle
 * the pair met on sequences of `trained` positions. Middle: the score
 * (R(m)q)·(R(n)k) for every (m, n), computed with TensorFlow.js; every
 * diagonal is constant because the score depends only on m − n. Right: the
 * sinusoidal code's PE(m)·PE(n) = Σ cos(ω_i (m − n)) with the same d and base:
 * also constant along the diagonals. "move both" keeps m − n and the score.
 * Past the trained range: a distance |m − n| ≥ `trained` was never seen in
 * training; the box says so, and that neither RoPE nor sinusoidal positions
 * extrapolate well on their own (ALiBi, position interpolation, YaRN are the
 * fixes). Nothing is trained here: the point is the geometry.
 *
 * @attr dims - dimensions d, even, 2 to 64 (default 16: 8 pairs, 4 drawn)
 * @attr base - frequency base (default 10000, as in RoPE and the Transformer)
 * @attr positions - heatmap size P, 4 to 64 (default 32)
 * @attr trained - training length: positions 0 … trained − 1 (default 16; at most positions)
 * @attr m - query position (default 5); @attr n - key position (default 2)
 * @attr q, k - the query and key, d numbers each (default: seeded, from `seed`)
 * @prop score - (R(m)q)·(R(n)k) as computed by TensorFlow.js; scoreFormula - the same from Σ over pairs in float64
 * @prop sinusoidal - PE(m)·PE(n) (tfjs); sinusoidalFormula - Σ cos(ω_i (m − n)) in float64
 * @prop sameDistance - {m, n, score}[]: other cells on the same diagonal
 * @prop norms - {q, rotatedQ, k, rotatedK}: lengths before and after rotation
 * @prop pastTraining - true when |m − n| ≥ trained (a distance never seen in training)
 * @prop unseenPairs - indices of pairs whose relative angle now lies outside what training showed
 * @prop currentM, currentN - the positions shown; vectors - {q, k}
 * @fires rope-rotator-change - detail {m, n, score, sinusoidal, pastTraining} after a user change
 * @csspart frame - the box; pairs - the arrows; heatmaps - the two matrices; readout - the numbers; controls - sliders and buttons
 * @cssprop --demo-accent - buttons and sliders
 */
export class RopeRotator extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 310px 340px 340px; gap: 0 0.8em; align-items: start; justify-content: space-between; }
      .pairs { display: grid; grid-template-columns: 1fr 1fr; gap: 0.1em 0.3em; }
      h4 { margin: 0 0 0.1em; font-size: 0.75em; font-weight: 600; color: var(--muted); }
      .readout { font-size: 0.75em; margin-top: 0.2em; line-height: 1.3; }
      .q { color: #0072b2; font-weight: 700; }
      .k { color: #b77d00; font-weight: 700; }
      .warn { color: #a84300; font-weight: 600; }
      .controls { font-size: 0.9em; }
      input[type='range'] { width: 8em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _m: { state: true },
    _n: { state: true },
    _shown: { state: true },
  };

  declare dims: string | number | undefined;
  declare base: string | number | undefined;
  declare positions: string | number | undefined;
  declare trained: string | number | undefined;
  declare m: string | number | undefined;
  declare n: string | number | undefined;
  declare q: string | number[] | undefined;
  declare k: string | number[] | undefined;
  declare _m: number | null;
  declare _n: number | null;
  declare _shown: Shown | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';
  private vectorError: string | null = null;

  constructor() {
    super();
    this._m = null;
    this._n = null;
    this._shown = null;
  }

  private clampPos(v: number): number {
    return Math.max(0, Math.min((this.p?.positions ?? 32) - 1, Math.round(v)));
  }
  get currentM(): number {
    return this.clampPos(this._m ?? this.p?.m ?? 5);
  }
  get currentN(): number {
    return this.clampPos(this._n ?? this.p?.n ?? 2);
  }
  private get trainedLength(): number {
    return Math.min(this.p.trained, this.p.positions);
  }
  get vectors(): { q: number[]; k: number[] } | null {
    return this._shown ? { q: this._shown.q, k: this._shown.k } : null;
  }
  get score(): number | null {
    return this._shown?.view.scores[this.currentM]?.[this.currentN] ?? null;
  }
  get scoreFormula(): number | null {
    const s = this._shown;
    return s ? scoreAtDistance(s.q, s.k, this.currentM - this.currentN, this.p.base) : null;
  }
  get sinusoidal(): number | null {
    return this._shown?.view.sinusoidal[this.currentM]?.[this.currentN] ?? null;
  }
  get sinusoidalFormula(): number {
    return dotAtDistance(this.currentM - this.currentN, this.p.dims, this.p.base);
  }
  get sameDistance(): { m: number; n: number; score: number }[] {
    const s = this._shown;
    if (!s) return [];
    const d = this.currentM - this.currentN;
    const P = this.p.positions;
    const out: { m: number; n: number; score: number }[] = [];
    for (let m = 0; m < P; m++) {
      const n = m - d;
      if (n >= 0 && n < P && m !== this.currentM && (m % 7 === 0 || m === P - 1 || n === P - 1)) out.push({ m, n, score: s.view.scores[m]![n]! });
    }
    return out.slice(0, 4);
  }
  get norms(): { q: number; rotatedQ: number; k: number; rotatedK: number } | null {
    const s = this._shown;
    if (!s) return null;
    const len = (v: number[]) => Math.hypot(...v);
    return { q: len(s.q), rotatedQ: s.view.qNorms[this.currentM]!, k: len(s.k), rotatedK: s.view.kNorms[this.currentN]! };
  }
  get pastTraining(): boolean {
    return Math.abs(this.currentM - this.currentN) >= this.trainedLength;
  }
  get unseenPairs(): number[] {
    if (!this.p) return [];
    const d = this.currentM - this.currentN;
    return ropeFrequencies(this.p.dims, this.p.base).flatMap((_, i) => (seenAngles(this.p.dims, i, this.trainedLength, d, this.p.base).seen ? [] : [i]));
  }

  /** Sets both positions (sliders, buttons; tests). */
  setPositions(m: number, n: number): void {
    this._m = this.clampPos(m);
    this._n = this.clampPos(n);
    this.publishState();
    this.updateComplete.then(() => this.dispatchEvent(new CustomEvent('rope-rotator-change', {
      detail: { m: this.currentM, n: this.currentN, score: this.score, sinusoidal: this.sinusoidal, pastTraining: this.pastTraining },
      bubbles: true, composed: true,
    })));
  }

  private vectorsFor(): { q: number[]; k: number[] } {
    const d = this.p.dims;
    const rng = this.rng('rope-vectors');
    const seeded = () => Array.from({ length: d }, () => +(rng.normal() * 0.7).toFixed(2));
    const sq = seeded();
    const sk = seeded();
    const pick = (v: number[], fallback: number[], name: string) => {
      if (v.length === 0) return fallback;
      if (v.length !== d) {
        this.vectorError = `${name} has ${v.length} numbers but dims is ${d}: expected one number per dimension. Using seeded vectors instead.`;
        return fallback;
      }
      return v;
    };
    return { q: pick(this.p.q, sq, 'q'), k: pick(this.p.k, sk, 'k') };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (this.p.dims % 2 !== 0) {
      // Keep the demo working: one pair per two dimensions.
      this.vectorError = `dims="${this.p.dims}" is odd: expected an even number (one rotating pair per two dimensions). Using ${this.p.dims + 1}.`;
      this.p = { ...this.p, dims: this.p.dims + 1 };
    } else this.vectorError = null;
    if (changed.has('m')) this._m = null;
    if (changed.has('n')) this._n = null;
    const { q, k } = this.vectorsFor();
    checkRope(this.p.dims, this.p.base);
    const key = JSON.stringify([q, k, this.p.positions, this.p.base]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(async () => {
        await this.tf();
        const view = await ropeView(q, k, this.p.positions, this.p.base);
        if (key === this.wantedKey) this._shown = { key, view, q, k };
      });
    }
  }

  override updated(): void {
    if (this._shown?.key === this.wantedKey) this.markReady();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.wantedKey = '';
  }

  override getSyncState(): unknown {
    return { m: this.currentM, n: this.currentN };
  }

  override applySyncState(state: unknown): void {
    const s = state as { m?: unknown; n?: unknown } | null;
    if (typeof s?.m === 'number' && Number.isInteger(s.m)) this._m = s.m;
    if (typeof s?.n === 'number' && Number.isInteger(s.n)) this._n = s.n;
  }

  /* ----------------------------- rendering ----------------------------- */

  private renderPair(s: Shown, i: number, theta: number) {
    const m = this.currentM;
    const n = this.currentN;
    const W = 150;
    const c = W / 2;
    const R = 52;
    const angleOf = (v: number[], pos: number) => Math.atan2(v[2 * i + 1]!, v[2 * i]!) + pos * theta;
    const scaleLen = Math.max(Math.hypot(s.q[2 * i]!, s.q[2 * i + 1]!), Math.hypot(s.k[2 * i]!, s.k[2 * i + 1]!), 1e-9);
    const arrow = (v: number[], pos: number, color: string) => {
      const a = angleOf(v, pos);
      const r = (R * Math.hypot(v[2 * i]!, v[2 * i + 1]!)) / scaleLen;
      const x = c + r * Math.cos(a);
      const y = c - r * Math.sin(a);
      const hx = c + (r - 9) * Math.cos(a);
      const hy = c - (r - 9) * Math.sin(a);
      const nx = -Math.sin(a) * 5;
      const ny = -Math.cos(a) * 5;
      return svg`<line x1=${c} y1=${c} x2=${hx} y2=${hy} stroke=${color} stroke-width="4"></line>
        <polygon points="${x},${y} ${hx + nx},${hy + ny} ${hx - nx},${hy - ny}" fill=${color}></polygon>`;
    };
    // Seen relative angles: k's direction + the initial offset ± (trained − 1)·θ.
    const seen = seenAngles(this.p.dims, i, this.trainedLength, m - n, this.p.base);
    const phi0 = Math.atan2(s.q[2 * i + 1]!, s.q[2 * i]!) - Math.atan2(s.k[2 * i + 1]!, s.k[2 * i]!);
    const centre = angleOf(s.k, n) + phi0;
    const r0 = R + 8;
    const sector = seen.all
      ? svg`<circle cx=${c} cy=${c} r=${r0} fill="#d9dee5" opacity="0.6"></circle>`
      : (() => {
          const a0 = centre - seen.halfWidth;
          const a1 = centre + seen.halfWidth;
          const large = a1 - a0 > Math.PI ? 1 : 0;
          return svg`<path d="M${c},${c} L${c + r0 * Math.cos(a0)},${c - r0 * Math.sin(a0)} A${r0},${r0} 0 ${large} 0 ${c + r0 * Math.cos(a1)},${c - r0 * Math.sin(a1)} Z" fill="#d9dee5" opacity="0.8"></path>`;
        })();
    const rel = pairAngle(s.q, s.k, i, m, n, this.p.base);
    // The view starts 12 units down: the circle (radius R + 8 with its sector) never reaches the top strip.
    return html`<svg class="chart pair" viewBox="0 12 ${W} ${W + 12}" role="img" aria-label=${`pair ${i}: angle between q and k ${deg(rel)} degrees`}>
      ${sector}
      <circle cx=${c} cy=${c} r=${R} fill="none" stroke="#c9d1db" stroke-width="1.5"></circle>
      ${arrow(s.k, n, palette.orange)} ${arrow(s.q, m, palette.blue)}
      <text x=${c} y=${W - 4} text-anchor="middle" font-size="17" fill="currentColor">pair ${i}: θ = ${theta >= 0.1 ? theta.toFixed(2) : theta.toPrecision(2)}</text>
      <text x=${c} y=${W + 17} text-anchor="middle" font-size="17" fill=${seen.seen ? 'currentColor' : '#a84300'}>q–k ${String(deg(rel)).replace('-', '−')}°${seen.seen ? '' : ' unseen'}</text>
    </svg>`;
  }

  protected override renderDemo() {
    const s = this._shown;
    if (!s) return html`<div class="muted">rotating…</div>`;
    const P = this.p.positions;
    const m = this.currentM;
    const n = this.currentN;
    const L = this.trainedLength;
    const d = this.p.dims;
    const thetas = ropeFrequencies(d, this.p.base);
    const every = Math.ceil(P / 8);
    const labels = Array.from({ length: P }, (_, i) => (i % every === 0 ? String(i) : ''));
    const maxAbs = Math.max(1e-9, ...s.view.scores.flat().map(Math.abs));
    const score = this.score!;
    const sin = this.sinusoidal!;
    const dist = m - n;
    const norms = this.norms!;
    const unseen = this.unseenPairs;
    const map = (matrix: number[][], title: string, domain: [number, number]) => heatmap({
      matrix, rowLabels: labels, colLabels: labels, width: 340, height: 300, domain, labelSize: 17,
      rowTitle: 'm (query position)', colTitle: 'n (key position)', selectedCell: [m, n],
      onSelect: (row, col) => (col >= 0 ? this.setPositions(row, col) : this.setPositions(row, row - dist)), title,
    });
    return html`
      <div class="layout">
        <div part="pairs">
          <h4><span class="q">q</span> at m = ${m}, <span class="k">k</span> at n = ${n}; grey: seen in training</h4>
          <div class="pairs">${thetas.slice(0, PAIRS_DRAWN).map((t, i) => this.renderPair(s, i, t))}</div>
        </div>
        <div part="heatmaps">
          <h4>RoPE score (R(m)q)·(R(n)k)</h4>
          ${map(s.view.scores, 'RoPE score over query and key positions', [-maxAbs, maxAbs])}
        </div>
        <div>
          <h4>sinusoidal PE(m)·PE(n)</h4>
          ${map(s.view.sinusoidal, 'sinusoidal dot product over positions', [-d / 2, d / 2])}
        </div>
      </div>
      <div class="readout" part="readout">
        <div>distance m − n = <span class="value">${dist}</span>: score = <span class="value">${score.toFixed(3)}</span>
          on the whole diagonal (${this.sameDistance.slice(0, 2).map((x) => `(${x.m}, ${x.n}) ${x.score.toFixed(3)}`).join(', ') || 'no other cell'}${this.sameDistance.length > 2 ? ` and ${this.sameDistance.length - 2} more` : ''});
          PE(${m})·PE(${n}) = Σ cos(ωᵢ·${dist}) = <span class="value">${sin.toFixed(3)}</span>.
          Rotation keeps lengths: ‖q‖ = ${norms.q.toFixed(2)} = ‖R(${m})q‖ = ${norms.rotatedQ.toFixed(2)}.</div>
        ${this.pastTraining
          ? html`<div class="warn" role="status">Past the trained range (positions 0–${L - 1}): distance ${Math.abs(dist)} never occurred in training${unseen.length
              ? `, and pair${unseen.length > 1 ? 's' : ''} ${ranges(unseen)} sit at angles it never showed` : ''}. The score is defined, but on their own neither RoPE nor
              sinusoidal positions extrapolate well (fixes: ALiBi, position interpolation, YaRN).</div>`
          : html`<div class="muted">Trained on positions 0–${L - 1}: any (m, n) with |m − n| ≤ ${L - 1} gives a distance seen in training, even at new absolute positions.</div>`}
        ${this.vectorError ? html`<div class="warn">${this.vectorError}</div>` : nothing}
      </div>
      <div class="controls" part="controls">
        <label>m <input type="range" min="0" max=${P - 1} step="1" .value=${String(m)} aria-label="query position m"
          @input=${(e: Event) => this.setPositions(Number((e.target as HTMLInputElement).value), n)} /></label>
        <span class="value">${m}</span>
        <label>n <input type="range" min="0" max=${P - 1} step="1" .value=${String(n)} aria-label="key position n"
          @input=${(e: Event) => this.setPositions(m, Number((e.target as HTMLInputElement).value))} /></label>
        <span class="value">${n}</span>
        <button @click=${() => this.setPositions(m - 1, n - 1)} ?disabled=${Math.min(m, n) <= 0}>← move both</button>
        <button @click=${() => this.setPositions(m + 1, n + 1)} ?disabled=${Math.max(m, n) >= P - 1}>move both →</button>
        <button @click=${() => this.setPositions(Math.min(P - 1, n + L + 3), n)}>past training</button>
      </div>
    `;
  }
}
