import { css, html, svg } from 'lit';
import { palette, sequential } from '../charts/colors.js';
import {
  makeQkv, maxAbsDiff, naiveAttention, naiveHbm, sramBytes, tiledAttention, tiledHbm, type HbmBytes, type TiledResult,
} from '../models/tiled-softmax.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamValues } from '../runtime/params.js';

const PARAMS = {
  n: param.int({ fallback: 32, min: 4, max: 64 }),
  d: param.int({ fallback: 8, min: 1, max: 32 }),
  block: param.int({ fallback: 8, min: 1, max: 64 }),
  row: param.int({ fallback: 29, min: 0, max: 63 }),
  step: param.int({ fallback: 1, min: 1, max: 64 }),
};

/** Block sizes the slider offers (those ≤ N, plus the attribute's). */
const BLOCKS = [1, 2, 4, 8, 16, 32, 64];

/** Heatmap box in SVG units; the SVG is laid out at about this width. */
const HW = 380;
const HH = 392;
const GRID = 320;
const GX = 48;
const GY = 34;

const fmtBytes = (b: number) => b.toLocaleString('en-US');
const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
/** 5.96e-8 → "5.96·10⁻⁸"; 0 → "0". */
export function formatSmall(x: number): string {
  if (x === 0) return '0';
  const e = Math.floor(Math.log10(x));
  return `${(x / 10 ** e).toFixed(2)}·10${[...String(e)].map((c) => SUP[c] ?? c).join('')}`;
}

export interface TiledSoftmaxChangeDetail {
  block: number;
  row: number;
  step: number;
  blocks: number;
  maxDiff: number;
  naiveBytes: number;
  tiledBytes: number;
}

interface Computed {
  key: string;
  n: number;
  d: number;
  block: number;
  s: Float32Array;
  naiveO: Float32Array;
  tiled: TiledResult;
  maxDiff: number;
  naive: HbmBytes;
  tiledBytes: HbmBytes;
  sMin: number;
  sMax: number;
}

/**
 * `<tiled-softmax>` — FlashAttention's trick for one attention head (Dao et
 * al. 2022): the keys and values in blocks of B, and per query row a running
 * maximum m, a normaliser ℓ and an output accumulator that are rescaled by
 * e^{m_old − m_new} whenever a block raises the maximum, next to the naive
 * version that forms the whole N×N score matrix S = QKᵀ/√d.
 *
 * Left: S (seeded Q, K, V, N×d, standard normal) with the tiles processed so
 * far in colour, the tile now in fast memory (the highlighted row's query
 * block × the current key block) outlined and the highlighted row marked.
 * Right: for the highlighted row, the block's maximum, m, the rescale factor,
 * ℓ (checked against Σ e^{s−m} over the keys seen) and the output so far
 * against the naive row; the bytes each version moves to and from HBM (naive
 * 4(4Nd + 4N²), tiled 4(2Nd + 2Nd⌈N/B⌉)) and their ratio; the fast memory a
 * step needs; and max |naive − tiled| with the reason it is not 0: the same
 * terms summed in a different order in float32.
 *
 * Both versions run on the page's TensorFlow.js backend (tiny: N ≤ 64).
 * Still mode shows the attribute state (default: after key block 1 of 4).
 *
 * @attr n - queries and keys N, 4 to 64 (default 32)
 * @attr d - head dimension, 1 to 32 (default 8)
 * @attr block - block size B, 1 to 64, at most N (default 8)
 * @attr row - highlighted query row, 0 to 63, at most N − 1 (default 29: its maximum rises at key blocks 2 and 4)
 * @attr step - key blocks processed at first, 1 to ⌈N/B⌉ (default 1)
 * @attr seed - seeds Q, K, V (default 42)
 * @attr clicker-steps - clicker steps: each one processes the next key block
 * @prop currentBlock, currentRow, currentStep, blocks - the state shown
 * @prop maxDiff - max |naive − tiled| over the output; naiveBytes, tiledBytes - HBM traffic
 * @prop rowState - {m, l, rescale, lCheck, blockMax} of the highlighted row after the current block
 * @method nextBlock(), previousBlock(), allBlocks(), setBlock(b), setRow(r)
 * @fires tiled-softmax-change - detail {block, row, step, blocks, maxDiff, naiveBytes, tiledBytes} after a user change
 * @csspart scores - the S heatmap; readout - the row's m, ℓ; hbm - the byte counts; controls - sliders and buttons
 * @cssprop --demo-accent - buttons and sliders
 */
