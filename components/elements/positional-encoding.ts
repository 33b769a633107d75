import { css, html } from 'lit';
import type * as tfType from '@tensorflow/tfjs-core';
import { heatmap, lineChart, palette } from '../charts/index.js';
import { checkPeOptions, dotAtDistance, positionalEncodingTensor, similarityTo } from '../models/positional-encoding.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  positions: param.int({ fallback: 50, min: 2, cap: 100 }),
  dimensions: param.int({ fallback: 64, min: 2, cap: 128 }),
  base: param.number({ fallback: 10000, min: 2, max: 1e6 }),
  p: param.int({ fallback: 10, min: 0 }),
  q: param.int({ fallback: 20, min: 0 }),
};

interface Shown {
  key: string;
  /** rows[pos][dim], [positions, dimensions]. */
  rows: number[][];
  /** PE(p)·PE(q') for every q'. */
  similarity: number[];
  p: number;
}

/**
 * `<positional-encoding>` — the sinusoidal position code of the Transformer,
 * PE(pos, 2i) = sin(pos / base^(2i/d)), PE(pos, 2i+1) = cos(pos / base^(2i/d)).
 *
 * Left: the whole code as a position × dimension heatmap (computed with
 * TensorFlow.js). Right: the two chosen positions' vectors side by side and
 * PE(p)·PE(q′) for every q′; the readout shows that the same distance gives the
 * same dot product wherever it sits ("move both" keeps q − p fixed).
 *
 * @attr positions - rows, 2 to 100 (default 50; larger values are capped)
 * @attr dimensions - model dimension d, even, 2 to 128 (default 64; larger values are capped)
 * @attr base - wavelength base (default 10000, as in the paper)
 * @attr p - first position (default 10); @attr q - second position (default 20)
 * @prop dot - number: PE(p)·PE(q) as shown
 * @prop currentP, currentQ - the positions shown
 * @prop sameDistance - {p, q, dot}[]: other pairs at the same distance, with their dot products
 * @fires positional-encoding-change - detail {p, q, dot} after a user change
 * @csspart frame - the box; heatmap - the big heatmap; controls - the sliders
 * @cssprop --demo-accent - slider colour
 */
