import { css, html, nothing } from 'lit';
import { heatmap } from '../charts/heatmap.js';
import { allowedPairs, ARCHITECTURES, blocksFor, blockWeights, type AttentionBlock, type Architecture } from '../models/attention-masks.js';
import { DemoElement } from '../runtime/demo-element.js';
import { param, propertiesOf, type ParamSpec, type ParamValues } from '../runtime/params.js';

const MAX_TOKENS = 12;

/** Comma-separated tokens; none may be empty (a comma token cannot be written in this list). */
function tokenList(fallback: string[]): ParamSpec<string[]> {
  const expected = `1 to ${MAX_TOKENS} comma-separated tokens, none empty, e.g. "Was, the, bank"`;
  return {
    fallback,
    expected,
    parse(raw) {
      const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : null;
      return list && list.length >= 1 && list.length <= MAX_TOKENS && list.every((t) => t !== '') ? { ok: true, value: list } : { ok: false, expected };
    },
  };
}

const PARAMS = {
  architecture: param.oneOf(ARCHITECTURES, 'decoder-only'),
  tokens: tokenList(['Was', 'the', 'bank', 'flooded', '?']),
  continuation: tokenList(['Yes', 'it', 'was', '.']),
  target: tokenList(['[start]', 'Wurde', 'das', 'Ufer', 'überflutet', '?']),
  givenWeights: param.matrix({ fallback: null, square: true, maxSize: MAX_TOKENS, attribute: 'weights' }),
};

/** How far a row of given weights may be from summing to 1. */
const ROW_TOLERANCE = 0.02;

const LABEL: Record<Architecture, string> = { 'decoder-only': 'Decoder-only (GPT)', 'encoder-only': 'Encoder-only (BERT)', 'encoder-decoder': 'Encoder-decoder (T5)' };

interface Shown {
  key: string;
  blocks: AttentionBlock[];
  weights: number[][][];
}

/**
 * `<attention-masks>` — who may attend to whom in the three transformer
 * families. Each block is drawn as a grid: rows are the tokens looking
 * (queries), columns the tokens looked at (keys); hatched cells are masked
 * and get weight exactly 0. With `weights` (e.g. the hand-set weights of an
 * earlier slide) the rows of the input tokens are those weights with the
 * masked ones removed and the rest rescaled to sum to 1, which is what the
 * softmax does under a mask; otherwise, and for generated tokens, the weights
 * come from seeded toy vectors. "Generate" adds one output token per forward
 * pass.
 *
 * @attr architecture - "decoder-only" (default), "encoder-only" or "encoder-decoder"
 * @attr tokens - the input (source) tokens, comma-separated (default "Was, the, bank, flooded, ?")
 * @attr continuation - tokens "generate" appends in decoder-only mode (default "Yes, it, was, .")
 * @attr target - the decoder's output in encoder-decoder mode, starting token first (default "[start], Wurde, das, Ufer, überflutet, ?")
 * @attr weights - optional n×n weights over `tokens` before masking (rows ";", values ","; each row ≥ 0 summing to 1)
 * @attr seed - seed of the toy query/key vectors (default 42)
 * @prop currentArchitecture - the tab shown
 * @prop blocks - {label, queries, keys, allowed, total}[] for the blocks shown
 * @prop weights - number[][][]: the attention weights per block (masked entries 0); givenWeights - the `weights` attribute
 * @prop generated - number of tokens generated so far
 * @method generate() - one more output token (one more forward pass)
 * @method select(architecture) - switch tab
 * @fires attention-masks-change - detail {architecture, generated}
 * @csspart frame - the box; tabs - the architecture buttons; grids - the heatmaps; info - the hover readout
 */
export class AttentionMasks extends DemoElement {
  static override styles = [
    DemoElement.styles,
    css`
      .tabs { display: flex; gap: 0.4em; flex-wrap: wrap; margin-bottom: 0.3em; }
      .grids { display: grid; gap: 0.6em; align-items: start; }
      .grids.one { grid-template-columns: 600px minmax(0, 1fr); }
      .grids.three { grid-template-columns: repeat(3, minmax(0, 1fr)); }
      .block h4 { margin: 0 0 0.1em; font-size: 0.8em; font-weight: 600; }
      .block .count { font-size: 0.8em; color: var(--muted); font-variant-numeric: tabular-nums; }
      .info { font-size: 0.9em; }
      .info .see { font-weight: 700; }
    `,
  ];

  static override properties = { ...DemoElement.properties, ...propertiesOf(PARAMS), _arch: { state: true }, _generated: { state: true }, _shown: { state: true }, _hover: { state: true } };