export class TiledSoftmax extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .layout { display: grid; grid-template-columns: 380px 1fr; gap: 0 1.2em; align-items: start; }
      svg.scores { display: block; width: 380px; height: auto; }
      svg.scores text { font-size: 18px; fill: currentColor; }
      .side { font-size: max(16px, 0.72em); line-height: 1.3; }
      .side p { margin: 0.15em 0 0.35em; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0.2em 0 0.3em; }
      th, td { padding: 0.02em 0.6em; text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      th { font-weight: 600; border-bottom: 2px solid var(--border); }
      tr.total td { border-top: 1px solid var(--border); font-weight: 600; }
      .why { color: var(--bad); font-weight: 600; }
      .controls input[type='range'] { width: 6em; }
      .controls button { min-height: 44px; }
    `,
  ];

  static override properties = {
    ...DemoElement.properties,
    ...propertiesOf(PARAMS),
    _block: { state: true },
    _row: { state: true },
    _step: { state: true },
  };

  declare n: string | number | undefined;
  declare d: string | number | undefined;
  declare block: string | number | undefined;
  declare row: string | number | undefined;
  declare step: string | number | undefined;
  /** User overrides; null = the attribute. */
  declare _block: number | null;
  declare _row: number | null;
  declare _step: number | null;

  private p!: ParamValues<typeof PARAMS>;
  private computed: Computed | null = null;

  constructor() {
    super();
    this._block = null;
    this._row = null;
    this._step = null;
  }

  private get params(): ParamValues<typeof PARAMS> {
    return this.p ?? this.readParams(PARAMS);
  }

  get currentBlock(): number {
    return Math.min(this._block ?? this.params.block, this.params.n);
  }

  get blocks(): number {
    return Math.ceil(this.params.n / this.currentBlock);
  }

  get currentRow(): number {
    return Math.min(this._row ?? this.params.row, this.params.n - 1);
  }

  get currentStep(): number {
    return Math.max(1, Math.min(this._step ?? this.params.step, this.blocks));
  }

  get maxDiff(): number {
    return this.computed?.maxDiff ?? NaN;
  }

  get naiveBytes(): number {
    return naiveHbm(this.params.n, this.params.d).bytes;
  }

  get tiledBytes(): number {
    return tiledHbm(this.params.n, this.params.d, this.currentBlock).bytes;
  }

  get rowState() {
    const c = this.computed;
    if (!c) return null;
    const r = this.currentRow;
    const t = this.currentStep - 1;
    const start = t * c.block;
    const end = Math.min(c.n, start + c.block);
    let blockMax = -Infinity;
    for (let j = start; j < end; j++) blockMax = Math.max(blockMax, c.s[r * c.n + j]!);
    const m = c.tiled.m[t]![r]!;
    let lCheck = 0;
    for (let j = 0; j < end; j++) lCheck += Math.exp(c.s[r * c.n + j]! - m);
    return { m, l: c.tiled.l[t]![r]!, rescale: c.tiled.rescale[t]![r]!, lCheck, blockMax, mBefore: t > 0 ? c.tiled.m[t - 1]![r]! : -Infinity, keysSeen: end };
  }

  nextBlock(): boolean {
    if (this.currentStep >= this.blocks) return false;
    this.change({ step: this.currentStep + 1 });
    return true;
  }

  previousBlock(): boolean {
    if (this.currentStep <= 1) return false;
    this.change({ step: this.currentStep - 1 });
    return true;
  }

  allBlocks(): void {
    this.change({ step: this.blocks });
  }

  setBlock(b: number): void {
    if (!Number.isInteger(b) || b < 1) return;
    this.change({ block: Math.min(b, this.params.n), step: 1 });
  }

  setRow(r: number): void {
    if (!Number.isInteger(r) || r < 0) return;
    this.change({ row: Math.min(r, this.params.n - 1) });
  }

  private change(next: { block?: number; row?: number; step?: number }): void {
    if (next.block !== undefined) this._block = next.block;
    if (next.row !== undefined) this._row = next.row;
    if (next.step !== undefined) this._step = next.step;
    this.publishState();
    this.updateComplete.then(() => {
      this.dispatchEvent(new CustomEvent<TiledSoftmaxChangeDetail>('tiled-softmax-change', {
        detail: {
          block: this.currentBlock, row: this.currentRow, step: this.currentStep, blocks: this.blocks,
          maxDiff: this.maxDiff, naiveBytes: this.naiveBytes, tiledBytes: this.tiledBytes,
        },
        bubbles: true, composed: true,
      }));
    });
  }

  protected override clickerStep(): boolean {
    return this.nextBlock();
  }

  override getSyncState(): unknown {
    return { block: this._block, row: this._row, step: this._step };
  }

  override applySyncState(state: unknown): void {
    const s = (state ?? {}) as Record<string, unknown>;
    const okInt = (v: unknown, max: number) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max);
    if (!okInt(s.block, 64) || !okInt(s.row, 63) || !okInt(s.step, 64)) return;
    this._block = s.block as number | null;
    this._row = s.row as number | null;
    this._step = s.step as number | null;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    if (changed.has('block') || changed.has('n')) this._block = null;
    if (changed.has('row') || changed.has('n')) this._row = null;
    if (changed.has('step') || changed.has('block') || changed.has('n')) this._step = null;
    const { n, d } = this.p;
    const block = this.currentBlock;
    const key = `${n}|${d}|${block}|${this.seed}`;
    if (this.computed?.key === key) return;
    this.computed = null;
    this.markBusy();
    void this.guard(async () => {
      await this.tf();
      const qkv = makeQkv(n, d, Number.isFinite(this.seed) ? this.seed : 42);
      const naive = naiveAttention(qkv);
      const tiled = tiledAttention(qkv, block);
      let sMin = Infinity;
      let sMax = -Infinity;
      for (const v of naive.s) { sMin = Math.min(sMin, v); sMax = Math.max(sMax, v); }
      this.computed = {
        key, n, d, block, s: naive.s, naiveO: naive.o, tiled, maxDiff: maxAbsDiff(naive.o, tiled.o),
        naive: naiveHbm(n, d), tiledBytes: tiledHbm(n, d, block), sMin, sMax,
      };
      this.requestUpdate();
    });
  }

  override updated(): void {
    if (this.computed && this.computed.key === `${this.params.n}|${this.params.d}|${this.currentBlock}|${this.seed}`) this.markReady();
  }

  protected override renderDemo() {
    const c = this.computed;
    if (!c) return html`<p class="muted">computing attention…</p>`;
    const rs = this.rowState!;
    const r = this.currentRow;
    const t = this.currentStep;
    const T = c.tiled.blocks;
    const ratio = c.naive.bytes / c.tiledBytes.bytes;
    const partial = c.tiled.partial[t - 1]!.subarray(r * c.d, r * c.d + Math.min(3, c.d));
    const exact = c.naiveO.subarray(r * c.d, r * c.d + Math.min(3, c.d));
    const vec = (a: Float32Array) => `(${[...a].map((x) => x.toFixed(3)).join(', ')}${c.d > 3 ? ', …' : ''})`;
    const blockOptions = BLOCKS.filter((b) => b <= c.n);
    if (!blockOptions.includes(c.block)) blockOptions.push(c.block), blockOptions.sort((a, b) => a - b);
    const moved = t > 1 && rs.m > rs.mBefore;
    return html`
      <div class="layout">
        <div part="scores">${this.renderScores(c, r, t)}</div>
        <div class="side">
          <div part="readout">
            <p><strong>Row ${r}, after key block <span class="value step">${t}</span> of <span class="value">${T}</span></strong>
              (keys 0–${rs.keysSeen - 1}): block max <span class="value">${rs.blockMax.toFixed(3)}</span>,
              m = <span class="value m">${rs.m.toFixed(3)}</span>${t > 1 ? html`
              (was ${rs.mBefore.toFixed(3)}: ${moved ? 'raised' : 'unchanged'}), rescale e<sup>m_old − m_new</sup> =
              <span class="value rescale">${rs.rescale.toFixed(3)}</span>` : ' (first block)'}.</p>
            <p>ℓ = <span class="value l">${rs.l.toFixed(4)}</span> = Σ e<sup>s − m</sup> over the ${rs.keysSeen} keys seen
              (<span class="value l-check">${rs.lCheck.toFixed(4)}</span>). Output so far ${vec(partial)}; naive ${vec(exact)}.</p>
          </div>
          <table part="hbm" class="hbm">
            <thead><tr><th>bytes to/from HBM (float32)</th><th>naive</th><th>tiled, B = ${c.block}</th></tr></thead>
            <tbody>
              <tr><td>Q, K, V reads</td><td>${fmtBytes(4 * 3 * c.n * c.d)}</td><td>${fmtBytes(c.tiledBytes.bytes - 4 * c.n * c.d)}</td></tr>
              <tr><td>S and P: N×N, written and read twice</td><td>${fmtBytes(4 * 4 * c.n * c.n)}</td><td>0</td></tr>
              <tr><td>write O</td><td>${fmtBytes(4 * c.n * c.d)}</td><td>${fmtBytes(4 * c.n * c.d)}</td></tr>
              <tr class="total"><td>total</td><td class="naive-bytes">${fmtBytes(c.naive.bytes)}</td><td class="tiled-bytes">${fmtBytes(c.tiledBytes.bytes)}</td></tr>
            </tbody>
          </table>
          <p>The naive version moves <span class="value ratio">${ratio.toFixed(1)}×</span> the bytes. Fast memory per tile step:
            <span class="value sram">${fmtBytes(sramBytes(c.d, c.block))}</span> bytes.</p>
          <p>max |naive − tiled| = <span class="value max-diff">${formatSmall(c.maxDiff)}</span>.
            <span class="why">Not bit-identical:</span> the tiled version adds the same terms in a different order
            (per block, then rescaled), and float32 addition is not associative.</p>
        </div>
      </div>
      <div class="controls" part="controls">
        <button class="prev" ?disabled=${t <= 1} @click=${() => this.previousBlock()}>◀ previous</button>
        <button class="next" ?disabled=${t >= T} @click=${() => this.nextBlock()}>next block ▶</button>
        <button class="all" ?disabled=${t >= T} @click=${() => this.allBlocks()}>all blocks</button>
        <label>block size B = <span class="value block">${c.block}</span>
          <input class="block" type="range" min="0" max=${blockOptions.length - 1} step="1" .value=${String(blockOptions.indexOf(c.block))}
            aria-label="block size B" @input=${(e: Event) => this.setBlock(blockOptions[Number((e.target as HTMLInputElement).value)]!)} /></label>
        <label>row <span class="value row">${r}</span>
          <input class="row" type="range" min="0" max=${c.n - 1} step="1" .value=${String(r)} aria-label="highlighted row"
            @input=${(e: Event) => this.setRow(Number((e.target as HTMLInputElement).value))} /></label>
      </div>`;
  }

  private renderScores(c: Computed, r: number, t: number) {
    const cell = GRID / c.n;
    const span = Math.max(1e-9, c.sMax - c.sMin);
    const qb = Math.floor(r / c.block);
    const seen = Math.min(c.n, t * c.block);
    const cells = [];
    for (let i = 0; i < c.n; i++) {
      for (let j = 0; j < c.n; j++) {
        const on = j < seen;
        cells.push(svg`<rect x=${GX + j * cell} y=${GY + i * cell} width=${cell + 0.3} height=${cell + 0.3}
          fill=${on ? sequential((c.s[i * c.n + j]! - c.sMin) / span) : 'var(--surface)'}></rect>`);
      }
    }
    const tx = GX + (t - 1) * c.block * cell;
    const ty = GY + qb * c.block * cell;
    const tw = Math.min(c.block, c.n - (t - 1) * c.block) * cell;
    const th = Math.min(c.block, c.n - qb * c.block) * cell;
    return html`<svg class="scores" viewBox="0 0 ${HW} ${HH}" role="img"
      aria-label="the score matrix S: tiles processed so far in colour, the tile in fast memory outlined">
      <text x=${GX} y="22">keys →  (S = QKᵀ/√d, ${c.n}×${c.n})</text>
      <text transform="translate(30, ${GY + GRID / 2}) rotate(-90)" text-anchor="middle">queries ↓</text>
      ${cells}
      <rect x=${GX} y=${GY} width=${GRID} height=${GRID} fill="none" stroke="currentColor" stroke-width="1"></rect>
      <rect class="row-mark" x=${GX - 6} y=${GY + r * cell} width=${GRID + 12} height=${cell} fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="4 3"></rect>
      <rect class="tile" x=${tx} y=${ty} width=${tw} height=${th} fill="none" stroke=${palette.vermillion} stroke-width="4"></rect>
      <text x=${GX} y=${GY + GRID + 26}><tspan fill=${palette.vermillion} font-weight="600">▢ tile in fast memory</tspan>  ┅ row ${r}</text>
    </svg>`;
  }
}