export class PositionalEncoding extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 520px 1fr; gap: 0.2em 1em; align-items: start; }
      .side { display: flex; flex-direction: column; gap: 0.1em; }
      .readout { font-size: 0.95em; }
      .readout .dot { color: var(--bad); }
      .same { font-size: max(16px, 0.8em); }
      .same .pairs { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1em; }
      h4 { margin: 0; font-size: max(16px, 0.8em); font-weight: 600; color: var(--muted); }
      input[type='range'] { width: 9em; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _p: { state: true },
    _q: { state: true },
    _shown: { state: true },
  };

  declare positions: string | number | undefined;
  declare dimensions: string | number | undefined;
  declare base: string | number | undefined;
  declare p: string | number | undefined;
  declare q: string | number | undefined;
  declare _p: number | null;
  declare _q: number | null;
  declare _shown: Shown | null;

  private v!: ParamValues<typeof PARAMS>;
  private wantedKey = '';
  private sizeError: string | null = null;
  private pe: tfType.Tensor2D | null = null;
  private peKey = '';

  constructor() {
    super();
    this._p = null;
    this._q = null;
    this._shown = null;
  }

  get currentP(): number {
    return clamp(this._p ?? this.v?.p ?? 10, this.v?.positions ?? 50);
  }

  get currentQ(): number {
    return clamp(this._q ?? this.v?.q ?? 20, this.v?.positions ?? 50);
  }

  /** PE(p)·PE(q) from the tfjs product. */
  get dot(): number | null {
    return this._shown?.similarity[this.currentQ] ?? null;
  }

  /** Pairs with the same distance as (p, q), read from the computed matrix. */
  get sameDistance(): { p: number; q: number; dot: number }[] {
    const s = this._shown;
    if (!s) return [];
    const k = this.currentQ - this.currentP;
    const n = s.rows.length;
    const starts = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1].map((a) => (k >= 0 ? Math.min(a, n - 1 - k) : Math.max(a, -k)));
    return [...new Set(starts)].map((a) => ({ p: a, q: a + k, dot: dotRows(s.rows[a]!, s.rows[a + k]!) }));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.v = this.readParams(PARAMS);
    if (changed.has('p')) this._p = null;
    if (changed.has('q')) this._q = null;
    this.sizeError = null;
    try {
      checkPeOptions({ positions: this.v.positions, dimensions: this.v.dimensions, base: this.v.base });
    } catch (e) {
      this.sizeError = (e as Error).message;
      return;
    }
    const key = JSON.stringify([this.v.positions, this.v.dimensions, this.v.base, this.currentP]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key));
    }
  }

  private async compute(key: string): Promise<void> {
    const tf = await this.tf();
    const { positions, dimensions, base } = this.v;
    const p = this.currentP;
    const peKey = JSON.stringify([positions, dimensions, base]);
    if (peKey !== this.peKey) {
      this.pe?.dispose();
      this.pe = positionalEncodingTensor({ positions, dimensions, base }); // [P, d]
      this.peKey = peKey;
    }
    const pe = this.pe!;
    const rowsT = tf.clone(pe); // keep our own handle: a newer compute may dispose this.pe meanwhile
    const [rows, similarity] = await Promise.all([rowsT.array() as Promise<number[][]>, similarityTo(rowsT, p)]);
    rowsT.dispose();
    if (key !== this.wantedKey) return;
    this._shown = { key, rows, similarity, p };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.pe?.dispose();
    this.pe = null;
    this.peKey = '';
    this.wantedKey = '';
  }

  override updated(): void {
    if (this.sizeError) {
      this.markReady();
      return;
    }
    if (this._shown && this._shown.key === this.wantedKey) this.markReady();
  }

  private setPositions(p: number, q: number): void {
    const n = this.v.positions;
    this._p = clamp(p, n);
    this._q = clamp(q, n);
    this.publishState();
    this.updateComplete.then(() => this.dispatchEvent(new CustomEvent('positional-encoding-change', {
      detail: { p: this.currentP, q: this.currentQ, dot: this.dot }, bubbles: true, composed: true,
    })));
  }

  override getSyncState(): unknown {
    return { p: this.currentP, q: this.currentQ };
  }

  override applySyncState(state: unknown): void {
    const s = state as { p?: unknown; q?: unknown } | null;
    if (typeof s?.p === 'number') this._p = s.p;
    if (typeof s?.q === 'number') this._q = s.q;
  }

  protected override renderDemo() {
    if (this.sizeError) return html`<div class="failure" role="alert"><strong>Cannot draw this encoding:</strong> ${this.sizeError}</div>`;
    const s = this._shown;
    const n = this.v.positions;
    const d = this.v.dimensions;
    const p = this.currentP;
    const q = this.currentQ;
    if (!s) return html`<div class="muted">computing the encoding…</div>`;
    const k = q - p;
    const dot = s.similarity[q] ?? 0;
    const rowEvery = Math.ceil(n / 10);
    const colEvery = Math.ceil(d / 8);
    return html`
      <div class="layout">
        <div>
          ${heatmap({
            matrix: s.rows,
            rowLabels: s.rows.map((_, i) => (i % rowEvery === 0 ? String(i) : '')),
            colLabels: s.rows[0]!.map((_, j) => (j % colEvery === 0 ? String(j) : '')),
            width: 520, height: 440, domain: [-1, 1], labelSize: 14,
            rowTitle: 'position', colTitle: `dimension (d = ${d})`,
            selectedRow: p,
            onSelect: (row) => this.setPositions(row, row + (q - p)),
            title: 'positional encoding heatmap',
          })}
        </div>
        <div class="side">
          <h4>the two vectors (colour: −1 … +1)</h4>
          ${heatmap({
            matrix: [s.rows[p]!, s.rows[q]!],
            rowLabels: [`PE(${p})`, `PE(${q})`],
            colLabels: s.rows[0]!.map(() => ''),
            width: 600, height: 80, domain: [-1, 1], labelSize: 16,
            title: 'the two chosen positions',
          })}
          <h4>PE(${p}) · PE(q′) for every position q′</h4>
          ${lineChart({
            series: [
              { name: `PE(${p})·PE(q′)`, points: s.similarity.map((v, i) => [i, v] as const), color: palette.blue },
              { name: `q = ${q}`, points: [[q, dot]], color: palette.vermillion, style: 'dots' },
            ],
            width: 600, height: 230, xDomain: [0, n - 1], yDomain: [Math.min(-2, ...s.similarity), d / 2],
            xLabel: 'position q′', yLabel: 'dot product',
            marks: [{ y: dot, label: `PE(${p})·PE(${q}) = ${dot.toFixed(2)}` }],
          })}
          <div class="readout" part="readout">
            distance q − p = <span class="value">${k}</span>:
            PE(${p}) · PE(${q}) = <span class="value dot">${dot.toFixed(3)}</span>
            <span class="muted">= Σ cos(k·ωᵢ) = ${dotAtDistance(k, d, this.v.base).toFixed(3)}</span>
          </div>
          <div class="same" part="same">
            <span class="muted">Same distance k = ${k} elsewhere:</span>
            <div class="pairs">${this.sameDistance.map((x) => html`<span class="value">PE(${x.p})·PE(${x.q}) = ${x.dot.toFixed(3)}</span>`)}</div>
          </div>
        </div>
      </div>
      <div class="controls" part="controls">
        <label>p <input type="range" min="0" max=${n - 1} step="1" .value=${String(p)} aria-label="position p"
          @input=${(e: Event) => this.setPositions(Number((e.target as HTMLInputElement).value), q)} /></label>
        <span class="value">${p}</span>
        <label>q <input type="range" min="0" max=${n - 1} step="1" .value=${String(q)} aria-label="position q"
          @input=${(e: Event) => this.setPositions(p, Number((e.target as HTMLInputElement).value))} /></label>
        <span class="value">${q}</span>
        <button @click=${() => this.setPositions(p + 1, q + 1)} ?disabled=${Math.max(p, q) >= n - 1}>move both →</button>
        <button @click=${() => this.setPositions(p - 1, q - 1)} ?disabled=${Math.min(p, q) <= 0}>← move both</button>
      </div>
    `;
  }
}

function clamp(v: number, positions: number): number {
  return Math.max(0, Math.min(positions - 1, Math.round(v)));
}

function dotRows(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}