  declare architecture: string | undefined;
  declare tokens: string | string[] | undefined;
  declare continuation: string | string[] | undefined;
  declare target: string | string[] | undefined;
  /** Attribute `weights` (the property `weights` is the computed result). */
  declare givenWeights: string | number[][] | undefined;
  declare _arch: Architecture | null;
  declare _generated: number;
  declare _shown: Shown | null;
  /** Hovered query: block index and row. */
  declare _hover: [number, number] | null;

  private p!: ParamValues<typeof PARAMS>;
  private wantedKey = '';

  constructor() {
    super();
    this._arch = null;
    this._generated = 0;
    this._shown = null;
    this._hover = null;
  }

  get currentArchitecture(): Architecture {
    return this._arch ?? this.p.architecture;
  }

  get generated(): number {
    return this._generated;
  }

  get blocks() {
    return (this._shown?.blocks ?? []).map((b) => ({ label: b.label, queries: b.queries, keys: b.keys, allowed: allowedPairs(b.mask), total: b.queries.length * b.keys.length }));
  }

  /** The given weights when they fit the tokens, else null (a message in the box says why). */
  private get given(): number[][] | null {
    const w = this.p.givenWeights;
    return w && w.length === this.p.tokens.length && w.every((r) => r.every((v) => v >= 0) && Math.abs(r.reduce((a, b) => a + b, 0) - 1) <= ROW_TOLERANCE) ? w : null;
  }

  get weights(): number[][][] {
    return this._shown?.weights ?? [];
  }

  /** How many more tokens "generate" can add in the current tab. */
  private get remaining(): number {
    const arch = this.currentArchitecture;
    if (arch === 'encoder-only') return 0;
    const pool = arch === 'decoder-only' ? this.p.continuation.length : this.p.target.length - 1;
    return Math.max(0, pool - this._generated);
  }

  private currentBlocks(): AttentionBlock[] {
    const arch = this.currentArchitecture;
    const g = this._generated;
    if (arch === 'decoder-only') return blocksFor(arch, [...this.p.tokens, ...this.p.continuation.slice(0, g)]);
    if (arch === 'encoder-only') return blocksFor(arch, this.p.tokens);
    return blocksFor(arch, this.p.tokens, this.p.target.slice(0, 1 + g));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.p = this.readParams(PARAMS);
    this.checkWeights();
    if (['architecture', 'tokens', 'continuation', 'target'].some((k) => changed.has(k))) {
      if (changed.has('architecture')) this._arch = null;
      this._generated = 0;
      this._hover = null;
    }
    const blocks = this.currentBlocks();
    const key = JSON.stringify([blocks.map((b) => [b.queries, b.keys, b.label]), this.seed, this.given]);
    if (key !== this.wantedKey) {
      this.wantedKey = key;
      this.markBusy();
      void this.guard(() => this.compute(key, blocks));
    }
  }

  private async compute(key: string, blocks: AttentionBlock[]): Promise<void> {
    await this.tf();
    const given = this.given;
    const weights = await Promise.all(blocks.map((b) => blockWeights(b, this.seed, 8, given)));
    if (key !== this.wantedKey) return;
    this._shown = { key, blocks, weights };
  }

  /** A weights matrix of the wrong size, with a negative entry or a row not summing to 1 is named in the box and ignored. */
  private checkWeights(): void {
    const w = this.p.givenWeights;
    if (!w || this.given || this._paramErrors.some((e) => e.attribute === 'weights')) return;
    const n = this.p.tokens.length;
    const expected = `${n} rows of ${n} weights ≥ 0 (one per token), each row summing to 1`;
    this._paramErrors = [...this._paramErrors, { attribute: 'weights', got: `${w.length}×${w[0]?.length ?? 0}`, expected, kind: 'error' }];
  }

  override updated(): void {
    if (this._shown && this._shown.key === this.wantedKey) this.markReady();
  }

  select(arch: Architecture): void {
    if (!ARCHITECTURES.includes(arch)) throw new Error(`select: expected one of ${ARCHITECTURES.join(', ')}, got "${arch}"`);
    this._arch = arch;
    this._generated = 0;
    this._hover = null;
    this.changed();
  }

  generate(): void {
    if (this.remaining === 0) return;
    this._generated += 1;
    this.changed();
  }

  private restart(): void {
    this._generated = 0;
    this.changed();
  }

  private changed(): void {
    this.publishState();
    this.dispatchEvent(new CustomEvent('attention-masks-change', {
      detail: { architecture: this.currentArchitecture, generated: this._generated },
      bubbles: true,
      composed: true,
    }));
  }

  override getSyncState(): unknown {
    return { architecture: this.currentArchitecture, generated: this._generated };
  }

  override applySyncState(state: unknown): void {
    const s = state as { architecture?: unknown; generated?: unknown } | null;
    if (typeof s?.architecture === 'string' && (ARCHITECTURES as readonly string[]).includes(s.architecture)) this._arch = s.architecture as Architecture;
    if (typeof s?.generated === 'number' && Number.isInteger(s.generated) && s.generated >= 0) this._generated = s.generated;
  }

  /** One block as a heatmap; rows get a fixed height so long token lists stay on the slide. */
  private renderBlock(b: AttentionBlock, w: number[][], index: number, size: number, compact: boolean) {
    const labelSize = compact ? 12 : b.keys.length > 6 ? 15 : 18;
    // Whole tokens on both axes: the heatmap slants or stands column labels that do not fit level.
    const colLabels = b.keys;
    // One grid: rows shrink as tokens are generated so up to 9 rows stay on the slide.
    const rowHeight = compact ? 34 : Math.min(54, Math.floor(360 / b.queries.length));
    const hoverRow = this._hover && this._hover[0] === index ? this._hover[1] : null;
    const masked = b.mask.map((row) => row.map((v) => v === 0));
    return html`<div class="block">
      <h4>${b.label}</h4>
      ${heatmap({
        matrix: w,
        rowLabels: b.queries,
        colLabels,
        masked,
        width: size,
        height: labelSize * 3.2 + rowHeight * b.queries.length,
        labelSize,
        domain: [0, 1],
        format: b.keys.length <= 7 ? (v) => v.toFixed(2).replace(/^0/, '') : undefined,
        selectedRow: hoverRow,
        onHover: (row) => (this._hover = [index, row]),
        onSelect: (row) => (this._hover = [index, row]),
        rowTitle: 'looking (query)',
        colTitle: 'looked at (key)',
        title: b.label,
      })}
      <div class="count">${allowedPairs(b.mask)} of ${b.queries.length * b.keys.length} pairs allowed</div>
    </div>`;
  }

  private renderInfo(blocks: AttentionBlock[]) {
    const arch = this.currentArchitecture;
    const hover = this._hover;
    const b = hover ? blocks[hover[0]] : null;
    const row = b && hover ? b.mask[hover[1]] : null;
    return html`<div class="info" part="info">
      ${b && row && hover
        ? html`<p>“${b.queries[hover[1]]}” may attend to: <span class="see">${b.keys.filter((_, j) => row[j] === 1).join(' · ')}</span>
            <span class="muted">(${row.filter((v) => v === 1).length} of ${b.keys.length})</span></p>`
        : html`<p class="muted">Hover over a row to see what that token may attend to.</p>`}
      ${this.given
        ? html`<p class="muted">Hatched = masked, weight exactly 0. Each row keeps the weights of the earlier slide that the mask allows, rescaled to sum to 1${arch === 'encoder-only' ? ' (nothing is masked here)' : ''}.${this.currentArchitecture === 'decoder-only' && this._generated ? ' Generated tokens: seeded toy vectors.' : ''}</p>`
        : html`<p class="muted">Hatched = masked, weight exactly 0. The numbers come from random toy vectors: only the pattern of zeros is the point.</p>`}
      ${arch === 'encoder-only'
        ? html`<p class="muted">An encoder reads the whole input at once and does not generate.</p>`
        : html`<p class="muted">Generate: one forward pass adds one token. Earlier rows never change: the past cannot see the future.</p>`}
    </div>`;
  }

  protected override renderDemo() {
    const shown = this._shown;
    const arch = this.currentArchitecture;
    const three = shown && shown.blocks.length === 3;
    return html`
      <div class="tabs" part="tabs" role="group" aria-label="architecture">
        ${ARCHITECTURES.map((a) => html`<button aria-pressed=${String(a === arch)} @click=${() => this.select(a)}>${LABEL[a]}</button>`)}
        <button @click=${() => this.generate()} ?disabled=${this.remaining === 0}>generate ▶</button>
        <button @click=${this.restart} ?disabled=${this._generated === 0}>restart</button>
      </div>
      ${shown
        ? html`<div class="grids ${three ? 'three' : 'one'}" part="grids" @mouseleave=${() => (this._hover = null)}>
            ${shown.blocks.map((b, i) => this.renderBlock(b, shown.weights[i], i, three ? 360 : 600, !!three))}
            ${three ? nothing : this.renderInfo(shown.blocks)}
          </div>
          ${three ? this.renderInfo(shown.blocks) : nothing}`
        : nothing}`;
  }
}
